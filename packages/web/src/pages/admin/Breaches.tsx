import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type PersonSummary } from '../../api';
import { Alert, Badge, Card, Empty, Field, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { dateTime } from '../../format';
import { Link, navigate } from '../../router';
import { type Breach, instantOf, problemsByField } from './shared';
import { useDefinition } from './useDefinition';

/** The 72-hour clock of a breach (art. 33): hours left, overdue, notified or not required. */
export function BreachClock({ breach, large }: { breach: Breach; large?: boolean }) {
  const { t } = useTranslation();
  const cls = large ? 'clock clock-large' : 'clock';
  if (breach.authorityNotifiedAt) {
    return (
      <span className={`${cls} clock-done`}>
        <Badge tone="good">{t('admin.breaches.notified')}</Badge>
        {large ? <span className="muted small">{dateTime(breach.authorityNotifiedAt)}</span> : null}
      </span>
    );
  }
  if (!breach.authorityNotificationRequired) {
    return (
      <span className={cls}>
        <Badge tone="neutral">{t('admin.breaches.notRequired')}</Badge>
      </span>
    );
  }
  const h = breach.hoursLeft ?? 0;
  if (breach.overdue || h < 0) {
    return (
      <span className={`${cls} clock-overdue`} data-testid="breach-clock">
        <Badge tone="bad">{t('admin.breaches.overdue', { hours: Math.ceil(Math.abs(h)) })}</Badge>
      </span>
    );
  }
  return (
    <span className={`${cls}${h < 24 ? ' clock-soon' : ''}`} data-testid="breach-clock">
      <Badge tone={h < 24 ? 'warn' : 'info'}>{t('admin.breaches.hoursLeft', { hours: Math.floor(h) })}</Badge>
      {large ? (
        <span className="muted small">
          {t('admin.breaches.deadline', { time: dateTime(breach.authorityDeadline) })}
        </span>
      ) : null}
    </span>
  );
}

const RISK_TONE = { unlikely: 'neutral', risk: 'warn', high: 'bad' } as const;

/** Breaches (art. 33–34): the list with each one's 72-hour clock, and recording a new one. */
export function BreachesPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [items, setItems] = useState<Breach[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [recording, setRecording] = useState(false);
  const [onlyOpen, setOnlyOpen] = useState(false);

  useEffect(() => {
    document.title = `${t('admin.breaches.title')} · Lupaus`;
  }, [t]);
  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Breach[] }>('GET', `/breaches?limit=100${onlyOpen ? '&open=true' : ''}`);
      setItems(r.items);
    } catch (e) {
      setError(errorText(e));
      setItems([]);
    }
  }, [onlyOpen, errorText]);
  useEffect(() => {
    void load();
  }, [load]);

  const open = items?.filter((b) => !b.closedAt) ?? [];
  const overdue = items?.filter((b) => b.overdue) ?? [];
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.breaches.title')}</h1>
          <p className="page-lead">{t('admin.breaches.lead')}</p>
        </div>
        {!recording ? (
          <button type="button" className="btn btn-primary" onClick={() => setRecording(true)}>
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M12 5v14M5 12h14" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
            </svg>
            {t('admin.breaches.record')}
          </button>
        ) : null}
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {recording ? (
        <RecordBreach
          onCancel={() => setRecording(false)}
          onRecorded={(b) => {
            setRecording(false);
            navigate(`/admin/breaches/${b.id}`);
          }}
        />
      ) : null}

      {items ? (
        <div className="stat-row">
          <div className="stat">
            <div className="stat-label">{t('admin.breaches.open')}</div>
            <div className="stat-value">{open.length}</div>
          </div>
          <div className={`stat${overdue.length > 0 ? ' stat-bad' : ' stat-good'}`}>
            <div className="stat-label">{t('admin.breaches.overdueCount')}</div>
            <div className="stat-value">{overdue.length}</div>
          </div>
          <div className="stat">
            <div className="stat-label">{t('admin.breaches.total')}</div>
            <div className="stat-value">{items.length}</div>
          </div>
        </div>
      ) : null}

      <Card
        className="table-card"
        title={t('admin.breaches.list')}
        actions={
          <label className="check inline-check">
            <input type="checkbox" checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} />
            {t('admin.breaches.onlyOpen')}
          </label>
        }
      >
        {items === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : items.length === 0 ? (
          <Empty>{t('admin.breaches.none')}</Empty>
        ) : (
          <table className="table admin-table">
            <caption className="visually-hidden">{t('admin.breaches.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.breaches.breach')}</th>
                <th scope="col">{t('admin.breaches.discovered')}</th>
                <th scope="col">{t('admin.breaches.risk')}</th>
                <th scope="col">{t('admin.breaches.authority')}</th>
                <th scope="col">{t('admin.breaches.persons')}</th>
                <th scope="col">{t('admin.breaches.state')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <tr key={b.id} className="clickable" onClick={() => navigate(`/admin/breaches/${b.id}`)}>
                  <td>
                    <Link
                      href={`/admin/breaches/${b.id}`}
                      onClick={(e) => e.stopPropagation()}
                      className="admin-strong"
                    >
                      {b.title}
                    </Link>
                  </td>
                  <td className="small nowrap">{dateTime(b.discoveredAt)}</td>
                  <td>
                    <Badge tone={RISK_TONE[b.risk]}>{t(`admin.breaches.risks.${b.risk}`)}</Badge>
                  </td>
                  <td>
                    <BreachClock breach={b} />
                  </td>
                  <td>{b.persons.total}</td>
                  <td>
                    {b.closedAt ? (
                      <Badge tone="neutral">{t('admin.breaches.closed')}</Badge>
                    ) : (
                      <Badge tone="info">{t('admin.breaches.openState')}</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function RecordBreach({ onCancel, onRecorded }: { onCancel: () => void; onRecorded: (b: Breach) => void }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const { def } = useDefinition();
  const id = useId();
  const [f, setF] = useState({
    title: '',
    description: '',
    occurredAt: '',
    discoveredAt: '',
    consequences: '',
    measures: '',
    risk: 'risk',
  });
  const [categories, setCategories] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const body: Record<string, unknown> = {
        title: f.title.trim(),
        description: f.description.trim(),
        categories,
        risk: f.risk,
      };
      const occurred = instantOf(f.occurredAt);
      const discovered = instantOf(f.discoveredAt);
      if (occurred) body.occurredAt = occurred;
      if (discovered) body.discoveredAt = discovered;
      if (f.consequences.trim()) body.consequences = f.consequences.trim();
      if (f.measures.trim()) body.measures = f.measures.trim();
      onRecorded(await api<Breach>('POST', '/breaches', body));
    } catch (err) {
      setError(errorText(err));
      setFields(problemsByField(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('admin.breaches.recordTitle')}>
      <form onSubmit={submit} noValidate>
        <p className="muted admin-form-lead">{t('admin.breaches.recordLead')}</p>
        {error ? <Alert>{error}</Alert> : null}
        <Field id={`${id}-title`} label={t('admin.breaches.titleField')} required error={fields.title}>
          <input id={`${id}-title`} value={f.title} onChange={set('title')} required />
        </Field>
        <Field
          id={`${id}-desc`}
          label={t('admin.breaches.description')}
          required
          error={fields.description}
          hint={t('admin.breaches.descriptionHint')}
        >
          <textarea id={`${id}-desc`} value={f.description} onChange={set('description')} rows={3} required />
        </Field>
        <div className="form-grid">
          <Field id={`${id}-occ`} label={t('admin.breaches.occurredAt')} error={fields.occurredAt}>
            <input id={`${id}-occ`} type="datetime-local" value={f.occurredAt} onChange={set('occurredAt')} />
          </Field>
          <Field
            id={`${id}-disc`}
            label={t('admin.breaches.discoveredAt')}
            error={fields.discoveredAt}
            hint={t('admin.breaches.discoveredHint')}
          >
            <input
              id={`${id}-disc`}
              type="datetime-local"
              value={f.discoveredAt}
              onChange={set('discoveredAt')}
            />
          </Field>
        </div>
        <fieldset className={`field${fields.categories ? ' has-error' : ''}`}>
          <legend>{t('admin.breaches.categories')}</legend>
          <div className="role-grid">
            {(def?.categories ?? []).map((c) => (
              <label key={c.id} className="role-check" htmlFor={`${id}-c-${c.id}`}>
                <input
                  id={`${id}-c-${c.id}`}
                  type="checkbox"
                  checked={categories.includes(c.id)}
                  onChange={(e) =>
                    setCategories(
                      e.target.checked ? [...categories, c.id] : categories.filter((x) => x !== c.id),
                    )
                  }
                />
                <span>{text(c.name)}</span>
              </label>
            ))}
          </div>
          {fields.categories ? <p className="field-error">{fields.categories}</p> : null}
        </fieldset>
        <fieldset className="field">
          <legend>{t('admin.breaches.risk')}</legend>
          <div className="risk-options">
            {(['unlikely', 'risk', 'high'] as const).map((r) => (
              <label
                key={r}
                className={`risk-option${f.risk === r ? ' chosen' : ''}`}
                htmlFor={`${id}-r-${r}`}
              >
                <input
                  id={`${id}-r-${r}`}
                  type="radio"
                  name={`${id}-risk`}
                  value={r}
                  checked={f.risk === r}
                  onChange={set('risk')}
                />
                <span>
                  <span className="admin-strong">{t(`admin.breaches.risks.${r}`)}</span>
                  <span className="muted small block">{t(`admin.breaches.riskHints.${r}`)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-grid">
          <Field id={`${id}-cons`} label={t('admin.breaches.consequences')} error={fields.consequences}>
            <textarea id={`${id}-cons`} value={f.consequences} onChange={set('consequences')} rows={2} />
          </Field>
          <Field id={`${id}-meas`} label={t('admin.breaches.measures')} error={fields.measures}>
            <textarea id={`${id}-meas`} value={f.measures} onChange={set('measures')} rows={2} />
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.wait') : t('admin.breaches.save')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** One breach: its facts and clock, the persons affected, the authority's notification, closing. */
export function BreachPage({ id: breachId }: { id: string }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const { def } = useDefinition();
  const [b, setB] = useState<Breach | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setB(await api<Breach>('GET', `/breaches/${breachId}`));
    } catch (e) {
      setError(errorText(e));
    }
  }, [breachId, errorText]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (b) document.title = `${b.title} · Lupaus`;
  }, [b]);

  const act = async (fn: () => Promise<unknown>, done: string): Promise<boolean> => {
    setMessage(null);
    try {
      await fn();
      setMessage({ kind: 'success', text: done });
      await load();
      return true;
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
      return false;
    }
  };

  const categoryName = (cid: string) => {
    const c = def?.categories.find((x) => x.id === cid);
    return c ? text(c.name) : cid;
  };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <Link href="/admin/breaches">{t('admin.breaches.title')}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{b?.title ?? '…'}</span>
      </nav>
      {error ? <Alert>{error}</Alert> : null}
      {b ? (
        <>
          <div className="page-header">
            <div>
              <h1>{b.title}</h1>
              <p className="page-lead">
                <Badge tone={RISK_TONE[b.risk]}>{t(`admin.breaches.risks.${b.risk}`)}</Badge>{' '}
                {b.closedAt ? (
                  <Badge tone="neutral">{t('admin.breaches.closedAt', { time: dateTime(b.closedAt) })}</Badge>
                ) : (
                  <Badge tone="info">{t('admin.breaches.openState')}</Badge>
                )}
              </p>
            </div>
            <BreachClock breach={b} large />
          </div>
          {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
          <div className="breach-grid">
            <Card title={t('admin.breaches.facts')}>
              <dl className="facts">
                <Fact label={t('admin.breaches.description')} value={b.description} />
                <Fact
                  label={t('admin.breaches.occurredAt')}
                  value={b.occurredAt ? dateTime(b.occurredAt) : '—'}
                />
                <Fact label={t('admin.breaches.discoveredAt')} value={dateTime(b.discoveredAt)} />
                <Fact label={t('admin.breaches.deadlineLabel')} value={dateTime(b.authorityDeadline)} />
                <Fact
                  label={t('admin.breaches.categories')}
                  value={b.categories.map(categoryName).join(', ') || '—'}
                />
                <Fact label={t('admin.breaches.consequences')} value={b.consequences ?? '—'} />
                <Fact label={t('admin.breaches.measures')} value={b.measures ?? '—'} />
                <Fact label={t('admin.breaches.recordedAt')} value={dateTime(b.recordedAt)} />
                {b.authorityReference ? (
                  <Fact label={t('admin.breaches.reference')} value={b.authorityReference} />
                ) : null}
                {b.delayReason ? (
                  <Fact label={t('admin.breaches.delayReason')} value={b.delayReason} />
                ) : null}
                {b.subjectsDecision ? (
                  <Fact
                    label={t('admin.breaches.subjects')}
                    value={`${t(`admin.breaches.decisions.${b.subjectsDecision}`)}${b.subjectsDecisionReason ? ` — ${b.subjectsDecisionReason}` : ''}`}
                  />
                ) : null}
              </dl>
            </Card>
            <div>
              {!b.closedAt && b.authorityNotificationRequired && !b.authorityNotifiedAt ? (
                <AuthorityForm breach={b} act={act} />
              ) : null}
              {!b.closedAt && !b.subjectsDecision ? <DecisionForm breach={b} act={act} /> : null}
              <PersonsCard breach={b} act={act} canSearch={session.can('persons.read')} />
              {!b.closedAt ? (
                <Card title={t('admin.breaches.closeTitle')}>
                  <p className="muted small admin-form-lead">{t('admin.breaches.closeLead')}</p>
                  <button
                    type="button"
                    className="btn btn-secondary"
                    onClick={() =>
                      void act(() => api('POST', `/breaches/${b.id}/close`), t('admin.breaches.closedDone'))
                    }
                  >
                    {t('admin.breaches.close')}
                  </button>
                </Card>
              ) : null}
            </div>
          </div>
        </>
      ) : !error ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : null}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd className="value">{value}</dd>
    </div>
  );
}

type Act = (fn: () => Promise<unknown>, done: string) => Promise<boolean>;

function AuthorityForm({ breach, act }: { breach: Breach; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [at, setAt] = useState('');
  const [reference, setReference] = useState('');
  const [delayReason, setDelayReason] = useState('');
  const late = breach.overdue || (at !== '' && new Date(at) > new Date(breach.authorityDeadline));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, string> = {};
    const when = instantOf(at);
    if (when) body.at = when;
    if (reference.trim()) body.reference = reference.trim();
    if (delayReason.trim()) body.delayReason = delayReason.trim();
    void act(
      () => api('POST', `/breaches/${breach.id}/authority-notification`, body),
      t('admin.breaches.notifiedDone'),
    );
  };
  return (
    <Card title={t('admin.breaches.authorityTitle')}>
      <form onSubmit={submit}>
        <p className="muted small admin-form-lead">{t('admin.breaches.authorityLead')}</p>
        <div className="form-grid">
          <Field id={`${id}-at`} label={t('admin.breaches.notifiedAt')} hint={t('admin.breaches.nowIfEmpty')}>
            <input id={`${id}-at`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
          </Field>
          <Field id={`${id}-ref`} label={t('admin.breaches.reference')}>
            <input id={`${id}-ref`} value={reference} onChange={(e) => setReference(e.target.value)} />
          </Field>
        </div>
        {late ? (
          <Field
            id={`${id}-delay`}
            label={t('admin.breaches.delayReason')}
            required
            hint={t('admin.breaches.delayHint')}
          >
            <textarea
              id={`${id}-delay`}
              rows={2}
              value={delayReason}
              onChange={(e) => setDelayReason(e.target.value)}
            />
          </Field>
        ) : null}
        <button type="submit" className="btn btn-primary">
          {t('admin.breaches.recordNotification')}
        </button>
      </form>
    </Card>
  );
}

function DecisionForm({ breach, act }: { breach: Breach; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [decision, setDecision] = useState<'notify' | 'not_required'>(
    breach.risk === 'high' ? 'notify' : 'not_required',
  );
  const [exemption, setExemption] = useState('');
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, string> = { decision };
    if (decision === 'not_required' && exemption) body.exemption = exemption;
    if (reason.trim()) body.reason = reason.trim();
    void act(
      () => api('POST', `/breaches/${breach.id}/subject-decision`, body),
      t('admin.breaches.decisionDone'),
    );
  };
  return (
    <Card title={t('admin.breaches.decisionTitle')}>
      <form onSubmit={submit}>
        <div className="form-grid">
          <Field id={`${id}-d`} label={t('admin.breaches.decision')}>
            <select
              id={`${id}-d`}
              value={decision}
              onChange={(e) => setDecision(e.target.value as 'notify' | 'not_required')}
            >
              <option value="notify">{t('admin.breaches.decisions.notify')}</option>
              <option value="not_required">{t('admin.breaches.decisions.not_required')}</option>
            </select>
          </Field>
          {decision === 'not_required' && breach.risk === 'high' ? (
            <Field id={`${id}-x`} label={t('admin.breaches.exemption')}>
              <select id={`${id}-x`} value={exemption} onChange={(e) => setExemption(e.target.value)}>
                <option value="">—</option>
                <option value="protected">{t('admin.breaches.exemptions.protected')}</option>
                <option value="mitigated">{t('admin.breaches.exemptions.mitigated')}</option>
                <option value="public_communication">
                  {t('admin.breaches.exemptions.public_communication')}
                </option>
              </select>
            </Field>
          ) : null}
        </div>
        <Field id={`${id}-r`} label={t('admin.breaches.reason')} required={decision === 'not_required'}>
          <textarea id={`${id}-r`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('admin.breaches.saveDecision')}
        </button>
      </form>
    </Card>
  );
}

function PersonsCard({ breach, act, canSearch }: { breach: Breach; act: Act; canSearch: boolean }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PersonSummary[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ items: PersonSummary[] }>('POST', '/persons/search', { q: q.trim(), limit: 20 });
      setResults(r.items);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const listed = new Set((breach.affected ?? []).map((a) => a.personId));
  return (
    <Card
      title={t('admin.breaches.persons')}
      actions={
        <span className="muted small">
          {t('admin.breaches.personCount', { n: breach.persons.total, notified: breach.persons.notified })}
        </span>
      }
    >
      {breach.affected && breach.affected.length > 0 ? (
        <ul className="people-list compact">
          {breach.affected.map((a) => (
            <li key={a.personId}>
              {a.firstName || a.lastName ? (
                <Link href={`/persons/${a.personId}`}>
                  {[a.firstName, a.lastName].filter(Boolean).join(' ')}
                </Link>
              ) : (
                <Link href={`/persons/${a.personId}`} className="mono small">
                  {a.personId}
                </Link>
              )}{' '}
              {a.notifiedAt ? <Badge tone="good">{t('admin.breaches.told')}</Badge> : null}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>{t('admin.breaches.noPersons')}</Empty>
      )}
      {canSearch && !breach.closedAt ? (
        <>
          <form className="inline-search" onSubmit={search} aria-label={t('admin.breaches.findPersons')}>
            <label htmlFor={`${id}-q`} className="visually-hidden">
              {t('admin.breaches.findPersons')}
            </label>
            <input
              id={`${id}-q`}
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder={t('admin.breaches.findPlaceholder')}
              autoComplete="off"
            />
            <button type="submit" className="btn btn-secondary">
              {t('admin.breaches.find')}
            </button>
          </form>
          {error ? <Alert>{error}</Alert> : null}
          {results ? (
            results.length === 0 ? (
              <Empty>{t('admin.breaches.noMatches')}</Empty>
            ) : (
              <fieldset className="person-picks">
                <legend className="visually-hidden">{t('admin.breaches.findPersons')}</legend>
                {results.map((p) => (
                  <label key={p.id} className="role-check" htmlFor={`${id}-p-${p.id}`}>
                    <input
                      id={`${id}-p-${p.id}`}
                      type="checkbox"
                      disabled={listed.has(p.id)}
                      checked={listed.has(p.id) || chosen.includes(p.id)}
                      onChange={(e) =>
                        setChosen(e.target.checked ? [...chosen, p.id] : chosen.filter((x) => x !== p.id))
                      }
                    />
                    <span>
                      {[p.firstName, p.lastName].filter(Boolean).join(' ') || p.id}
                      <span className="muted small block">{p.email ?? p.customerNumber ?? ''}</span>
                    </span>
                  </label>
                ))}
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={chosen.length === 0}
                  onClick={() =>
                    void act(
                      () => api('POST', `/breaches/${breach.id}/persons`, { personIds: chosen }),
                      t('admin.breaches.personsAdded', { n: chosen.length }),
                    ).then((ok) => {
                      if (ok) {
                        setChosen([]);
                        setResults(null);
                        setQ('');
                      }
                    })
                  }
                >
                  {t('admin.breaches.addPersons', { n: chosen.length })}
                </button>
              </fieldset>
            )
          ) : null}
        </>
      ) : null}
    </Card>
  );
}
