import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Badge, Card, Empty, useErrorText } from '../../components';
import { dateTime } from '../../format';

interface CommitmentsOut {
  current: number | null;
  versions: { version: number; label: string; publishedAt: string; signatures: number }[];
  signatures: { userId: string; displayName: string; username: string; version: number; signedAt: string }[];
  unsigned: { userId: string; displayName: string; username: string }[];
}

/** Signed commitments (R6.3): who signed which version when, and who has not signed the one in force. */
export function CommitmentsPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [data, setData] = useState<CommitmentsOut | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('admin.commitments.title')} · Lupaus`;
  }, [t]);
  useEffect(() => {
    api<CommitmentsOut>('GET', '/admin/commitments')
      .then(setData)
      .catch((e) => setError(errorText(e)));
  }, [errorText]);

  const current = data?.versions.find((v) => v.version === data.current);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.commitments.title')}</h1>
          <p className="page-lead">{t('admin.commitments.lead')}</p>
        </div>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {data ? (
        <>
          <div className="stat-row">
            <div className="stat">
              <div className="stat-label">{t('admin.commitments.inForce')}</div>
              <div className="stat-value">
                {current ? t('admin.commitments.version', { version: current.version }) : '—'}
              </div>
              <div className="muted small">
                {current
                  ? `${current.label} · ${dateTime(current.publishedAt)}`
                  : t('admin.commitments.unpublished')}
              </div>
            </div>
            <div className="stat">
              <div className="stat-label">{t('admin.commitments.signedCurrent')}</div>
              <div className="stat-value">{current?.signatures ?? 0}</div>
            </div>
            <div className={`stat${data.unsigned.length > 0 ? ' stat-warn' : ' stat-good'}`}>
              <div className="stat-label">{t('admin.commitments.notSigned')}</div>
              <div className="stat-value">{data.unsigned.length}</div>
            </div>
          </div>

          <Card title={t('admin.commitments.unsignedTitle')}>
            {data.unsigned.length === 0 ? (
              <Empty>{t('admin.commitments.allSigned')}</Empty>
            ) : (
              <>
                <p className="muted small admin-form-lead">{t('admin.commitments.unsignedLead')}</p>
                <ul className="people-list">
                  {data.unsigned.map((u) => (
                    <li key={u.userId}>
                      <span className="admin-strong">{u.displayName}</span>{' '}
                      <span className="mono muted small">{u.username}</span>{' '}
                      <Badge tone="warn">{t('admin.users.notSigned')}</Badge>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </Card>

          <Card className="table-card" title={t('admin.commitments.signatures')}>
            {data.signatures.length === 0 ? (
              <Empty>{t('admin.commitments.noSignatures')}</Empty>
            ) : (
              <table className="table admin-table">
                <caption className="visually-hidden">{t('admin.commitments.signatures')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.commitments.who')}</th>
                    <th scope="col">{t('admin.commitments.versionCol')}</th>
                    <th scope="col">{t('admin.commitments.signedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.signatures.map((s) => (
                    <tr key={`${s.userId}-${s.version}-${s.signedAt}`}>
                      <td>
                        <span className="admin-strong">{s.displayName}</span>{' '}
                        <span className="mono muted small">{s.username}</span>
                      </td>
                      <td>
                        {t('admin.commitments.version', { version: s.version })}{' '}
                        {s.version === data.current ? (
                          <Badge tone="good">{t('admin.commitments.current')}</Badge>
                        ) : (
                          <Badge tone="neutral">{t('admin.commitments.earlier')}</Badge>
                        )}
                      </td>
                      <td>{dateTime(s.signedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>

          <Card className="table-card" title={t('admin.commitments.versions')}>
            <table className="table admin-table">
              <caption className="visually-hidden">{t('admin.commitments.versions')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.commitments.versionCol')}</th>
                  <th scope="col">{t('admin.commitments.label')}</th>
                  <th scope="col">{t('admin.commitments.published')}</th>
                  <th scope="col">{t('admin.commitments.signatureCount')}</th>
                </tr>
              </thead>
              <tbody>
                {data.versions.map((v) => (
                  <tr key={v.version}>
                    <td>{t('admin.commitments.version', { version: v.version })}</td>
                    <td>{v.label}</td>
                    <td>{dateTime(v.publishedAt)}</td>
                    <td>{v.signatures}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      ) : !error ? (
        <p className="muted" role="status">
          {t('common.loading')}
        </p>
      ) : null}
    </div>
  );
}
