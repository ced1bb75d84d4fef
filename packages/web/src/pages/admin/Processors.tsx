import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Badge, Card, Empty } from '../../components';
import { useText } from '../../context';
import { useDefinition } from './useDefinition';

/** Processors and transfers (GDPR art. 30, R1.6): who processes for the controller, who receives, what leaves the EEA. */
export function ProcessorsPage() {
  const { t } = useTranslation();
  const text = useText();
  const { def, error } = useDefinition();
  useEffect(() => {
    document.title = `${t('admin.processors.title')} · Lupaus`;
  }, [t]);

  const processors = def?.recipients.filter((r) => r.kind === 'processor') ?? [];
  const others = def?.recipients.filter((r) => r.kind !== 'processor') ?? [];
  const recipientName = (id: string) => {
    const r = def?.recipients.find((x) => x.id === id);
    return r ? text(r.name) : id;
  };
  // The EU/EEA states come from the register (core's list), so the app never keeps its own copy of the rule.
  const eea = new Set(def?.eeaCountries ?? []);
  const countries = (list: string[]) =>
    list.length === 0 ? (
      <span className="muted">—</span>
    ) : (
      <span className="badge-list">
        {list.map((c) => (
          <Badge key={c} tone={eea.has(c) ? 'neutral' : 'warn'}>
            {c}
          </Badge>
        ))}
      </span>
    );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.processors.title')}</h1>
          <p className="page-lead">{t('admin.processors.lead')}</p>
        </div>
        <a className="btn btn-secondary" href="/api/v1/ropa?format=html" target="_blank" rel="noreferrer">
          {t('admin.processors.ropa')}
        </a>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {def ? (
        <>
          <Card className="table-card" title={t('admin.processors.processors')}>
            {processors.length === 0 ? (
              <Empty>{t('admin.processors.noProcessors')}</Empty>
            ) : (
              <table className="table admin-table">
                <caption className="visually-hidden">{t('admin.processors.processors')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.processors.name')}</th>
                    <th scope="col">{t('admin.processors.service')}</th>
                    <th scope="col">{t('admin.processors.countries')}</th>
                  </tr>
                </thead>
                <tbody>
                  {processors.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <span className="admin-strong">{text(p.name)}</span>
                        {p.description ? (
                          <span className="muted small block">{text(p.description)}</span>
                        ) : null}
                      </td>
                      <td className="small">{p.service ? text(p.service) : '—'}</td>
                      <td>{countries(p.countries)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>

          <Card className="table-card" title={t('admin.processors.recipients')}>
            {others.length === 0 && def.disclosures.length === 0 ? (
              <Empty>{t('admin.processors.noRecipients')}</Empty>
            ) : (
              <table className="table admin-table">
                <caption className="visually-hidden">{t('admin.processors.recipients')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.processors.name')}</th>
                    <th scope="col">{t('admin.register.kind')}</th>
                    <th scope="col">{t('admin.processors.disclosures')}</th>
                    <th scope="col">{t('admin.processors.countries')}</th>
                  </tr>
                </thead>
                <tbody>
                  {others.map((r) => {
                    const ds = def.disclosures.filter((d) => d.recipient === r.id);
                    return (
                      <tr key={r.id}>
                        <td>
                          <span className="admin-strong">{text(r.name)}</span>
                          {r.description ? (
                            <span className="muted small block">{text(r.description)}</span>
                          ) : null}
                        </td>
                        <td className="small">
                          {t(`admin.recipientKinds.${r.kind}`, { defaultValue: r.kind })}
                        </td>
                        <td className="small">
                          {ds.length === 0
                            ? '—'
                            : ds.map((d) => (
                                <span key={d.id} className="block">
                                  {text(d.name)}
                                  {d.basis ? (
                                    <span className="muted">
                                      {' '}
                                      · {t(`admin.bases.${d.basis}`, { defaultValue: d.basis })}
                                    </span>
                                  ) : null}
                                </span>
                              ))}
                        </td>
                        <td>{countries(r.countries)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Card>

          <Card className="table-card" title={t('admin.processors.transfers')}>
            {def.transfers.statement ? (
              <p className="card-note small">{text(def.transfers.statement)}</p>
            ) : null}
            {def.transfers.items.length === 0 ? (
              <Empty>{t('admin.processors.noTransfers')}</Empty>
            ) : (
              <table className="table admin-table">
                <caption className="visually-hidden">{t('admin.processors.transfers')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.processors.transfer')}</th>
                    <th scope="col">{t('admin.processors.countries')}</th>
                    <th scope="col">{t('admin.processors.to')}</th>
                    <th scope="col">{t('admin.processors.safeguard')}</th>
                  </tr>
                </thead>
                <tbody>
                  {def.transfers.items.map((x) => (
                    <tr key={x.id}>
                      <td className="small">{text(x.description)}</td>
                      <td>{countries(x.countries)}</td>
                      <td className="small">{x.recipients.map(recipientName).join(', ') || '—'}</td>
                      <td className="small">
                        {x.safeguard ? (
                          <Badge tone="good">
                            {t(`admin.safeguards.${x.safeguard}`, { defaultValue: x.safeguard })}
                          </Badge>
                        ) : (
                          <Badge tone="bad">{t('admin.processors.noSafeguard')}</Badge>
                        )}
                        {x.safeguardText ? (
                          <span className="block muted">{text(x.safeguardText)}</span>
                        ) : null}
                        {x.copyAvailable ? (
                          <span className="block muted">{text(x.copyAvailable)}</span>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
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
