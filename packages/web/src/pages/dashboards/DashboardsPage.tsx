import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Card, Empty, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { dateTime, locale } from '../../format';
import { Link } from '../../router';
import '../../styles/requests.css';
import { BarChart, ColumnChart, StackedBars } from './charts';

interface RequestFigures {
  byType: Record<string, number>;
  today: string;
  overdue: number;
  thisWeek: number;
  later: number;
  extended: number;
}
interface Forecast {
  asOf: string;
  months: { month: string; due: number; blocked: number }[];
}
interface ConsentFigures {
  items: { channel: string; given: number; withdrawn: number; prohibited: number }[];
}
interface ImportRun {
  id: string;
  kind: string;
  fileName: string | null;
  startedAt: string;
  dryRun: boolean;
  status: 'running' | 'completed' | 'failed';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** Loads one figure when the user's role may read it: undefined while loading, null when not allowed. */
function useFigure<T>(
  permission: string,
  path: string,
): { data: T | null | undefined; error: string | null } {
  const session = useSession();
  const errorText = useErrorText();
  const allowed = session.can(permission);
  const [data, setData] = useState<T | null | undefined>(allowed ? undefined : null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!allowed) return;
    api<T>('GET', path)
      .then(setData)
      .catch((e) => {
        setError(errorText(e));
        setData(null);
      });
  }, [allowed, path, errorText]);
  return { data, error };
}

/** The dashboards (R7.1): requests by deadline, retention ahead, consents per channel, import results. */
export function DashboardsPage() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('dashboards.title')} · Lupaus`;
  }, [t]);
  return (
    <div className="page dashboards-page">
      <div className="page-header">
        <div>
          <h1>{t('dashboards.title')}</h1>
          <p className="page-lead">{t('dashboards.lead')}</p>
        </div>
      </div>
      <div className="dash-grid">
        <RequestsPanel />
        <ConsentsPanel />
        <RetentionPanel />
        <ImportsPanel />
      </div>
    </div>
  );
}

function Panel({
  title,
  desc,
  error,
  loading,
  denied,
  children,
  actions,
}: {
  title: string;
  desc: string;
  error: string | null;
  loading: boolean;
  denied: boolean;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card title={title} className="dash-panel" actions={actions}>
      <p className="muted small dash-desc">{desc}</p>
      {error ? <Alert>{error}</Alert> : null}
      {denied && !error ? <Empty>{t('dashboards.noAccess')}</Empty> : null}
      {loading ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : null}
      {!loading && !denied && !error ? children : null}
    </Card>
  );
}

/** The figures again as a table, for screen readers and for those who read numbers. */
function FigureTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string[];
  rows: (string | number)[][];
}) {
  const { t } = useTranslation();
  return (
    <details className="figure-table">
      <summary>{t('dashboards.table')}</summary>
      <table className="table compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r[0])}>
              <th scope="row">{r[0]}</th>
              {head.slice(1).map((h, i) => (
                <td key={h} className="num">
                  {r[i + 1]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function RequestsPanel() {
  const { t } = useTranslation();
  const { data, error } = useFigure<RequestFigures>('requests.manage', '/dashboards/requests');
  const title = t('dashboards.requests.title');
  const bars = data
    ? [
        { label: t('dashboards.requests.overdue'), value: data.overdue, tone: 'bad' as const },
        { label: t('dashboards.requests.week'), value: data.thisWeek, tone: 'warn' as const },
        { label: t('dashboards.requests.later'), value: data.later, tone: 'brand' as const },
      ]
    : [];
  const total = data ? data.overdue + data.thisWeek + data.later : 0;
  return (
    <Panel
      title={title}
      desc={t('dashboards.requests.desc')}
      error={error}
      loading={data === undefined}
      denied={data === null}
      actions={
        data ? (
          <Link href="/requests" className="btn btn-ghost btn-small">
            {t('dashboards.requests.open')}
          </Link>
        ) : null
      }
    >
      <p className="dash-big">
        <span className="dash-number">{total}</span>{' '}
        <span className="muted">
          {t('dashboards.requests.total')} ·{' '}
          {t('dashboards.requests.extended', { count: data?.extended ?? 0 })}
        </span>
      </p>
      <BarChart title={title} data={bars} summary={bars.map((b) => `${b.label}: ${b.value}`).join(', ')} />
      {data && Object.keys(data.byType).length > 0 ? (
        <>
          <h3 className="dash-sub">{t('dashboards.requests.byKind')}</h3>
          <ul className="kind-list">
            {Object.entries(data.byType)
              .sort((a, b) => b[1] - a[1])
              .map(([k, n]) => (
                <li key={k}>
                  <Link href={`/requests?kind=${k}`}>{t(`requestType.${k}`, { defaultValue: k })}</Link>
                  <span className="kind-count">{n}</span>
                </li>
              ))}
          </ul>
        </>
      ) : null}
      <FigureTable
        caption={title}
        head={[t('dashboards.requests.bucket'), t('dashboards.requests.count')]}
        rows={bars.map((b) => [b.label, b.value])}
      />
    </Panel>
  );
}

/** A day and month, such as 22.11. or 22 Nov, for a chart's label. */
function shortDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'short',
    timeZone: 'Europe/Helsinki',
  }).format(new Date(iso));
}

function monthName(month: string, lang: string): string {
  const d = new Date(`${month}-15T12:00:00Z`);
  return new Intl.DateTimeFormat(locale(lang), {
    month: 'short',
    year: '2-digit',
  }).format(d);
}

function RetentionPanel() {
  const { t, i18n } = useTranslation();
  const { data, error } = useFigure<Forecast>('retention.manage', '/dashboards/retention?months=6');
  const title = t('dashboards.retention.title');
  const months = data?.months ?? [];
  const series = [
    { label: t('dashboards.retention.due'), tone: 'brand' as const },
    { label: t('dashboards.retention.blocked'), tone: 'warn' as const },
  ];
  const summary = months
    .map((m) => `${monthName(m.month, i18n.language)}: ${m.due} / ${m.blocked}`)
    .join(', ');
  return (
    <Panel
      title={title}
      desc={t('dashboards.retention.desc')}
      error={error}
      loading={data === undefined}
      denied={data === null}
    >
      <ColumnChart
        title={title}
        summary={`${series.map((s) => s.label).join(' / ')} — ${summary}`}
        columns={months.map((m) => ({
          label: monthName(m.month, i18n.language),
          values: [m.due, m.blocked],
        }))}
        series={series}
      />
      <p className="muted small">{t('dashboards.retention.note')}</p>
      <FigureTable
        caption={title}
        head={[
          t('dashboards.retention.month'),
          t('dashboards.retention.due'),
          t('dashboards.retention.blocked'),
        ]}
        rows={months.map((m) => [monthName(m.month, i18n.language), m.due, m.blocked])}
      />
    </Panel>
  );
}

function ConsentsPanel() {
  const { t } = useTranslation();
  const text = useText();
  const session = useSession();
  const { data, error } = useFigure<ConsentFigures>('consents.read', '/dashboards/consents');
  const title = t('dashboards.consents.title');
  const channelName = (id: string) => {
    const c = session.register?.marketing.channels.find((x) => x.id === id);
    return c ? text(c.name) : id;
  };
  const items = data?.items ?? [];
  const series = [
    { label: t('dashboards.consents.given'), tone: 'good' as const },
    { label: t('dashboards.consents.withdrawn'), tone: 'muted' as const },
    { label: t('dashboards.consents.prohibited'), tone: 'bad' as const },
  ];
  const rows = items.map((c) => ({
    label: channelName(c.channel),
    values: [c.given, c.withdrawn, c.prohibited],
  }));
  const any = items.some((c) => c.given + c.withdrawn + c.prohibited > 0);
  return (
    <Panel
      title={title}
      desc={t('dashboards.consents.desc')}
      error={error}
      loading={data === undefined}
      denied={data === null}
    >
      {!any ? <Empty>{t('dashboards.consents.none')}</Empty> : null}
      <StackedBars
        title={title}
        summary={rows
          .map((r) => `${r.label}: ${series.map((s, i) => `${s.label} ${r.values[i]}`).join(', ')}`)
          .join('; ')}
        rows={rows}
        series={series}
      />
      <FigureTable
        caption={title}
        head={[t('dashboards.consents.channel'), ...series.map((s) => s.label)]}
        rows={rows.map((r) => [r.label, ...r.values])}
      />
    </Panel>
  );
}

function ImportsPanel() {
  const { t } = useTranslation();
  const { data, error } = useFigure<{ items: ImportRun[] }>('persons.read', '/imports?limit=8');
  const title = t('dashboards.imports.title');
  const runs = data?.items ?? [];
  const series = [
    { label: t('dashboards.imports.created'), tone: 'good' as const },
    { label: t('dashboards.imports.updated'), tone: 'info' as const },
    { label: t('dashboards.imports.unchanged'), tone: 'muted' as const },
    { label: t('dashboards.imports.rejected'), tone: 'bad' as const },
  ];
  const label = (r: ImportRun) => `${t(`dashboards.imports.kinds.${r.kind}`, { defaultValue: r.kind })}`;
  return (
    <Panel
      title={title}
      desc={t('dashboards.imports.desc')}
      error={error}
      loading={data === undefined}
      denied={data === null}
    >
      {runs.length === 0 ? (
        <Empty>{t('dashboards.imports.none')}</Empty>
      ) : (
        <>
          <StackedBars
            title={title}
            summary={runs
              .map(
                (r) =>
                  `${label(r)} ${dateTime(r.startedAt)}: ${series
                    .map((s, i) => `${s.label} ${[r.created, r.updated, r.unchanged, r.rejected][i]}`)
                    .join(', ')}`,
              )
              .join('; ')}
            rows={runs.map((r) => ({
              label: `${label(r)} ${shortDate(r.startedAt)}`,
              values: [r.created, r.updated, r.unchanged, r.rejected],
            }))}
            series={series}
          />
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
          <section className="table-scroll" tabIndex={0} aria-label={title}>
            <table className="table compact imports-table">
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboards.imports.kind')}</th>
                  <th scope="col" className="num">
                    {t('dashboards.imports.created')}
                  </th>
                  <th scope="col" className="num">
                    {t('dashboards.imports.updated')}
                  </th>
                  <th scope="col" className="num">
                    {t('dashboards.imports.unchanged')}
                  </th>
                  <th scope="col" className="num">
                    {t('dashboards.imports.rejected')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <th scope="row" className="import-cell">
                      {label(r)}
                      {r.fileName ? <span className="muted small"> · {r.fileName}</span> : null}
                      <span className="muted small block">
                        {dateTime(r.startedAt)} · {t(`dashboards.imports.statuses.${r.status}`)}
                        {r.dryRun ? ` · ${t('dashboards.imports.dryRun')}` : ''}
                      </span>
                    </th>
                    <td className="num">{r.created}</td>
                    <td className="num">{r.updated}</td>
                    <td className="num">{r.unchanged}</td>
                    <td className={`num${r.rejected > 0 ? ' danger' : ''}`}>{r.rejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </Panel>
  );
}
