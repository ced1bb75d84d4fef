import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  api,
  type CatalogueField,
  type Person,
  type Provenance,
  type RequestOut,
  type TimelineItem,
} from '../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../components';
import { PersonForm } from '../components/PersonForm';
import { useSession, useText } from '../context';
import { date, dateTime, daysUntil, initials, valueText } from '../format';
import { Link } from '../router';
import { Consents } from './person/Consents';
import { Records } from './person/Records';
import { Roles } from './person/Roles';
import '../styles/person.css';

const CONTACT_TYPES = new Set(['email', 'phone', 'address']);
/** The error of a person who is not there (or erased), shown in the language in use. */
const NOT_FOUND = 'not-found';

/** Who saved a fact: "you", a user's name when known, else the actor's id. */
function useWho(): (actor: string) => string {
  const { t } = useTranslation();
  const session = useSession();
  return (actor) => {
    if (actor === session.me.actorId) return t('person.you');
    if (actor === 'operator' || actor === 'system') return t(`person.actor_${actor}`);
    return session.userNames[actor] ?? t('person.otherUser', { id: actor.slice(0, 8) });
  };
}

function useSourceName(fields: CatalogueField[]): (id: string) => string {
  const text = useText();
  const names = new Map<string, string>();
  for (const f of fields) for (const s of f.sources) names.set(s.id, text(s.name));
  return (id) => names.get(id) ?? id;
}

function ProvenanceLine({
  p,
  sourceName,
}: {
  p: Provenance | undefined;
  sourceName: (id: string) => string;
}) {
  const { t } = useTranslation();
  const who = useWho();
  if (!p) return null;
  return (
    <span className="provenance">
      {t('person.provenance', {
        source: sourceName(p.source),
        when: dateTime(p.savedAt),
        who: who(p.savedBy),
      })}
    </span>
  );
}

/** The person page: facts with their provenance (R2.6), the masked hetu and its audited reveal (R2.1, R6.4),
 * contact points, consents (R3.1), requests (R4.1) and the interaction timeline (R2.4). */
export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const [person, setPerson] = useState<Person | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const personFields = session.catalogue.filter((f) => f.holder === 'person');
  const sourceName = useSourceName(session.catalogue);

  useEffect(() => {
    let live = true;
    setPerson(null);
    setError(null);
    setEditing(false);
    setSaved(false);
    api<Person>('GET', `/persons/${id}`)
      .then((p) => live && setPerson(p))
      .catch((e) => live && setError(e instanceof ApiError && e.status === 404 ? NOT_FOUND : errorText(e)));
    return () => {
      live = false;
    };
  }, [id, errorText]);

  const name = person
    ? [person.fields.first_name, person.fields.last_name].filter(Boolean).map(String).join(' ')
    : '';
  useEffect(() => {
    document.title = `${name || t('person.title')} · Lupaus`;
  }, [name, t]);

  if (error)
    return (
      <div className="page">
        <Breadcrumb />
        <Alert>{error === NOT_FOUND ? t('person.notFound') : error}</Alert>
      </div>
    );
  if (!person)
    return (
      <div className="page">
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      </div>
    );

  const labelOf = (fieldId: string) => {
    const f = personFields.find((x) => x.id === fieldId);
    return f ? text(f.label) : fieldId;
  };
  const ordered = [
    ...personFields.map((f) => f.id).filter((k) => k in person.fields),
    ...Object.keys(person.fields).filter((k) => !personFields.some((f) => f.id === k)),
  ];
  const facts = ordered.filter((k) => {
    const f = personFields.find((x) => x.id === k);
    return !f || !CONTACT_TYPES.has(f.type);
  });
  const contacts = ordered.filter((k) => {
    const f = personFields.find((x) => x.id === k);
    return f && CONTACT_TYPES.has(f.type);
  });
  const optionLabel = (fieldId: string, v: unknown) => {
    const f = personFields.find((x) => x.id === fieldId);
    const o = f?.options?.find((x) => x.value === v);
    return o ? text(o.label) : valueText(v);
  };

  return (
    <div className="page">
      <Breadcrumb />
      <div className="person-header card">
        <span className="avatar large" aria-hidden="true">
          {initials(String(person.fields.first_name ?? ''), String(person.fields.last_name ?? ''))}
        </span>
        <div className="person-title">
          <h1>{name || t('persons.noName')}</h1>
          <p className="muted person-sub">
            {person.fields.customer_number ? (
              <span className="mono">
                {t('person.customerNumber')} {String(person.fields.customer_number)}
              </span>
            ) : null}
            {person.fields.customer_number ? ' · ' : null}
            {t('person.since', { when: date(person.createdAt) })}
          </p>
        </div>
        {session.can('persons.write') && !editing ? (
          <div className="person-actions">
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              {t('personPage.edit')}
            </button>
          </div>
        ) : null}
      </div>
      {saved ? <Alert kind="success">{t('personPage.saved')}</Alert> : null}
      {editing ? (
        <div className="person-edit">
          <div className="page-header">
            <div>
              <h2>{t('personPage.editTitle')}</h2>
              <p className="page-lead">{t('personPage.editLead')}</p>
            </div>
          </div>
          <PersonForm
            fields={personFields}
            initial={person.fields}
            submitLabel={t('personPage.save')}
            cancel={
              <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </button>
            }
            onSubmit={async (source, fields) => {
              const p = await api<Person>('PATCH', `/persons/${person.id}`, { source, fields });
              setPerson(p);
              setEditing(false);
              setSaved(true);
            }}
          />
        </div>
      ) : null}

      <div className={`person-grid${editing ? ' hidden' : ''}`}>
        <div className="col">
          <Card title={t('person.facts')}>
            <dl className="facts">
              {facts.map((k) =>
                personFields.find((f) => f.id === k)?.type === 'hetu' ? (
                  <HetuRow
                    key={k}
                    personId={person.id}
                    label={labelOf(k)}
                    masked={String(person.fields[k] ?? '')}
                    provenance={<ProvenanceLine p={person.provenance[k]} sourceName={sourceName} />}
                  />
                ) : (
                  <div className="fact" key={k}>
                    <dt>{labelOf(k)}</dt>
                    <dd>
                      <span className="value">{optionLabel(k, person.fields[k])}</span>
                      <ProvenanceLine p={person.provenance[k]} sourceName={sourceName} />
                    </dd>
                  </div>
                ),
              )}
            </dl>
          </Card>
          <Card title={t('person.contacts')}>
            {contacts.length === 0 ? (
              <Empty>{t('person.noContacts')}</Empty>
            ) : (
              <dl className="facts">
                {contacts.map((k) => {
                  const v = person.fields[k];
                  const values = Array.isArray(v) ? v : [v];
                  return (
                    <div className="fact" key={k}>
                      <dt>{labelOf(k)}</dt>
                      <dd>
                        {values.map((x, i) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: values of one field in their order
                          <span className="value block" key={i}>
                            {valueText(x)}
                          </span>
                        ))}
                        <ProvenanceLine p={person.provenance[k]} sourceName={sourceName} />
                      </dd>
                    </div>
                  );
                })}
              </dl>
            )}
          </Card>
          <Roles roles={person.contactRoles} />
        </div>
        <div className="col">
          {session.can('requests.manage') ? <Requests personId={person.id} /> : null}
          <Timeline personId={person.id} />
        </div>
      </div>
      {editing ? null : <Records personId={person.id} />}
      {session.can('consents.read') && !editing ? <Consents personId={person.id} /> : null}
    </div>
  );
}

function Breadcrumb() {
  const { t } = useTranslation();
  return (
    <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
      <Link href="/persons">← {t('persons.title')}</Link>
    </nav>
  );
}

/** The masked hetu; "Reveal" asks the API, which audits every reveal (and refusal). */
function HetuRow({
  personId,
  label,
  masked,
  provenance,
}: {
  personId: string;
  label: string;
  masked: string;
  provenance: ReactNode;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useSession();
  const [hetu, setHetu] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setHetu((await api<{ hetu: string }>('POST', `/persons/${personId}/reveal-hetu`)).hetu);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>
        <span className="hetu-line">
          <span className="value mono" data-testid="hetu">
            {hetu ?? masked}
          </span>
          {masked && session.can('persons.reveal') ? (
            hetu ? (
              <button type="button" className="btn btn-small btn-secondary" onClick={() => setHetu(null)}>
                {t('person.hide')}
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-small btn-secondary"
                onClick={() => void reveal()}
                disabled={busy}
              >
                {t('person.reveal')}
              </button>
            )
          ) : null}
        </span>
        {hetu ? <span className="provenance audited">{t('person.revealAudited')}</span> : null}
        {error ? <span className="field-error">{error}</span> : null}
        {provenance}
      </dd>
    </div>
  );
}

function Requests({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [items, setItems] = useState<RequestOut[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: RequestOut[] }>('GET', `/requests?personId=${personId}&limit=50`)
      .then((r) => setItems(r.items))
      .catch((e) => setError(errorText(e)));
  }, [personId, errorText]);
  return (
    <Card title={t('person.requests')}>
      {error ? <Alert>{error}</Alert> : null}
      {items && items.length === 0 ? <Empty>{t('person.noRequests')}</Empty> : null}
      {items && items.length > 0 ? (
        <ul className="requests">
          {items.map((r) => {
            const days = daysUntil(r.deadline);
            return (
              <li key={r.id}>
                <span>
                  <strong>{t(`requestType.${r.type}`, { defaultValue: r.type })}</strong>
                  <span className="muted small"> · {t('person.received', { when: date(r.receivedAt) })}</span>
                </span>
                <span className="request-state">
                  <Badge tone={r.overdue ? 'bad' : r.open ? 'info' : 'neutral'}>
                    {t(`requestState.${r.state}`, { defaultValue: r.state })}
                  </Badge>
                  {r.open ? (
                    <span className={`small ${r.overdue ? 'danger' : 'muted'}`}>
                      {r.overdue
                        ? t('person.overdue', { count: -days })
                        : t('person.daysLeft', { count: days })}
                    </span>
                  ) : null}
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}

/** The timeline of the person's records, newest first, a page at a time (R2.4). */
function Timeline({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const categories = new Map<string, string>();
  const labels = new Map<string, string>();
  for (const f of session.catalogue) {
    categories.set(f.category.id, text(f.category.name));
    labels.set(`${f.category.id}.${f.id}`, text(f.label));
  }

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const r = await api<{ items: TimelineItem[]; next: string | null }>(
          'GET',
          `/persons/${personId}/timeline?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        setItems((prev) => (cursor ? [...prev, ...r.items] : r.items));
        setNext(r.next);
        setLoaded(true);
      } catch (e) {
        setError(errorText(e));
      }
    },
    [personId, errorText],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Card title={t('person.timeline')}>
      {error ? <Alert>{error}</Alert> : null}
      {loaded && items.length === 0 ? <Empty>{t('person.noTimeline')}</Empty> : null}
      <ol className="timeline">
        {items.map((r) => (
          <li key={r.id} className={`tl-${r.holder}`}>
            <span className="tl-dot" aria-hidden="true" />
            <div className="tl-body">
              <div className="tl-head">
                <strong>{categories.get(r.kind) ?? r.kind}</strong>
                <time dateTime={r.occurredAt} className="muted small">
                  {dateTime(r.occurredAt)}
                </time>
              </div>
              <p className="tl-fields">
                {Object.entries(r.fields)
                  .filter(([, v]) => v !== null && v !== '')
                  .slice(0, 4)
                  .map(([k, v]) => `${labels.get(`${r.kind}.${k}`) ?? k}: ${valueText(v)}`)
                  .join(' · ')}
              </p>
            </div>
          </li>
        ))}
      </ol>
      {next ? (
        <button type="button" className="btn btn-secondary btn-block" onClick={() => void load(next)}>
          {t('person.more')}
        </button>
      ) : null}
    </Card>
  );
}
