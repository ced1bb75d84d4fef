import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, apiFile, saveBlob } from '../../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { dateTime } from '../../format';
import { Link } from '../../router';
import '../../styles/person.css';

interface Selection {
  selectionId: string;
  purpose: string;
  channel: string;
  kind: 'email' | 'phone' | 'address';
  at: string;
  contacts: {
    personId: string;
    firstName: string | null;
    lastName: string | null;
    business: boolean;
    email: string | null;
    phone: string | null;
    address: { street?: string | null; postalCode?: string | null; city?: string | null } | null;
  }[];
  suppressedBy?: Record<string, number>;
  leftOut?: Record<LeftOutReason, number>;
}

type Audience = 'all' | 'consumers' | 'business';
/** The gate's reasons, in its order (the first that applies counts). */
const REASONS = ['restricted', 'objection', 'prohibited', 'withdrawn', 'noConsent', 'noContact'] as const;
type LeftOutReason = (typeof REASONS)[number];

/**
 * Marketing (R3.2, R3.3): choose a purpose and a channel, see how many persons the marketing gate lets through
 * and what kept the others out (suppression lists by name, objections and prohibitions), and export the segment
 * as CSV. Every selection and export is audited person by person by the API.
 */
export function MarketingPage() {
  const { t } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const { register } = useSession();
  const id = useId();
  const channels = register?.marketing.channels ?? [];
  const purposes = register?.marketing.purposes ?? [];
  const [purpose, setPurpose] = useState(purposes[0]?.id ?? '');
  const [channel, setChannel] = useState(channels[0]?.id ?? '');
  const [audience, setAudience] = useState<Audience>('all');
  const [delimiter, setDelimiter] = useState<',' | ';'>(';');
  const [selection, setSelection] = useState<Selection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'count' | 'export' | null>(null);
  const [exported, setExported] = useState<{ count: number; filename: string } | null>(null);

  useEffect(() => {
    document.title = `${t('marketing.title')} · Lupaus`;
  }, [t]);

  const purposeOf = purposes.find((p) => p.id === purpose);
  const channelOf = channels.find((c) => c.id === channel);
  const body = { purpose, channel, ...(audience !== 'all' ? { audience } : {}) };
  const fail = (err: unknown) =>
    setError(
      err instanceof ApiError && err.problems.length > 0
        ? err.problems.map((p) => p.message).join(' ')
        : errorText(err),
    );

  const count = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    setExported(null);
    setBusy('count');
    try {
      setSelection(await api<Selection>('POST', '/marketing/selections', body));
    } catch (err) {
      setSelection(null);
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const exportCsv = async () => {
    setError(null);
    setBusy('export');
    try {
      const { blob, filename, headers } = await apiFile('POST', '/marketing/segment', { ...body, delimiter });
      saveBlob(blob, filename);
      setExported({ count: Number(headers.get('x-lupaus-count') ?? 0), filename });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const suppressed = Object.entries(selection?.suppressedBy ?? {}).sort((a, b) => b[1] - a[1]);
  const listName = (name: string) =>
    name === 'objection' || name === 'prohibition' ? t(`marketing.list_${name}`) : name;
  const contactOf = (c: Selection['contacts'][number]) =>
    c.email ??
    c.phone ??
    [c.address?.street, [c.address?.postalCode, c.address?.city].filter(Boolean).join(' ')]
      .filter(Boolean)
      .join(', ');

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('marketing.title')}</h1>
          <p className="page-lead">{t('marketing.lead')}</p>
        </div>
      </div>
      <Card title={t('marketing.chooseTitle')}>
        <form className="marketing-form" onSubmit={count} aria-label={t('marketing.chooseTitle')}>
          <div className="field">
            <label htmlFor={`${id}-purpose`}>{t('marketing.purpose')}</label>
            <select
              id={`${id}-purpose`}
              value={purpose}
              onChange={(e) => {
                setPurpose(e.target.value);
                setSelection(null);
              }}
            >
              {purposes.map((p) => (
                <option key={p.id} value={p.id}>
                  {text(p.name)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-channel`}>{t('marketing.channel')}</label>
            <select
              id={`${id}-channel`}
              value={channel}
              onChange={(e) => {
                setChannel(e.target.value);
                setSelection(null);
              }}
            >
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {text(c.name)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-audience`}>{t('marketing.audience')}</label>
            <select
              id={`${id}-audience`}
              value={audience}
              onChange={(e) => {
                setAudience(e.target.value as Audience);
                setSelection(null);
              }}
            >
              {(['all', 'consumers', 'business'] as const).map((a) => (
                <option key={a} value={a}>
                  {t(`marketing.audience_${a}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="marketing-submit">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy !== null || !purpose || !channel}
            >
              {busy === 'count' ? t('common.wait') : t('marketing.count')}
            </button>
          </div>
        </form>
        <p className="muted small marketing-model">
          {purposeOf ? <Badge tone="info">{t(`marketing.model_${purposeOf.model}`)}</Badge> : null}{' '}
          {channelOf?.electronic ? <Badge tone="warn">{t('marketing.electronic')}</Badge> : null}{' '}
          {purposeOf && channelOf
            ? t(
                channelOf.electronic && purposeOf.model === 'opt_out'
                  ? 'marketing.modelHintElectronic'
                  : `marketing.modelHint_${purposeOf.model}`,
              )
            : null}
        </p>
      </Card>
      {error ? <Alert>{error}</Alert> : null}
      {selection ? (
        <div className="marketing-grid">
          <Card title={t('marketing.resultTitle')} className="result-card">
            <p className="big-count" data-testid="gate-count">
              <span className="count-number">{selection.contacts.length}</span>
              <span className="count-label">
                {t('marketing.reach', { count: selection.contacts.length })}
              </span>
            </p>
            <p className="muted small">
              {t('marketing.selectedAt', { when: dateTime(selection.at) })} ·{' '}
              <span className="mono">{selection.selectionId.slice(0, 8)}</span>
            </p>
            <div className="export-row">
              <div className="field inline">
                <label htmlFor={`${id}-delimiter`}>{t('marketing.delimiter')}</label>
                <select
                  id={`${id}-delimiter`}
                  value={delimiter}
                  onChange={(e) => setDelimiter(e.target.value as ',' | ';')}
                >
                  <option value=";">{t('marketing.semicolon')}</option>
                  <option value=",">{t('marketing.comma')}</option>
                </select>
              </div>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void exportCsv()}
                disabled={busy !== null || selection.contacts.length === 0}
              >
                {busy === 'export' ? t('common.wait') : t('marketing.export')}
              </button>
            </div>
            {exported ? (
              <Alert kind="success">
                {t('marketing.exported', { count: exported.count, file: exported.filename })}
              </Alert>
            ) : null}
          </Card>
          <Card title={t('marketing.leftOutTitle')}>
            <ul className="reasons" data-testid="left-out">
              {REASONS.map((r) => {
                const n = selection.leftOut?.[r] ?? 0;
                return (
                  <li key={r} className={n === 0 ? 'zero' : undefined} data-reason={r} data-count={n}>
                    <span>
                      <strong>{t(`marketing.reason_${r}`)}</strong>
                      <span className="muted small">{t(`marketing.reasonHint_${r}`)}</span>
                    </span>
                    <Badge tone={n === 0 ? 'neutral' : r === 'noContact' ? 'warn' : 'bad'}>
                      {t('marketing.persons', { count: n })}
                    </Badge>
                  </li>
                );
              })}
            </ul>
            <h3 className="rules-title">{t('marketing.suppressedBy')}</h3>
            {suppressed.length === 0 ? (
              <p className="muted small">{t('marketing.noSuppressed')}</p>
            ) : (
              <ul className="reasons" aria-label={t('marketing.suppressedBy')}>
                {suppressed.map(([name, n]) => (
                  <li key={name}>
                    <span>
                      <strong>{listName(name)}</strong>
                    </span>
                    <Badge tone="bad">{t('marketing.persons', { count: n })}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      ) : null}
      {selection ? (
        <Card title={t('marketing.previewTitle')} className="table-card">
          {selection.contacts.length === 0 ? (
            <Empty>{t('marketing.nobody')}</Empty>
          ) : (
            <table className="table" data-testid="gate-preview">
              <caption className="visually-hidden">{t('marketing.previewTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('persons.name')}</th>
                  <th scope="col">{text(channelOf?.name)}</th>
                  <th scope="col">{t('marketing.audience')}</th>
                </tr>
              </thead>
              <tbody>
                {selection.contacts.slice(0, 20).map((c) => (
                  <tr key={c.personId}>
                    <td>
                      <Link href={`/persons/${c.personId}`}>
                        {[c.firstName, c.lastName].filter(Boolean).join(' ') || t('persons.noName')}
                      </Link>
                    </td>
                    <td className={selection.kind === 'address' ? undefined : 'mono'}>{contactOf(c)}</td>
                    <td>
                      {c.business ? t('marketing.audience_business') : t('marketing.audience_consumers')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {selection.contacts.length > 20 ? (
            <p className="muted small table-foot">
              {t('marketing.previewMore', { count: selection.contacts.length - 20 })}
            </p>
          ) : null}
        </Card>
      ) : null}
    </div>
  );
}
