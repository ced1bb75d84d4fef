import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Badge, Card, useErrorText } from '../../components';
import { useText } from '../../context';
import type { RolesOut } from './shared';
import { roleName } from './Users';

/** Roles (R6.2): the definition's roles and what each may do, read-only. */
export function RolesPage() {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const [data, setData] = useState<RolesOut | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('admin.roles.title')} · Lupaus`;
  }, [t]);
  useEffect(() => {
    api<RolesOut>('GET', '/admin/roles')
      .then(setData)
      .catch((e) => setError(errorText(e)));
  }, [errorText]);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.roles.title')}</h1>
          <p className="page-lead">{t('admin.roles.lead')}</p>
        </div>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        <>
          <div className="role-cards">
            {data.roles.map((r) => (
              <div key={r.id} className="role-card">
                <div className="role-card-name">{r.name ? text(r.name) : roleName(t, r.id)}</div>
                <div className="mono muted small">{r.id}</div>
                {r.description ? <p className="small">{text(r.description)}</p> : null}
                <div className="small muted">
                  {t('admin.users.permissionCount', { n: r.permissions.length })}
                  {r.declared ? null : <> · {t('admin.roles.default')}</>}
                </div>
              </div>
            ))}
          </div>
          <Card className="table-card" title={t('admin.roles.matrix')}>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a matrix wider than the screen (longer texts, such as Swedish) must scroll by keyboard */}
            <section className="table-scroll" tabIndex={0} aria-label={t('admin.roles.matrix')}>
              <table className="table admin-table matrix">
                <caption className="visually-hidden">{t('admin.roles.matrix')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.roles.permission')}</th>
                    {data.roles.map((r) => (
                      <th key={r.id} scope="col" className="center">
                        {r.name ? text(r.name) : roleName(t, r.id)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.permissions.map((p) => (
                    <tr key={p.id}>
                      <th scope="row">
                        <span className="admin-strong">
                          {t(`admin.permissions.${p.id.replace('.', '_')}`, { defaultValue: p.description })}
                        </span>{' '}
                        {p.personalData ? <Badge tone="warn">{t('admin.roles.personalData')}</Badge> : null}
                        <span className="mono muted small block">{p.id}</span>
                      </th>
                      {data.roles.map((r) => {
                        const has = r.permissions.includes(p.id);
                        return (
                          <td key={r.id} className="center">
                            {has ? (
                              <span className="tick" role="img" aria-label={t('admin.roles.allowed')}>
                                ✓
                              </span>
                            ) : (
                              <span className="dash" role="img" aria-label={t('admin.roles.notAllowed')}>
                                –
                              </span>
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </Card>
          <p className="muted small">{t('admin.roles.note')}</p>
        </>
      ) : !error ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : null}
    </div>
  );
}
