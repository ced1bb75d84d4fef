import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Me, onSignedOut, setCsrfToken } from './api';
import { type Session, SessionContext, useRegisterData } from './context';
import { Frame } from './Frame';
import { CommitmentPage, EnrolPage, PasswordChangePage, SignInPage } from './pages/Auth';
import { AdminPage } from './pages/admin';
import { DashboardsPage } from './pages/dashboards/DashboardsPage';
import { MarketingPage } from './pages/marketing/Marketing';
import { OrganisationPage } from './pages/organisations/Organisation';
import { OrganisationNewPage } from './pages/organisations/OrganisationNew';
import { OrganisationsPage } from './pages/organisations/Organisations';
import { PersonPage } from './pages/Person';
import { PersonNewPage } from './pages/PersonNew';
import { PersonsPage } from './pages/Persons';
import { RequestPage } from './pages/requests/RequestPage';
import { RequestsPage } from './pages/requests/RequestsPage';
import { PublicApp } from './public/PublicApp';
import { navigate, usePath } from './router';

type Stage =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'password'; me: Me }
  | { kind: 'enrol'; me: Me }
  | { kind: 'commitment'; me: Me }
  | { kind: 'ready'; me: Me };

/** Where the user stands: signed out, owing a step of signing in (R6.1, R6.3), or in the app. */
function stageOf(me: Me): Stage {
  if (me.user?.mustChangePassword) return { kind: 'password', me };
  if (me.secondFactorRequired && me.user && !me.user.secondFactor) return { kind: 'enrol', me };
  if (!me.commitment.signed) return { kind: 'commitment', me };
  return { kind: 'ready', me };
}

/** The data subject's public privacy pages (`/privacy…`, R7.2) need no sign-in; everything else is the staff's app. */
export function App() {
  const path = usePath();
  return path === '/privacy' || path.startsWith('/privacy/') ? <PublicApp /> : <StaffApp />;
}

function StaffApp() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api<Me>('GET', '/auth/me');
      setCsrfToken(me.csrfToken);
      setStage(stageOf(me));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(null);
        setStage({ kind: 'signed-out' });
      } else {
        setStage({ kind: 'signed-out' });
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onSignedOut(() => {
      setCsrfToken(null);
      setStage({ kind: 'signed-out' });
    });
  }, [refresh]);

  switch (stage.kind) {
    case 'loading':
      return <Loading />;
    case 'signed-out':
      return <SignInPage onSignedIn={refresh} />;
    case 'password':
      return <PasswordChangePage onDone={refresh} />;
    case 'enrol':
      return <EnrolPage onDone={refresh} />;
    case 'commitment':
      return <CommitmentPage onDone={refresh} />;
    case 'ready':
      return (
        <SignedIn
          me={stage.me}
          refresh={refresh}
          onSignOut={() => {
            setCsrfToken(null);
            setStage({ kind: 'signed-out' });
          }}
        />
      );
  }
}

function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading-screen" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{t('common.loading')}</span>
    </div>
  );
}

function SignedIn({
  me,
  refresh,
  onSignOut,
}: {
  me: Me;
  refresh: () => Promise<void>;
  onSignOut: () => void;
}) {
  const data = useRegisterData(me);
  const session: Session | null = useMemo(
    () =>
      data
        ? {
            me,
            ...data,
            can: (p: string) => me.permissions.includes(p),
            refresh,
            signOut: async () => {
              await api('POST', '/auth/sign-out').catch(() => undefined);
              navigate('/', { replace: true });
              onSignOut();
            },
          }
        : null,
    [me, data, refresh, onSignOut],
  );
  if (!session) return <Loading />;
  return (
    <SessionContext.Provider value={session}>
      <Frame>
        <Routes />
      </Frame>
    </SessionContext.Provider>
  );
}

function Routes() {
  const path = usePath();
  const { t } = useTranslation();
  if (path === '/' || path === '/persons') return <PersonsPage />;
  if (path === '/persons/new') return <PersonNewPage />;
  const m = /^\/persons\/([0-9a-fA-F-]{36})$/.exec(path);
  if (m?.[1]) return <PersonPage id={m[1]} />;
  if (path === '/organisations') return <OrganisationsPage />;
  if (path === '/organisations/new') return <OrganisationNewPage />;
  const org = /^\/organisations\/([0-9a-fA-F-]{36})$/.exec(path);
  if (org?.[1]) return <OrganisationPage id={org[1]} />;
  if (path === '/marketing') return <MarketingPage />;
  if (path === '/requests') return <RequestsPage />;
  const rq = /^\/requests\/([0-9a-fA-F-]{36})$/.exec(path);
  if (rq?.[1]) return <RequestPage id={rq[1]} />;
  if (path === '/dashboards') return <DashboardsPage />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminPage path={path} />;
  return (
    <section className="page">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
    </section>
  );
}
