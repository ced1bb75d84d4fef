import { LupausError, type ProblemDetail, t } from '@lupaus/core';
import type { Executor } from '@lupaus/db';
import type { Actor, Register } from '../context';
import { crashPoint } from '../faults/crash-point';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import type { Mailer } from '../notifications/mailer';
import { type SendResult, sendPendingNotifications } from '../notifications/send-pending-notifications';
import { type PersonView, personView, requirePersonRow, validatePersonFields } from '../persons/person-store';
import { writePersonUpdate } from '../persons/update-person';
import { authorize } from '../policy/authorize';
import { requireId } from '../policy/ids';
import { requireSource, resolvePurpose } from '../policy/purpose';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import { endPendingRestrictionsIn } from '../restriction/restrict-while-pending';

export interface RectifyPersonInput {
  personId: string;
  /** The corrected values by field (declared person fields); `null` removes a wrong value. */
  fields: Record<string, unknown>;
  /** Where the correct value came from: a source of the definition; by default the subject's own source. */
  source?: string | undefined;
  purpose?: string | undefined;
  /** The rectification request this honours (identity verified, open): completed here. */
  requestId?: string | undefined;
}

/** Who was told of the correction (art. 19) and who needed no notice. No values. */
export interface RectificationNotice {
  audience: 'recipient' | 'source';
  /** The definition's recipient or source id. */
  audienceId: string;
  name: string | null;
  fields: string[];
  notificationId: string;
  /** false: no email address is known; the notice waits in the outbox for staff to deliver by other means. */
  deliverable: boolean;
}

export interface RectificationResult {
  person: PersonView;
  /** The fields whose value changed. */
  changed: string[];
  notified: RectificationNotice[];
  /** Sources of the old values that need no notice: the subject themselves, the controller's staff. */
  notNotified: { field: string; source: string | null; why: string }[];
  /** Accuracy restrictions whose lifting the subject was told of (lifted once that notice is sent). */
  restrictionsEnding: string[];
  /** What sending the outbox did, when a mailer was given. */
  sent?: SendResult;
}

/** Source kinds that need no art. 19 notice: the data came from the subject or the controller's own staff. */
const NO_NOTICE_KINDS = new Set(['subject', 'staff']);

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined && o[k] !== null && o[k] !== '')
      .sort()
      .map((k) => `${k}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function formatValue(reg: Register, field: string, value: unknown): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
    return '(poistettu / removed)';
  }
  if (reg.catalogue.field('person', field)?.type === 'hetu') return '(ei näytetä / not shown)';
  const one = (v: unknown): string => {
    if (v && typeof v === 'object') {
      const a = v as Record<string, string | undefined>;
      return [a.street, a.poBox, [a.postalCode, a.city].filter(Boolean).join(' '), a.country]
        .filter((x) => x)
        .join(', ');
    }
    return String(v);
  };
  return Array.isArray(value) ? value.map(one).join('; ') : one(value);
}

function defaultSource(reg: Register): string {
  if (reg.catalogue.sourceIds.has('subject')) return 'subject';
  const own = reg.definition.sources.find((s) => s.kind === 'subject');
  if (!own) {
    throw new LupausError('SOURCE_NOT_DECLARED', {}, [
      { at: 'source', message: 'the definition declares no source of kind subject: give the source' },
    ]);
  }
  return own.id;
}

function noticeBody(
  reg: Register,
  lines: { field: string; value: unknown }[],
  audience: 'recipient' | 'source',
): string {
  const label = (f: string) => {
    const cf = reg.catalogue.field('person', f);
    return cf ? `${t(cf.label, 'fi')} / ${t(cf.label, 'en')} (${f})` : f;
  };
  const list = lines.map((l) => `- ${label(l.field)}: ${formatValue(reg, l.field, l.value)}`);
  const controller = reg.definition.controller.name;
  return [
    'Hei,',
    '',
    audience === 'recipient'
      ? `${controller} on oikaissut henkilötietoja, joita se on luovuttanut teille. Korjatut tiedot:`
      : `${controller} on oikaissut henkilötietoja, jotka se sai teiltä. Korjatut tiedot:`,
    '',
    ...list,
    '',
    'Ilmoitamme tästä EU:n tietosuoja-asetuksen 19 artiklan mukaisesti. Korjatkaa tiedot myös omaan rekisteriinne.',
    '',
    '---',
    '',
    audience === 'recipient'
      ? `${controller} has rectified personal data it disclosed to you. The corrected data:`
      : `${controller} has rectified personal data it received from you. The corrected data:`,
    '',
    ...list,
    '',
    'We notify you under article 19 of the GDPR. Please correct the data in your own records too.',
    '',
    controller,
  ].join('\n');
}

function validate(reg: Register, input: RectifyPersonInput) {
  const problems: ProblemDetail[] = [];
  const personId = requireId(input?.personId, 'person', 'personId');
  const requestId =
    input.requestId === undefined ? undefined : requireId(input.requestId, 'request', 'requestId');
  if (!input.fields || typeof input.fields !== 'object' || Array.isArray(input.fields)) {
    problems.push({ at: 'fields', message: 'fields is an object of the corrected values by field' });
  } else if (Object.keys(input.fields).length === 0) {
    problems.push({ at: 'fields', message: 'name at least one field to correct' });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const source = requireSource(reg, input.source ?? defaultSource(reg));
  const purpose = resolvePurpose(reg, input.purpose);
  const { values } = validatePersonFields(reg, input.fields, { creating: false });
  return { personId, requestId, source, purpose, values };
}

/**
 * Rectifies a person's data (R4.3, art. 16 and 19), in one transaction: the corrected values replace the old
 * ones through the person write path (the new value's provenance names its source and time; the old value is
 * gone), and then every recipient the old data was disclosed to (the disclosure log's entries whose fields or
 * categories include a changed field) and every external source a changed field came from is sent a notice
 * naming the corrected fields and their new values. A source that is the subject or the controller's staff
 * needs no notice, which the result records. With `requestId` the request must be a verified, open
 * rectification request of this person; it is completed with the outcome (who was told, no values), and its
 * accuracy restriction ends after the subject is told. With a mailer the outbox is sent after the commit.
 *
 * @example
 * ```ts
 * const r = await rectifyPerson(reg, actor, { personId, fields: { email: 'maija.v@example.fi' }, requestId },
 *   { mailer: smtpMailer('smtp://127.0.0.1:2525') });
 * r.notified; // [{ audience: 'recipient', audienceId: 'partners', fields: ['email'], ... }]
 * ```
 */
export async function rectifyPerson(
  reg: Register,
  actor: Actor,
  input: RectifyPersonInput,
  opts: { mailer?: Mailer | null | undefined } = {},
): Promise<RectificationResult> {
  authorize(reg, actor, 'requests.manage');
  const v = validate(reg, input);
  const result = await reg.db.transaction().execute((tx) => rectifyPersonIn(tx, reg, actor, input, v));
  crashPoint('rectification.after-commit');
  if (opts.mailer) result.sent = await sendPendingNotifications(reg, opts.mailer);
  return result;
}

async function rectifyPersonIn(
  tx: Executor,
  reg: Register,
  actor: Actor,
  _input: RectifyPersonInput,
  v: ReturnType<typeof validate>,
): Promise<RectificationResult> {
  const { personId, requestId, source, purpose, values } = v;
  if (requestId) await requireVerifiedRequestIn(tx, reg, requestId, { type: 'rectification', personId });
  crashPoint('rectification.tx.after-request-check');
  const current = await requirePersonRow(tx, personId, 'personId');
  const before = await personView(tx, reg, actor, current);
  const changed = Object.keys(values).filter((f) => {
    if (reg.catalogue.field('person', f)?.type === 'hetu') return true;
    return stable(before.fields[f] ?? null) !== stable(values[f]);
  });
  const oldSources = await tx
    .selectFrom('provenance')
    .select(['field', 'source'])
    .where('entity_type', '=', 'person')
    .where('entity_id', '=', personId)
    .execute();
  const sourceOf = new Map(oldSources.map((p) => [p.field, p.source]));
  crashPoint('rectification.tx.after-read');

  // The correction itself, through the person write path of `updatePerson`.
  await writePersonUpdate(tx, reg, actor, current, values, {
    purpose,
    source,
    now: reg.clock.now(),
    details: { rectification: true, changed, ...(requestId ? { requestId } : {}) },
  });
  crashPoint('rectification.tx.after-update');

  const notified: RectificationNotice[] = [];
  const notNotified: RectificationResult['notNotified'] = [];
  if (changed.length > 0) {
    // Art. 19: every recipient the old data was disclosed to, once per recipient and address.
    const disclosures = await tx
      .selectFrom('disclosure_log')
      .select(['recipient', 'recipient_name', 'recipient_email', 'categories', 'fields'])
      .where('person_id', '=', personId)
      .orderBy('at')
      .execute();
    const byRecipient = new Map<
      string,
      { recipient: string; name: string | null; email: string | null; fields: Set<string> }
    >();
    for (const d of disclosures) {
      const cats = new Set(d.categories ?? []);
      const dFields = new Set(d.fields ?? []);
      // The fields disclosed when the log names them; otherwise every field of the categories disclosed.
      const hit = changed.filter((f) => {
        if (dFields.size > 0) return dFields.has(f);
        const cat = reg.catalogue.field('person', f)?.category.id;
        return cat !== undefined && cats.has(cat);
      });
      if (hit.length === 0) continue;
      const key = `${d.recipient}\u0000${(d.recipient_email ?? '').toLowerCase()}\u0000${d.recipient_name ?? ''}`;
      const entry = byRecipient.get(key) ?? {
        recipient: d.recipient,
        name: d.recipient_name,
        email: d.recipient_email,
        fields: new Set<string>(),
      };
      for (const f of hit) entry.fields.add(f);
      byRecipient.set(key, entry);
    }
    for (const r of byRecipient.values()) {
      const fields = changed.filter((f) => r.fields.has(f));
      const { id } = await enqueueNotificationIn(tx, reg, {
        personId,
        requestId: requestId ?? null,
        kind: 'rectification',
        audience: 'recipient',
        audienceId: r.recipient,
        to: r.email,
        subject: 'Henkilötietojen oikaisu / Rectification of personal data',
        body: noticeBody(
          reg,
          fields.map((f) => ({ field: f, value: values[f] })),
          'recipient',
        ),
      });
      notified.push({
        audience: 'recipient',
        audienceId: r.recipient,
        name: r.name,
        fields,
        notificationId: id,
        deliverable: r.email !== null,
      });
    }

    // The source each changed field came from.
    const bySource = new Map<string, string[]>();
    for (const f of changed) {
      const src = sourceOf.get(f) ?? null;
      const def = src ? reg.definition.sources.find((s) => s.id === src) : undefined;
      if (!src) {
        notNotified.push({ field: f, source: null, why: 'no source recorded for the old value' });
      } else if (!def) {
        notNotified.push({ field: f, source: src, why: 'the source is no longer declared' });
      } else if (NO_NOTICE_KINDS.has(def.kind)) {
        notNotified.push({
          field: f,
          source: src,
          why:
            def.kind === 'subject'
              ? 'the data came from the subject'
              : "the data came from the controller's staff",
        });
      } else {
        bySource.set(src, [...(bySource.get(src) ?? []), f]);
      }
    }
    for (const [src, fields] of bySource) {
      const def = reg.definition.sources.find((s) => s.id === src)!;
      // A source has no address in the definition: one is known when the source is also a recipient that
      // disclosures were sent to by email (an update service, a partner).
      const known = await tx
        .selectFrom('disclosure_log')
        .select(['recipient_email'])
        .where('recipient', '=', src)
        .where('recipient_email', 'is not', null)
        .orderBy('at', 'desc')
        .executeTakeFirst();
      const { id } = await enqueueNotificationIn(tx, reg, {
        personId,
        requestId: requestId ?? null,
        kind: 'rectification',
        audience: 'source',
        audienceId: src,
        to: known?.recipient_email ?? null,
        subject: 'Henkilötietojen oikaisu / Rectification of personal data',
        body: noticeBody(
          reg,
          fields.map((f) => ({ field: f, value: values[f] })),
          'source',
        ),
      });
      notified.push({
        audience: 'source',
        audienceId: src,
        name: t(def.name, 'fi'),
        fields,
        notificationId: id,
        deliverable: known?.recipient_email != null,
      });
    }
  }

  crashPoint('rectification.tx.after-notices');
  const ending = await endPendingRestrictionsIn(tx, reg, actor, {
    personId,
    ground: 'accuracy_contested',
    requestId: requestId ?? null,
    message: 'Tietosi on oikaistu. / Your data has been rectified.',
  });
  crashPoint('rectification.tx.after-restrictions');
  if (requestId) {
    await completeRequestIn(tx, reg, actor, requestId, {
      state: 'completed',
      outcome: {
        rectified: changed,
        source,
        notified: notified.map((n) => ({
          audience: n.audience,
          audienceId: n.audienceId,
          name: n.name,
          fields: n.fields,
          notificationId: n.notificationId,
          deliverable: n.deliverable,
        })),
        notNotified,
        restrictionsEnding: ending.map((e) => e.restrictionId),
      },
    });
  }
  crashPoint('rectification.tx.after-request-complete');
  const person = await personView(tx, reg, actor, await requirePersonRow(tx, personId, 'personId'));
  return {
    person,
    changed,
    notified,
    notNotified,
    restrictionsEnding: ending.map((e) => e.restrictionId),
  };
}
