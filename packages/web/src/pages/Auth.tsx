import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Commitment, type SessionOut, setCsrfToken } from '../api';
import { Alert, Field, LanguageSwitch, Logo, useErrorText } from '../components';
import { useText } from '../context';

/** Puts the keyboard focus in the first field of a step once it is shown (instead of the autofocus attribute). */
function focusOnMount(el: HTMLInputElement | null): void {
  el?.focus();
}

/** The frame of the pages before the app: signing in, the second factor, enrolment, the commitment. */
function AuthLayout({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · Lupaus`;
  }, [title]);
  return (
    <div className="auth">
      <aside className="auth-side" aria-hidden="true">
        <div className="auth-brand">
          <Logo size={40} />
          <span>Lupaus</span>
        </div>
        <p className="auth-tagline">{t('auth.tagline')}</p>
        <ul className="auth-points">
          <li>{t('auth.point1')}</li>
          <li>{t('auth.point2')}</li>
          <li>{t('auth.point3')}</li>
        </ul>
      </aside>
      <main className="auth-main">
        <div className="auth-top">
          <LanguageSwitch />
        </div>
        <div className="auth-card">
          <div className="auth-brand-small">
            <Logo size={32} />
            <span>Lupaus</span>
          </div>
          <h1>{title}</h1>
          {lead ? <p className="lead">{lead}</p> : null}
          {children}
        </div>
      </main>
    </div>
  );
}

/** Signing in (R6.1): username and password, then the TOTP code or a recovery code. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [stage, setStage] = useState<'password' | 'code'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submitPassword = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const s = await api<SessionOut>('POST', '/auth/sign-in', { username, password });
      setCsrfToken(s.csrfToken);
      setPassword('');
      if (s.stage === 'second-factor') setStage('code');
      else await onSignedIn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = useRecovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') };
      const s = await api<SessionOut>('POST', '/auth/second-factor', body);
      setCsrfToken(s.csrfToken);
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
        setStage('password');
        setError(t('auth.expired'));
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (stage === 'code') {
    return (
      <AuthLayout
        title={t('auth.secondFactorTitle')}
        lead={useRecovery ? t('auth.recoveryLead') : t('auth.codeLead')}
      >
        <form onSubmit={submitCode} noValidate>
          {error ? <Alert>{error}</Alert> : null}
          <Field id={`${id}-code`} label={useRecovery ? t('auth.recoveryCode') : t('auth.code')}>
            <input
              id={`${id}-code`}
              name="code"
              className={useRecovery ? '' : 'code-input'}
              autoComplete="one-time-code"
              inputMode={useRecovery ? 'text' : 'numeric'}
              ref={focusOnMount}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || code.trim() === ''}>
            {t('auth.verify')}
          </button>
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
              setError(null);
            }}
          >
            {useRecovery ? t('auth.useCode') : t('auth.useRecovery')}
          </button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('auth.signInTitle')} lead={t('auth.signInLead')}>
      <form onSubmit={submitPassword} noValidate>
        {error ? <Alert>{error}</Alert> : null}
        <Field id={`${id}-user`} label={t('auth.username')}>
          <input
            id={`${id}-user`}
            name="username"
            autoComplete="username"
            ref={focusOnMount}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field id={`${id}-password`} label={t('auth.password')}>
          <input
            id={`${id}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={busy || username === '' || password === ''}
        >
          {busy ? t('common.wait') : t('auth.signIn')}
        </button>
        <p className="auth-footnote">{t('auth.noAccount')}</p>
      </form>
    </AuthLayout>
  );
}

/** A one-time password must be changed first (R6.1). */
export function PasswordChangePage({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems({});
    if (next !== again) {
      setProblems({ again: t('auth.passwordsDiffer') });
      return;
    }
    setBusy(true);
    try {
      await api('POST', '/auth/password', { currentPassword: current, newPassword: next });
      await onDone();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length > 0) {
        const p: Record<string, string> = {};
        for (const x of err.problems) p[x.at.replace(/^body\./, '')] = x.message;
        setProblems(p);
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.passwordTitle')} lead={t('auth.passwordLead')}>
      <form onSubmit={submit} noValidate>
        {error ? <Alert>{error}</Alert> : null}
        <Field id={`${id}-cur`} label={t('auth.currentPassword')} error={problems.currentPassword}>
          <input
            id={`${id}-cur`}
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            aria-invalid={problems.currentPassword ? true : undefined}
            aria-describedby={problems.currentPassword ? `${id}-cur-error` : undefined}
          />
        </Field>
        <Field
          id={`${id}-new`}
          label={t('auth.newPassword')}
          error={problems.newPassword}
          hint={t('auth.passwordHint')}
        >
          <input
            id={`${id}-new`}
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            aria-invalid={problems.newPassword ? true : undefined}
            aria-describedby={problems.newPassword ? `${id}-new-error` : `${id}-new-hint`}
          />
        </Field>
        <Field id={`${id}-again`} label={t('auth.newPasswordAgain')} error={problems.again}>
          <input
            id={`${id}-again`}
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            aria-invalid={problems.again ? true : undefined}
            aria-describedby={problems.again ? `${id}-again-error` : undefined}
          />
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {t('auth.changePassword')}
        </button>
      </form>
    </AuthLayout>
  );
}

/** Setting up the TOTP second factor: the QR code, the key to type in, the first code, then the recovery codes. */
export function EnrolPage({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [enrolment, setEnrolment] = useState<{ qrSvg: string; secret: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    api<{ qrSvg: string; secret: string }>('POST', '/auth/totp')
      .then((e) => live && setEnrolment(e))
      .catch((err) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [errorText]);

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api<{ recoveryCodes: string[] }>('POST', '/auth/totp/confirm', {
        code: code.replace(/\s/g, ''),
      });
      setCodes(r.recoveryCodes);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (codes) {
    return (
      <AuthLayout title={t('auth.recoveryTitle')} lead={t('auth.recoveryCodesLead')}>
        <ol className="recovery-codes" aria-label={t('auth.recoveryTitle')}>
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <label className="check">
          <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
          {t('auth.recoverySaved')}
        </label>
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={!saved}
          onClick={() => void onDone()}
        >
          {t('common.continue')}
        </button>
      </AuthLayout>
    );
  }

  const qrSrc = enrolment ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}` : null;
  return (
    <AuthLayout title={t('auth.enrolTitle')} lead={t('auth.enrolLead')}>
      {error ? <Alert>{error}</Alert> : null}
      {enrolment && qrSrc ? (
        <form onSubmit={confirm} noValidate>
          <div className="enrol">
            <img className="qr" src={qrSrc} alt={t('auth.qrAlt')} width={184} height={184} />
            <div className="enrol-key">
              <p>{t('auth.enrolManual')}</p>
              <code className="secret" data-testid="totp-secret">
                {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
              </code>
            </div>
          </div>
          <Field id={`${id}-code`} label={t('auth.enrolCode')}>
            <input
              id={`${id}-code`}
              className="code-input"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy || code.trim() === ''}>
            {t('auth.enrolConfirm')}
          </button>
        </form>
      ) : !error ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </AuthLayout>
  );
}

/** The confidentiality commitment (R6.3): read and signed before any personal data is shown. */
export function CommitmentPage({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const [c, setC] = useState<Commitment | null>(null);
  const [agree, setAgree] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<Commitment>('GET', '/commitment')
      .then(setC)
      .catch((err) => setError(errorText(err)));
  }, [errorText]);
  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/commitment/sign');
      await onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthLayout title={t('auth.commitmentTitle')} lead={t('auth.commitmentLead')}>
      {error ? <Alert>{error}</Alert> : null}
      {c ? (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling text must be reachable by keyboard to be read (axe: scrollable-region-focusable) */}
          <section className="commitment-text" tabIndex={0} aria-label={t('auth.commitmentTitle')}>
            {text(c.text)
              .split(/\n{2,}/)
              .map((para, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the paragraphs of one fixed text
                <p key={i}>{para}</p>
              ))}
          </section>
          <p className="muted small">{t('auth.commitmentVersion', { version: c.version })}</p>
          <label className="check">
            <input type="checkbox" checked={agree} onChange={(e) => setAgree(e.target.checked)} />
            {t('auth.commitmentAgree')}
          </label>
          <button
            type="button"
            className="btn btn-primary btn-block"
            disabled={!agree || busy}
            onClick={() => void sign()}
          >
            {t('auth.commitmentSign')}
          </button>
        </>
      ) : null}
    </AuthLayout>
  );
}
