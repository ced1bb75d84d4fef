import { type ReactNode, useCallback, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api';
import { LANGUAGES, type LangCode, setLanguage } from './i18n';

/** The language switcher (fi / en / sv); the choice is remembered. */
export function LanguageSwitch({ only }: { only?: readonly LangCode[] }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const langs = LANGUAGES.filter((l) => !only || only.includes(l.code));
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('common.language')}
      </label>
      <select id={id} value={i18n.language} onChange={(e) => setLanguage(e.target.value as LangCode)}>
        {langs.map((l) => (
          <option key={l.code} value={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The app's mark. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="logo-bg" />
      <path
        d="M9 16.5l4.5 4.5L23 11.5"
        fill="none"
        stroke="#fff"
        strokeWidth="3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** A form field with its label, hint and the API's message beside it (`aria-describedby`). */
export function Field({
  label,
  error,
  hint,
  required,
  children,
  id,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
  id: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {children}
      {hint && !error ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The message of an error for a person: known codes translated, else the API's own message. */
export function useErrorText(): (e: unknown) => string {
  const { t, i18n } = useTranslation();
  // The same function for the life of the component (effects may depend on it), speaking the current language.
  const current = useRef({ t, i18n });
  current.current = { t, i18n };
  return useCallback((e: unknown) => {
    const { t, i18n } = current.current;
    if (e instanceof ApiError) {
      const key = `errors.${e.code}`;
      return i18n.exists(key) ? t(key) : e.message;
    }
    return t('errors.UNEXPECTED');
  }, []);
}

/** A form's buttons: Cancel, then the submit button (its label, or "a moment…" while `busy`). */
export function FormActions({
  busy,
  submitLabel,
  onCancel,
  danger = false,
}: {
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
  /** The submit button in the danger colour (ending a role, a prohibition, an objection). */
  danger?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
        {busy ? t('common.wait') : submitLabel}
      </button>
    </div>
  );
}

export function Alert({
  kind = 'error',
  children,
}: {
  kind?: 'error' | 'info' | 'success';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Card({
  title,
  actions,
  children,
  className,
  id,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section
      className={`card${className ? ` ${className}` : ''}`}
      aria-labelledby={title ? headingId : undefined}
      id={id}
    >
      {title || actions ? (
        <header className="card-header">
          {title ? <h2 id={headingId}>{title}</h2> : <span />}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
