import type { Permission } from '@lupaus/core';
import {
  findControlCharacter,
  type Language,
  LupausError,
  type ProblemDetail,
  parseEmail,
  t,
} from '@lupaus/core';
import { type Executor, listContactRolesOfPerson, type RequestType } from '@lupaus/db';
import { uuidv7 } from 'uuidv7';
import { type AccessReportResult, createAccessReport } from '../access/create-access-report';
import { randomToken, sameSecret, sha256Hex } from '../accounts/account-store';
import { administratorRole } from '../accounts/create-user';
import { audit } from '../audit/audit';
import { channels, choiceAllows, purposes } from '../consents/consent-policy';
import { listConsents } from '../consents/list-consents';
import { objectToDirectMarketing } from '../consents/object-to-direct-marketing';
import { recordConsent } from '../consents/record-consent';
import type { Actor, Register } from '../context';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import type { Mailer } from '../notifications/mailer';
import { type SendResult, sendPendingNotifications } from '../notifications/send-pending-notifications';
import { toContactRoleView } from '../organisations/contact-role-view';
import {
  exportPortableData,
  type PortableFormat,
  type PortableResult,
} from '../portability/export-portable-data';
import { receiveRequest } from '../requests/receive-request';
import { REQUESTS_PURPOSE } from '../requests/request-store';
import { verifyIdentity } from '../requests/verify-identity';

/**
 * The data subject's public page (R7.2, with the rights of R4): anyone may send a request for access,
 * rectification, erasure, portability or an objection to direct marketing with a name and an email address. The
 * page answers the same whether the address is known or not (nothing tells who is a customer): a one-time link
 * goes to the address given, and only its holder can go on. Opening the link (`verifyPublicLink`) proves control
 * of that address; the register then looks for the person whose email it is, records the request through the
 * request use cases (`receiveRequest`, received when it was sent on the page, and `verifyIdentity` with the
 * method `known_contact_channel`), and opens a short subject session in which the requester sees the request,
 * downloads the access report or the portable data once staff have completed the request, and changes their own
 * consents and prohibitions. An objection to direct marketing is absolute (art. 21(3)) and is upheld at once.
 *
 * The work is done as `public-page`, an actor scoped to exactly the permission of each step; every step is
 * audited under that name.
 */

export const PUBLIC_REQUEST_KINDS = [
  'access',
  'rectification',
  'erasure',
  'portability',
  'objection',
  'status',
] as const;
/** `status` asks for no right: it is a link back to the subject's latest request (to see it, download its answer). */
export type PublicRequestKind = (typeof PUBLIC_REQUEST_KINDS)[number];
export const PUBLIC_LANGUAGES = ['fi', 'en', 'sv'] as const;

/** How long a link works, and how long a subject session lasts. */
export const PUBLIC_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const SUBJECT_SESSION_TTL_MS = 30 * 60 * 1000;
/** How long after a request is completed its requester may download the report on the page. */
export const DOWNLOAD_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The evidence of every consent the subject records on the page. */
export const PUBLIC_EVIDENCE = 'the data subject on the public page, verified by email link';
export const PUBLIC_ACTOR_ID = 'public-page';

export const MAX_PUBLIC_NAME = 200;
export const MAX_PUBLIC_MESSAGE = 4000;

/** The actor of the public page: the register's administrator role, scoped to one permission. */
function publicActor(reg: Register, permission: Permission): Actor {
  return {
    id: PUBLIC_ACTOR_ID,
    roles: [administratorRole(reg)],
    commitmentSigned: true,
    scopes: [permission],
  };
}

export interface PublicRequestInput {
  kind: string;
  /** Required but for a `status` link. */
  name?: string | undefined;
  email: string;
  message?: string | undefined;
  lang?: string | undefined;
}

function checkText(value: unknown, at: string, max: number, required: boolean): ProblemDetail | undefined {
  if (value === undefined && !required) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if ((required && text === '') || text.length > max) {
    return {
      at,
      message: required ? `give ${at} (1–${max} characters)` : `${at} is at most ${max} characters`,
    };
  }
  return findControlCharacter(text, at);
}

const LINK_TEXT: Record<
  Language,
  { subject: string; hello: (name: string) => string; body: (kind: string) => string; ignore: string }
> = {
  fi: {
    subject: 'Vahvista tietosuojapyyntösi',
    hello: (n) => (n ? `Hei ${n},` : 'Hei,'),
    body: (k) =>
      `saimme tietosuojasivultamme pyynnön (${k}) tällä sähköpostiosoitteella. Vahvista pyyntö avaamalla alla oleva linkki. Linkki toimii kerran ja 24 tunnin ajan.`,
    ignore: 'Jos et lähettänyt pyyntöä, voit jättää tämän viestin huomiotta: mitään ei tapahdu.',
  },
  en: {
    subject: 'Confirm your privacy request',
    hello: (n) => (n ? `Hello ${n},` : 'Hello,'),
    body: (k) =>
      `we received a request (${k}) with this email address on our privacy page. Confirm it by opening the link below. The link works once and for 24 hours.`,
    ignore: 'If you did not send the request, you can ignore this message: nothing will happen.',
  },
  sv: {
    subject: 'Bekräfta din begäran om dataskydd',
    hello: (n) => (n ? `Hej ${n},` : 'Hej,'),
    body: (k) =>
      `vi fick en begäran (${k}) med denna e-postadress på vår dataskyddssida. Bekräfta den genom att öppna länken nedan. Länken fungerar en gång och i 24 timmar.`,
    ignore: 'Om du inte skickade begäran kan du bortse från detta meddelande: ingenting händer.',
  },
};

const KIND_NAMES: Record<PublicRequestKind, Record<Language, string>> = {
  access: { fi: 'tarkastuspyyntö', en: 'request for access', sv: 'begäran om tillgång' },
  rectification: { fi: 'oikaisupyyntö', en: 'request for rectification', sv: 'begäran om rättelse' },
  erasure: { fi: 'poistopyyntö', en: 'request for erasure', sv: 'begäran om radering' },
  portability: { fi: 'siirtopyyntö', en: 'request for data portability', sv: 'begäran om dataportabilitet' },
  objection: {
    fi: 'suoramarkkinointikielto',
    en: 'objection to direct marketing',
    sv: 'invändning mot direktmarknadsföring',
  },
  status: {
    fi: 'linkki pyyntösi tilaan',
    en: 'a link to see your request',
    sv: 'en länk för att se din begäran',
  },
};

/**
 * Deletes links that expired unused and links used more than a day ago (their sessions go with them): the email,
 * name and message a form gave are kept no longer than that (R5.1). Run when a form is sent and by every
 * retention run, so a register whose page is quiet keeps none either.
 */
export async function purgeOldLinks(tx: Executor, now: Date): Promise<void> {
  await tx
    .deleteFrom('public_requests')
    .where((eb) =>
      eb.or([
        eb.and([eb('used_at', 'is', null), eb('expires_at', '<', now)]),
        eb('used_at', '<', new Date(now.getTime() - 24 * 60 * 60 * 1000)),
      ]),
    )
    .execute();
  await tx.deleteFrom('subject_sessions').where('expires_at', '<', now).execute();
}

export interface PublicRequestResult {
  /** Always true: the answer is the same whether the address is known or not. */
  accepted: true;
  /** Sending the link after the commit (null without a mailer: it stays in the outbox for `lupaus serve`). */
  delivery: Promise<SendResult | null>;
}

/**
 * Takes a request sent on the public page (R7.2): checks it (every problem named), stores it with the SHA-256 of
 * a fresh one-time token, and puts the email with the link `linkFor(token)` in the outbox, in one transaction;
 * with a mailer, the outbox is sent after the commit without the caller waiting for it (so the answer takes
 * the same time for every address). Nothing is looked up by the address here.
 *
 * @example
 * ```ts
 * await submitPublicRequest(reg, { kind: 'access', name: 'Maija', email: 'maija@example.fi', lang: 'fi' },
 *   { linkFor: (token) => `https://rekisteri.example.fi/privacy/verify/${token}`, mailer });
 * ```
 */
export async function submitPublicRequest(
  reg: Register,
  input: PublicRequestInput,
  opts: { linkFor: (token: string) => string; mailer?: Mailer | null },
): Promise<PublicRequestResult> {
  const problems: ProblemDetail[] = [];
  if (!(PUBLIC_REQUEST_KINDS as readonly string[]).includes(input?.kind)) {
    problems.push({
      at: 'kind',
      message: `"${String(input?.kind).slice(0, 40)}" is not a request of the page; kinds: ${PUBLIC_REQUEST_KINDS.join(', ')}`,
    });
  }
  const nameProblem = checkText(input?.name, 'name', MAX_PUBLIC_NAME, input?.kind !== 'status');
  if (nameProblem) problems.push(nameProblem);
  const email = parseEmail(typeof input?.email === 'string' ? input.email : '');
  if (!email.ok) problems.push({ at: 'email', message: 'give your email address, such as maija@example.fi' });
  const messageProblem = checkText(input?.message, 'message', MAX_PUBLIC_MESSAGE, false);
  if (messageProblem) problems.push(messageProblem);
  const lang = (input?.lang ?? 'fi') as Language;
  if (!(PUBLIC_LANGUAGES as readonly string[]).includes(lang)) {
    problems.push({ at: 'lang', message: `the language is one of ${PUBLIC_LANGUAGES.join(', ')}` });
  }
  if (problems.length > 0 || !email.ok) throw new LupausError('VALIDATION_FAILED', {}, problems);
  const kind = input.kind as PublicRequestKind;
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const message = input.message?.trim() || null;
  const token = randomToken(32);
  const now = reg.clock.now();
  const id = uuidv7();
  const text = LINK_TEXT[lang];
  const controller = reg.definition.controller.tradeName ?? reg.definition.controller.name;
  await reg.db.transaction().execute(async (tx) => {
    await purgeOldLinks(tx, now);
    await tx
      .insertInto('public_requests')
      .values({
        id,
        token_hash: sha256Hex(token),
        kind,
        lang,
        email: email.value,
        given_name: name,
        message,
        created_at: now,
        expires_at: new Date(now.getTime() + PUBLIC_LINK_TTL_MS),
        used_at: null,
        outcome: null,
      })
      .execute();
    await enqueueNotificationIn(tx, reg, {
      personId: null,
      requestId: null,
      kind: 'public_link',
      audience: 'subject',
      audienceId: null,
      to: email.value,
      subject: `${text.subject} – ${controller}`,
      body: `${text.hello(name.replace(/[\r\n]/g, ' '))}\n\n${text.body(KIND_NAMES[kind][lang])}\n\n${opts.linkFor(token)}\n\n${text.ignore}\n\n${controller}\n`,
    });
    await audit(tx, reg, publicActor(reg, 'requests.manage'), {
      action: 'public_request_sent',
      entityType: 'public_request',
      entityId: id,
      personId: null,
      purpose: REQUESTS_PURPOSE,
      details: { kind, lang },
    });
  });
  const mailer = opts.mailer ?? null;
  const delivery = mailer ? sendPendingNotifications(reg, mailer).catch(() => null) : Promise.resolve(null);
  return { accepted: true, delivery };
}

type PublicRow = Awaited<ReturnType<typeof findLink>>;

async function findLink(tx: Executor, token: unknown) {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,200}$/.test(token)) return undefined;
  return tx
    .selectFrom('public_requests')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
}

function requireUsable(row: PublicRow, now: Date): NonNullable<PublicRow> {
  if (!row) throw new LupausError('LINK_INVALID', {}, [{ at: 'token', message: 'no request has this link' }]);
  if (row.used_at !== null) {
    throw new LupausError('LINK_USED', {}, [
      { at: 'token', message: `the link was used on ${new Date(row.used_at).toISOString()}` },
    ]);
  }
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    throw new LupausError('LINK_EXPIRED', {}, [
      { at: 'token', message: `the link expired on ${new Date(row.expires_at).toISOString()}` },
    ]);
  }
  return row;
}

/**
 * What a link is for, without using it (the page shows it before the requester confirms): the kind and the
 * language. LINK_INVALID, LINK_USED or LINK_EXPIRED otherwise.
 */
export async function inspectPublicLink(
  reg: Register,
  token: string,
): Promise<{ kind: PublicRequestKind; lang: Language; expiresAt: string }> {
  const row = requireUsable(await findLink(reg.db, token), reg.clock.now());
  return {
    kind: row.kind as PublicRequestKind,
    lang: row.lang as Language,
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export interface SubjectSessionStart {
  /** The session cookie's token (kept by the caller in an HttpOnly cookie; stored only as its SHA-256). */
  token: string;
  csrfToken: string;
  expiresAt: string;
  /** matched: the address is one person's; none: no person has it; several: staff verify the requester. */
  outcome: 'matched' | 'none' | 'several';
}

/**
 * Uses a link (once): marks it used, finds the persons whose email the address is, and records the request for
 * each (received when it was sent on the page, electronically). When exactly one person has the address, the
 * link proved control of a contact channel the register already knows, so the identity is verified
 * (`known_contact_channel`); an objection to direct marketing is then upheld on every channel at once. When
 * several persons share the address, their requests wait for staff to verify the requester by other means.
 * The address and name given are then forgotten. Opens a subject session.
 */
export async function verifyPublicLink(reg: Register, token: string): Promise<SubjectSessionStart> {
  const now = reg.clock.now();
  const claimed = await reg.db.transaction().execute(async (tx) => {
    const row = requireUsable(await findLink(tx, token), now);
    // Claim it: a second use of the same link (even at once) finds used_at set.
    const upd = await tx
      .updateTable('public_requests')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(upd.numUpdatedRows) !== 1) throw new LupausError('LINK_USED');
    const persons = await tx
      .selectFrom('person_emails')
      .select('person_id')
      .distinct()
      .where('value_key', '=', (row.email ?? '').toLowerCase())
      .execute();
    return { row, personIds: persons.map((p) => p.person_id) };
  });
  const { row, personIds } = claimed;
  const kind = row.kind as PublicRequestKind;
  const outcome: SubjectSessionStart['outcome'] =
    personIds.length === 0 ? 'none' : personIds.length === 1 ? 'matched' : 'several';
  const manage = publicActor(reg, 'requests.manage');
  const requestIds: string[] = [];
  if (kind === 'status') {
    // A link back: the latest request of the one person with the address; nothing new is recorded.
    if (outcome === 'matched') {
      const latest = await reg.db
        .selectFrom('requests')
        .select('id')
        .where('person_id', '=', personIds[0]!)
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (latest) requestIds.push(latest.id);
    }
  }
  for (const personId of kind === 'status' ? [] : personIds) {
    const request = await receiveRequest(reg, manage, {
      type: kind as RequestType,
      personId,
      receivedVia: 'electronic',
      receivedAt: new Date(row.created_at).toISOString(),
      details: {
        channel: 'public_page',
        ...(kind === 'objection' ? { directMarketing: true } : {}),
        ...(row.message ? { message: row.message } : {}),
      },
    });
    requestIds.push(request.id);
    if (outcome === 'matched') {
      await verifyIdentity(reg, manage, request.id, {
        method: 'known_contact_channel',
        note: 'the requester opened the one-time link emailed from the public page to the address the register holds for the person',
      });
      // Upheld at once where the register does direct marketing; otherwise staff answer it.
      if (kind === 'objection' && channels(reg).length > 0 && purposes(reg).length > 0) {
        await objectToDirectMarketing(reg, publicActor(reg, 'consents.write'), {
          personId,
          source: subjectSource(reg),
          evidenceText: PUBLIC_EVIDENCE,
          requestId: request.id,
          ...(row.message ? { situation: row.message.slice(0, 2000) } : {}),
        });
      }
    }
  }
  const sessionToken = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + SUBJECT_SESSION_TTL_MS);
  await reg.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('public_requests')
      .set({ outcome, request_ids: requestIds, email: null, given_name: null, message: null })
      .where('id', '=', row.id)
      .execute();
    await tx
      .insertInto('subject_sessions')
      .values({
        id: uuidv7(),
        token_hash: sha256Hex(sessionToken),
        csrf_token: csrfToken,
        public_request_id: row.id,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await audit(tx, reg, manage, {
      action: 'public_link_used',
      entityType: 'public_request',
      entityId: row.id,
      personId: personIds.length === 1 ? personIds[0]! : null,
      purpose: REQUESTS_PURPOSE,
      details: { kind, outcome, requestIds },
    });
  });
  return { token: sessionToken, csrfToken, expiresAt: expiresAt.toISOString(), outcome };
}

function subjectSource(reg: Register): string {
  const source = reg.definition.sources.find((s) => s.kind === 'subject');
  if (!source) {
    throw new LupausError('INTERNAL', {}, [
      { at: 'sources', message: 'the definition declares no source of kind subject (the data subject)' },
    ]);
  }
  return source.id;
}

/** A live subject session: who may see and change what on the public page. */
export interface SubjectContext {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  publicRequestId: string;
  kind: PublicRequestKind;
  outcome: SubjectSessionStart['outcome'];
  requestIds: string[];
}

/**
 * The live subject session of a cookie token, or UNAUTHENTICATED. Unsafe methods also need its CSRF token
 * (`csrf`), else CSRF_FAILED.
 */
export async function authenticateSubject(
  reg: Register,
  token: string | undefined,
  opts: { csrf?: string | undefined; unsafe?: boolean } = {},
): Promise<SubjectContext> {
  if (!token || !/^[A-Za-z0-9_-]{20,200}$/.test(token)) throw new LupausError('UNAUTHENTICATED');
  const row = await reg.db
    .selectFrom('subject_sessions as s')
    .innerJoin('public_requests as p', 'p.id', 's.public_request_id')
    .select([
      's.id',
      's.csrf_token',
      's.expires_at',
      'p.id as public_request_id',
      'p.kind',
      'p.outcome',
      'p.request_ids',
    ])
    .where('s.token_hash', '=', sha256Hex(token))
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= reg.clock.now().getTime()) {
    throw new LupausError('UNAUTHENTICATED', {}, [
      { at: 'session', message: 'open the link from the email again, or send a new request' },
    ]);
  }
  if (opts.unsafe && (typeof opts.csrf !== 'string' || !sameSecret(opts.csrf, row.csrf_token))) {
    throw new LupausError('CSRF_FAILED', {}, [
      { at: 'x-csrf-token', message: 'send the csrfToken of the subject session in the x-csrf-token header' },
    ]);
  }
  return {
    sessionId: row.id,
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
    publicRequestId: row.public_request_id,
    kind: row.kind as PublicRequestKind,
    outcome: (row.outcome ?? 'none') as SubjectSessionStart['outcome'],
    requestIds: parseIds(row.request_ids),
  };
}

function parseIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string')
    return value
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return [];
}

/** The one person of a session whose identity was verified, with the request; undefined otherwise. */
async function verifiedSubject(
  reg: Register,
  s: SubjectContext,
): Promise<
  | {
      personId: string;
      request: {
        id: string;
        type: RequestType;
        state: string;
        received_at: Date | string;
        due_on: Date | string;
        extended_to: Date | string | null;
        closed_at: Date | string | null;
        identity_verified_at: Date | string | null;
      };
    }
  | undefined
> {
  if (s.outcome !== 'matched' || s.requestIds.length !== 1) return undefined;
  const request = await reg.db
    .selectFrom('requests')
    .select([
      'id',
      'person_id',
      'type',
      'state',
      'received_at',
      'due_on',
      'extended_to',
      'closed_at',
      'identity_verified_at',
    ])
    .where('id', '=', s.requestIds[0]!)
    .executeTakeFirst();
  // An erased person (person_id null) or a merged one is no longer reachable from here.
  if (!request?.person_id || !request.identity_verified_at) return undefined;
  return { personId: request.person_id, request };
}

const day = (d: Date | string | null): string | null =>
  d === null ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);

export interface SubjectView {
  kind: PublicRequestKind;
  outcome: SubjectSessionStart['outcome'];
  csrfToken: string;
  expiresAt: string;
  request: {
    id: string;
    /** The request's type (for a `status` link, the type of the latest request). */
    type: RequestType;
    state: string;
    receivedAt: string;
    deadline: string;
    closedAt: string | null;
  } | null;
  /** What the requester may download now. */
  downloads: { accessReport: boolean; portableData: boolean };
  consents: {
    channel: string;
    channelName: string;
    purpose: string;
    purposeName: string;
    model: 'opt_in' | 'opt_out';
    allowed: boolean;
    state: string;
  }[];
}

/** Whether the completed request may still be downloaded: completed within the download window. */
function downloadable(reg: Register, request: { state: string; closed_at: Date | string | null }): boolean {
  if (request.state !== 'completed' || request.closed_at === null) return false;
  return reg.clock.now().getTime() - new Date(request.closed_at).getTime() <= DOWNLOAD_WINDOW_MS;
}

/**
 * What the subject sees on the page: the request and where it stands, what may be downloaded, and (for the one
 * verified person) every channel × purpose with whether marketing there is allowed now. Audited as a read.
 */
export async function subjectView(reg: Register, s: SubjectContext, lang: Language): Promise<SubjectView> {
  const v = await verifiedSubject(reg, s);
  const view: SubjectView = {
    kind: s.kind,
    outcome: s.outcome,
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt.toISOString(),
    request: null,
    downloads: { accessReport: false, portableData: false },
    consents: [],
  };
  if (!v) return view;
  const r = v.request;
  view.request = {
    id: r.id,
    type: r.type,
    state: r.state,
    receivedAt: new Date(r.received_at).toISOString(),
    deadline: day(r.extended_to) ?? day(r.due_on)!,
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
  };
  view.downloads = {
    accessReport: r.type === 'access' && downloadable(reg, r),
    portableData: r.type === 'portability' && downloadable(reg, r),
  };
  const history = await listConsents(reg, publicActor(reg, 'consents.read'), v.personId);
  // A business contact (a role lasting today) may get electronic opt-out marketing without a consent (§ 200).
  const business = (await listContactRolesOfPerson(reg.db, v.personId)).some(
    (r) => toContactRoleView(r, reg.clock.now()).active,
  );
  const def = reg.definition.marketing;
  view.consents = history.current.map((c) => {
    const channel = def?.channels.find((x) => x.id === c.channel);
    const purpose = def?.purposes.find((x) => x.id === c.purpose);
    return {
      channel: c.channel,
      channelName: channel ? t(channel.name, lang) : c.channel,
      purpose: c.purpose,
      purposeName: purpose ? t(purpose.name, lang) : c.purpose,
      model: c.model,
      allowed: choiceAllows(c, business),
      state: c.state,
    };
  });
  return view;
}

function requireVerified<T>(v: T | undefined): T {
  if (!v) {
    throw new LupausError('REQUEST_NOT_VERIFIED', {}, [
      {
        at: 'session',
        message:
          'the register holds no one person with this email address, so nothing can be shown or changed here',
      },
    ]);
  }
  return v;
}

function requireDownload(reg: Register, ok: boolean, what: string): void {
  if (!ok) {
    throw new LupausError('NOT_FOUND', {}, [
      {
        at: 'request',
        message: `there is no ${what} to download: it is available once the request is completed (for 30 days)`,
      },
    ]);
  }
  void reg;
}

/** The access report of a completed access request, for its verified requester (audited as the report). */
export async function subjectAccessReport(
  reg: Register,
  s: SubjectContext,
  opts: { format: 'pdf' | 'html'; lang: Language },
): Promise<AccessReportResult> {
  const v = requireVerified(await verifiedSubject(reg, s));
  requireDownload(reg, v.request.type === 'access' && downloadable(reg, v.request), 'access report');
  const lang = reg.definition.languages.includes(opts.lang)
    ? opts.lang
    : (reg.definition.languages[0] ?? 'fi');
  return createAccessReport(reg, publicActor(reg, 'requests.manage'), {
    personId: v.personId,
    format: opts.format,
    lang,
  });
}

/** The portable data of a completed portability request, for its verified requester (audited). */
export async function subjectPortableData(
  reg: Register,
  s: SubjectContext,
  format: PortableFormat,
): Promise<PortableResult> {
  const v = requireVerified(await verifiedSubject(reg, s));
  requireDownload(reg, v.request.type === 'portability' && downloadable(reg, v.request), 'portable data');
  return exportPortableData(reg, publicActor(reg, 'requests.manage'), { personId: v.personId, format });
}

/**
 * The verified subject allows or forbids marketing on one channel × purpose: allowing records a consent
 * (`given`); forbidding records a withdrawal for an opt-in purpose and a prohibition for an opt-out one (which
 * also puts the contact point on the suppression list). The evidence is `PUBLIC_EVIDENCE`; audited.
 */
export async function subjectSetConsent(
  reg: Register,
  s: SubjectContext,
  input: { channel: string; purpose: string; allowed: boolean },
): Promise<{ id: string }> {
  const v = requireVerified(await verifiedSubject(reg, s));
  const purpose = purposes(reg).find((p) => p.id === input.purpose);
  const state = input.allowed ? 'given' : purpose?.model === 'opt_in' ? 'withdrawn' : 'prohibited';
  return recordConsent(reg, publicActor(reg, 'consents.write'), {
    personId: v.personId,
    channel: input.channel,
    purpose: input.purpose,
    state,
    source: subjectSource(reg),
    evidenceText: PUBLIC_EVIDENCE,
  });
}

/** The verified subject objects to all direct marketing (art. 21(2)–(3)): upheld at once on every channel. */
export async function subjectObjectToDirectMarketing(
  reg: Register,
  s: SubjectContext,
): Promise<{ prohibited: number }> {
  const v = requireVerified(await verifiedSubject(reg, s));
  if (channels(reg).length === 0) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      { at: 'channel', message: 'the register does no direct marketing' },
    ]);
  }
  const r = await objectToDirectMarketing(reg, publicActor(reg, 'consents.write'), {
    personId: v.personId,
    source: subjectSource(reg),
    evidenceText: PUBLIC_EVIDENCE,
  });
  return { prohibited: r.prohibited.length };
}

/** Ends a subject session. */
export async function endSubjectSession(reg: Register, s: SubjectContext): Promise<void> {
  await reg.db.deleteFrom('subject_sessions').where('id', '=', s.sessionId).execute();
}
