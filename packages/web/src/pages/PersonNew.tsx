import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type CatalogueField, type Person } from '../api';
import { Alert, Card, Field, useErrorText } from '../components';
import { useSession, useText } from '../context';
import { Link, navigate } from '../router';

type Address = { street: string; postalCode: string; city: string; country: string };
type Value = string | Address;
const EMPTY_ADDRESS: Address = { street: '', postalCode: '', city: '', country: 'FI' };

/** The field id a problem names: `fields.email[0]` → `email`, `fields.address[0].city` → `address`. */
export function fieldOfProblem(at: string): string | null {
  const m = /^(?:body\.)?fields\.([A-Za-z0-9_]+)/.exec(at);
  return m?.[1] ?? null;
}

/** What the form sends for a field: lists as arrays, numbers as numbers, nothing for an empty value. */
function toApi(f: CatalogueField, v: Value | undefined): unknown {
  if (v === undefined) return undefined;
  if (f.type === 'address') {
    const a = v as Address;
    if (!a.street.trim() && !a.postalCode.trim() && !a.city.trim()) return undefined;
    const one = {
      street: a.street.trim(),
      postalCode: a.postalCode.trim(),
      city: a.city.trim(),
      country: a.country.trim() || 'FI',
    };
    return f.multiple ? [one] : one;
  }
  const s = (v as string).trim();
  if (s === '') return undefined;
  if (f.type === 'integer') return /^-?\d+$/.test(s) ? Number(s) : s;
  if (f.type === 'text_list')
    return s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return f.multiple ? [s] : s;
}

/** A new person, the form made from the data catalogue; each problem the API finds is shown beside its field. */
export function PersonNewPage() {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const fields = session.catalogue.filter((f) => f.holder === 'person');
  const categories = useMemo(() => {
    const out: { id: string; name: string; fields: CatalogueField[] }[] = [];
    for (const f of fields) {
      let c = out.find((x) => x.id === f.category.id);
      if (!c) {
        c = { id: f.category.id, name: text(f.category.name), fields: [] };
        out.push(c);
      }
      c.fields.push(f);
    }
    return out;
  }, [fields, text]);
  const sources = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of fields) for (const s of f.sources) if (!m.has(s.id)) m.set(s.id, text(s.name));
    return [...m.entries()];
  }, [fields, text]);

  const [values, setValues] = useState<Record<string, Value>>({});
  const [source, setSource] = useState<string>('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('newPerson.title')} · Lupaus`;
  }, [t]);
  useEffect(() => {
    if (!source && sources.length > 0)
      setSource(sources.find(([s]) => s === 'subject')?.[0] ?? sources[0]![0]);
  }, [sources, source]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems({});
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const v = toApi(f, values[f.id]);
      if (v !== undefined) body[f.id] = v;
    }
    setBusy(true);
    try {
      const p = await api<Person>('POST', '/persons', { source, fields: body });
      navigate(`/persons/${p.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.problems.length > 0) {
        const byField: Record<string, string> = {};
        const rest: string[] = [];
        for (const p of err.problems) {
          const f = fieldOfProblem(p.at);
          if (f && fields.some((x) => x.id === f)) byField[f] ??= p.message;
          else if (p.at === 'body.source' || p.at === 'source') byField.__source = p.message;
          else rest.push(p.message);
        }
        setProblems(byField);
        setError(
          rest.length > 0 ? rest.join(' ') : t('newPerson.fix', { count: Object.keys(byField).length }),
        );
        // Focus the first field with a problem, so that a keyboard or screen reader user lands on it.
        const first = fields.find((f) => byField[f.id]);
        if (first) window.setTimeout(() => document.getElementById(`${id}-${first.id}`)?.focus(), 0);
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: CatalogueField) => {
    const fid = `${id}-${f.id}`;
    const err = problems[f.id];
    const described = err ? `${fid}-error` : undefined;
    const common = {
      id: fid,
      name: f.id,
      'aria-invalid': err ? true : undefined,
      'aria-describedby': described,
      'aria-required': f.required || undefined,
    } as const;
    const v = values[f.id];
    const set = (nv: Value) => setValues((prev) => ({ ...prev, [f.id]: nv }));
    if (f.type === 'address') {
      const a = (v as Address | undefined) ?? EMPTY_ADDRESS;
      return (
        <fieldset
          className={`field address${err ? ' has-error' : ''}`}
          key={f.id}
          aria-describedby={described}
        >
          <legend>{text(f.label)}</legend>
          <div className="address-grid">
            <label className="sub">
              <span>{t('newPerson.street')}</span>
              <input
                id={fid}
                value={a.street}
                onChange={(e) => set({ ...a, street: e.target.value })}
                autoComplete="street-address"
              />
            </label>
            <label className="sub">
              <span>{t('newPerson.postalCode')}</span>
              <input
                value={a.postalCode}
                onChange={(e) => set({ ...a, postalCode: e.target.value })}
                autoComplete="postal-code"
                inputMode="numeric"
              />
            </label>
            <label className="sub">
              <span>{t('newPerson.city')}</span>
              <input
                value={a.city}
                onChange={(e) => set({ ...a, city: e.target.value })}
                autoComplete="address-level2"
              />
            </label>
            <label className="sub">
              <span>{t('newPerson.country')}</span>
              <input
                value={a.country}
                onChange={(e) => set({ ...a, country: e.target.value })}
                maxLength={2}
                autoComplete="country"
              />
            </label>
          </div>
          {err ? (
            <p className="field-error" id={`${fid}-error`}>
              <span aria-hidden="true">⚠ </span>
              {err}
            </p>
          ) : null}
        </fieldset>
      );
    }
    const sv = (v as string | undefined) ?? '';
    let control: ReactNode;
    if (f.type === 'enum' && f.options) {
      control = (
        <select {...common} value={sv} onChange={(e) => set(e.target.value)}>
          <option value="">{t('newPerson.choose')}</option>
          {f.options.map((o) => (
            <option key={o.value} value={o.value}>
              {text(o.label)}
            </option>
          ))}
        </select>
      );
    } else if (f.type === 'longtext') {
      control = <textarea {...common} rows={3} value={sv} onChange={(e) => set(e.target.value)} />;
    } else {
      const extra =
        f.type === 'email'
          ? { type: 'email', autoComplete: 'email', inputMode: 'email' as const }
          : f.type === 'phone'
            ? { type: 'tel', autoComplete: 'tel', inputMode: 'tel' as const }
            : f.type === 'integer'
              ? { inputMode: 'numeric' as const }
              : f.type === 'date'
                ? { type: 'date' }
                : f.id === 'first_name'
                  ? { autoComplete: 'given-name' }
                  : f.id === 'last_name'
                    ? { autoComplete: 'family-name' }
                    : { autoComplete: 'off' };
      control = <input {...common} {...extra} value={sv} onChange={(e) => set(e.target.value)} />;
    }
    const hint =
      f.type === 'hetu'
        ? t('newPerson.hetuHint')
        : f.type === 'text_list'
          ? t('newPerson.listHint')
          : f.type === 'phone'
            ? t('newPerson.phoneHint')
            : undefined;
    return (
      <Field key={f.id} id={fid} label={text(f.label)} required={f.required} error={err} hint={hint}>
        {control}
      </Field>
    );
  };

  return (
    <div className="page narrow">
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <Link href="/persons">← {t('persons.title')}</Link>
      </nav>
      <div className="page-header">
        <div>
          <h1>{t('newPerson.title')}</h1>
          <p className="page-lead">{t('newPerson.lead')}</p>
        </div>
      </div>
      <form onSubmit={submit} noValidate>
        {error ? <Alert>{error}</Alert> : null}
        <Card title={t('newPerson.sourceTitle')}>
          <Field
            id={`${id}-source`}
            label={t('newPerson.source')}
            error={problems.__source}
            hint={t('newPerson.sourceHint')}
            required
          >
            <select
              id={`${id}-source`}
              value={source}
              onChange={(e) => setSource(e.target.value)}
              aria-describedby={`${id}-source-hint`}
            >
              {sources.map(([sid, name]) => (
                <option key={sid} value={sid}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
        </Card>
        {categories.map((c, i) =>
          i === 0 ? (
            <Card key={c.id} title={c.name}>
              <div className="form-grid">{c.fields.map(input)}</div>
            </Card>
          ) : (
            <details key={c.id} className="card collapsible" open={c.fields.some((f) => problems[f.id])}>
              <summary>
                <h2>{c.name}</h2>
                <span className="muted small">{t('newPerson.optional')}</span>
              </summary>
              <div className="card-body">
                <div className="form-grid">{c.fields.map(input)}</div>
              </div>
            </details>
          ),
        )}
        <div className="form-actions">
          <Link href="/persons" className="btn btn-ghost">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.wait') : t('newPerson.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
