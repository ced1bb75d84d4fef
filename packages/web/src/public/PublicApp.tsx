import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { Alert, LanguageSwitch, Logo } from '../components';
import { date, dateTime } from '../format';
import { Link, navigate, usePath } from '../router';
import '../styles/public.css';
import {
  type LinkKind,
  type NoticeOut,
  PUBLIC_KINDS,
  type PublicKind,
  publicApi,
  type SubjectOut,
  setSubjectCsrf,
} from './publicApi';

/**
 * The data subject's public privacy pages (R7.2), before and apart from the staff's sign-in: the privacy notice
 * (`/privacy`), a request (`/privacy/request`), the emailed link (`/privacy/verify/<token>`) and the subject's
 * own page (`/privacy/status`). Finnish, English and Swedish.
 */
export function PublicApp() {
  const path = usePath();
  const { t, i18n } = useTranslation();
  const lang = (['fi', 'en', 'sv'].includes(i18n.language) ? i18n.language : 'fi') as 'fi' | 'en' | 'sv';
  const [notice, setNotice] = useState<NoticeOut | null>(null);
  const [noticeError, setNoticeError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setNoticeError(null);
    publicApi<NoticeOut>('GET', `/notice?lang=${lang}`)
      .then((n) => {
        if (live) setNotice(n);
      })
      .catch((e: unknown) => {
        if (live) setNoticeError(e);
      });
    return () => {
      live = false;
    };
  }, [lang]);

  const verify = /^\/privacy\/verify\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  let page: ReactNode;
  let title: string;
  if (path === '/privacy/request') {
    title = t('public.request.title');
    page = <RequestPage lang={lang} />;
  } else if (verify?.[1]) {
    title = t('public.verify.title');
    page = <VerifyPage token={verify[1]} />;
  } else if (path === '/privacy/status') {
    title = t('public.status.title');
    page = <StatusPage lang={lang} />;
  } else {
    title = notice?.title ?? t('public.nav.notice');
    page = <NoticePage notice={notice} error={noticeError} />;
  }
  const company = notice?.controller.name ?? '';

  useEffect(() => {
    document.title = company ? `${title} · ${company}` : title;
  }, [title, company]);

  const current =
    path === '/privacy/request' ? 'request' : path === '/privacy/status' ? 'status' : verify ? '' : 'notice';
  return (
    <div className="pub">
      <a className="pub-skip" href="#pub-main">
        {t('public.skip')}
      </a>
      <header className="pub-header">
        <div className="pub-header-inner">
          <Link href="/privacy" className="pub-brand">
            <Logo size={30} />
            <span className="pub-brand-name">{company || '\u00a0'}</span>
            <span className="pub-brand-sep" aria-hidden="true" />
            <span className="pub-brand-sub">{t('public.brand')}</span>
          </Link>
          <nav className="pub-nav" aria-label={t('public.nav.label')}>
            <Link href="/privacy" aria-current={current === 'notice' ? 'page' : undefined}>
              {t('public.nav.notice')}
            </Link>
            <Link href="/privacy/request" aria-current={current === 'request' ? 'page' : undefined}>
              {t('public.nav.request')}
            </Link>
          </nav>
          <LanguageSwitch />
        </div>
      </header>
      <main id="pub-main" className="pub-main" tabIndex={-1}>
        {page}
      </main>
      <footer className="pub-footer">
        <div className="pub-footer-inner">
          <div>
            <strong>{company}</strong>
            {notice?.controller.email ? (
              <>
                {' · '}
                <a href={`mailto:${notice.controller.email}`}>{notice.controller.email}</a>
              </>
            ) : null}
            {notice?.controller.phone ? ` · ${notice.controller.phone}` : null}
          </div>
          <div className="pub-footer-note">
            <Link href="/privacy/request">{t('public.footer.rights')}</Link>
            <span>{t('public.footer.authority')}</span>
          </div>
        </div>
      </footer>
    </div>
  );
}

/** A known error code in the page's words, else the general message. */
function usePublicError(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        const key = `public.errors.${e.code}`;
        if (i18n.exists(key)) return t(key);
      }
      return t('public.errors.UNEXPECTED');
    },
    [t, i18n],
  );
}

function NoticePage({ notice, error }: { notice: NoticeOut | null; error: unknown }) {
  const { t } = useTranslation();
  const errorText = usePublicError();
  const body = useRef<HTMLDivElement>(null);
  const [toc, setToc] = useState<{ id: string; text: string }[]>([]);

  useEffect(() => {
    const el = body.current;
    if (!el || !notice) return;
    const headings = [...el.querySelectorAll('h2')];
    setToc(
      headings.map((h, i) => {
        h.id = `section-${i + 1}`;
        return { id: h.id, text: h.textContent ?? '' };
      }),
    );
  }, [notice]);

  if (error) return <Alert>{errorText(error)}</Alert>;
  if (!notice) {
    return <PubLoading text={t('public.notice.loading')} />;
  }
  return (
    <div className="pub-notice">
      <div className="pub-hero">
        <h1>{notice.title}</h1>
        {notice.version !== null && notice.publishedAt ? (
          <p className="pub-meta">
            {t('public.notice.meta', { version: notice.version, date: date(notice.publishedAt) })}
          </p>
        ) : null}
      </div>
      <div className="pub-notice-grid">
        <nav className="pub-toc" aria-labelledby="pub-toc-title">
          <h2 id="pub-toc-title">{t('public.notice.onThisPage')}</h2>
          <ol>
            {toc.map((h) => (
              <li key={h.id}>
                <a href={`#${h.id}`}>{h.text.replace(/^\d+\.\s*/, '')}</a>
              </li>
            ))}
          </ol>
        </nav>
        <article className="pub-article">
          {notice.textLanguage !== notice.lang ? (
            <p className="pub-partial">{t('public.notice.partial')}</p>
          ) : null}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server renders the notice from the register definition with every character of it escaped (markdownToHtml); it holds no script */}
          <div ref={body} className="pub-notice-body" dangerouslySetInnerHTML={{ __html: notice.html }} />
        </article>
        <aside className="pub-aside">
          <section className="pub-cta" aria-labelledby="pub-cta-title">
            <h2 id="pub-cta-title">{t('public.notice.rightsTitle')}</h2>
            <p>{t('public.notice.rightsText')}</p>
            <Link href="/privacy/request" className="btn btn-primary btn-block">
              {t('public.notice.rightsCta')}
            </Link>
          </section>
          {notice.controller.email ? (
            <section className="pub-contact" aria-labelledby="pub-contact-title">
              <h2 id="pub-contact-title">{t('public.notice.contactTitle')}</h2>
              <p>
                {t('public.notice.contactText')}{' '}
                <a href={`mailto:${notice.controller.email}`}>{notice.controller.email}</a>
              </p>
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function RequestPage({ lang }: { lang: string }) {
  const { t } = useTranslation();
  const errorText = usePublicError();
  const id = useId();
  const [kind, setKind] = useState<PublicKind | ''>('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const sentHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (sentTo) sentHeading.current?.focus();
  }, [sentTo]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!kind) found.kind = t('public.request.kindRequired');
    if (name.trim() === '') found.name = t('public.request.nameRequired');
    if (!EMAIL_RE.test(email.trim())) found.email = t('public.request.emailInvalid');
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      document.getElementById(`${id}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await publicApi('POST', '/requests', {
        kind,
        name: name.trim(),
        email: email.trim(),
        ...(message.trim() ? { message: message.trim() } : {}),
        lang,
      });
      setSentTo(email.trim());
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const byField: Record<string, string> = {};
        for (const p of err.problems) {
          const f = p.at.replace(/^body\./, '');
          if (f === 'email') byField.email = t('public.request.emailInvalid');
          else if (f === 'name') byField.name = t('public.request.nameRequired');
          else if (f === 'kind') byField.kind = t('public.request.kindRequired');
          else byField[f] = p.message;
        }
        setErrors(byField);
      }
      setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (sentTo) {
    return (
      <div className="pub-narrow">
        <div className="pub-panel pub-sent">
          <div className="pub-sent-icon" aria-hidden="true">
            ✉
          </div>
          <h1 ref={sentHeading} tabIndex={-1}>
            {t('public.request.sentTitle')}
          </h1>
          <p>{t('public.request.sentText', { email: sentTo })}</p>
          <p className="muted small">{t('public.request.sentNote')}</p>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              setSentTo(null);
              setKind('');
              setMessage('');
            }}
          >
            {t('public.request.again')}
          </button>
        </div>
      </div>
    );
  }

  const describe = (field: string, hint?: boolean) =>
    errors[field] ? `${id}-${field}-error` : hint ? `${id}-${field}-hint` : undefined;

  return (
    <div className="pub-narrow">
      <h1>{t('public.request.title')}</h1>
      <p className="pub-lead">{t('public.request.lead')}</p>
      <form className="pub-panel" onSubmit={submit} noValidate>
        {formError ? <Alert>{formError}</Alert> : null}
        <fieldset className="pub-kinds" aria-describedby={describe('kind')}>
          <legend>
            {t('public.request.kindLegend')}
            <span className="required" aria-hidden="true">
              {' '}
              *
            </span>
          </legend>
          <div className="pub-kind-grid">
            {PUBLIC_KINDS.map((k, i) => (
              <label key={k} className={`pub-kind${kind === k ? ' is-selected' : ''}`}>
                <input
                  type="radio"
                  name="kind"
                  value={k}
                  id={i === 0 ? `${id}-kind` : undefined}
                  checked={kind === k}
                  onChange={() => setKind(k)}
                  required
                />
                <span className="pub-kind-text">
                  <span className="pub-kind-title">{t(`public.request.kinds.${k}.title`)}</span>
                  <span className="pub-kind-desc">{t(`public.request.kinds.${k}.text`)}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.kind ? (
            <p className="field-error" id={`${id}-kind-error`}>
              <span aria-hidden="true">⚠ </span>
              {errors.kind}
            </p>
          ) : null}
        </fieldset>
        <div className="pub-two">
          <div className={`field${errors.name ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-name`}>
              {t('public.request.name')}
              <span className="required" aria-hidden="true">
                {' '}
                *
              </span>
            </label>
            <input
              id={`${id}-name`}
              autoComplete="name"
              value={name}
              maxLength={200}
              required
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describe('name')}
              onChange={(e) => setName(e.target.value)}
            />
            {errors.name ? (
              <p className="field-error" id={`${id}-name-error`}>
                <span aria-hidden="true">⚠ </span>
                {errors.name}
              </p>
            ) : null}
          </div>
          <div className={`field${errors.email ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-email`}>
              {t('public.request.email')}
              <span className="required" aria-hidden="true">
                {' '}
                *
              </span>
            </label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="email"
              value={email}
              maxLength={254}
              required
              aria-invalid={errors.email ? true : undefined}
              aria-describedby={describe('email', true)}
              onChange={(e) => setEmail(e.target.value)}
            />
            {errors.email ? (
              <p className="field-error" id={`${id}-email-error`}>
                <span aria-hidden="true">⚠ </span>
                {errors.email}
              </p>
            ) : (
              <p className="hint" id={`${id}-email-hint`}>
                {t('public.request.emailHint')}
              </p>
            )}
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-message`}>{t('public.request.message')}</label>
          <textarea
            id={`${id}-message`}
            rows={4}
            maxLength={4000}
            value={message}
            aria-describedby={`${id}-message-hint`}
            onChange={(e) => setMessage(e.target.value)}
          />
          <p className="hint" id={`${id}-message-hint`}>
            {t('public.request.messageHint')}
          </p>
        </div>
        <div className="pub-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('public.request.sending') : t('public.request.submit')}
          </button>
          <p className="muted small">{t('public.request.privacy')}</p>
        </div>
      </form>
      <StatusLinkForm lang={lang} />
    </div>
  );
}

/** A link back to the latest request: only the email address, the same answer for every address. */
function StatusLinkForm({ lang }: { lang: string }) {
  const { t } = useTranslation();
  const errorText = usePublicError();
  const id = useId();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSentTo(null);
    if (!EMAIL_RE.test(email.trim())) {
      setError(t('public.request.emailInvalid'));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await publicApi('POST', '/requests', { kind: 'status', email: email.trim(), lang });
      setSentTo(email.trim());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="pub-panel pub-status-link" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('public.request.statusTitle')}</h2>
      <p className="muted">{t('public.request.statusText')}</p>
      <form className="pub-inline" onSubmit={submit} noValidate>
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor={`${id}-email`}>{t('public.request.email')}</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="email"
            value={email}
            maxLength={254}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {t('public.request.statusSubmit')}
        </button>
      </form>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      <div role="status" aria-live="polite">
        {sentTo ? <Alert kind="success">{t('public.request.sentText', { email: sentTo })}</Alert> : null}
      </div>
    </section>
  );
}

function VerifyPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const errorText = usePublicError();
  const [link, setLink] = useState<{ kind: LinkKind } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    publicApi<{ kind: LinkKind }>('POST', '/links/check', { token })
      .then((l) => {
        if (live) setLink(l);
      })
      .catch((e: unknown) => {
        if (live) setError(e);
      });
    return () => {
      live = false;
    };
  }, [token]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await publicApi<{ csrfToken: string }>('POST', '/links/use', { token });
      setSubjectCsrf(s.csrfToken);
      navigate('/privacy/status', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  if (error && !link) {
    return <LinkFailed title={t('public.verify.failedTitle')} message={errorText(error)} />;
  }
  if (!link) {
    return <PubLoading text={t('public.verify.checking')} />;
  }
  return (
    <div className="pub-narrow">
      <div className="pub-panel">
        <h1>{t('public.verify.title')}</h1>
        <p className="pub-lead">{t('public.verify.lead', { kind: t(`public.kindNames.${link.kind}`) })}</p>
        <p>{t('public.verify.explain')}</p>
        {error ? <Alert>{errorText(error)}</Alert> : null}
        <button type="button" className="btn btn-primary" onClick={confirm} disabled={busy}>
          {busy ? t('public.verify.confirming') : t('public.verify.confirm')}
        </button>
      </div>
    </div>
  );
}

const STEPS = ['received', 'verified', 'completed'] as const;

function StatusPage({ lang }: { lang: string }) {
  const { t } = useTranslation();
  const errorText = usePublicError();
  const [view, setView] = useState<SubjectOut | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ key: string; channel?: string; purpose?: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [closed, setClosed] = useState(false);

  const load = useCallback(async () => {
    try {
      const v = await publicApi<SubjectOut>('GET', `/session?lang=${lang}`);
      setSubjectCsrf(v.csrfToken);
      setView(v);
    } catch (e) {
      setError(e);
    }
  }, [lang]);

  useEffect(() => {
    void load();
  }, [load]);

  if (closed) {
    return (
      <div className="pub-narrow">
        <div className="pub-panel">
          <Alert kind="success">{t('public.status.signedOut')}</Alert>
          <Link href="/privacy">{t('public.nav.notice')}</Link>
        </div>
      </div>
    );
  }
  if (error && !view) {
    return <LinkFailed title={t('public.status.title')} message={errorText(error)} />;
  }
  if (!view) {
    return <PubLoading text={t('common.loading')} />;
  }

  const setConsent = async (c: SubjectOut['consents'][number], allowed: boolean) => {
    setBusy(`${c.channel}:${c.purpose}`);
    setSaved(null);
    setError(null);
    try {
      await publicApi('PUT', '/session/consents', { channel: c.channel, purpose: c.purpose, allowed });
      // Said once the page shows the choice as the register now holds it.
      await load();
      setSaved({
        key: allowed ? 'public.status.savedAllowed' : 'public.status.savedForbidden',
        channel: c.channel,
        purpose: c.purpose,
      });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const objectAll = async () => {
    setBusy('all');
    setSaved(null);
    setError(null);
    try {
      await publicApi('POST', '/session/objection');
      await load();
      setSaved({ key: 'public.status.objectDone' });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const signOut = async () => {
    await publicApi('POST', '/session/sign-out').catch(() => undefined);
    setSubjectCsrf(null);
    setClosed(true);
  };

  const channels = unique(view.consents.map((c) => ({ id: c.channel, name: c.channelName })));
  const purposes = unique(view.consents.map((c) => ({ id: c.purpose, name: c.purposeName })));
  const savedText = (x: { key: string; channel?: string; purpose?: string }) =>
    t(x.key, {
      channel: channels.find((c) => c.id === x.channel)?.name ?? '',
      purpose: purposes.find((p) => p.id === x.purpose)?.name ?? '',
    });
  const r = view.request;
  const reached = r
    ? r.state === 'completed' || r.state === 'refused'
      ? 3
      : r.state === 'received'
        ? 1
        : 2
    : 0;
  const reportLang = lang === 'sv' ? 'en' : lang;
  return (
    <div className="pub-status">
      <div className="pub-status-head">
        <div>
          <h1>{t('public.status.title')}</h1>
          <p className="pub-lead">{t('public.status.lead', { time: dateTime(view.expiresAt) })}</p>
        </div>
        <button type="button" className="btn btn-secondary" onClick={signOut}>
          {t('public.status.signOut')}
        </button>
      </div>
      {error ? <Alert>{errorText(error)}</Alert> : null}
      {view.outcome === 'none' ? <Alert kind="info">{t('public.status.none')}</Alert> : null}
      {view.outcome === 'several' ? <Alert kind="info">{t('public.status.several')}</Alert> : null}
      {r ? (
        <section className="pub-panel" aria-labelledby="pub-req-title">
          <h2 id="pub-req-title">{t('public.status.requestTitle')}</h2>
          <dl className="pub-facts">
            <div>
              <dt>{t('public.status.kind')}</dt>
              <dd>{t(`public.types.${r.type}`, { defaultValue: r.type })}</dd>
            </div>
            <div>
              <dt>{t('public.status.state')}</dt>
              <dd>
                <span className={`pub-state pub-state-${r.state}`}>
                  {t(`public.status.states.${r.state}`, { defaultValue: r.state })}
                </span>
              </dd>
            </div>
            <div>
              <dt>{t('public.status.received')}</dt>
              <dd>{date(r.receivedAt)}</dd>
            </div>
            <div>
              <dt>{r.closedAt ? t('public.status.closed') : t('public.status.deadline')}</dt>
              <dd>{r.closedAt ? date(r.closedAt) : date(r.deadline)}</dd>
            </div>
          </dl>
          <ol className="pub-steps">
            {STEPS.map((s, i) => (
              <li
                key={s}
                className={i < reached ? 'is-done' : ''}
                aria-current={i === reached - 1 ? 'step' : undefined}
              >
                <span className="pub-step-dot" aria-hidden="true">
                  {i < reached ? '✓' : i + 1}
                </span>
                <span>{t(`public.status.steps.${s}`)}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {view.outcome === 'matched' && !r ? <Alert kind="info">{t('public.status.noRequests')}</Alert> : null}
      {r && (r.type === 'access' || r.type === 'portability') ? (
        <section className="pub-panel" aria-labelledby="pub-docs-title">
          <h2 id="pub-docs-title">{t('public.status.downloadsTitle')}</h2>
          {view.downloads.accessReport ? (
            <div className="pub-downloads">
              <a
                className="btn btn-primary"
                href={`/api/v1/public/session/access-report?format=pdf&lang=${reportLang}`}
                download
              >
                {t('public.status.accessPdf')}
              </a>
              <a
                className="btn btn-secondary"
                href={`/api/v1/public/session/access-report?format=html&lang=${reportLang}`}
                target="_blank"
                rel="noopener"
              >
                {t('public.status.accessHtml')}
              </a>
            </div>
          ) : view.downloads.portableData ? (
            <div className="pub-downloads">
              <a className="btn btn-primary" href="/api/v1/public/session/portable-data?format=json" download>
                {t('public.status.portableJson')}
              </a>
              <a
                className="btn btn-secondary"
                href="/api/v1/public/session/portable-data?format=csv"
                download
              >
                {t('public.status.portableCsv')}
              </a>
            </div>
          ) : (
            <p className="muted">{t('public.status.waiting')}</p>
          )}
        </section>
      ) : null}
      {view.consents.length > 0 ? (
        <section className="pub-panel" aria-labelledby="pub-consents-title">
          <h2 id="pub-consents-title">{t('public.status.consentsTitle')}</h2>
          <p className="muted">{t('public.status.consentsLead')}</p>
          <div className="pub-saved" role="status" aria-live="polite">
            {saved ? savedText(saved) : null}
          </div>
          <div className="pub-consents-wrap">
            <table className="pub-consents">
              <thead>
                <tr>
                  <th scope="col">{t('public.status.purpose')}</th>
                  {channels.map((c) => (
                    <th scope="col" key={c.id}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {purposes.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    {channels.map((ch) => {
                      const c = view.consents.find((x) => x.channel === ch.id && x.purpose === p.id);
                      return (
                        <td key={ch.id}>
                          {c ? (
                            <label className="pub-switch">
                              <input
                                type="checkbox"
                                role="switch"
                                aria-checked={c.allowed}
                                checked={c.allowed}
                                disabled={busy !== null}
                                onChange={(e) => void setConsent(c, e.target.checked)}
                              />
                              <span className="pub-switch-track" aria-hidden="true" />
                              <span className="visually-hidden">
                                {t('public.status.allowed')}: {c.purposeName}, {c.channelName}
                              </span>
                            </label>
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pub-object">
            <div>
              <h3>{t('public.status.objectTitle')}</h3>
              <p className="muted small">{t('public.status.objectText')}</p>
            </div>
            <button type="button" className="btn btn-secondary" onClick={objectAll} disabled={busy !== null}>
              {t('public.status.objectButton')}
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}

/** The items of a list with distinct ids, in their first order. */
function unique<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    if (seen.has(x.id)) return false;
    seen.add(x.id);
    return true;
  });
}

/** A spinner with what is being waited for. */
function PubLoading({ text }: { text: string }) {
  return (
    <p className="pub-loading" role="status">
      <span className="spinner" aria-hidden="true" /> {text}
    </p>
  );
}

/** A link or page that did not open: why, and the way to ask for a new link. */
function LinkFailed({ title, message }: { title: string; message: string }) {
  const { t } = useTranslation();
  return (
    <div className="pub-narrow">
      <div className="pub-panel">
        <h1>{title}</h1>
        <Alert>{message}</Alert>
        <Link href="/privacy/request" className="btn btn-primary">
          {t('public.verify.newRequest')}
        </Link>
      </div>
    </div>
  );
}
