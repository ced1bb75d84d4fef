import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Person } from '../../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../../components';
import { PersonForm } from '../../components/PersonForm';
import { useSession, useText } from '../../context';
import { date, initials, valueText } from '../../format';
import { Link } from '../../router';
import { AddContactForm, EndRoleForm } from './ContactRoleForm';
import type { OrganisationOut } from './Organisations';
import '../../styles/person.css';

interface Detail extends OrganisationOut {
  contactRoles: (Person['contactRoles'][number] & { personId: string })[];
}

/**
 * An organisation (R2.2): its fields with its y-tunnus, and its contact persons with their roles and dates. Staff who
 * may write edit its fields (the form made from the definition's organisation fields, the API's problems beside
 * them), add a contact person found by a search, and end a role on a date.
 */
export function OrganisationPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const fields = session.catalogue.filter((f) => f.holder === 'organisation');
  const [org, setOrg] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [people, setPeople] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [ending, setEnding] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const canWrite = session.can('persons.write');
  const reload = async (message: string) => {
    setNotice(message);
    setVersion((v) => v + 1);
  };

  // Another organisation: start afresh.
  useEffect(() => {
    void id;
    setOrg(null);
    setEditing(false);
    setAdding(false);
    setEnding(null);
    setNotice(null);
  }, [id]);

  useEffect(() => {
    let live = true;
    void version;
    setError(null);
    api<Detail>('GET', `/organisations/${id}`)
      .then(async (o) => {
        if (!live) return;
        setOrg(o);
        const ids = [...new Set(o.contactRoles.map((r) => r.personId))];
        const pairs = await Promise.all(
          ids.map((pid) =>
            api<Person>('GET', `/persons/${pid}`)
              .then(
                (p) =>
                  [
                    pid,
                    [p.fields.first_name, p.fields.last_name].filter(Boolean).map(String).join(' ') ||
                      t('persons.noName'),
                  ] as const,
              )
              .catch(() => [pid, t('organisations.unknownPerson')] as const),
          ),
        );
        if (live) setPeople(Object.fromEntries(pairs));
      })
      .catch(
        (e) =>
          live &&
          setError(e instanceof ApiError && e.status === 404 ? t('organisations.notFound') : errorText(e)),
      );
    return () => {
      live = false;
    };
  }, [id, errorText, t, version]);

  const name = org ? String(org.fields.name ?? '') : '';
  useEffect(() => {
    document.title = `${name || t('organisations.title')} · Lupaus`;
  }, [name, t]);

  const crumb = (
    <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
      <Link href="/organisations">← {t('organisations.title')}</Link>
    </nav>
  );
  if (error)
    return (
      <div className="page">
        {crumb}
        <Alert>{error}</Alert>
      </div>
    );
  if (!org)
    return (
      <div className="page">
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      </div>
    );
  const businessId = fields.find((f) => f.type === 'business_id');
  const active = org.contactRoles.filter((r) => r.active);
  const past = org.contactRoles.filter((r) => !r.active);
  const endingRole = ending ? org.contactRoles.find((r) => r.id === ending && r.active) : undefined;

  const roleList = (roles: Detail['contactRoles']) => (
    <table className="table">
      <caption className="visually-hidden">{t('organisations.contacts')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('organisations.person')}</th>
          <th scope="col">{t('organisations.roleTitle')}</th>
          <th scope="col">{t('organisations.period')}</th>
          <th scope="col">{t('organisations.state')}</th>
        </tr>
      </thead>
      <tbody>
        {roles.map((r) => {
          const n = people[r.personId] ?? '…';
          const [first, ...rest] = n.split(' ');
          return (
            <tr key={r.id}>
              <td>
                <span className="name-cell">
                  <span className="avatar small" aria-hidden="true">
                    {initials(first, rest.join(' '))}
                  </span>
                  <Link href={`/persons/${r.personId}`}>{n}</Link>
                </span>
              </td>
              <td className="wrap">{r.title ?? '—'}</td>
              <td className="wrap">
                {date(r.startsOn)} – {r.endsOn ? date(r.endsOn) : ''}
              </td>
              <td>
                <span className="state-cell">
                  <Badge tone={r.active ? 'good' : 'neutral'}>
                    {r.active ? t('personPage.active') : t('personPage.ended')}
                  </Badge>
                  {canWrite && r.active ? (
                    <button
                      type="button"
                      className="btn btn-link"
                      onClick={() => {
                        setAdding(false);
                        setNotice(null);
                        setEnding(r.id);
                      }}
                    >
                      {t('organisations.endRole')}
                      <span className="visually-hidden"> – {n}</span>
                    </button>
                  ) : null}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );

  return (
    <div className="page">
      {crumb}
      <div className="person-header card">
        <span className="avatar large org" aria-hidden="true">
          {name.slice(0, 1) || '?'}
        </span>
        <div className="person-title">
          <h1>{name || t('organisations.noName')}</h1>
          <p className="muted person-sub">
            {businessId && org.fields[businessId.id] ? (
              <span data-testid="business-id">
                {text(businessId.label)} <span className="mono">{String(org.fields[businessId.id])}</span>
              </span>
            ) : (
              <span>{t('organisations.noBusinessId')}</span>
            )}
            {' · '}
            {t('person.since', { when: date(org.createdAt) })}
          </p>
        </div>
        <div className="person-actions">
          <Badge tone="info">{t('organisations.contactCount', { count: active.length })}</Badge>
          {canWrite && !editing ? (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setNotice(null);
                setEditing(true);
              }}
            >
              {t('organisations.edit')}
            </button>
          ) : null}
        </div>
      </div>
      {notice ? <Alert kind="success">{notice}</Alert> : null}
      {editing ? (
        <div className="person-edit">
          <div className="page-header">
            <div>
              <h2>{t('organisations.editTitle')}</h2>
              <p className="page-lead">{t('organisations.editLead')}</p>
            </div>
          </div>
          <PersonForm
            fields={fields}
            initial={org.fields}
            submitLabel={t('organisations.save')}
            cancel={
              <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
                {t('common.cancel')}
              </button>
            }
            onSubmit={async (source, body) => {
              await api('PATCH', `/organisations/${org.id}`, { source, fields: body });
              setEditing(false);
              await reload(t('organisations.saved'));
            }}
          />
        </div>
      ) : null}
      <div className={`person-grid org-grid${editing ? ' hidden' : ''}`}>
        <div className="col">
          <Card title={t('person.facts')}>
            <dl className="facts">
              {fields.map((f) => (
                <div className="fact" key={f.id}>
                  <dt>{text(f.label)}</dt>
                  <dd>
                    <span className={`value${f.type === 'business_id' ? ' mono' : ''}`}>
                      {org.fields[f.id] === undefined ? '—' : valueText(org.fields[f.id])}
                    </span>
                  </dd>
                </div>
              ))}
            </dl>
          </Card>
        </div>
        <div className="col wide">
          <Card
            title={t('organisations.contacts')}
            className="table-card"
            actions={
              canWrite && !adding ? (
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  onClick={() => {
                    setEnding(null);
                    setNotice(null);
                    setAdding(true);
                  }}
                >
                  {t('organisations.addContact')}
                </button>
              ) : null
            }
          >
            {active.length === 0 ? <Empty>{t('organisations.noContacts')}</Empty> : roleList(active)}
            {adding ? (
              <AddContactForm
                organisationId={org.id}
                onCancel={() => setAdding(false)}
                onSaved={async () => {
                  setAdding(false);
                  await reload(t('organisations.contactAdded'));
                }}
              />
            ) : null}
            {endingRole ? (
              <EndRoleForm
                key={endingRole.id}
                roleId={endingRole.id}
                personName={people[endingRole.personId] ?? ''}
                startsOn={endingRole.startsOn}
                onCancel={() => setEnding(null)}
                onSaved={async () => {
                  setEnding(null);
                  await reload(t('organisations.roleEnded'));
                }}
              />
            ) : null}
          </Card>
          {past.length > 0 ? (
            <Card title={t('organisations.pastContacts')} className="table-card">
              {roleList(past)}
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}
