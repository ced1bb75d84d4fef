import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Person } from '../../api';
import { Badge, Card, Empty } from '../../components';
import { date } from '../../format';
import { Link } from '../../router';

/** The organisations the person is (or was) a contact person of, with the title and the dates of the role (R2.2). */
export function Roles({ roles }: { roles: Person['contactRoles'] }) {
  const { t } = useTranslation();
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    const ids = [...new Set(roles.map((r) => r.organisationId))];
    void Promise.all(
      ids.map((id) =>
        api<{ id: string; fields: Record<string, unknown> }>('GET', `/organisations/${id}`)
          .then((o) => [id, String(o.fields.name ?? id)] as const)
          .catch(() => [id, id.slice(0, 8)] as const),
      ),
    ).then((pairs) => live && setNames(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [roles]);
  return (
    <Card title={t('personPage.organisations')}>
      {roles.length === 0 ? (
        <Empty>{t('personPage.noRoles')}</Empty>
      ) : (
        <ul className="roles">
          {roles.map((r) => (
            <li key={r.id}>
              <span className="role-org" aria-hidden="true">
                {(names[r.organisationId] ?? '?').slice(0, 1)}
              </span>
              <span className="role-body">
                <Link href={`/organisations/${r.organisationId}`}>{names[r.organisationId] ?? '…'}</Link>
                <span className="muted small">
                  {r.title ? `${r.title} · ` : ''}
                  {r.endsOn
                    ? t('personPage.roleFromTo', { from: date(r.startsOn), to: date(r.endsOn) })
                    : t('personPage.roleFrom', { from: date(r.startsOn) })}
                </span>
              </span>
              <Badge tone={r.active ? 'good' : 'neutral'}>
                {r.active ? t('personPage.active') : t('personPage.ended')}
              </Badge>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
