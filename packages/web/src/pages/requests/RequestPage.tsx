import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, saveBlob } from '../../api';
import { Alert, Card, Empty, Field } from '../../components';
import { useSession, useText } from '../../context';
import { date, dateTime } from '../../format';
import { Link } from '../../router';
import '../../styles/requests.css';
import { DaysLeft, downloadFrom, type Request, StateBadge, usePersonNames } from './shared';

const METHODS = [
  'strong_electronic_identification',
  'id_document',
  'known_contact_channel',
  'in_person',
] as const;

/** An erasure's blocker as the API reports it (`ErasureBlockerOut`). */
export type Blocker =
  | { kind: 'open_invoice' | 'open_collection'; id: string; until: null }
  | { kind: 'contact_role'; id: string; until: string | null }
  | { kind: 'legal_hold'; id: string; category: string | null; until: string }
  | { kind: 'retention'; category: string; rule: string; count: number; until: string | null };

/** The dry run of an erasure (`GET /persons/{id}/erasure-plan`): what would go, what would stay and why. */
interface ErasurePlan {
  state: 'completed' | 'blocked';
  blockers: Blocker[];
  keptFields: string[];
  erasedFields: string[];
  records: { holder: string; category: string; erase: number; anonymise: number; keep: number }[];
  other: { files: number; consents: number; contactRoles: number; legalHolds: number };
  personGoes: boolean;
}

interface ErasureResult {
  state: 'completed' | 'blocked';
  erased: { deleted: number; anonymised: number; kept: number; fields: number };
  blockers: Blocker[];
  keptFields: string[];
}

/** The error text of a request's action: the request's own codes, the app's, else the API's message. */
function useActionError(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        for (const key of [`requests.errors.${e.code}`, `errors.${e.code}`]) {
          if (i18n.exists(key)) return t(key);
        }
        const problems = e.problems.map((p) => p.message).join('; ');
        return problems ? `${e.message}: ${problems}` : e.message;
      }
      return t('errors.UNEXPECTED');
    },
    [t, i18n],
  );
}

/** One data subject's request (R4.1): its facts, history and the actions its kind and state allow. */
export function RequestPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const errorText = useActionError();
  const [r, setR] = useState<Request | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** A refused rectification's certificate, kept for download once the request has closed. */
  const [certificate, setCertificate] = useState<string | null>(null);
  const names = usePersonNames([r?.personId ?? null]);

  const reload = useCallback(async () => {
    try {
      setR(await api<Request>('GET', `/requests/${id}`));
    } catch (e) {
      setError(errorText(e));
    }
  }, [id, errorText]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const kind = r ? t(`requestType.${r.type}`, { defaultValue: r.type }) : '';
  useEffect(() => {
    document.title = `${kind || t('requests.title')} · Lupaus`;
  }, [kind, t]);

  /** Runs an action, shows its result or error, and reloads the request. */
  const act = useCallback(
    async (run: () => Promise<string | undefined>) => {
      setError(null);
      setNotice(null);
      try {
        const done = await run();
        if (done) setNotice(done);
      } catch (e) {
        setError(errorText(e));
      }
      await reload();
    },
    [errorText, reload],
  );

  if (!r) {
    return (
      <div className="page">
        <Back />
        {error ? (
          <Alert>{error}</Alert>
        ) : (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        )}
      </div>
    );
  }

  const personName = r.personId ? (names[r.personId] ?? '…') : null;
  const verified = r.identity !== null;

  return (
    <div className="page request-page">
      <Back />
      <div className="card request-header">
        <div className="request-title">
          <p className="eyebrow">{t('requests.title')}</p>
          <h1>{t('requests.detail.title', { kind })}</h1>
          <p className="muted person-sub">
            {r.personId ? (
              <Link href={`/persons/${r.personId}`} className="person-link">
                {personName}
              </Link>
            ) : (
              <span>{t('requests.detail.erasedPerson')}</span>
            )}
            {' · '}
            {t('requests.detail.receivedVia')} {t(`requests.detail.via.${r.receivedVia}`)}{' '}
            {dateTime(r.receivedAt)}
          </p>
        </div>
        <div className="request-status">
          <StateBadge r={r} />
          <DaysLeft r={r} />
        </div>
      </div>

      <div aria-live="polite">
        {notice ? <Alert kind="success">{notice}</Alert> : null}
        {error ? <Alert>{error}</Alert> : null}
      </div>

      <div className="request-grid">
        <div className="col">
          <Facts r={r} />
          {r.state === 'blocked' || Array.isArray(r.outcome.blockers) ? (
            <BlockersCard outcome={r.outcome} />
          ) : null}
          <History r={r} />
        </div>
        <div className="col">
          {!r.open ? (
            <Card title={t('requests.detail.actions')}>
              <p className="muted">{t('requests.detail.closed')}</p>
              {certificate ? (
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => downloadCertificate(certificate, r.id)}
                >
                  {t('requests.rectification.certificate')}
                </button>
              ) : null}
            </Card>
          ) : (
            <>
              {!verified ? <VerifyCard r={r} act={act} /> : null}
              {verified ? <RightCard r={r} act={act} onCertificate={setCertificate} /> : null}
              {r.extensions.length > 0 ? <ExtendCard r={r} act={act} /> : null}
              <RefuseCard r={r} act={act} />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

type Act = (run: () => Promise<string | undefined>) => Promise<void>;

/** Saves the certificate of a refused rectification as a printable HTML file. */
function downloadCertificate(html: string, requestId: string): void {
  saveBlob(
    new Blob([html], { type: 'text/html;charset=utf-8' }),
    `refusal-certificate-${requestId.slice(0, 8)}.html`,
  );
}

function Back() {
  const { t } = useTranslation();
  return (
    <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
      <Link href="/requests">← {t('requests.back')}</Link>
    </nav>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Facts({ r }: { r: Request }) {
  const { t } = useTranslation();
  const session = useSession();
  const asked = Object.entries(r.details).filter(([, v]) => v !== null && v !== '');
  const note = typeof r.outcome.note === 'string' ? r.outcome.note : null;
  return (
    <Card title={t('requests.detail.facts')}>
      <dl className="facts">
        <Fact label={t('requests.detail.receivedAt')}>
          <span className="value">{date(r.receivedOn)}</span>
          <span className="muted small block">
            {t('requests.detail.receivedVia')} {t(`requests.detail.via.${r.receivedVia}`)}
          </span>
        </Fact>
        <Fact label={t('requests.detail.dueOn')}>
          <span className={`value${r.extendedTo ? ' struck' : ''}`}>{date(r.dueOn)}</span>
        </Fact>
        {r.extendedTo ? (
          <Fact label={t('requests.detail.extendedTo')}>
            <span className="value">{date(r.extendedTo)}</span>
            {r.extensionReason ? <span className="muted small block">{r.extensionReason}</span> : null}
          </Fact>
        ) : null}
        <Fact label={t('requests.detail.deadline')}>
          <span className="value">{date(r.deadline)}</span> <DaysLeft r={r} />
        </Fact>
        <Fact label={t('requests.detail.identity')}>
          {r.identity ? (
            <span className="value">
              {t('requests.detail.identityDone', {
                method: t(`requests.method.${r.identity.method}`, { defaultValue: r.identity.method }),
                at: dateTime(r.identity.verifiedAt),
              })}
            </span>
          ) : (
            <span className="muted">{t('requests.detail.identityNone')}</span>
          )}
        </Fact>
        <Fact label={t('requests.detail.charge')}>
          <span className="value">{t(`requests.detail.chargeValue.${r.charge}`)}</span>
          {r.chargeReason ? <span className="muted small block">{r.chargeReason}</span> : null}
        </Fact>
        {r.letter ? (
          <Fact label={t('requests.detail.letter')}>
            <button
              type="button"
              className="btn-link"
              onClick={() => void downloadFrom(`/requests/${r.id}/letter`, r.letter?.name ?? 'letter')}
            >
              {t('requests.detail.downloadLetter')} ({r.letter.name})
            </button>
          </Fact>
        ) : null}
        {asked.length > 0 ? (
          <Fact label={t('requests.detail.asked')}>
            {asked.map(([k, v]) => (
              <span className="block" key={k}>
                <span className="muted small">{k}: </span>
                {typeof v === 'string' ? v : JSON.stringify(v)}
              </span>
            ))}
          </Fact>
        ) : null}
        {r.closedAt ? (
          <Fact label={t('requests.detail.closedAt')}>
            <span className="value">{dateTime(r.closedAt)}</span>
            {note ? <span className="muted small block">{note}</span> : null}
          </Fact>
        ) : null}
        {r.personId && session.can('persons.read') ? (
          <Fact label={t('requests.detail.person')}>
            <Link href={`/persons/${r.personId}`}>{t('requests.detail.openPerson')}</Link>
          </Fact>
        ) : null}
      </dl>
    </Card>
  );
}

function History({ r }: { r: Request }) {
  const { t } = useTranslation();
  const session = useSession();
  const events = r.events ?? [];
  return (
    <Card title={t('requests.detail.history')}>
      {events.length === 0 ? (
        <Empty>{t('requests.detail.noHistory')}</Empty>
      ) : (
        <ol className="request-history">
          {events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events of one request in their order
            <li key={i} className={`ev ev-${e.event}`}>
              <span className="ev-dot" aria-hidden="true" />
              <div>
                <strong>{t(`requests.event.${e.event}`, { defaultValue: e.event })}</strong>
                <span className="muted small block">
                  {dateTime(e.at)} ·{' '}
                  {t('requests.event.by', { actor: session.userNames[e.actor] ?? e.actor })}
                </span>
                <EventDetails details={e.details} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function EventDetails({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation();
  const parts: string[] = [];
  if (typeof details.method === 'string') {
    parts.push(t(`requests.method.${details.method}`, { defaultValue: details.method }));
  }
  if (typeof details.to === 'string') parts.push(`→ ${date(details.to)}`);
  if (typeof details.reason === 'string') parts.push(details.reason);
  if (typeof details.note === 'string') parts.push(details.note);
  const outcome = details.outcome as Record<string, unknown> | undefined;
  if (outcome && typeof outcome.note === 'string') parts.push(outcome.note);
  if (parts.length === 0) return null;
  return <span className="small block ev-detail">{parts.join(' — ')}</span>;
}

/** The blockers of an erasure, in words, with the day each ends. */
export function BlockerList({ blockers }: { blockers: Blocker[] }) {
  const { t } = useTranslation();
  if (blockers.length === 0) return <p className="muted">{t('requests.erasure.noBlockers')}</p>;
  const until = (d: string | null) =>
    d ? t('requests.erasure.until', { date: date(d) }) : t('requests.erasure.openEnded');
  return (
    <ul className="blockers">
      {blockers.map((b, i) => {
        let text: string;
        switch (b.kind) {
          case 'open_invoice':
          case 'open_collection':
            text = t(`requests.erasure.blocker.${b.kind}`);
            break;
          case 'contact_role':
            text = `${t('requests.erasure.blocker.contact_role')} ${until(b.until)}.`;
            break;
          case 'legal_hold':
            text = `${
              b.category
                ? t('requests.erasure.blocker.legal_hold_category', { category: b.category })
                : t('requests.erasure.blocker.legal_hold')
            } ${until(b.until)}.`;
            break;
          case 'retention':
            text = `${t('requests.erasure.blocker.retention', {
              count: b.count,
              category: b.category,
              rule: b.rule,
            })} ${until(b.until)}.`;
            break;
        }
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: blockers in the engine's order
          <li key={i} className="blocker">
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <rect
                x="5"
                y="11"
                width="14"
                height="10"
                rx="2"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
              />
              <path d="M8 11V8a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" strokeWidth="2" />
            </svg>
            <span>{text}</span>
          </li>
        );
      })}
    </ul>
  );
}

function BlockersCard({ outcome }: { outcome: Record<string, unknown> }) {
  const { t } = useTranslation();
  const session = useSession();
  const text = useText();
  const fieldLabel = (id: string) => {
    const f = session.catalogue.find((c) => c.holder === 'person' && c.id === id);
    return f ? text(f.label) : id;
  };
  const blockers = (Array.isArray(outcome.blockers) ? outcome.blockers : []) as Blocker[];
  const kept = Array.isArray(outcome.keptFields) ? (outcome.keptFields as string[]) : [];
  if (blockers.length === 0) return null;
  return (
    <Card title={t('requests.erasure.blockers')} className="card-warn">
      <BlockerList blockers={blockers} />
      {kept.length > 0 ? (
        <p className="muted small">
          {t('requests.erasure.kept', { fields: kept.map(fieldLabel).join(', ') })}
        </p>
      ) : null}
    </Card>
  );
}

function VerifyCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [method, setMethod] = useState<string>(METHODS[0]);
  const [note, setNote] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('POST', `/requests/${r.id}/verify`, {
        method,
        ...(note.trim() !== '' ? { note: note.trim() } : {}),
      });
      return t('requests.verify.done');
    });
  };
  return (
    <Card title={t('requests.verify.title')} className="card-accent">
      <p className="muted">{t('requests.verify.lead')}</p>
      <form onSubmit={submit}>
        <Field id={`${id}-m`} label={t('requests.verify.method')}>
          <select id={`${id}-m`} value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`requests.method.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-n`} label={t('requests.verify.note')} hint={t('requests.verify.noteHint')}>
          <input
            id={`${id}-n`}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-describedby={`${id}-n-hint`}
          />
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('requests.verify.submit')}
        </button>
      </form>
    </Card>
  );
}

function ExtendCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  // The choices and their deadlines are the register's (core's arithmetic, through the API), not the app's.
  const [months, setMonths] = useState(r.extensions[r.extensions.length - 1]?.months ?? 1);
  const [reason, setReason] = useState('');
  const newDeadline = r.extensions.find((x) => x.months === months)?.deadline ?? null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const out = await api<Request>('POST', `/requests/${r.id}/extend`, { months, reason: reason.trim() });
      setOpen(false);
      return t('requests.extend.done', { date: date(out.extendedTo) });
    });
  };
  return (
    <Card title={t('requests.extend.title')}>
      {!open ? (
        <>
          <p className="muted small">{t('requests.extend.lead')}</p>
          <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)}>
            {t('requests.extend.open')}
          </button>
        </>
      ) : (
        <form onSubmit={submit}>
          <p className="muted small">{t('requests.extend.lead')}</p>
          <fieldset className="field">
            <legend>{t('requests.extend.months')}</legend>
            <div className="segmented">
              {r.extensions.map(({ months: m }) => (
                <label key={m} className={`seg${months === m ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name={`${id}-months`}
                    value={m}
                    checked={months === m}
                    onChange={() => setMonths(m)}
                  />
                  {t('requests.extend.month', { count: m })}
                </label>
              ))}
            </div>
            <p className="new-deadline" aria-live="polite">
              {t('requests.extend.newDeadline', { date: date(newDeadline) })}
            </p>
          </fieldset>
          <Field
            id={`${id}-r`}
            label={t('requests.extend.reason')}
            hint={t('requests.extend.reasonHint')}
            required
          >
            <textarea
              id={`${id}-r`}
              value={reason}
              required
              rows={3}
              onChange={(e) => setReason(e.target.value)}
              aria-describedby={`${id}-r-hint`}
            />
          </Field>
          <p className="notice-line small">{t('requests.extend.notice')}</p>
          <div className="form-actions tight">
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary">
              {t('requests.extend.submit')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

/** The action of the request's own right: the access report, portability, erasure, rectification, or completion. */
function RightCard({
  r,
  act,
  onCertificate,
}: {
  r: Request;
  act: Act;
  onCertificate: (html: string) => void;
}) {
  switch (r.type) {
    case 'access':
      return <AccessCard r={r} act={act} />;
    case 'erasure':
    case 'anonymisation':
      return <ErasureCard r={r} act={act} />;
    case 'rectification':
      return <RectificationCard r={r} act={act} onCertificate={onCertificate} />;
    case 'portability':
      return <PortabilityCard r={r} act={act} />;
    default:
      return <CompleteCard r={r} act={act} />;
  }
}

function AccessCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [format, setFormat] = useState<'pdf' | 'json'>('pdf');
  const [busy, setBusy] = useState(false);
  if (!r.personId) return null;
  const send = () => {
    setBusy(true);
    void act(async () => {
      await downloadFrom(
        `/persons/${r.personId}/access-report?format=${format}&requestId=${r.id}`,
        `access-report.${format}`,
      );
      return t('requests.access.done');
    }).finally(() => setBusy(false));
  };
  return (
    <Card title={t('requests.access.title')} className="card-accent">
      <p className="muted">{t('requests.access.lead')}</p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-f`}>{t('requests.access.format')}</label>
          <select id={`${id}-f`} value={format} onChange={(e) => setFormat(e.target.value as 'pdf' | 'json')}>
            <option value="pdf">{t('requests.access.pdf')}</option>
            <option value="json">{t('requests.access.json')}</option>
          </select>
        </div>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={send}>
          <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path
              d="M12 3v12M7 10l5 5 5-5M5 21h14"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          {t('requests.fulfilAccess')}
        </button>
      </div>
    </Card>
  );
}

function PortabilityCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  if (!r.personId) return null;
  return (
    <Card title={t('requestType.portability')} className="card-accent">
      <button
        type="button"
        className="btn btn-primary"
        onClick={() =>
          void act(async () => {
            await downloadFrom(
              `/persons/${r.personId}/portable-data?format=json&requestId=${r.id}`,
              'data.json',
            );
            return t('requests.complete.done');
          })
        }
      >
        {t('requestType.portability')} (JSON)
      </button>
    </Card>
  );
}

function ErasureCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [sure, setSure] = useState(false);
  const [result, setResult] = useState<ErasureResult | null>(null);
  if (!r.personId && !result) return null;
  const path = r.type === 'anonymisation' ? 'anonymisation' : 'erasure';
  const run = () =>
    void act(async () => {
      const out = await api<ErasureResult>('POST', `/persons/${r.personId}/${path}`, { requestId: r.id });
      setResult(out);
      return out.state === 'completed' ? t('requests.erasure.done') : t('requests.erasure.blockedNotice');
    });
  return (
    <Card
      title={t(r.type === 'anonymisation' ? 'requestType.anonymisation' : 'requests.erasure.title')}
      className="card-accent"
    >
      <p className="muted">{t('requests.erasure.lead')}</p>
      {!result && r.state !== 'blocked' && r.personId ? (
        <ErasurePlanView personId={r.personId} mode={r.type === 'anonymisation' ? 'anonymise' : 'erase'} />
      ) : null}
      {result ? (
        <div className="erasure-result">
          <p className="small">
            {t('requests.erasure.counts', {
              deleted: result.erased.deleted,
              anonymised: result.erased.anonymised,
              fields: result.erased.fields,
              kept: result.erased.kept,
            })}
          </p>
          {result.state === 'blocked' && r.state !== 'blocked' ? (
            <>
              <p>
                <strong>{t('requests.erasure.blockedDone')}</strong>
              </p>
              <BlockerList blockers={result.blockers} />
            </>
          ) : null}
        </div>
      ) : null}
      {r.state !== 'blocked' && r.personId ? (
        <>
          <label className="check" htmlFor={`${id}-sure`}>
            <input
              id={`${id}-sure`}
              type="checkbox"
              checked={sure}
              onChange={(e) => setSure(e.target.checked)}
            />
            {t('requests.erasure.confirm')}
          </label>
          <button type="button" className="btn btn-danger" disabled={!sure} onClick={run}>
            {t('requests.erasure.submit')}
          </button>
        </>
      ) : null}
    </Card>
  );
}

/**
 * The erasure's dry run, shown before staff confirm (R4.4): the blockers in words with the day each ends, the
 * fields they keep, and what would go now. Made by the same decisions as the erasure itself.
 */
function ErasurePlanView({ personId, mode }: { personId: string; mode: 'erase' | 'anonymise' }) {
  const { t } = useTranslation();
  const session = useSession();
  const text = useText();
  const actionError = useActionError();
  const [plan, setPlan] = useState<ErasurePlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<ErasurePlan>('GET', `/persons/${personId}/erasure-plan?mode=${mode}`)
      .then((p) => live && setPlan(p))
      .catch((e) => live && setError(actionError(e)));
    return () => {
      live = false;
    };
  }, [personId, mode, actionError]);
  const fieldLabel = (id: string) => {
    const f = session.catalogue.find((c) => c.holder === 'person' && c.id === id);
    return f ? text(f.label) : id;
  };
  const categoryName = (id: string) => {
    const f = session.catalogue.find((c) => c.category.id === id);
    return f ? text(f.category.name) : id;
  };
  if (error) return <Alert>{error}</Alert>;
  if (!plan)
    return (
      <p className="muted small" role="status">
        {t('common.loading')}
      </p>
    );
  const goes: string[] = [];
  for (const rec of plan.records) {
    if (rec.erase > 0)
      goes.push(t('requests.plan.recordsErased', { count: rec.erase, category: categoryName(rec.category) }));
    if (rec.anonymise > 0)
      goes.push(
        t('requests.plan.recordsAnonymised', { count: rec.anonymise, category: categoryName(rec.category) }),
      );
  }
  if (plan.other.consents > 0) goes.push(t('requests.plan.consents', { count: plan.other.consents }));
  if (plan.other.files > 0) goes.push(t('requests.plan.files', { count: plan.other.files }));
  if (plan.other.contactRoles > 0)
    goes.push(t('requests.plan.contactRoles', { count: plan.other.contactRoles }));
  const kept = plan.records.filter((rec) => rec.keep > 0);
  return (
    <section className="erasure-plan" aria-labelledby="erasure-plan-title" data-testid="erasure-plan">
      <h3 id="erasure-plan-title">{t('requests.plan.title')}</h3>
      <p className="muted small">{t('requests.plan.lead')}</p>
      <div className="plan-columns">
        <div className="plan-col plan-go">
          <h4>{t('requests.plan.goes')}</h4>
          <ul>
            <li>
              {plan.personGoes
                ? t('requests.plan.personGoes')
                : t('requests.plan.fieldsGo', { fields: plan.erasedFields.map(fieldLabel).join(', ') })}
            </li>
            {goes.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        </div>
        <div className="plan-col plan-keep">
          <h4>{t('requests.plan.stays')}</h4>
          {plan.blockers.length === 0 ? (
            <p className="small">{t('requests.erasure.noBlockers')}</p>
          ) : (
            <>
              <BlockerList blockers={plan.blockers} />
              <ul>
                {plan.keptFields.length > 0 ? (
                  <li>
                    {t('requests.erasure.kept', { fields: plan.keptFields.map(fieldLabel).join(', ') })}
                  </li>
                ) : null}
                {kept.map((rec) => (
                  <li key={`${rec.holder}/${rec.category}`}>
                    {t('requests.plan.recordsKept', {
                      count: rec.keep,
                      category: categoryName(rec.category),
                    })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function RectificationCard({
  r,
  act,
  onCertificate,
}: {
  r: Request;
  act: Act;
  onCertificate: (html: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [reasons, setReasons] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const out = await api<{ html: string }>('POST', `/requests/${r.id}/refuse-rectification`, {
        reasons: reasons
          .split(/\n\s*\n|\n/)
          .map((s) => s.trim())
          .filter(Boolean),
      });
      onCertificate(out.html);
      downloadCertificate(out.html, r.id);
      return t('requests.rectification.done');
    });
  };
  return (
    <Card title={t('requests.rectification.title')} className="card-accent">
      <p className="muted">{t('requests.rectification.lead')}</p>
      {r.personId ? (
        <p>
          <Link href={`/persons/${r.personId}`} className="btn btn-secondary">
            {t('requests.rectification.correct')}
          </Link>
        </p>
      ) : null}
      <form onSubmit={submit}>
        <Field
          id={`${id}-r`}
          label={t('requests.rectification.reasons')}
          hint={t('requests.rectification.reasonsHint')}
          required
        >
          <textarea
            id={`${id}-r`}
            rows={4}
            required
            value={reasons}
            onChange={(e) => setReasons(e.target.value)}
            aria-describedby={`${id}-r-hint`}
          />
        </Field>
        <button type="submit" className="btn btn-danger-outline">
          {t('requests.rectification.refuse')}
        </button>
      </form>
    </Card>
  );
}

/** Completion by hand, for the rights honoured elsewhere (restriction, objection, withdrawal). */
function CompleteCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('POST', `/requests/${r.id}/complete`, { note: note.trim() });
      return t('requests.complete.done');
    });
  };
  return (
    <Card title={t('requests.complete.title')} className="card-accent">
      <p className="muted">{t('requests.complete.lead')}</p>
      <form onSubmit={submit}>
        <Field id={`${id}-n`} label={t('requests.complete.note')} required>
          <textarea id={`${id}-n`} rows={3} required value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <button type="submit" className="btn btn-primary">
          {t('requests.complete.submit')}
        </button>
      </form>
    </Card>
  );
}

function RefuseCard({ r, act }: { r: Request; act: Act }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [charge, setCharge] = useState<'refused' | 'fee'>('refused');
  const [ground, setGround] = useState<'manifestly_unfounded' | 'excessive'>('manifestly_unfounded');
  const [reason, setReason] = useState('');
  const [fee, setFee] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await api('POST', `/requests/${r.id}/refuse`, {
        charge,
        ground,
        reason: reason.trim(),
        ...(charge === 'fee' && fee.trim() !== '' ? { fee: fee.trim() } : {}),
      });
      setOpen(false);
      return t('requests.refuse.done');
    });
  };
  return (
    <Card title={t('requests.refuse.title')}>
      {!open ? (
        <>
          <p className="muted small">{t('requests.refuse.lead')}</p>
          <button type="button" className="btn btn-danger-outline" onClick={() => setOpen(true)}>
            {t('requests.refuse.open')}
          </button>
        </>
      ) : (
        <form onSubmit={submit}>
          <p className="muted small">{t('requests.refuse.lead')}</p>
          <fieldset className="field">
            <legend>{t('requests.refuse.charge')}</legend>
            {(['refused', 'fee'] as const).map((c) => (
              <label key={c} className="check tight">
                <input
                  type="radio"
                  name={`${id}-charge`}
                  checked={charge === c}
                  onChange={() => setCharge(c)}
                />
                {t(`requests.refuse.${c}`)}
              </label>
            ))}
          </fieldset>
          <Field id={`${id}-g`} label={t('requests.refuse.ground')}>
            <select
              id={`${id}-g`}
              value={ground}
              onChange={(e) => setGround(e.target.value as typeof ground)}
            >
              <option value="manifestly_unfounded">
                {t('requests.refuse.grounds.manifestly_unfounded')}
              </option>
              <option value="excessive">{t('requests.refuse.grounds.excessive')}</option>
            </select>
          </Field>
          <Field id={`${id}-r`} label={t('requests.refuse.reason')} required>
            <textarea
              id={`${id}-r`}
              rows={3}
              required
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Field>
          {charge === 'fee' ? (
            <Field
              id={`${id}-fee`}
              label={t('requests.refuse.feeAmount')}
              hint={t('requests.refuse.feeHint')}
            >
              <input id={`${id}-fee`} value={fee} onChange={(e) => setFee(e.target.value)} />
            </Field>
          ) : null}
          <div className="form-actions tight">
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-danger">
              {t('requests.refuse.submit')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}
