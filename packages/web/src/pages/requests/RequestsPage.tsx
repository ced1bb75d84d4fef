import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Card, Empty, useErrorText } from '../../components';
import { CursorPager } from '../../components/CursorPager';
import { date } from '../../format';
import { Link, navigate } from '../../router';
import '../../styles/requests.css';
import { DaysLeft, REQUEST_STATES, REQUEST_TYPES, type Request, StateBadge } from './shared';

const PAGE = 50;
type Figures = { overdue: number; thisWeek: number; later: number; extended: number };
/** A request in the queue: the API names its subject as the user's roles may read the name (audited). */
type QueueItem = Request & { subject: { firstName: string | null; lastName: string | null } | null };

/** The subject's name as the API gave it, or a dash when the user may not read it. */
function subjectName(r: QueueItem): string {
  return [r.subject?.firstName, r.subject?.lastName].filter(Boolean).join(' ') || '—';
}

/** The queue of the data subject's requests (R4.1, R7.1), earliest deadline first, with filters. */
export function RequestsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  // The filters may come in the address (`/requests?kind=access&overdue=true`), as the dashboards link them.
  const [initial] = useState(() => new URLSearchParams(window.location.search));
  const [state, setState] = useState<string>(initial.get('state') ?? 'open');
  const [kind, setKind] = useState<string>(initial.get('kind') ?? '');
  const [overdue, setOverdue] = useState(initial.get('overdue') === 'true');
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    document.title = `${t('requests.title')} · Lupaus`;
  }, [t]);

  useEffect(() => {
    api<Figures>('GET', '/dashboards/requests')
      .then(setFigures)
      .catch(() => setFigures(null));
  }, []);

  const load = useCallback(async () => {
    setError(null);
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (state === 'open') q.set('open', 'true');
    else if (state !== '') q.set('state', state);
    if (kind !== '') q.set('type', kind);
    if (overdue) q.set('overdue', 'true');
    if (cursor) q.set('after', cursor);
    try {
      const r = await api<{ items: QueueItem[]; next: string | null }>('GET', `/requests?${q}`);
      setItems(r.items);
      setNext(r.next);
    } catch (e) {
      setError(errorText(e));
      setItems([]);
    }
  }, [state, kind, overdue, cursor, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const reset = () => setCursors([undefined]);

  return (
    <div className="page requests-page">
      <div className="page-header">
        <div>
          <h1>{t('requests.title')}</h1>
          <p className="page-lead">{t('requests.lead')}</p>
        </div>
        <Link href="/dashboards" className="btn btn-secondary">
          {t('requests.dashboards')}
        </Link>
      </div>

      {figures ? (
        <ul className="stat-row" aria-label={t('requests.summary.open')}>
          <li className="stat">
            <span className="stat-value">{figures.overdue + figures.thisWeek + figures.later}</span>
            <span className="stat-label">{t('requests.summary.open')}</span>
          </li>
          <li className={`stat${figures.overdue > 0 ? ' stat-bad' : ''}`}>
            <span className="stat-value">{figures.overdue}</span>
            <span className="stat-label">{t('requests.summary.overdue')}</span>
          </li>
          <li className={`stat${figures.thisWeek > 0 ? ' stat-warn' : ''}`}>
            <span className="stat-value">{figures.thisWeek}</span>
            <span className="stat-label">{t('requests.summary.week')}</span>
          </li>
          <li className="stat">
            <span className="stat-value">{figures.extended}</span>
            <span className="stat-label">{t('requests.summary.extended')}</span>
          </li>
        </ul>
      ) : null}

      <Card>
        <form
          className="filters request-filters"
          aria-label={t('requests.filter.label')}
          onSubmit={(e) => e.preventDefault()}
        >
          <div className="filter">
            <label htmlFor={`${id}-state`}>{t('requests.filter.state')}</label>
            <select
              id={`${id}-state`}
              value={state}
              onChange={(e) => {
                setState(e.target.value);
                reset();
              }}
            >
              <option value="open">{t('requests.filter.openOnly')}</option>
              <option value="">{t('requests.filter.all')}</option>
              {REQUEST_STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`requests.state.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter">
            <label htmlFor={`${id}-kind`}>{t('requests.filter.kind')}</label>
            <select
              id={`${id}-kind`}
              value={kind}
              onChange={(e) => {
                setKind(e.target.value);
                reset();
              }}
            >
              <option value="">{t('requests.filter.all')}</option>
              {REQUEST_TYPES.map((k) => (
                <option key={k} value={k}>
                  {t(`requestType.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <label className="check filter-check" htmlFor={`${id}-overdue`}>
            <input
              id={`${id}-overdue`}
              type="checkbox"
              checked={overdue}
              onChange={(e) => {
                setOverdue(e.target.checked);
                reset();
              }}
            />
            {t('requests.filter.overdue')}
          </label>
        </form>
      </Card>

      {error ? <Alert>{error}</Alert> : null}

      <Card className="table-card">
        {items === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : items.length === 0 ? (
          <Empty>{t('requests.queue.none')}</Empty>
        ) : (
          <table className="table request-table">
            <caption className="visually-hidden">{t('requests.queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('requests.queue.kind')}</th>
                <th scope="col">{t('requests.queue.person')}</th>
                <th scope="col">{t('requests.queue.received')}</th>
                <th scope="col">{t('requests.queue.deadline')}</th>
                <th scope="col">{t('requests.queue.daysLeft')}</th>
                <th scope="col">{t('requests.queue.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr
                  key={r.id}
                  className={`clickable${r.overdue ? ' row-overdue' : ''}`}
                  onClick={() => navigate(`/requests/${r.id}`)}
                >
                  <td>
                    <Link
                      href={`/requests/${r.id}`}
                      onClick={(e) => e.stopPropagation()}
                      className="strong-link"
                    >
                      {t(`requestType.${r.type}`, { defaultValue: r.type })}
                    </Link>
                    {r.receivedVia === 'written' ? (
                      <span className="muted small"> · {t('requests.detail.via.written')}</span>
                    ) : null}
                  </td>
                  <td>
                    {r.personId ? (
                      <Link href={`/persons/${r.personId}`} onClick={(e) => e.stopPropagation()}>
                        {subjectName(r)}
                      </Link>
                    ) : (
                      <span className="muted">{t('requests.queue.erased')}</span>
                    )}
                  </td>
                  <td className="nowrap">{date(r.receivedOn)}</td>
                  <td>
                    {/* Only the date stays on one line: the first due date below may wrap (longer in Swedish). */}
                    <span className="nowrap">{date(r.deadline)}</span>
                    {r.extendedTo ? (
                      <span className="muted small block">
                        {t('requests.detail.dueOn')}: {date(r.dueOn)}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <DaysLeft r={r} />
                  </td>
                  <td>
                    <StateBadge r={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <CursorPager
          label={t('requests.queue.pages')}
          pageText={(n) => t('requests.queue.page', { n })}
          cursors={cursors}
          next={next}
          onChange={setCursors}
        />
      </Card>
    </div>
  );
}
