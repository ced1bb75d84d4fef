import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type PersonSummary } from '../api';
import { Alert, Card, Empty, useErrorText } from '../components';
import { CursorPager } from '../components/CursorPager';
import { useSession } from '../context';
import { initials } from '../format';
import { Link, navigate } from '../router';

const PAGE = 25;
type Filters = { q: string; email: string; phone: string; customerNumber: string };
const NONE: Filters = { q: '', email: '', phone: '', customerNumber: '' };

/** Persons: a page at a time, or those matching the filters (R2.7). */
export function PersonsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const [filters, setFilters] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [items, setItems] = useState<PersonSummary[] | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('persons.title')} · Lupaus`;
  }, [t]);

  const filtered = Object.values(applied).some((v) => v.trim() !== '');
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setError(null);
    try {
      if (filtered) {
        const body: Record<string, unknown> = { limit: 100 };
        for (const [k, v] of Object.entries(applied)) if (v.trim() !== '') body[k] = v.trim();
        const r = await api<{ items: PersonSummary[] }>('POST', '/persons/search', body);
        setItems(r.items);
        setNext(null);
      } else {
        const r = await api<{ items: PersonSummary[]; next: string | null }>(
          'GET',
          `/persons?limit=${PAGE}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
        );
        setItems(r.items);
        setNext(r.items.length === PAGE ? r.next : null);
      }
    } catch (e) {
      setError(errorText(e));
      setItems([]);
    }
  }, [applied, cursor, filtered, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCursors([undefined]);
    setApplied(filters);
  };
  const clear = () => {
    setFilters(NONE);
    setApplied(NONE);
    setCursors([undefined]);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters({ ...filters, [k]: e.target.value });

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('persons.title')}</h1>
          <p className="page-lead">{t('persons.lead')}</p>
        </div>
        {session.can('persons.write') ? (
          <Link href="/persons/new" className="btn btn-primary">
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M12 5v14M5 12h14" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
            </svg>
            {t('persons.new')}
          </Link>
        ) : null}
      </div>

      <Card>
        <form className="filters" onSubmit={submit} aria-label={t('persons.filters')}>
          <div className="filter">
            <label htmlFor={`${id}-q`}>{t('persons.filterName')}</label>
            <input id={`${id}-q`} value={filters.q} onChange={set('q')} autoComplete="off" />
          </div>
          <div className="filter">
            <label htmlFor={`${id}-email`}>{t('persons.filterEmail')}</label>
            <input id={`${id}-email`} value={filters.email} onChange={set('email')} autoComplete="off" />
          </div>
          <div className="filter">
            <label htmlFor={`${id}-phone`}>{t('persons.filterPhone')}</label>
            <input id={`${id}-phone`} value={filters.phone} onChange={set('phone')} autoComplete="off" />
          </div>
          <div className="filter">
            <label htmlFor={`${id}-cn`}>{t('persons.filterCustomerNumber')}</label>
            <input
              id={`${id}-cn`}
              value={filters.customerNumber}
              onChange={set('customerNumber')}
              autoComplete="off"
            />
          </div>
          <div className="filter-actions">
            <button type="submit" className="btn btn-primary">
              {t('persons.apply')}
            </button>
            {filtered ? (
              <button type="button" className="btn btn-ghost" onClick={clear}>
                {t('persons.clear')}
              </button>
            ) : null}
          </div>
        </form>
      </Card>

      {error ? <Alert>{error}</Alert> : null}

      <Card className="table-card">
        {items === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : items.length === 0 ? (
          <Empty>{filtered ? t('persons.noMatches') : t('persons.none')}</Empty>
        ) : (
          <table className="table">
            <caption className="visually-hidden">{t('persons.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('persons.name')}</th>
                <th scope="col">{t('persons.customerNumber')}</th>
                <th scope="col">{t('persons.email')}</th>
                <th scope="col">{t('persons.phone')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} className="clickable" onClick={() => navigate(`/persons/${p.id}`)}>
                  <td>
                    <span className="name-cell">
                      <span className="avatar small" aria-hidden="true">
                        {initials(p.firstName, p.lastName)}
                      </span>
                      <Link href={`/persons/${p.id}`} onClick={(e) => e.stopPropagation()}>
                        {[p.firstName, p.lastName].filter(Boolean).join(' ') || t('persons.noName')}
                      </Link>
                    </span>
                  </td>
                  <td className="mono">{p.customerNumber ?? '—'}</td>
                  <td>{p.email ?? '—'}</td>
                  <td className="mono">{p.phone ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!filtered ? (
          <CursorPager
            label={t('persons.pages')}
            pageText={(n) => t('persons.page', { n })}
            cursors={cursors}
            next={next}
            onChange={setCursors}
          />
        ) : null}
      </Card>
    </div>
  );
}
