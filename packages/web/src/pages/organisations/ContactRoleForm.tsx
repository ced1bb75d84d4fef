import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type PersonSummary } from '../../api';
import { Alert, Field, FormActions, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { searchBody } from '../../QuickSearch';

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
const nameOf = (p: PersonSummary) => [p.firstName, p.lastName].filter(Boolean).join(' ');

/** The API's problems by the form field they name (`personId`, `title`, `startsOn` ...), the rest joined. */
function problemsOf(err: ApiError): { byField: Record<string, string>; rest: string[] } {
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const p of err.problems) {
    const key = p.at.replace(/^body\./, '');
    if (['personId', 'title', 'startsOn', 'endsOn', 'source'].includes(key)) byField[key] ??= p.message;
    else rest.push(p.message);
  }
  return { byField, rest };
}

/**
 * Makes a person a contact person of the organisation (R2.2): the person found by name, email, phone or customer
 * number, the title when the definition declares one, the start date and the source; the API's problems beside
 * their fields.
 */
export function AddContactForm({
  organisationId,
  onCancel,
  onSaved,
}: {
  organisationId: string;
  onCancel(): void;
  onSaved(): Promise<void>;
}) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const roleFields = session.catalogue.filter((f) => f.holder === 'contact_role');
  const titleField = roleFields.find((f) => f.id === 'title');
  const sources = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of roleFields) for (const s of f.sources) if (!m.has(s.id)) m.set(s.id, text(s.name));
    return [...m.entries()];
  }, [roleFields, text]);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<PersonSummary[] | null>(null);
  const [person, setPerson] = useState<PersonSummary | null>(null);
  const [title, setTitle] = useState('');
  const [startsOn, setStartsOn] = useState(today());
  const [source, setSource] = useState(sources.find(([s]) => s === 'subject')?.[0] ?? sources[0]?.[0] ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async () => {
    setError(null);
    if (!q.trim()) return;
    try {
      const r = await api<{ items: PersonSummary[] }>('POST', '/persons/search', {
        ...searchBody(q),
        limit: 8,
      });
      setFound(r.items);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems({});
    if (!person) {
      setProblems({ personId: t('organisations.choosePersonFirst') });
      window.setTimeout(() => document.getElementById(`${id}-q`)?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      await api('POST', `/organisations/${organisationId}/contacts`, {
        personId: person.id,
        startsOn,
        source,
        ...(title.trim() ? { title: title.trim() } : {}),
      });
      await onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length > 0) {
        const { byField, rest } = problemsOf(err);
        setProblems(byField);
        setError(rest.length > 0 ? rest.join(' ') : null);
        const first = ['personId', 'title', 'startsOn', 'source'].find((k) => byField[k]);
        if (first)
          window.setTimeout(
            () => document.getElementById(`${id}-${first === 'personId' ? 'q' : first}`)?.focus(),
            0,
          );
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="contact-form" onSubmit={submit} noValidate aria-label={t('organisations.addContact')}>
      <h3>{t('organisations.addContact')}</h3>
      {error ? <Alert>{error}</Alert> : null}
      <Field
        id={`${id}-q`}
        label={t('organisations.findPerson')}
        hint={t('organisations.findPersonHint')}
        error={problems.personId}
      >
        <div className="search-row">
          <input
            id={`${id}-q`}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void search();
              }
            }}
            autoComplete="off"
            aria-invalid={problems.personId ? true : undefined}
            aria-describedby={problems.personId ? `${id}-q-error` : `${id}-q-hint`}
          />
          <button type="button" className="btn btn-secondary" onClick={() => void search()}>
            {t('organisations.searchButton')}
          </button>
        </div>
      </Field>
      {found !== null ? (
        found.length === 0 ? (
          <p className="muted small" role="status">
            {t('organisations.noPersonFound')}
          </p>
        ) : (
          <fieldset className="person-choices">
            <legend className="visually-hidden">{t('organisations.choosePerson')}</legend>
            {found.map((p) => (
              <label key={p.id} className={`choice${person?.id === p.id ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name={`${id}-person`}
                  value={p.id}
                  checked={person?.id === p.id}
                  onChange={() => {
                    setPerson(p);
                    setProblems(({ personId: _, ...rest }) => rest);
                  }}
                />
                <span>
                  <strong>{nameOf(p) || t('persons.noName')}</strong>
                  <span className="muted small">
                    {[p.email, p.phone, p.customerNumber].filter(Boolean).join(' · ')}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
        )
      ) : null}
      <div className="form-grid">
        {titleField ? (
          <Field id={`${id}-title`} label={text(titleField.label)} error={problems.title}>
            <input
              id={`${id}-title`}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              autoComplete="organization-title"
              aria-invalid={problems.title ? true : undefined}
              aria-describedby={problems.title ? `${id}-title-error` : undefined}
            />
          </Field>
        ) : null}
        <Field id={`${id}-startsOn`} label={t('organisations.startsOn')} error={problems.startsOn} required>
          <input
            id={`${id}-startsOn`}
            type="date"
            value={startsOn}
            onChange={(e) => setStartsOn(e.target.value)}
            aria-invalid={problems.startsOn ? true : undefined}
            aria-describedby={problems.startsOn ? `${id}-startsOn-error` : undefined}
          />
        </Field>
        <Field id={`${id}-source`} label={t('newPerson.source')} error={problems.source} required>
          <select id={`${id}-source`} value={source} onChange={(e) => setSource(e.target.value)}>
            {sources.map(([sid, name]) => (
              <option key={sid} value={sid}>
                {name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <FormActions busy={busy} submitLabel={t('organisations.addContactSubmit')} onCancel={onCancel} />
    </form>
  );
}

/** Ends a contact role on a date (today by default); the API's problem beside the date. */
export function EndRoleForm({
  roleId,
  personName,
  startsOn,
  onCancel,
  onSaved,
}: {
  roleId: string;
  personName: string;
  startsOn: string;
  onCancel(): void;
  onSaved(): Promise<void>;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [endsOn, setEndsOn] = useState(today());
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      await api('POST', `/contact-roles/${roleId}/end`, { endsOn });
      await onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length > 0) {
        setProblem(err.problems.map((p) => p.message).join(' '));
        window.setTimeout(() => document.getElementById(`${id}-endsOn`)?.focus(), 0);
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="contact-form" onSubmit={submit} noValidate aria-label={t('organisations.endRole')}>
      <h3>{t('organisations.endRoleOf', { name: personName })}</h3>
      <p className="muted small">{t('organisations.endRoleHint')}</p>
      {error ? <Alert>{error}</Alert> : null}
      <div className="form-grid">
        <Field id={`${id}-endsOn`} label={t('organisations.endsOn')} error={problem ?? undefined} required>
          <input
            id={`${id}-endsOn`}
            type="date"
            min={startsOn}
            value={endsOn}
            onChange={(e) => setEndsOn(e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-endsOn-error` : undefined}
          />
        </Field>
      </div>
      <FormActions busy={busy} submitLabel={t('organisations.endRole')} onCancel={onCancel} danger />
    </form>
  );
}
