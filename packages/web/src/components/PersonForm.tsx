import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type CatalogueField } from '../api';
import { Alert, Card, Field, useErrorText } from '../components';
import { useText } from '../context';

/**
 * The form of a person's fields, made from the data catalogue (the register definition decides which fields there
 * are, their types, options and whether they are required), shared by "new person" and "edit person". The API
 * checks every value; each problem it finds is shown beside its field, in the language the app sends
 * (Accept-Language), and the first field with a problem gets the focus.
 *
 * Creating sends every filled field; editing sends only what changed (an emptied field as null, which removes
 * it). A field holding several values (emails, phones, addresses) edits its first value and keeps the others.
 */
export type Address = { street: string; postalCode: string; city: string; country: string };
type Value = string | Address;
const EMPTY_ADDRESS: Address = { street: '', postalCode: '', city: '', country: 'FI' };

/** The field id a problem names: `fields.email[0]` → `email`, `fields.address[0].city` → `address`. */
export function fieldOfProblem(at: string): string | null {
  const m = /^(?:body\.)?fields\.([A-Za-z0-9_]+)/.exec(at);
  return m?.[1] ?? null;
}

/** A stored value as the form shows it. */
function toForm(f: CatalogueField, stored: unknown): Value | undefined {
  if (stored === undefined || stored === null) return undefined;
  const one = f.multiple && Array.isArray(stored) ? stored[0] : stored;
  if (one === undefined || one === null) return undefined;
  if (f.type === 'hetu') return ''; // masked in every answer: a new one may be typed, the old one is kept
  if (f.type === 'address') {
    const a = one as Partial<Address>;
    return {
      street: a.street ?? '',
      postalCode: a.postalCode ?? '',
      city: a.city ?? '',
      country: a.country ?? 'FI',
    };
  }
  if (Array.isArray(one)) return one.map(String).join(', ');
  return String(one);
}

/** What the form sends for a field: lists as arrays, numbers as numbers, nothing for an empty value. */
function toApi(f: CatalogueField, v: Value | undefined, rest: unknown[]): unknown {
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
    return f.multiple ? [one, ...rest] : one;
  }
  const s = (v as string).trim();
  if (s === '') return undefined;
  if (f.type === 'integer' || f.type === 'number' || f.type === 'money')
    return /^-?\d+([.,]\d+)?$/.test(s) ? Number(s.replace(',', '.')) : s;
  if (f.type === 'text_list')
    return s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return f.multiple ? [s, ...rest] : s;
}

export interface PersonFormProps {
  /** The person's fields of the catalogue. */
  fields: CatalogueField[];
  /** The stored values when editing; none when creating. */
  initial?: Record<string, unknown>;
  /** The source preselected (the data subject when the definition has one). */
  defaultSource?: string;
  /** Sends the values; throws the API's error (whose problems are shown beside their fields). */
  onSubmit(source: string, fields: Record<string, unknown>): Promise<void>;
  submitLabel: string;
  /** Shown before the buttons: a link or button that leaves the form. */
  cancel: ReactNode;
  /** Category cards after the first are folded until they hold a problem (the new-person form). */
  foldOptional?: boolean;
}

export function PersonForm({
  fields,
  initial,
  defaultSource,
  onSubmit,
  submitLabel,
  cancel,
  foldOptional,
}: PersonFormProps) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const id = useId();
  const editing = initial !== undefined;
  const categories = useMemo(() => {
    const out: { id: string; name: string; fields: CatalogueField[] }[] = [];
    for (const f of fields) {
      if (f.type === 'file') continue;
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

  const start = useMemo(() => {
    const v: Record<string, Value> = {};
    for (const f of fields) {
      const x = toForm(f, initial?.[f.id]);
      if (x !== undefined) v[f.id] = x;
    }
    return v;
  }, [fields, initial]);
  const [values, setValues] = useState<Record<string, Value>>(start);
  const [source, setSource] = useState<string>('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!source && sources.length > 0)
      setSource(
        sources.find(([s]) => s === defaultSource)?.[0] ??
          sources.find(([s]) => s === 'subject')?.[0] ??
          sources[0]![0],
      );
  }, [sources, source, defaultSource]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblems({});
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const stored = initial?.[f.id];
      const rest = f.multiple && Array.isArray(stored) ? stored.slice(1) : [];
      const v = toApi(f, values[f.id], rest);
      if (!editing) {
        if (v !== undefined) body[f.id] = v;
        continue;
      }
      if (f.type === 'hetu') {
        if (v !== undefined) body[f.id] = v;
        continue;
      }
      const before = toApi(f, start[f.id], rest);
      if (JSON.stringify(v) === JSON.stringify(before)) continue;
      if (v === undefined) body[f.id] = rest.length > 0 ? rest : null;
      else body[f.id] = v;
    }
    if (editing && Object.keys(body).length === 0) {
      setError(t('personPage.nothingChanged'));
      return;
    }
    setBusy(true);
    try {
      await onSubmit(source, body);
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
    const more =
      editing && f.multiple && Array.isArray(initial?.[f.id]) && (initial[f.id] as unknown[]).length > 1
        ? t('personPage.moreValues', { count: (initial[f.id] as unknown[]).length - 1 })
        : undefined;
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
          {more ? <p className="hint">{more}</p> : null}
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
        ? editing
          ? t('personPage.hetuKeep')
          : t('newPerson.hetuHint')
        : f.type === 'text_list'
          ? t('newPerson.listHint')
          : f.type === 'phone'
            ? (more ?? t('newPerson.phoneHint'))
            : more;
    return (
      <Field key={f.id} id={fid} label={text(f.label)} required={f.required} error={err} hint={hint}>
        {control}
      </Field>
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label={submitLabel}>
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
        i === 0 || !foldOptional ? (
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
        {cancel}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? t('common.wait') : submitLabel}
        </button>
      </div>
    </form>
  );
}
