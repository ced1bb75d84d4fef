import {
  extendedDueOn,
  extensionAllowed,
  helsinkiDate,
  isRequestOverdue,
  MAX_EXTENSION_MONTHS,
  requestDeadline,
} from '@lupaus/core';
import type { Executor, RequestState, RequestType } from '@lupaus/db';
import type { Register } from '../context';
import { findLetter, isOpenState, type RequestEventRow, type RequestRow } from './request-store';

/** One step in a request's life, as the API and CLI show it. */
export interface RequestEventView {
  at: string;
  actor: string;
  event: string;
  details: Record<string, unknown>;
}

/** A data subject's request (R4.1) as the API and CLI show it. */
export interface RequestView {
  id: string;
  /** null once the person has been erased. */
  personId: string | null;
  type: RequestType;
  state: RequestState;
  receivedVia: 'written' | 'electronic';
  receivedAt: string;
  /** The Helsinki calendar day of receipt, from which the month counts. */
  receivedOn: string;
  dueOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  /** The deadline in force: `extendedTo` or else `dueOn`. */
  deadline: string;
  /**
   * The deadlines an extension would give now (art. 12(3): one or two more months), by core's arithmetic; empty
   * once the request is closed, already extended, or past its first due date.
   */
  extensions: { months: number; deadline: string }[];
  open: boolean;
  /** Open and past the deadline, as of the register's clock. */
  overdue: boolean;
  identity: { verifiedAt: string; method: string; verifiedBy: string } | null;
  charge: 'free' | 'fee' | 'refused';
  chargeReason: string | null;
  details: Record<string, unknown>;
  outcome: Record<string, unknown>;
  /** A written request's signed letter (the file's id, name, type and size). */
  letter: { id: string; name: string; mediaType: string; size: number } | null;
  closedAt: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** What happened, in order (only in the view of one request). */
  events?: RequestEventView[];
}

const iso = (d: Date | string) => new Date(d).toISOString();

function json(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
  return (value ?? {}) as Record<string, unknown>;
}

/** A date column as `YYYY-MM-DD` (PGlite and pg may hand back a string or a Date). */
export function dateOnly(value: string | Date | null): string | null {
  if (value === null) return null;
  if (value instanceof Date) {
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return String(value).slice(0, 10);
}

export function requestViewOf(
  row: RequestRow,
  now: Date,
  extra: { letter?: RequestView['letter']; events?: RequestEventRow[] } = {},
): RequestView {
  const dueOn = dateOnly(row.due_on)!;
  const extendedTo = dateOnly(row.extended_to);
  const open = isOpenState(row.state);
  const view: RequestView = {
    id: row.id,
    personId: row.person_id,
    type: row.type,
    state: row.state,
    receivedVia: row.received_via,
    receivedAt: iso(row.received_at),
    receivedOn: helsinkiDate(new Date(row.received_at)),
    dueOn,
    extendedTo,
    extensionReason: row.extension_reason,
    deadline: requestDeadline(dueOn, extendedTo),
    extensions:
      open && extendedTo === null && extensionAllowed(dueOn, helsinkiDate(now))
        ? Array.from({ length: MAX_EXTENSION_MONTHS }, (_, i) => ({
            months: i + 1,
            deadline: extendedDueOn(dueOn, i + 1),
          }))
        : [],
    open,
    overdue: isRequestOverdue({ open, dueOn, extendedTo }, helsinkiDate(now)),
    identity:
      row.identity_verified_at && row.identity_method && row.identity_verified_by
        ? {
            verifiedAt: iso(row.identity_verified_at),
            method: row.identity_method,
            verifiedBy: row.identity_verified_by,
          }
        : null,
    charge: row.charge,
    chargeReason: row.charge_reason,
    details: json(row.details),
    outcome: json(row.outcome),
    letter: extra.letter ?? null,
    closedAt: row.closed_at ? iso(row.closed_at) : null,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by,
  };
  if (extra.events) {
    view.events = extra.events.map((e) => ({
      at: iso(e.at),
      actor: e.actor,
      event: e.event,
      details: json(e.details),
    }));
  }
  return view;
}

/** The view of one request with its letter, and with its events when `withEvents`. */
export async function toRequestView(
  tx: Executor,
  reg: Register,
  row: RequestRow,
  opts: { withEvents?: boolean } = {},
): Promise<RequestView> {
  const letter = await findLetter(tx, row.id);
  const events = opts.withEvents
    ? await tx
        .selectFrom('request_events')
        .selectAll()
        .where('request_id', '=', row.id)
        .orderBy('id')
        .execute()
    : undefined;
  return requestViewOf(row, reg.clock.now(), {
    letter: letter
      ? { id: letter.id, name: letter.name, mediaType: letter.media_type, size: Number(letter.size) }
      : null,
    ...(events ? { events } : {}),
  });
}
