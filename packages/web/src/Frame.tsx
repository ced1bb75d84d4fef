import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch, Logo } from './components';
import { useSession, useText } from './context';
import { QuickSearch } from './QuickSearch';
import { Link, usePath } from './router';

interface NavItem {
  key: string;
  href?: string;
  icon: ReactNode;
  permission?: string;
  active?: (path: string) => boolean;
}

const icon = (d: string) => (
  <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path
      d={d}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);

/** The navigation: the pages of this version link; the later ones are shown as coming, not as links. */
const NAV: NavItem[] = [
  {
    key: 'persons',
    href: '/persons',
    permission: 'persons.read',
    icon: icon(
      'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7M21 19v-1a4 4 0 0 0-3-3.9M15.5 3.1a3.5 3.5 0 0 1 0 6.8',
    ),
    active: (p) => p === '/' || p.startsWith('/persons'),
  },
  {
    key: 'organisations',
    href: '/organisations',
    permission: 'persons.read',
    active: (p) => p.startsWith('/organisations'),
    icon: icon('M3 21h18M5 21V7l7-4 7 4v14M9 9h.01M15 9h.01M9 13h.01M15 13h.01M10 21v-4h4v4'),
  },
  {
    key: 'requests',
    href: '/requests',
    permission: 'requests.manage',
    active: (p) => p.startsWith('/requests'),
    icon: icon(
      'M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2M9 5a2 2 0 0 0 2 2h2a2 2 0 0 0 2-2M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2M9 14l2 2 4-4',
    ),
  },
  {
    key: 'dashboards',
    href: '/dashboards',
    active: (p) => p.startsWith('/dashboards'),
    icon: icon('M4 20V10M10 20V4M16 20v-7M22 20H2'),
  },
  {
    key: 'marketing',
    href: '/marketing',
    permission: 'marketing.select',
    active: (p) => p.startsWith('/marketing'),
    icon: icon('M3 11l18-8-8 18-2-8-8-2z'),
  },
  {
    key: 'administration',
    href: '/admin',
    permission: 'register.read',
    active: (p) => p.startsWith('/admin'),
    icon: icon(
      'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
    ),
  },
];

/** The app's frame: the navigation on the left, the top bar with the quick search, the page. */
export function Frame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const text = useText();
  const session = useSession();
  const path = usePath();
  const [searchOpen, setSearchOpen] = useState(false);

  // Quick search from anywhere: `/` (outside a text field) or Ctrl+K / ⌘K.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing =
        target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'TEXTAREA' ||
          target.tagName === 'SELECT' ||
          target.isContentEditable);
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setSearchOpen(true);
      } else if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setSearchOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const user = session.me.user;
  const name = user?.displayName ?? session.me.actorId;
  const registerName = session.register ? text(session.register.name) : '';

  return (
    <div className="frame">
      <a href="#main" className="skip-link">
        {t('frame.skip')}
      </a>
      <nav className="sidebar" aria-label={t('frame.navigation')}>
        <div className="sidebar-brand">
          <Logo />
          <div>
            <div className="brand-name">Lupaus</div>
            {registerName ? (
              <div className="brand-register" title={registerName}>
                {registerName}
              </div>
            ) : null}
          </div>
        </div>
        <ul className="nav">
          {NAV.filter((n) => !n.permission || session.can(n.permission)).map((n) =>
            n.href ? (
              <li key={n.key}>
                <Link
                  href={n.href}
                  className={`nav-item${n.active?.(path) ? ' active' : ''}`}
                  aria-current={n.active?.(path) ? 'page' : undefined}
                >
                  {n.icon}
                  <span>{t(`nav.${n.key}`)}</span>
                </Link>
              </li>
            ) : (
              <li key={n.key}>
                <span className="nav-item disabled" aria-disabled="true">
                  {n.icon}
                  <span>{t(`nav.${n.key}`)}</span>
                  <span className="soon">{t('nav.soon')}</span>
                </span>
              </li>
            ),
          )}
        </ul>
        <div className="sidebar-foot">
          {session.register ? (
            <p className="controller">
              <span className="muted small">{t('frame.controller')}</span>
              <br />
              {session.register.controller.name}
            </p>
          ) : null}
        </div>
      </nav>
      <div className="main-column">
        <header className="topbar">
          <button
            type="button"
            className="search-trigger"
            onClick={() => setSearchOpen(true)}
            aria-keyshortcuts="/ Control+K"
          >
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="M20 20l-3.5-3.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            <span className="search-label">{t('search.placeholder')}</span>
            <kbd>/</kbd>
          </button>
          <div className="topbar-right">
            <LanguageSwitch />
            <div className="user-chip" title={user?.username}>
              <span className="avatar" aria-hidden="true">
                {name.slice(0, 1).toUpperCase()}
              </span>
              <span className="user-name">{name}</span>
            </div>
            <button type="button" className="btn btn-ghost" onClick={() => void session.signOut()}>
              {t('frame.signOut')}
            </button>
          </div>
        </header>
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
      {searchOpen ? <QuickSearch onClose={() => setSearchOpen(false)} /> : null}
    </div>
  );
}
