import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CatalogueField, type TimelineItem } from '../../api';
import { Alert, Card, Empty, useErrorText } from '../../components';
import { useSession, useText } from '../../context';
import { date, valueText } from '../../format';

/** Holders that are not records of the relationship kept in a table of their own. */
const NOT_RECORDS = new Set(['person', 'organisation', 'contact_role', 'consent', 'interaction']);

/**
 * The person's records of the kinds the register definition declares (R2.3–R2.5): orders, invoices, debt
 * collection, loyalty ... one tab a kind, each a table of that kind's fields, newest first.
 */
export function Records({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation();
  const text = useText();
  const errorText = useErrorText();
  const session = useSession();
  const kinds = useMemo(() => {
    const out: { id: string; holder: string; name: string; fields: CatalogueField[] }[] = [];
    for (const f of session.catalogue) {
      if (NOT_RECORDS.has(f.holder) || f.type === 'file') continue;
      let k = out.find((x) => x.id === f.category.id);
      if (!k) {
        k = { id: f.category.id, holder: f.holder, name: text(f.category.name), fields: [] };
        out.push(k);
      }
      k.fields.push(f);
    }
    return out;
  }, [session.catalogue, text]);
  const [active, setActive] = useState(kinds[0]?.id ?? '');
  const [items, setItems] = useState<Record<string, TimelineItem[]>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (kinds.length === 0) return;
    let live = true;
    api<{ items: TimelineItem[] }>(
      'GET',
      `/persons/${personId}/timeline?limit=100&kind=${kinds.map((k) => k.id).join(',')}`,
    )
      .then((r) => {
        if (!live) return;
        const by: Record<string, TimelineItem[]> = {};
        for (const it of r.items) {
          const list = by[it.kind] ?? [];
          list.push(it);
          by[it.kind] = list;
        }
        setItems(by);
      })
      .catch((e) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [personId, kinds, errorText]);

  if (kinds.length === 0) return null;
  const kind = kinds.find((k) => k.id === active) ?? kinds[0]!;
  const rows = items[kind.id] ?? [];
  const columns = kind.fields.slice(0, 5);
  const cellText = (f: CatalogueField, v: unknown) => {
    if (v === null || v === undefined || v === '') return '—';
    if (f.type === 'enum') {
      const o = f.options?.find((x) => x.value === v);
      if (o) return text(o.label);
    }
    if (f.type === 'date') return date(String(v));
    if (f.type === 'money' && typeof v === 'number')
      return new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : `${i18n.language}-FI`, {
        style: 'currency',
        currency: 'EUR',
      }).format(v);
    return valueText(v);
  };

  return (
    <Card title={t('personPage.records')} className="table-card records-card">
      {error ? <Alert>{error}</Alert> : null}
      <div className="tabs" role="tablist" aria-label={t('personPage.records')}>
        {kinds.map((k) => (
          <button
            key={k.id}
            type="button"
            role="tab"
            id={`tab-${k.id}`}
            aria-selected={k.id === kind.id}
            aria-controls={`panel-${k.id}`}
            tabIndex={k.id === kind.id ? 0 : -1}
            className={`tab${k.id === kind.id ? ' active' : ''}`}
            onClick={() => setActive(k.id)}
            onKeyDown={(e) => {
              const i = kinds.findIndex((x) => x.id === kind.id);
              const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
              if (next === null) return;
              const k2 = kinds[(next + kinds.length) % kinds.length]!;
              setActive(k2.id);
              document.getElementById(`tab-${k2.id}`)?.focus();
            }}
          >
            {k.name}
            <span className="tab-count">{(items[k.id] ?? []).length}</span>
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${kind.id}`} aria-labelledby={`tab-${kind.id}`}>
        {rows.length === 0 ? (
          <Empty>{t('personPage.noRecords', { kind: kind.name.toLowerCase() })}</Empty>
        ) : (
          <table className="table">
            <caption className="visually-hidden">{kind.name}</caption>
            <thead>
              <tr>
                {columns.map((f) => (
                  <th scope="col" key={f.id}>
                    {text(f.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  {columns.map((f) => (
                    <td key={f.id} className={f.type === 'money' ? 'num' : undefined}>
                      {cellText(f, r.fields[f.id])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
