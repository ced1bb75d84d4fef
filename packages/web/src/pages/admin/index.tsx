import '../../styles/admin.css';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components';
import { useSession } from '../../context';
import { Link, navigate } from '../../router';
import { AuditPage } from './Audit';
import { BreachesPage, BreachPage } from './Breaches';
import { CommitmentsPage } from './Commitments';
import { ProcessorsPage } from './Processors';
import { RegisterDefinitionPage } from './RegisterDefinition';
import { RolesPage } from './Roles';
import { UsersPage } from './Users';

/** The sections of the administration, each shown only to the roles that hold its permission. */
export const ADMIN_SECTIONS = [
  { key: 'users', permission: 'users.manage' },
  { key: 'roles', permission: 'users.manage' },
  { key: 'commitments', permission: 'users.manage' },
  { key: 'audit', permission: 'audit.read' },
  { key: 'register', permission: 'register.read' },
  { key: 'processors', permission: 'register.read' },
  { key: 'breaches', permission: 'breaches.manage' },
] as const;

/** Whether the signed-in user may see any section of the administration. */
export function mayAdminister(can: (permission: string) => boolean): boolean {
  return ADMIN_SECTIONS.some((s) => can(s.permission));
}

/** The administration (issue 7 item 5): `/admin/<section>[/<id>]`. */
export function AdminPage({ path }: { path: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const [, , section, id] = path.split('/');
  const allowed = ADMIN_SECTIONS.filter((s) => session.can(s.permission));
  const current = ADMIN_SECTIONS.find((s) => s.key === section);

  useEffect(() => {
    if (!section && allowed[0]) navigate(`/admin/${allowed[0].key}`, { replace: true });
  }, [section, allowed]);

  let body: ReactNode;
  if (!current) {
    body = section ? (
      <section className="page">
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.text')}</p>
      </section>
    ) : null;
  } else if (!session.can(current.permission)) {
    body = (
      <div className="page">
        <Alert>{t('errors.FORBIDDEN')}</Alert>
      </div>
    );
  } else {
    switch (current.key) {
      case 'users':
        body = <UsersPage />;
        break;
      case 'roles':
        body = <RolesPage />;
        break;
      case 'commitments':
        body = <CommitmentsPage />;
        break;
      case 'audit':
        body = <AuditPage />;
        break;
      case 'register':
        body = <RegisterDefinitionPage />;
        break;
      case 'processors':
        body = <ProcessorsPage />;
        break;
      case 'breaches':
        body = id ? <BreachPage id={id} /> : <BreachesPage />;
        break;
    }
  }

  return (
    <div className="admin">
      <nav className="admin-tabs" aria-label={t('admin.sections')}>
        <span className="admin-tabs-title">{t('admin.title')}</span>
        <ul>
          {allowed.map((s) => (
            <li key={s.key}>
              <Link
                href={`/admin/${s.key}`}
                className={`admin-tab${s.key === section ? ' active' : ''}`}
                aria-current={s.key === section ? 'page' : undefined}
              >
                {t(`admin.tabs.${s.key}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {body}
    </div>
  );
}
