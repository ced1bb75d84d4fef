import { LupausError, type ProblemDetail } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { ConsentState } from '../consents/consent-policy';
import { consentProblems, type ValidConsent, writeConsentIn } from '../consents/record-consent';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { type BatchCounts, type ImportInputBase, type ImportReport, runImport } from './import-run';
import { PERSON_KEY_COLUMNS, type PersonKey, personKeyOf, resolvePersonKeys } from './person-keys';
import type { CsvRecord } from './read-csv';

export interface ImportConsentsInput extends ImportInputBase {}

const TARGETS = [...PERSON_KEY_COLUMNS, 'channel', 'purpose', 'kind', 'at', 'evidence'] as const;
type Target = (typeof TARGETS)[number];

const KINDS: Record<string, ConsentState> = {
  consent: 'given',
  given: 'given',
  suostumus: 'given',
  withdrawal: 'withdrawn',
  withdrawn: 'withdrawn',
  peruutus: 'withdrawn',
  prohibition: 'prohibited',
  prohibited: 'prohibited',
  kielto: 'prohibited',
};

/** Where a consent problem's `at` comes from in the file. */
const AT_TARGET: Record<string, Target> = {
  channel: 'channel',
  purpose: 'purpose',
  state: 'kind',
  at: 'at',
  evidenceText: 'evidence',
};

/**
 * Imports consents, their withdrawals and prohibitions (R2.8, R3.1) from CSV, by the rules of `recordConsent`:
 * each row names its person (`customer_number`, `email`, `hetu` or `person_id`), a `channel` and a `purpose` of
 * the definition's marketing section, a `kind` (consent, withdrawal or prohibition), the time it was made (`at`:
 * ISO 8601, or a date YYYY-MM-DD / D.M.YYYY read as midnight UTC; now when empty) and its `evidence` (what the
 * person said or signed, and where). A row the person's history already has (same channel, purpose, kind and
 * time) is `unchanged`, so a rerun adds nothing; a prohibition puts the person's contact points on the
 * suppression list as a recorded one does. Each consent row has its audit row and the notice version in force.
 *
 * @example
 * ```ts
 * const report = await importConsents(reg, actor, { input: 'email;channel;purpose;kind;at;evidence\n...', source: 'subject' });
 * ```
 */
export async function importConsents(
  reg: Register,
  actor: Actor,
  input: ImportConsentsInput,
): Promise<ImportReport> {
  authorize(reg, actor, 'consents.write');
  const source = requireSource(reg, input.source);
  resolvePurpose(reg, input.purpose);
  let columns = new Map<Target, string>();
  return runImport(reg, actor, 'consents', input, source, {
    plan(headers) {
      columns = planTargets(headers, input.mapping, TARGETS, ['channel', 'purpose', 'kind']);
    },
    processBatch: (tx, records, problem) =>
      consentBatch(tx, reg, actor, { records, columns, source, problem, dryRun: input.dryRun ?? false }),
  });
}

/**
 * Maps the header onto the columns an import takes (by name, case-insensitive, `person.` prefix allowed, or by
 * `mapping`); throws VALIDATION_FAILED naming every column it cannot place or a required one missing.
 */
export function planTargets<T extends string>(
  headers: readonly string[],
  mapping: Record<string, string> | undefined,
  targets: readonly T[],
  required: readonly T[],
): Map<T, string> {
  const out = new Map<T, string>();
  const problems: ProblemDetail[] = [];
  for (const column of Object.keys(mapping ?? {})) {
    if (!headers.includes(column))
      problems.push({ at: `mapping.${column}`, message: `the file has no column "${column}"` });
  }
  for (const header of headers) {
    const mapped = mapping && Object.hasOwn(mapping, header) ? mapping[header] : undefined;
    if (mapped === '') continue;
    const name = String(mapped ?? header)
      .trim()
      .toLowerCase()
      .replace(/^person\./, '');
    const t = targets.find((x) => x === name);
    if (!t) {
      problems.push({
        at: mapped === undefined ? `column "${header}"` : `mapping.${header}`,
        message: `"${mapped ?? header}" is not a column this import takes; use ${targets.join(', ')}`,
      });
      continue;
    }
    if (out.has(t)) {
      problems.push({
        at: `column "${header}"`,
        message: `the columns "${out.get(t)}" and "${header}" both give ${t}`,
      });
      continue;
    }
    out.set(t, header);
  }
  for (const r of required) if (!out.has(r)) problems.push({ at: r, message: `the file has no ${r} column` });
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  return out;
}

/** A date and time from a cell: ISO 8601 as it is, a date YYYY-MM-DD or D.M.YYYY as midnight UTC. */
export function timeCell(cell: string): string {
  const fi = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(cell);
  if (fi) return `${fi[3]}-${fi[2]!.padStart(2, '0')}-${fi[1]!.padStart(2, '0')}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(cell)) return `${cell}T00:00:00Z`;
  return cell;
}

async function consentBatch(
  tx: Executor,
  reg: Register,
  actor: Actor,
  b: {
    records: CsvRecord[];
    columns: Map<Target, string>;
    source: string;
    problem: (p: { line: number; column: string | null; reason: string }) => void;
    dryRun: boolean;
  },
): Promise<BatchCounts> {
  const col = (t: Target) => b.columns.get(t) ?? null;
  const cell = (rec: CsvRecord, t: Target) => {
    const h = b.columns.get(t);
    const v = h === undefined ? '' : (rec.values[h] ?? '').trim();
    return v === '' ? undefined : v;
  };
  const rows: {
    line: number;
    key: PersonKey;
    keyColumn: string | null;
    c: Omit<ValidConsent, 'personId'>;
  }[] = [];
  for (const rec of b.records) {
    const k = personKeyOf(reg, {
      person_id: cell(rec, 'person_id'),
      customer_number: cell(rec, 'customer_number'),
      email: cell(rec, 'email'),
      hetu: cell(rec, 'hetu'),
    });
    const kind = cell(rec, 'kind');
    const state = kind === undefined ? undefined : KINDS[kind.toLowerCase()];
    const at = cell(rec, 'at');
    const input = {
      personId: '00000000-0000-7000-8000-000000000000', // resolved below
      channel: cell(rec, 'channel'),
      purpose: cell(rec, 'purpose'),
      state: state ?? (kind as ConsentState | undefined),
      at: at === undefined ? undefined : timeCell(at),
      source: b.source,
      evidenceText: cell(rec, 'evidence'),
    };
    const problems = consentProblems(reg, input);
    const reported: { column: string | null; reason: string }[] = problems.map((p) => ({
      column: AT_TARGET[p.at] ? col(AT_TARGET[p.at]!) : null,
      reason:
        p.at === 'state'
          ? `"${kind ?? ''}" is not a kind of consent; use consent, withdrawal or prohibition`
          : p.at === 'evidenceText' && input.evidenceText === undefined
            ? 'give the evidence of the choice: what the person said or signed, and where'
            : p.message,
    }));
    if ('reason' in k)
      reported.unshift({ column: k.column === null ? null : col(k.column), reason: k.reason });
    if (reported.length > 0) {
      for (const r of reported) b.problem({ line: rec.line, ...r });
      continue;
    }
    if (!('key' in k)) continue;
    const keyTarget = PERSON_KEY_COLUMNS.find((t) => cell(rec, t) !== undefined);
    const keyColumn = keyTarget === undefined ? null : col(keyTarget);
    rows.push({
      line: rec.line,
      key: k.key,
      keyColumn,
      c: {
        channel: input.channel!,
        purpose: input.purpose!,
        state: input.state as ConsentState,
        at: input.at === undefined ? reg.clock.now() : new Date(input.at),
        source: b.source,
        evidenceText: input.evidenceText ?? null,
        evidenceFileId: null,
        requestId: null,
      },
    });
  }
  const persons = await resolvePersonKeys(
    tx,
    rows.map((r) => r.key),
  );
  const found: (ValidConsent & { line: number })[] = [];
  rows.forEach((r, i) => {
    const p = persons[i]!;
    if ('reason' in p) b.problem({ line: r.line, column: r.keyColumn, reason: p.reason });
    else found.push({ ...r.c, personId: p.personId, line: r.line });
  });
  // What the histories hold already: the same choice at the same time is not recorded twice.
  const have = new Set<string>();
  if (found.length > 0) {
    const r = await tx
      .selectFrom('consents')
      .select(['person_id', 'channel', 'purpose', 'state', 'at'])
      .where('person_id', 'in', [...new Set(found.map((f) => f.personId))])
      .execute();
    for (const x of r) have.add(choiceKey(x.person_id, x.channel, x.purpose, x.state, new Date(x.at)));
  }
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  for (const f of found) {
    const key = choiceKey(f.personId, f.channel, f.purpose, f.state, f.at);
    if (have.has(key)) {
      counts.unchanged++;
      continue;
    }
    have.add(key);
    counts.created++;
    if (!b.dryRun) await writeConsentIn(tx, reg, actor, f);
  }
  return counts;
}

function choiceKey(personId: string, channel: string, purpose: string, state: string, at: Date): string {
  return `${personId}|${channel}|${purpose}|${state}|${at.getTime()}`;
}
