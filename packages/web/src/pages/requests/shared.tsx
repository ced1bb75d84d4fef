import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiFile, fileNameOf, type Person, saveBlob } from '../../api';
import { Badge } from '../../components';
import { useSession } from '../../context';
import { daysUntil } from '../../format';

/** A data subject's request as `GET /requests` and `GET /requests/{id}` give it. */
export interface Request {
  id: string;
  personId: string | null;
  type: string;
  state: 'received' | 'verified' | 'blocked' | 'completed' | 'refused';
  receivedVia: 'written' | 'electronic';
  receivedAt: string;
  receivedOn: string;
  dueOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  deadline: string;
  /** The deadlines an extension would give now; empty when the request cannot be extended. */
  extensions: { months: number; deadline: string }[];
  open: boolean;
  overdue: boolean;
  identity: { verifiedAt: string; method: string; verifiedBy: string } | null;
  charge: 'free' | 'fee' | 'refused';
  chargeReason: string | null;
  details: Record<string, unknown>;
  outcome: Record<string, unknown>;
  letter: { id: string; name: string; mediaType: string; size: number } | null;
  closedAt: string | null;
  createdAt: string;
  createdBy: string;
  events?: { at: string; actor: string; event: string; details: Record<string, unknown> }[];
}

export const REQUEST_TYPES = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'portability',
  'withdrawal',
  'anonymisation',
] as const;
export const REQUEST_STATES = ['received', 'verified', 'blocked', 'completed', 'refused'] as const;

/** The state of a request as a coloured badge. */
export function StateBadge({ r }: { r: Pick<Request, 'state' | 'overdue'> }) {
  const { t } = useTranslation();
  const tone =
    r.state === 'completed'
      ? 'good'
      : r.state === 'refused'
        ? 'neutral'
        : r.state === 'blocked'
          ? 'warn'
          : r.overdue
            ? 'bad'
            : 'info';
  return <Badge tone={tone}>{t(`requests.state.${r.state}`)}</Badge>;
}

/** Days left to the deadline in force, or days overdue; the extended deadline is marked. */
export function DaysLeft({ r }: { r: Pick<Request, 'open' | 'overdue' | 'deadline' | 'extendedTo'> }) {
  const { t } = useTranslation();
  if (!r.open) return <span className="muted">{t('requests.days.closed')}</span>;
  const days = daysUntil(r.deadline);
  const text =
    days < 0
      ? t('requests.days.over', { count: -days })
      : days === 0
        ? t('requests.days.today')
        : t('requests.days.left', { count: days });
  const tone = r.overdue || days < 0 ? 'over' : days <= 7 ? 'soon' : 'ok';
  return (
    <span className={`days days-${tone}`}>
      <span className="days-main">
        {tone === 'over' ? (
          <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path
              d="M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        ) : null}
        {text}
      </span>
      {r.extendedTo ? <span className="extended-tag">{t('requests.extended')}</span> : null}
    </span>
  );
}

/** Display names of persons (first and last name), read one by one for those the user may read. */
export function usePersonNames(ids: (string | null)[]): Record<string, string> {
  const session = useSession();
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(ids.filter((x): x is string => !!x))].sort().join(',');
  useEffect(() => {
    if (!session.can('persons.read') || key === '') return;
    let live = true;
    const wanted = key.split(',');
    void Promise.all(
      wanted.map((id) =>
        api<Person>('GET', `/persons/${id}`)
          .then((p) => [
            id,
            [p.fields.first_name, p.fields.last_name].filter(Boolean).map(String).join(' ') || '—',
          ])
          .catch(() => [id, '—']),
      ),
    ).then((pairs) => {
      if (live) setNames(Object.fromEntries(pairs));
    });
    return () => {
      live = false;
    };
  }, [key, session]);
  return names;
}

/** Downloads a response body as a file, named by its content disposition. */
export async function downloadFrom(path: string, fallbackName: string): Promise<string> {
  const { blob, headers } = await apiFile('GET', path);
  const name = fileNameOf(headers) ?? fallbackName;
  saveBlob(blob, name);
  return name;
}
