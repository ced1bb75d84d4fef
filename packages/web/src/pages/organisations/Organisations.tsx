import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Card, Empty, useErrorText } from '../../components';
import { CursorPager } from '../../components/CursorPager';
import { useSession, useText } from '../../context';
import { date } from '../../format';
import { Link, navigate } from '../../router';
import '../../styles/person.css';

export interface OrganisationOut {
  id: string;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The organisations of the register (R2.2), a page at a time, searched by a name prefix or a business id. */
export function OrganisationsPage() {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const fields = session.catalogue.filter((f) => f.holder === 'organisation');
  const businessId = fields.find((f) => f.type === 'business_id');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [items, setItems] = useState<OrganisationOut[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('organisations.title')} · Lupaus`;
  }, [t]);

  const after = cursors[cursors.length - 1];
  useEffect(() => {
    let live = true;
    setItems(null);
    const params = new URLSearchParams({ limit: '25' });
    if (query) params.set('q', query);
    if (after) params.set('after', after);
    api<{ items: OrganisationOut[]; next: string | null }>('GET', `/organisations?${params}`)
      .then((r) => {
        if (!live) return;
        setItems(r.items);
        setNext(r.next);
      })
      .catch((e) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [query, after, errorText]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setCursors([undefined]);
    setQuery(q.trim());
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('organisations.title')}</h1>
          <p className="page-lead">{t('organisations.lead')}</p>
        </div>
        {session.can('persons.write') && fields.some((f) => f.id === 'name') ? (
          <Link href="/organisations/new" className="btn btn-primary">
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M12 5v14M5 12h14" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
            </svg>
            {t('organisations.new')}
          </Link>
        ) : null}
      </div>
      <Card>
        <form className="filters" onSubmit={submit} aria-label={t('organisations.search')}>
          <div className="filter grow">
            <label htmlFor={`${id}-q`}>{t('organisations.searchLabel')}</label>
            <input
              id={`${id}-q`}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              autoComplete="off"
              placeholder={t('organisations.searchPlaceholder')}
            />
          </div>
          <div className="filter-actions">
            <button type="submit" className="btn btn-primary">
              {t('organisations.searchButton')}
            </button>
            {query ? (
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setQ('');
                  setQuery('');
                  setCursors([undefined]);
                }}
              >
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
          <Empty>{query ? t('organisations.noMatches') : t('organisations.none')}</Empty>
        ) : (
          <table className="table">
            <caption className="visually-hidden">{t('organisations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('organisations.name')}</th>
                <th scope="col">{businessId ? text(businessId.label) : t('organisations.businessId')}</th>
                <th scope="col">{t('organisations.added')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id} className="clickable" onClick={() => navigate(`/organisations/${o.id}`)}>
                  <td>
                    <span className="name-cell">
                      <span className="avatar small org" aria-hidden="true">
                        {String(o.fields.name ?? '?').slice(0, 1)}
                      </span>
                      <Link href={`/organisations/${o.id}`} onClick={(e) => e.stopPropagation()}>
                        {String(o.fields.name ?? t('organisations.noName'))}
                      </Link>
                    </span>
                  </td>
                  <td className="mono">{businessId ? String(o.fields[businessId.id] ?? '—') : '—'}</td>
                  <td>{date(o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <CursorPager
          label={t('persons.pages')}
          pageText={(n) => t('persons.page', { n })}
          cursors={cursors}
          next={next}
          onChange={setCursors}
        />
      </Card>
    </div>
  );
}
