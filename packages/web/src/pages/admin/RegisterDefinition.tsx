import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../../components';
import { useText } from '../../context';
import { date, dateTime } from '../../format';
import type { DefinitionOut } from './shared';
import { useDefinition } from './useDefinition';

interface NoticeVersion {
  version: number;
  noticeDate: string;
  publishedAt: string;
  contentHash: string;
}

/** The register definition (R1.1) and the published versions of the privacy notice (R1.2). */
export function RegisterDefinitionPage() {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const { def, error } = useDefinition();
  const [versions, setVersions] = useState<NoticeVersion[] | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const [html, setHtml] = useState<string | null>(null);
  const [vError, setVError] = useState<string | null>(null);
  const lang = i18n.language === 'en' ? 'en' : i18n.language === 'sv' ? 'sv' : 'fi';

  useEffect(() => {
    document.title = `${t('admin.register.title')} · Lupaus`;
  }, [t]);
  useEffect(() => {
    api<{ items: NoticeVersion[] }>('GET', '/notice/versions')
      .then((r) => setVersions([...r.items].reverse()))
      .catch((e) => setVError(errorText(e)));
  }, [errorText]);
  useEffect(() => {
    if (viewing === null) return;
    setHtml(null);
    fetch(`/api/v1/notice?version=${viewing}&lang=${lang}&format=html`, { credentials: 'same-origin' })
      .then((r) => r.text())
      .then((text) => {
        // Only the document's body: its own <style> is not allowed by the app's CSP, admin.css styles it.
        const doc = new DOMParser().parseFromString(
          text.replace(/<style[\s\S]*?<\/style>/gi, ''),
          'text/html',
        );
        setHtml((doc.querySelector('main') ?? doc.body).innerHTML);
      })
      .catch((e) => setVError(errorText(e)));
  }, [viewing, lang, errorText]);

  const latest = versions?.[0]?.version;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.register.title')}</h1>
          <p className="page-lead">{t('admin.register.lead')}</p>
        </div>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {vError ? <Alert>{vError}</Alert> : null}

      <Card className="table-card" title={t('admin.register.versions')}>
        {versions === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : versions.length === 0 ? (
          <Empty>{t('admin.register.noVersions')}</Empty>
        ) : (
          <table className="table admin-table">
            <caption className="visually-hidden">{t('admin.register.versions')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.register.version')}</th>
                <th scope="col">{t('admin.register.noticeDate')}</th>
                <th scope="col">{t('admin.register.published')}</th>
                <th scope="col">{t('admin.register.hash')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.register.view')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} className={viewing === v.version ? 'selected' : undefined}>
                  <td>
                    <span className="admin-strong">
                      {t('admin.commitments.version', { version: v.version })}
                    </span>{' '}
                    {v.version === latest ? <Badge tone="good">{t('admin.register.inForce')}</Badge> : null}
                  </td>
                  <td>{date(v.noticeDate)}</td>
                  <td>{dateTime(v.publishedAt)}</td>
                  <td className="mono small muted">{v.contentHash.slice(0, 12)}…</td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      aria-pressed={viewing === v.version}
                      onClick={() => setViewing(viewing === v.version ? null : v.version)}
                    >
                      {viewing === v.version ? t('admin.register.hide') : t('admin.register.view')}
                      <span className="visually-hidden">
                        {' '}
                        {t('admin.commitments.version', { version: v.version })}
                      </span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      {viewing !== null ? (
        <Card
          title={t('admin.register.noticeVersion', { version: viewing })}
          actions={
            <a
              className="btn btn-ghost btn-small"
              href={`/api/v1/notice?version=${viewing}&lang=${lang}&format=html`}
              target="_blank"
              rel="noreferrer"
            >
              {t('admin.register.open')}
            </a>
          }
        >
          {html === null ? (
            <p className="muted" role="status">
              {t('common.loading')}
            </p>
          ) : (
            // The notice is rendered by the API from the definition, its text escaped (core htmlDocument).
            <article
              className="notice-doc"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region is reached by keyboard
              tabIndex={0}
              aria-label={t('admin.register.noticeVersion', { version: viewing })}
              // biome-ignore lint/security/noDangerouslySetInnerHtml: the API's own rendering of the notice
              dangerouslySetInnerHTML={{ __html: html }}
            />
          )}
        </Card>
      ) : null}

      {def ? <DefinitionSummary def={def} /> : null}
    </div>
  );
}

function DefinitionSummary({ def }: { def: DefinitionOut }) {
  const { t } = useTranslation();
  const text = useText();
  const name = (list: { id: string; name: { fi: string; en: string } }[], id: string) => {
    const x = list.find((i) => i.id === id);
    return x ? text(x.name) : id;
  };
  return (
    <>
      <div className="stat-row">
        <Stat label={t('admin.register.purposes')} value={def.purposes.length} />
        <Stat label={t('admin.register.categories')} value={def.categories.length} />
        <Stat label={t('admin.register.sources')} value={def.sources.length} />
        <Stat label={t('admin.register.recipients')} value={def.recipients.length} />
        <Stat label={t('admin.register.rules')} value={def.retention.rules.length} />
      </div>

      <Card className="table-card" title={t('admin.register.purposes')}>
        <table className="table admin-table">
          <caption className="visually-hidden">{t('admin.register.purposes')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.register.purpose')}</th>
              <th scope="col">{t('admin.register.basis')}</th>
              <th scope="col">{t('admin.register.marks')}</th>
            </tr>
          </thead>
          <tbody>
            {def.purposes.map((p) => (
              <tr key={p.id}>
                <td>
                  <span className="admin-strong">{text(p.name)}</span>
                  {p.description ? <span className="muted small block">{text(p.description)}</span> : null}
                </td>
                <td>
                  {p.basis ? (
                    t(`admin.bases.${p.basis}`, { defaultValue: p.basis })
                  ) : (
                    <Badge tone="bad">{t('admin.register.missing')}</Badge>
                  )}
                  {p.legitimateInterest ? (
                    <span className="muted small block">{text(p.legitimateInterest)}</span>
                  ) : null}
                </td>
                <td>
                  <span className="badge-list">
                    {p.marketing ? <Badge tone="info">{t('admin.register.marketing')}</Badge> : null}
                    {p.profiling ? <Badge tone="warn">{t('admin.register.profiling')}</Badge> : null}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>

      <Card className="table-card" title={t('admin.register.categories')}>
        <table className="table admin-table">
          <caption className="visually-hidden">{t('admin.register.categories')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.register.category')}</th>
              <th scope="col">{t('admin.register.purposes')}</th>
              <th scope="col">{t('admin.register.sources')}</th>
              <th scope="col">{t('admin.register.retention')}</th>
              <th scope="col">{t('admin.register.erasure')}</th>
            </tr>
          </thead>
          <tbody>
            {def.categories.map((c) => (
              <tr key={c.id}>
                <td>
                  <span className="admin-strong">{text(c.name)}</span>
                  <span className="muted small block">
                    {t('admin.register.fieldCount', { n: c.fields })} ·{' '}
                    {t(`admin.holders.${c.holder}`, { defaultValue: c.holder })}
                  </span>
                </td>
                <td className="small">{c.purposes.map((p) => name(def.purposes, p)).join(', ') || '—'}</td>
                <td className="small">{c.sources.map((s) => name(def.sources, s)).join(', ') || '—'}</td>
                <td className="small">
                  {c.retention ? (
                    <span className="mono">{c.retention}</span>
                  ) : (
                    <Badge tone="bad">{t('admin.register.missing')}</Badge>
                  )}
                </td>
                <td>
                  <Badge tone="neutral">{t(`admin.erasure.${c.erasure}`, { defaultValue: c.erasure })}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>

      <div className="two-col">
        <Card className="table-card" title={t('admin.register.sources')}>
          <table className="table admin-table">
            <caption className="visually-hidden">{t('admin.register.sources')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.register.source')}</th>
                <th scope="col">{t('admin.register.kind')}</th>
              </tr>
            </thead>
            <tbody>
              {def.sources.map((s) => (
                <tr key={s.id}>
                  <td>{text(s.name)}</td>
                  <td className="small">{t(`admin.sourceKinds.${s.kind}`, { defaultValue: s.kind })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card className="table-card" title={t('admin.register.recipients')}>
          {def.recipients.length === 0 ? (
            <Empty>{t('admin.register.none')}</Empty>
          ) : (
            <table className="table admin-table">
              <caption className="visually-hidden">{t('admin.register.recipients')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.register.recipient')}</th>
                  <th scope="col">{t('admin.register.kind')}</th>
                </tr>
              </thead>
              <tbody>
                {def.recipients.map((r) => (
                  <tr key={r.id}>
                    <td>{text(r.name)}</td>
                    <td className="small">{t(`admin.recipientKinds.${r.kind}`, { defaultValue: r.kind })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>

      <Card className="table-card" title={t('admin.register.rules')}>
        <table className="table admin-table">
          <caption className="visually-hidden">{t('admin.register.rules')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.register.rule')}</th>
              <th scope="col">{t('admin.register.kind')}</th>
              <th scope="col">{t('admin.register.period')}</th>
              <th scope="col">{t('admin.register.legalReason')}</th>
            </tr>
          </thead>
          <tbody>
            {def.retention.rules.map((r) => (
              <tr key={r.id}>
                <td>
                  <span className="mono small">{r.id}</span>
                  <span className="small block">{text(r.description)}</span>
                </td>
                <td className="small">{t(`admin.retentionKinds.${r.kind}`, { defaultValue: r.kind })}</td>
                <td className="small">
                  {r.period
                    ? period(t, r.period)
                    : r.reviewEvery
                      ? t('admin.register.reviewEvery', { period: period(t, r.reviewEvery) })
                      : '—'}
                </td>
                <td className="small">{r.legalReason ? text(r.legalReason) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

/** An ISO 8601 duration (P10Y, P6M, P2W, P30D) in words. */
export function period(t: TFunction, iso: string): string {
  const m = /^P(\d+)([YMWD])$/.exec(iso);
  if (!m) return iso;
  const unit = { Y: 'years', M: 'months', W: 'weeks', D: 'days' }[m[2] as 'Y' | 'M' | 'W' | 'D'];
  return t(`admin.units.${unit}`, { n: Number(m[1]) });
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
