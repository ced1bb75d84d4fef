import { type FormEvent, useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, apiFile, apiUpload, type ConsentState, fileNameOf, saveBlob } from '../../api';
import { Alert, Card, Empty, FormActions, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { date, dateTime } from '../../format';

interface ConsentRecord {
  id: string;
  channel: string;
  purpose: string;
  state: 'given' | 'withdrawn' | 'prohibited';
  at: string;
  source: string;
  evidenceText: string | null;
  evidenceFile: { id: string; name: string; mediaType: string; size: number } | null;
  recordedAt: string;
  recordedBy: string;
}

const METHODS = ['phone', 'email', 'form', 'in_person', 'letter'] as const;
type Action = 'given' | 'withdrawn' | 'prohibited' | 'objection';
const ALL = '*';

/**
 * A person's consents and prohibitions (R3.1): the state of every channel × purpose now, and a change recorded
 * with its evidence — how the person said it (a phone call, an email, a form, in person, a letter) and a note —
 * which the engine stores with the choice: give or withdraw a consent (R4.8), record a prohibition, or an
 * objection to direct marketing on one channel or all (R4.6), which the marketing gate upholds at once (R3.2).
 */
export function Consents({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const text = useText();
  const session = useSession();
  const { register } = session;
  const errorText = useErrorText();
  const canWrite = session.can('consents.write');
  const channelName = useCallback(
    (id: string) => {
      const c = register?.marketing.channels.find((x) => x.id === id);
      return c ? text(c.name) : id;
    },
    [register, text],
  );
  const purposeName = (id: string) => {
    const p = register?.marketing.purposes.find((x) => x.id === id);
    return p ? text(p.name) : id;
  };
  const [current, setCurrent] = useState<ConsentState[] | null>(null);
  const [history, setHistory] = useState<ConsentRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const load = useCallback(async () => {
    try {
      const r = await api<{ current: ConsentState[]; history: ConsentRecord[] }>(
        'GET',
        `/persons/${personId}/consents`,
      );
      setCurrent(r.current);
      setHistory(r.history);
    } catch (e) {
      setError(errorText(e));
    }
  }, [personId, errorText]);
  useEffect(() => {
    void load();
  }, [load]);

  const tone = (s: ConsentState['state']) =>
    s === 'given' ? 'good' : s === 'prohibited' ? 'bad' : s === 'withdrawn' ? 'warn' : 'neutral';
  const channels = [...new Set((current ?? []).map((c) => c.channel))];
  const purposes = [...new Set((current ?? []).map((c) => c.purpose))];
  const cell = (channel: string, purpose: string) =>
    current?.find((c) => c.channel === channel && c.purpose === purpose);
  const symbol: Record<ConsentState['state'], string> = {
    given: '✓',
    withdrawn: '↺',
    prohibited: '✕',
    none: '–',
  };
  const download = async (consentId: string, fallback: string) => {
    try {
      const { blob, headers } = await apiFile('GET', `/consents/${consentId}/evidence`);
      saveBlob(blob, fileNameOf(headers) ?? fallback);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const who = (actor: string) =>
    actor === session.me.actorId ? t('person.you') : (session.userNames[actor] ?? actor.slice(0, 8));

  return (
    <Card
      title={t('person.consents')}
      actions={
        canWrite && !open ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setOpen(true)}>
            {t('personPage.changeConsent')}
          </button>
        ) : null
      }
    >
      {error ? <Alert>{error}</Alert> : null}
      {saved ? <Alert kind="success">{saved}</Alert> : null}
      {current === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {current && current.length === 0 ? <Empty>{t('person.noConsents')}</Empty> : null}
      {current && current.length > 0 ? (
        <>
          <table className="consent-matrix" data-testid="consent-matrix">
            <caption className="visually-hidden">{t('person.consents')}</caption>
            <colgroup>
              <col className="purpose-col" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" className="cm-head">
                  <span className="visually-hidden">{t('person.purpose')}</span>
                </th>
                {channels.map((ch) => (
                  <th scope="col" key={ch} className="cm-head">
                    {channelName(ch)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {purposes.map((p, row) => (
                <tr key={p}>
                  <th scope="row" className={`cm-purpose${row === purposes.length - 1 ? ' cm-last' : ''}`}>
                    {purposeName(p)}
                  </th>
                  {channels.map((ch) => {
                    const c = cell(ch, p);
                    const cls = `cm-cell${row === purposes.length - 1 ? ' cm-last' : ''}`;
                    if (!c) return <td key={ch} className={cls} />;
                    const label = `${t(`consent.${c.state}`)}${c.since ? ` ${date(c.since)}` : ''}`;
                    return (
                      <td
                        key={ch}
                        title={label}
                        className={cls}
                        data-state={c.state}
                        data-cell={`${p}/${ch}`}
                      >
                        <span className={`consent-mark ${tone(c.state)}`} aria-hidden="true">
                          {symbol[c.state]}
                        </span>
                        <span className="visually-hidden">{label}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="consent-legend muted small">
            {(['given', 'withdrawn', 'prohibited', 'none'] as const).map((st) => (
              <span key={st}>
                <span className={`consent-mark ${tone(st)}`} aria-hidden="true">
                  {symbol[st]}
                </span>{' '}
                {t(`consent.${st}`)}
              </span>
            ))}
          </p>
        </>
      ) : null}
      {open && register ? (
        <ConsentForm
          personId={personId}
          channels={register.marketing.channels.map((c) => ({ id: c.id, name: text(c.name) }))}
          purposes={register.marketing.purposes.map((p) => ({ id: p.id, name: text(p.name) }))}
          onCancel={() => setOpen(false)}
          onSaved={async (message) => {
            setOpen(false);
            setSaved(message);
            await load();
          }}
        />
      ) : null}
      {history.length > 0 ? (
        <div className="consent-history">
          <h3>{t('personPage.consentHistory')}</h3>
          <ol>
            {history.slice(0, 6).map((h) => (
              <li key={h.id}>
                <span className={`consent-mark ${tone(h.state)}`} aria-hidden="true">
                  {symbol[h.state]}
                </span>
                <div>
                  <strong>
                    {purposeName(h.purpose)} · {channelName(h.channel)}: {t(`consent.${h.state}`)}
                  </strong>
                  {h.evidenceText ? <span className="evidence">“{h.evidenceText}”</span> : null}
                  {h.evidenceFile ? (
                    <button
                      type="button"
                      className="btn btn-link evidence-file"
                      onClick={() => void download(h.id, h.evidenceFile?.name ?? 'evidence')}
                    >
                      <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                        <path
                          d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l8.6-8.6a3.7 3.7 0 015.2 5.2l-8.6 8.6a1.8 1.8 0 01-2.6-2.6l7.9-7.9"
                          fill="none"
                          stroke="currentColor"
                          strokeWidth="2"
                          strokeLinecap="round"
                          strokeLinejoin="round"
                        />
                      </svg>{' '}
                      {t('personPage.evidenceDownload', { name: h.evidenceFile.name })}
                    </button>
                  ) : null}
                  <span className="muted small">
                    {dateTime(h.at)} · {who(h.recordedBy)}
                  </span>
                </div>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </Card>
  );
}

function ConsentForm({
  personId,
  channels,
  purposes,
  onCancel,
  onSaved,
}: {
  personId: string;
  channels: { id: string; name: string }[];
  purposes: { id: string; name: string }[];
  onCancel(): void;
  onSaved(message: string): Promise<void>;
}) {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const id = useId();
  const sources = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of session.catalogue) for (const s of f.sources) if (!m.has(s.id)) m.set(s.id, text(s.name));
    return [...m.entries()];
  }, [session.catalogue, text]);
  const [action, setAction] = useState<Action>('given');
  const [purpose, setPurpose] = useState(purposes[0]?.id ?? '');
  const [channel, setChannel] = useState(channels[0]?.id ?? '');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('phone');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [source, setSource] = useState(
    sources.find(([s]) => s === 'subject')?.[0] ??
      sources.find(([s]) => /regist/.test(s))?.[0] ??
      sources[0]?.[0] ??
      '',
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFileError(null);
    const evidenceText = [t(`personPage.method_${method}`), note.trim()].filter(Boolean).join(': ');
    setBusy(true);
    // A file (a scanned signed form) is stored first; the consent then names it as its evidence, with the text.
    let evidenceFileId: string | undefined;
    if (file) {
      try {
        evidenceFileId = (
          await apiUpload<{ id: string }>('POST', `/persons/${personId}/consent-evidence`, file)
        ).id;
      } catch (err) {
        const message =
          err instanceof ApiError && err.problems.length > 0
            ? err.problems.map((p) => p.message).join(' ')
            : errorText(err);
        setFileError(message);
        setBusy(false);
        window.setTimeout(() => document.getElementById(`${id}-file`)?.focus(), 0);
        return;
      }
    }
    const evidence = { evidenceText, ...(evidenceFileId ? { evidenceFileId } : {}) };
    try {
      if (action === 'objection') {
        await api('POST', `/persons/${personId}/direct-marketing-objections`, {
          source,
          ...evidence,
          ...(channel !== ALL ? { channel } : {}),
        });
      } else if (action === 'withdrawn') {
        await api('POST', `/persons/${personId}/consents/withdraw`, {
          source,
          ...evidence,
          purpose,
          ...(channel !== ALL ? { channel } : {}),
        });
      } else {
        if (channel === ALL) {
          for (const c of channels)
            await api('POST', `/persons/${personId}/consents`, {
              channel: c.id,
              purpose,
              state: action,
              source,
              ...evidence,
            });
        } else {
          await api('POST', `/persons/${personId}/consents`, {
            channel,
            purpose,
            state: action,
            source,
            ...evidence,
          });
        }
      }
      await onSaved(t(`personPage.saved_${action}`));
    } catch (err) {
      setError(
        err instanceof ApiError && err.problems.length > 0
          ? err.problems.map((p) => p.message).join(' ')
          : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="consent-form" onSubmit={submit} noValidate aria-label={t('personPage.changeConsent')}>
      <h3>{t('personPage.changeConsent')}</h3>
      {error ? <Alert>{error}</Alert> : null}
      <fieldset className="choice-group">
        <legend>{t('personPage.action')}</legend>
        {(['given', 'withdrawn', 'prohibited', 'objection'] as const).map((a) => (
          <label key={a} className={`choice${action === a ? ' selected' : ''}`}>
            <input
              type="radio"
              name={`${id}-action`}
              value={a}
              checked={action === a}
              onChange={() => setAction(a)}
            />
            <span>
              <strong>{t(`personPage.action_${a}`)}</strong>
              <span className="muted small">{t(`personPage.actionHint_${a}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        {action !== 'objection' ? (
          <div className="field">
            <label htmlFor={`${id}-purpose`}>{t('person.purpose')}</label>
            <select id={`${id}-purpose`} value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              {purposes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-channel`}>{t('personPage.channel')}</label>
          <select id={`${id}-channel`} value={channel} onChange={(e) => setChannel(e.target.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            <option value={ALL}>{t('personPage.allChannels')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-method`}>{t('personPage.method')}</label>
          <select
            id={`${id}-method`}
            value={method}
            onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`personPage.method_${m}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-source`}>{t('newPerson.source')}</label>
          <select id={`${id}-source`} value={source} onChange={(e) => setSource(e.target.value)}>
            {sources.map(([sid, name]) => (
              <option key={sid} value={sid}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field wide">
          <label htmlFor={`${id}-note`}>{t('personPage.note')}</label>
          <textarea
            id={`${id}-note`}
            rows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-describedby={`${id}-note-hint`}
          />
          <p className="hint" id={`${id}-note-hint`}>
            {t('personPage.noteHint')}
          </p>
        </div>
        <div className={`field wide${fileError ? ' has-error' : ''}`}>
          <label htmlFor={`${id}-file`}>{t('personPage.evidenceFile')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept="application/pdf,image/*"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setFileError(null);
            }}
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? `${id}-file-error` : `${id}-file-hint`}
          />
          {fileError ? (
            <p className="field-error" id={`${id}-file-error`}>
              <span aria-hidden="true">⚠ </span>
              {fileError}
            </p>
          ) : (
            <p className="hint" id={`${id}-file-hint`}>
              {t('personPage.evidenceFileHint')}
            </p>
          )}
        </div>
      </div>
      <FormActions
        busy={busy}
        submitLabel={t(`personPage.submit_${action}`)}
        onCancel={onCancel}
        danger={action === 'objection' || action === 'prohibited'}
      />
    </form>
  );
}
