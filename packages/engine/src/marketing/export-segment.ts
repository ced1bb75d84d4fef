import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  checkSelection,
  forEachMarketingPageIn,
  type MarketingContact,
  type MarketingSelectionInput,
} from './marketing-gate';

export interface SegmentExport {
  selectionId: string;
  purpose: string;
  channel: string;
  count: number;
  /** Persons left out because a contact point is on a suppression list, by list (R3.2; see `MarketingSelection`). */
  suppressedBy: Record<string, number>;
  /** The CSV text (RFC 4180, CRLF line ends, a header row). */
  csv: string;
}

const COLUMNS: Record<'email' | 'phone' | 'address', string[]> = {
  email: ['customer_number', 'first_name', 'last_name', 'email'],
  phone: ['customer_number', 'first_name', 'last_name', 'phone'],
  address: [
    'customer_number',
    'first_name',
    'last_name',
    'street',
    'po_box',
    'postal_code',
    'city',
    'country',
  ],
};

/**
 * One CSV cell: quoted when it holds the delimiter, a quote or a line break; a cell a spreadsheet would take
 * for a formula (starting with `=`, `@`, a tab or carriage return, or `+`/`-` not followed by a digit) gets a
 * leading apostrophe, so that a name such as `=HYPERLINK(...)` stays text (a phone number `+358...` stays as is).
 *
 * @example
 * ```ts
 * csvCell('Meikäläinen, Maija'); // '"Meikäläinen, Maija"'
 * csvCell('=1+1'); // "'=1+1"
 * ```
 */
export function csvCell(value: string | null | undefined, delimiter = ','): string {
  let v = value ?? '';
  if (/^[=@\t\r]/.test(v) || /^[+-](?!\d)/.test(v)) v = `'${v}`;
  return v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function row(kind: 'email' | 'phone' | 'address', c: MarketingContact, d: string): string {
  const base = [c.customerNumber, c.firstName, c.lastName];
  const rest =
    kind === 'email'
      ? [c.email]
      : kind === 'phone'
        ? [c.phone]
        : [c.address?.street, c.address?.poBox, c.address?.postalCode, c.address?.city, c.address?.country];
  return [...base, ...rest].map((x) => csvCell(x, d)).join(d);
}

/**
 * A marketing segment as CSV (R3.3): the persons the marketing gate admits for the purpose and channel (see
 * marketing-gate.ts: prohibitions, withdrawn or missing consent, objections, restrictions and suppression lists
 * keep people out), with their name and the contact point of the channel. Every person exported is audited.
 *
 * @example
 * ```ts
 * const { csv, count } = await exportSegment(reg, actor, { purpose: 'direct_marketing', channel: 'email' });
 * ```
 */
export async function exportSegment(
  reg: Register,
  actor: Actor,
  input: MarketingSelectionInput & { delimiter?: ',' | ';' | undefined },
): Promise<SegmentExport> {
  authorize(reg, actor, 'marketing.select');
  const d = input.delimiter ?? ',';
  const kind = checkSelection(reg, actor, input).channel.kind;
  return reg.db.transaction().execute(async (tx) => {
    const lines: string[] = [];
    const r = await forEachMarketingPageIn(tx, reg, actor, input, 'segment', (page) => {
      for (const c of page) lines.push(row(kind, c, d));
    });
    const header = COLUMNS[kind].join(d);
    return {
      selectionId: r.selectionId,
      purpose: input.purpose,
      channel: input.channel,
      count: r.count,
      suppressedBy: r.suppressedBy,
      csv: `${[header, ...lines].join('\r\n')}\r\n`,
    };
  });
}
