import { type FormEvent, Fragment, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../../components';
import { CursorPager } from '../../components/CursorPager';
import { useSession } from '../../context';
import { dateTime } from '../../format';
import { Link } from '../../router';
import type { AuditEntry, VerifyOut } from './shared';

const PAGE = 50;
const ACTIONS = [
  'read',
  'reveal',
  'reveal-denied',
  'create',
  'update',
  'delete',
  'export',
  'erase',
  'sign-in',
];
type Filters = { personId: string; userId: string; action: string; from: string; to: string };
const NONE: Filters = { personId: '', userId: '', action: '', from: '', to: '' };

/** The audit viewer (R6.4): search by person, user, action and time, a page at a time; the chain's check. */
export function AuditPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const [filters, setFilters] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [names, setNames] = useState<Record<string, string>>(session.userNames);

  useEffect(() => {
    document.title = `${t('admin.audit.title')} · Lupaus`;
  }, [t]);
  useEffect(() => {
    if (session.can('users.manage')) {
      api<{ items: { id: string; displayName: string }[] }>('GET', '/admin/users')
        .then((r) => setNames(Object.fromEntries(r.items.map((u) => [u.id, u.displayName]))))
        .catch(() => undefined);
    }
  }, [session]);

  const cursor = cursors[cursors.length - 1];
  const load = useCallback(async () => {
    setError(null);
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (applied.personId.trim()) q.set('personId', applied.personId.trim());
    if (applied.userId.trim()) {
      const typed = applied.userId.trim();
      const byName = Object.entries(names).find(([, n]) => n.toLowerCase() === typed.toLowerCase());
      q.set('userId', byName ? byName[0] : typed);
    }
    if (applied.action.trim()) q.set('action', applied.action.trim());
    if (applied.from) q.set('from', applied.from);
    if (applied.to) q.set('to', applied.to);
    if (cursor) q.set('after', cursor);
    try {
      const r = await api<{ items: AuditEntry[]; next: string | null }>('GET', `/audit?${q}`);
      setItems(r.items);
      setNext(r.next);
    } catch (e) {
      setError(errorText(e));
      setItems([]);
      setNext(null);
    }
  }, [applied, cursor, names, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCursors([undefined]);
    setApplied(filters);
  };
  const showRow = (rowId: string) => {
    setFilters(NONE);
    setApplied(NONE);
    setCursors([undefined, String(BigInt(rowId) + 1n)]);
    setOpen(rowId);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters({ ...filters, [k]: e.target.value });
  const filtered = Object.values(applied).some((v) => v.trim() !== '');
  const who = (actor: string) => names[actor] ?? (actor === 'system' ? t('admin.audit.system') : actor);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.audit.title')}</h1>
          <p className="page-lead">{t('admin.audit.lead')}</p>
        </div>
      </div>

      <ChainStatus onShowRow={showRow} />

      <Card>
        <form className="filters audit-filters" onSubmit={submit} aria-label={t('admin.audit.filters')}>
          <div className="filter">
            <label htmlFor={`${id}-person`}>{t('admin.audit.person')}</label>
            <input
              id={`${id}-person`}
              value={filters.personId}
              onChange={set('personId')}
              placeholder={t('admin.audit.personHint')}
              autoComplete="off"
              className="mono-input"
            />
          </div>
          <div className="filter">
            <label htmlFor={`${id}-user`}>{t('admin.audit.user')}</label>
            <input
              id={`${id}-user`}
              value={filters.userId}
              onChange={set('userId')}
              list={`${id}-users`}
              autoComplete="off"
            />
            <datalist id={`${id}-users`}>
              {Object.values(names).map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </div>
          <div className="filter">
            <label htmlFor={`${id}-action`}>{t('admin.audit.action')}</label>
            <input
              id={`${id}-action`}
              value={filters.action}
              onChange={set('action')}
              list={`${id}-actions`}
              autoComplete="off"
            />
            <datalist id={`${id}-actions`}>
              {ACTIONS.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </div>
          <div className="filter">
            <label htmlFor={`${id}-from`}>{t('admin.audit.from')}</label>
            <input id={`${id}-from`} type="date" value={filters.from} onChange={set('from')} />
          </div>
          <div className="filter">
            <label htmlFor={`${id}-to`}>{t('admin.audit.to')}</label>
            <input id={`${id}-to`} type="date" value={filters.to} onChange={set('to')} />
          </div>
          <div className="filter-actions">
            <button type="submit" className="btn btn-primary">
              {t('admin.audit.search')}
            </button>
            {filtered ? (
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setFilters(NONE);
                  setApplied(NONE);
                  setCursors([undefined]);
                }}
              >
                {t('admin.audit.clear')}
              </button>
            ) : null}
          </div>
        </form>
      </Card>

      {error ? <Alert>{error}</Alert> : null}

      <Card className="table-card" title={t('admin.audit.rows')}>
        {items === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : items.length === 0 ? (
          <Empty>{t('admin.audit.none')}</Empty>
        ) : (
          <table className="table admin-table audit-table">
            <caption className="visually-hidden">{t('admin.audit.rows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.row')}</th>
                <th scope="col">{t('admin.audit.time')}</th>
                <th scope="col">{t('admin.audit.user')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.target')}</th>
                <th scope="col">{t('admin.audit.purpose')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.audit.details')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <Fragment key={r.id}>
                  <tr className={open === r.id ? 'selected' : undefined} data-row={r.id}>
                    <td className="mono small">{r.id}</td>
                    <td className="small nowrap">{dateTime(r.at)}</td>
                    <td>{who(r.actor)}</td>
                    <td>
                      <Badge tone={actionTone(r.action)}>{r.action}</Badge>
                    </td>
                    <td className="small">
                      <span>{r.entityType}</span>
                      {r.personId ? (
                        <>
                          {' · '}
                          {session.can('persons.read') ? (
                            <Link href={`/persons/${r.personId}`} className="mono">
                              {r.personId.slice(0, 8)}…
                            </Link>
                          ) : (
                            <span className="mono">{r.personId.slice(0, 8)}…</span>
                          )}
                        </>
                      ) : null}
                    </td>
                    <td className="small">{r.purpose}</td>
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        aria-expanded={open === r.id}
                        aria-controls={`${id}-d-${r.id}`}
                        onClick={() => setOpen(open === r.id ? null : r.id)}
                      >
                        {open === r.id ? t('admin.audit.hide') : t('admin.audit.show')}
                        <span className="visually-hidden"> {t('admin.audit.rowN', { id: r.id })}</span>
                      </button>
                    </td>
                  </tr>
                  {open === r.id ? (
                    <tr className="detail-row" id={`${id}-d-${r.id}`}>
                      <td colSpan={7}>
                        <dl className="audit-detail">
                          <div>
                            <dt>{t('admin.audit.actorId')}</dt>
                            <dd className="mono">{r.actor}</dd>
                          </div>
                          <div>
                            <dt>{t('admin.audit.entity')}</dt>
                            <dd className="mono">
                              {r.entityType} {r.entityId ?? ''}
                            </dd>
                          </div>
                          <div>
                            <dt>{t('admin.audit.personId')}</dt>
                            <dd className="mono">{r.personId ?? '—'}</dd>
                          </div>
                          <div>
                            <dt>{t('admin.audit.at')}</dt>
                            <dd className="mono">{r.at}</dd>
                          </div>
                        </dl>
                        <pre className="audit-json">{JSON.stringify(r.details, null, 2)}</pre>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
        <CursorPager
          label={t('admin.audit.pages')}
          pageText={(n) => t('admin.audit.page', { n })}
          cursors={cursors}
          next={next}
          onChange={setCursors}
        />
      </Card>
    </div>
  );
}

function actionTone(action: string): 'neutral' | 'good' | 'warn' | 'bad' | 'info' {
  if (action.includes('denied') || action.includes('delete') || action.includes('erase')) return 'bad';
  if (action.startsWith('reveal')) return 'warn';
  if (action === 'read') return 'neutral';
  return 'info';
}

/** The check of the hash chain: intact up to row N, or each row where it breaks and how. */
function ChainStatus({ onShowRow }: { onShowRow: (id: string) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [result, setResult] = useState<{ verify: VerifyOut; last: string | null; at: Date } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const verify = await api<VerifyOut>('POST', '/audit/verify');
      const head = await api<{ items: AuditEntry[] }>('GET', '/audit?limit=1');
      setResult({ verify, last: head.items[0]?.id ?? null, at: new Date() });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }, [errorText]);

  useEffect(() => {
    void run();
  }, [run]);

  const v = result?.verify;
  const first = v?.problems[0];
  return (
    <section
      className={`card chain-card${v ? (v.ok ? ' chain-ok' : ' chain-broken') : ''}`}
      aria-labelledby="chain-title"
    >
      <div className="card-body chain-body">
        <div className="chain-icon" aria-hidden="true">
          {v ? (v.ok ? '✓' : '!') : '…'}
        </div>
        <div className="chain-text">
          <h2 id="chain-title">{t('admin.audit.chain')}</h2>
          <div role="status" aria-live="polite" data-testid="chain-status">
            {error ? (
              <span className="danger">{error}</span>
            ) : !v ? (
              <span className="muted">{t('admin.audit.verifying')}</span>
            ) : v.ok ? (
              <p className="chain-line">
                <strong>{t('admin.audit.intact', { n: result?.last ?? v.rows })}</strong>{' '}
                <span className="muted">
                  {t('admin.audit.checked', { rows: v.rows, time: dateTime(result?.at.toISOString()) })}
                </span>
              </p>
            ) : (
              <>
                <p className="chain-line">
                  <strong>
                    {first?.id
                      ? t('admin.audit.brokenAt', {
                          id: first.id,
                          kind: t(`admin.audit.kinds.${first.kind}`, { defaultValue: first.kind }),
                        })
                      : t('admin.audit.broken')}
                  </strong>{' '}
                  <span className="muted">{t('admin.audit.problemCount', { n: v.problems.length })}</span>
                </p>
                <ul className="chain-problems">
                  {v.problems.slice(0, 8).map((p) => (
                    <li key={`${p.id}-${p.kind}`}>
                      <Badge tone="bad">{t(`admin.audit.kinds.${p.kind}`, { defaultValue: p.kind })}</Badge>{' '}
                      {p.id ? (
                        <button type="button" className="btn-link" onClick={() => onShowRow(p.id!)}>
                          {t('admin.audit.rowN', { id: p.id })}
                        </button>
                      ) : null}{' '}
                      <span className="muted small">{p.message}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
          {v?.head ? (
            <p className="muted small chain-head">
              {t('admin.audit.head')} <code className="mono">{v.head}</code>
            </p>
          ) : null}
        </div>
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void run()}>
          {busy ? t('admin.audit.verifying') : t('admin.audit.verify')}
        </button>
      </div>
    </section>
  );
}
