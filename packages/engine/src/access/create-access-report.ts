import { createHash } from 'node:crypto';
import {
  type AccessCounts,
  type AccessReport,
  LANGUAGES,
  type Language,
  LupausError,
  type ProblemDetail,
  renderAccessReport,
} from '@lupaus/core';
import { audit } from '../audit/audit';
import type { Actor, Register } from '../context';
import { DISCLOSURES_PURPOSE } from '../disclosures/list-disclosures';
import { requirePersonRow } from '../persons/person-store';
import { authorize } from '../policy/authorize';
import { requireWhole } from '../policy/field-access';
import { requireId } from '../policy/ids';
import { completeRequestIn } from '../requests/complete-request';
import { requireVerifiedRequestIn } from '../requests/require-verified-request';
import { buildAccessReportIn } from './build-access-report';
import { renderAccessPdf } from './render-access-pdf';

export const ACCESS_REPORT_FORMATS = ['json', 'html', 'pdf'] as const;
export type AccessReportFormat = (typeof ACCESS_REPORT_FORMATS)[number];

export const ACCESS_MEDIA_TYPES: Record<AccessReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

export interface AccessReportInput {
  personId: string;
  /** The access request this answers: it must be verified and open, and is completed by the report. */
  requestId?: string | undefined;
  format: AccessReportFormat;
  /** html and pdf: the language (one of the definition's); its first language by default. */
  lang?: Language | undefined;
}

export interface AccessReportResult {
  format: AccessReportFormat;
  mediaType: string;
  /** The document as delivered: JSON text, HTML or PDF bytes. */
  body: Buffer;
  sha256: string;
  fileName: string;
  counts: AccessCounts;
  report: AccessReport;
}

function checkInput(reg: Register, actor: Actor, input: AccessReportInput) {
  const problems: ProblemDetail[] = [];
  let personId = '';
  let requestId: string | undefined;
  try {
    personId = requireId(input.personId, 'person', 'personId');
  } catch (e) {
    if (e instanceof LupausError) problems.push(...e.problems);
    else throw e;
  }
  if (input.requestId !== undefined) {
    try {
      requestId = requireId(input.requestId, 'request', 'requestId');
    } catch (e) {
      if (e instanceof LupausError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (!(ACCESS_REPORT_FORMATS as readonly string[]).includes(input.format)) {
    problems.push({ at: 'format', message: `the format is one of ${ACCESS_REPORT_FORMATS.join(', ')}` });
  }
  const langs = reg.definition.languages;
  const lang = input.lang ?? langs[0] ?? 'fi';
  if (!(LANGUAGES as readonly string[]).includes(lang) || !langs.includes(lang)) {
    problems.push({ at: 'lang', message: `the language is one of the register's: ${langs.join(', ')}` });
  }
  if (problems.length > 0) throw new LupausError('VALIDATION_FAILED', {}, problems);
  // The report holds everything, the hetu in full: only who may read and reveal every field may prepare it.
  requireWhole(reg.catalogue.fields, actor, 'an access report');
  return { personId, requestId, lang };
}

/**
 * The data subject's access report (R4.2, GDPR art. 15): everything the register holds on the person
 * (`buildAccessReportIn`) as JSON, printable HTML or PDF, in one transaction. With `requestId` the access
 * request must exist, be about this person, be open and have the requester's identity verified (else 404,
 * 422 or 409 REQUEST_NOT_VERIFIED, and nothing is disclosed); the report then completes it, the outcome naming
 * the document's format, SHA-256 and counts. The report is audited (ids, counts and the hash; the hetu is
 * named as revealed when the person has one, since the copy holds it in full).
 *
 * @example
 * ```ts
 * const r = await createAccessReport(reg, actor, { personId, requestId, format: 'pdf', lang: 'fi' });
 * writeFileSync(r.fileName, r.body);
 * ```
 */
export async function createAccessReport(
  reg: Register,
  actor: Actor,
  input: AccessReportInput,
): Promise<AccessReportResult> {
  authorize(reg, actor, 'requests.manage');
  const { personId, requestId, lang } = checkInput(reg, actor, input);
  return reg.db.transaction().execute(async (tx) => {
    if (requestId) await requireVerifiedRequestIn(tx, reg, requestId, { type: 'access', personId });
    const person = await requirePersonRow(tx, personId, 'personId');
    const report = await buildAccessReportIn(tx, reg, person, { requestId: requestId ?? null });
    let body: Buffer;
    if (input.format === 'json') body = Buffer.from(JSON.stringify(report, null, 2), 'utf8');
    else if (input.format === 'html') body = Buffer.from(renderAccessReport(report, { lang }), 'utf8');
    else body = Buffer.from(await renderAccessPdf(report, { lang }));
    const sha256 = createHash('sha256').update(body).digest('hex');
    await audit(tx, reg, actor, {
      action: 'access_report',
      entityType: 'person',
      entityId: personId,
      personId,
      purpose: DISCLOSURES_PURPOSE,
      details: {
        format: input.format,
        sha256,
        counts: report.counts,
        fields: report.person.facts.map((f) => f.field),
        ...(person.hetu_cipher ? { revealed: ['hetu'] } : {}),
        ...(requestId ? { requestId } : {}),
      },
    });
    if (requestId) {
      await completeRequestIn(tx, reg, actor, requestId, {
        state: 'completed',
        outcome: {
          accessReport: { format: input.format, sha256, bytes: body.length, counts: report.counts },
        },
      });
    }
    return {
      format: input.format,
      mediaType: ACCESS_MEDIA_TYPES[input.format],
      body,
      sha256,
      fileName: `access-report-${personId}.${input.format}`,
      counts: report.counts,
      report,
    };
  });
}
