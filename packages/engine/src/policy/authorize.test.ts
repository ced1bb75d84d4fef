import { DEFAULT_ROLE_PERMISSIONS, LupausError, PERMISSIONS, type Permission } from '@lupaus/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Register } from '../context';
import * as engine from '../index';
import { openTestRegister } from '../testing';

/**
 * Every use case of the engine and the one permission it asks for first (R6.2), the same one its API route
 * declares. A new exported function must be named here or in NOT_USE_CASES, or the first test fails: no use
 * case goes without a rule.
 */
const USE_CASES: Record<string, Permission> = {
  planRetention: 'retention.manage',
  createBackup: 'users.manage',
  attachConsentEvidence: 'consents.write',
  getConsentEvidence: 'consents.read',
  planErasure: 'requests.manage',
  forecastRetention: 'retention.manage',
  requestDeadlineFigures: 'requests.manage',
  consentFigures: 'consents.read',
  // persons, records, files, organisations, relationship: read
  getPerson: 'persons.read',
  getPersonProvenance: 'persons.read',
  listPersons: 'persons.read',
  listDuplicates: 'persons.read',
  searchPersons: 'persons.read',
  getRecord: 'persons.read',
  listTimeline: 'persons.read',
  getFile: 'persons.read',
  getRelationship: 'persons.read',
  getOrganisation: 'persons.read',
  listOrganisations: 'persons.read',
  listImportRuns: 'persons.read',
  getImportRun: 'persons.read',
  // ... and write
  createPerson: 'persons.write',
  updatePerson: 'persons.write',
  mergePersons: 'persons.write',
  markNotDuplicate: 'persons.write',
  loadDemoPersons: 'persons.write',
  createRecord: 'persons.write',
  updateRecord: 'persons.write',
  deleteRecord: 'persons.write',
  ingestInteractions: 'persons.write',
  attachFile: 'persons.write',
  endRelationship: 'persons.write',
  reopenRelationship: 'persons.write',
  createOrganisation: 'persons.write',
  updateOrganisation: 'persons.write',
  addContactRole: 'persons.write',
  importPersons: 'persons.write',
  importOrganisations: 'persons.write',
  applyUpdateBatch: 'persons.write',
  endContactRole: 'persons.write',
  revealHetu: 'persons.reveal',
  // consents
  listConsents: 'consents.read',
  recordConsent: 'consents.write',
  withdrawConsents: 'consents.write',
  objectToDirectMarketing: 'consents.write',
  importSuppressions: 'consents.write',
  importConsents: 'consents.write',
  // the marketing gate
  selectForMarketing: 'marketing.select',
  exportSegment: 'marketing.select',
  exportLabels: 'marketing.select',
  countLeftOut: 'marketing.select',
  // the data subject's requests and rights
  createAccessReport: 'requests.manage',
  exportPortableData: 'requests.manage',
  erasePerson: 'requests.manage',
  anonymisePerson: 'requests.manage',
  runErasure: 'requests.manage',
  resumeBlockedErasures: 'requests.manage',
  listBlockedErasures: 'requests.manage',
  receiveRequest: 'requests.manage',
  listRequests: 'requests.manage',
  getRequest: 'requests.manage',
  verifyIdentity: 'requests.manage',
  extendRequest: 'requests.manage',
  refuseRequest: 'requests.manage',
  completeRequest: 'requests.manage',
  attachRequestLetter: 'requests.manage',
  getRequestLetter: 'requests.manage',
  rectifyPerson: 'requests.manage',
  refuseRectification: 'requests.manage',
  startRestriction: 'requests.manage',
  liftRestriction: 'requests.manage',
  notifyRestrictionLift: 'requests.manage',
  listRestrictions: 'requests.manage',
  objectToProcessing: 'requests.manage',
  decideObjection: 'requests.manage',
  listObjections: 'requests.manage',
  listNotifications: 'requests.manage',
  // disclosures
  recordDisclosure: 'disclosures.manage',
  listDisclosures: 'disclosures.manage',
  // retention
  runRetention: 'retention.manage',
  getRetentionRun: 'retention.manage',
  listRetentionRuns: 'retention.manage',
  listLegalHolds: 'retention.manage',
  placeLegalHold: 'retention.manage',
  releaseLegalHold: 'retention.manage',
  // breaches (art. 33–34)
  recordBreach: 'breaches.manage',
  getBreach: 'breaches.manage',
  listBreaches: 'breaches.manage',
  addBreachPersons: 'breaches.manage',
  closeBreach: 'breaches.manage',
  decideSubjectNotification: 'breaches.manage',
  notifyBreachSubjects: 'breaches.manage',
  recordAuthorityNotification: 'breaches.manage',
  // user accounts
  createUser: 'users.manage',
  listUsers: 'users.manage',
  listUserNames: 'persons.read',
  updateUser: 'users.manage',
  unlockUser: 'users.manage',
  resetUserCredentials: 'users.manage',
  // the audit trail
  searchAudit: 'audit.read',
  verifyAudit: 'audit.read',
  // the administration (issue 7 item 5)
  listUserAccounts: 'users.manage',
  listCommitmentSignatures: 'users.manage',
};

/**
 * Exported functions that are not use cases, each for a reason: no actor (pure helpers, renderers, views, key
 * and mailer set-up, the public notice), a transaction helper (`...In`, `(tx, ...)`: its calling use case asks),
 * or system work no user starts (opening a register, sending the outbox, draining file deletions).
 */
const NOT_USE_CASES: Record<string, string> = {
  // backup and restore (issue 8): restore acts on a register's directory or database as its operator, like init
  restoreBackup: 'set-up: the operator restores a register, before any actor exists in it',
  journalPath: 'the erasure journal: a path',
  journalId: 'the erasure journal: its id',
  journalPosition: 'the erasure journal: where it ends',
  appendErasureJournal: 'the erasure journal: written by the erasure use cases after their commit',
  journalErasures: 'the erasure journal: written by the erasure use cases after their commit',
  journalRetentionRun: 'the erasure journal: written by the sweep after its commit',
  readJournal: 'the erasure journal: read by restore',
  reconcileErasureJournal: 'the erasure journal: caught up from the audit trail when a register opens',
  markJournalReconciled: 'the erasure journal: caught up from the audit trail when a register opens',
  checkPassphrase: 'the backup format: a passphrase check, no database',
  newPreamble: 'the backup format: key derivation, no database',
  invalidBackup: 'the backup format: an error',
  openPreamble: 'the backup format: key derivation, no database',
  linesOf: 'the backup format: a stream reader',
  keyFingerprint: 'the backup format: a hash of a key',
  evidenceFileView: 'a view of a file row, no database',
  crashPoint: 'crash injection (issue 8): kills the process at a named point when a test asks',
  suppressionFileEntries: 'a parser: the entries of a suppression list file, no database',
  // the permission check itself
  authorize: 'the check',
  mayDo: 'the check, boolean form',
  // opening a register, keys, mail set-up
  listExamples: 'set-up',
  readDefinitionFile: 'set-up',
  assembleRegister: 'set-up',
  openRegister: 'set-up',
  initRegister: 'set-up',
  keysFromEnvironment: 'set-up',
  readKeyFile: 'set-up',
  createKeyFile: 'set-up',
  loadKeys: 'set-up',
  randomKeys: 'set-up',
  smtpMailer: 'set-up',
  mailerFromEnv: 'set-up',
  registerMailer: 'set-up',
  senderOf: 'set-up',
  // the public privacy notice, and its versions published at start (by SYSTEM_ACTOR, no personal data)
  definitionHash: 'pure',
  listNoticeVersions: 'public notice',
  renderNoticeVersion: 'public notice',
  // the data subject's public page (R7.2): no staff actor; each step acts as the public-page actor scoped to
  // the one permission the use case it calls asks (receiveRequest, verifyIdentity, recordConsent ...)
  submitPublicRequest: 'public page: stores a link request, looks nothing up',
  inspectPublicLink: 'public page: the holder of a link',
  verifyPublicLink: 'public page: the holder of a link; calls receiveRequest and verifyIdentity, which ask',
  authenticateSubject: 'public page: authentication of a subject session',
  subjectView: 'public page: the verified subject; listConsents asks',
  subjectAccessReport: 'public page: the verified subject; createAccessReport asks',
  subjectPortableData: 'public page: the verified subject; exportPortableData asks',
  subjectSetConsent: 'public page: the verified subject; recordConsent asks',
  subjectObjectToDirectMarketing: 'public page: the verified subject; objectToDirectMarketing asks',
  endSubjectSession: 'public page: the subject signs out',
  publishNoticeVersion: 'system work at open (SYSTEM_ACTOR), no personal data',
  // system work
  sendPendingNotifications: 'system work: sends the outbox as SYSTEM_ACTOR (no actor)',
  drainFileDeletions: 'system work: removes bytes of deleted files',
  collectOrphanFiles: 'system work: removes bytes nothing refers to',
  readStoredBytes: 'the file store: the bytes of a file row that a use case already authorised and audits',
  scrubErasedData: 'system work: VACUUM after erasure',
  scrubPending: 'system work: whether an erasure awaits its scrub',
  // transaction helpers: their calling use case asks
  buildAccessReportIn: 'tx helper',
  writeConsentIn: 'tx helper',
  recordConsentIn: 'tx helper',
  suppressPersonIn: 'tx helper',
  insertMissingSuppressions: 'tx helper',
  listDisclosuresIn: 'tx helper',
  recordDisclosureIn: 'tx helper',
  blockedRequestsOf: 'tx helper',
  erasePersonIn: 'tx helper',
  erasePersonFields: 'tx helper',
  writeAnonymisedRecords: 'tx helper',
  storeNewFile: 'helper of attachFile and attachRequestLetter, which ask',
  deleteFilesOf: 'tx helper',
  deleteFilesOfPersons: 'tx helper',
  forEachMarketingPageIn: 'tx helper of the gate: selectForMarketing, exportSegment, exportLabels ask',
  enqueueNotificationIn: 'tx helper',
  isOutOfProfilingIn: 'tx helper',
  writePersonUpdate: 'tx helper',
  checkLinks: 'tx helper',
  assertUniqueInvoiceNumber: 'tx helper',
  relationshipView: 'tx helper',
  completeRequestIn: 'tx helper',
  requireVerifiedRequestIn: 'tx helper',
  notifyRestrictionLiftIn: 'tx helper',
  liftRestrictionIn: 'tx helper',
  isRestrictedIn: 'tx helper',
  restrictWhilePendingIn: 'tx helper',
  endPendingRestrictionsIn: 'tx helper',
  startRestrictionIn: 'tx helper',
  reviewGroups: 'tx helper of the retention plan',
  noticeVersionAt: 'tx helper',
  checkConsentReferences: 'tx helper',
  // pure helpers, validators, renderers and views
  contactCategories: 'pure',
  remediesText: 'pure',
  savedByRole: 'pure',
  renderAccessPdf: 'renderer',
  channels: 'pure',
  purposes: 'pure',
  channelProblem: 'validator',
  purposeProblem: 'validator',
  requireChannel: 'validator',
  requireMarketingPurpose: 'validator',
  contactKey: 'pure',
  addresseeName: 'pure',
  contactHash: 'pure',
  parseSuppressionText: 'parser',
  readCsv: 'parser',
  splitPoint: 'pure',
  planTargets: 'parser',
  timeCell: 'parser',
  consentProblems: 'validator',
  validateConsent: 'validator',
  checkDisclosure: 'validator',
  erasureOutcome: 'pure',
  fileView: 'view',
  checkFileInput: 'validator',
  storageKeyTime: 'pure',
  labelLines: 'renderer',
  csvCell: 'renderer',
  checkSelection: 'validator of the gate (the field check for the actor); no query',
  gateRules: 'SQL fragments of the gate, for its selection and countLeftOut; no query',
  withoutConsent: 'rule of the definition: who may be marketed to without a consent record; no query',
  choiceAllows: 'rule of the gate over a choice already read; no query',
  purgeOldLinks:
    'transaction helper of the public page and the retention run: removes expired links, no actor',
  toNotificationView: 'view',
  toObjectionView: 'view',
  toContactRoleView: 'view',
  toRestrictionView: 'view',
  toLegalHoldView: 'view',
  toRunSummary: 'view',
  isPortableField: 'pure',
  portableCsv: 'renderer',
  linkColumns: 'pure',
  encodeTimelineCursor: 'pure',
  decodeTimelineCursor: 'pure',
  checkRequestReason: 'validator',
  checkReceiveRequest: 'validator',
  groupOf: 'pure',
  parseAsOf: 'pure',
  iso: 'pure',
  checkBatchSize: 'validator',
  // accounts: signing in and the signed-in user's own account (the route is 'signed-in' or 'public'); an API
  // token for another user, or their tokens, ask users.manage inside
  signIn: 'authentication',
  completeSecondFactor: 'authentication',
  authenticateSession: 'authentication',
  authenticateToken: 'authentication',
  openSession: 'authentication helper',
  signInFailed: 'authentication helper',
  lockedError: 'authentication helper',
  auditFailure: 'authentication helper',
  createFirstAdministrator: 'set-up (lupaus init)',
  publishCommitmentVersion: 'system work at open',
  commitmentContentHash: 'pure',
  signOut: 'own account',
  signOutEverywhere: 'own account',
  changePassword: 'own account',
  enrolTotp: 'own account',
  confirmTotp: 'own account',
  signCommitment: 'own account',
  getCommitment: 'own account',
  commitmentOf: 'own account',
  getOwnAccount: 'own account',
  createApiToken: 'own tokens; users.manage for another user, checked inside',
  listApiTokens: 'own tokens; users.manage for another user, checked inside',
  revokeApiToken: 'own tokens; users.manage for another user, checked inside',
  insertUser: 'tx helper of createUser and createFirstAdministrator',
  userInputProblems: 'validator',
  roleProblems: 'validator',
  administratorRole: 'pure',
  passwordProblems: 'validator',
  hashPassword: 'pure',
  verifyPassword: 'pure',
  verifyDummy: 'pure',
  randomReadable: 'pure',
  generateOneTimePassword: 'pure',
  normaliseRecoveryCode: 'pure',
  toApiTokenView: 'view',
  totpOf: 'pure',
  issuerOf: 'pure',
  matchTotp: 'pure',
  sha256Hex: 'pure',
  randomToken: 'pure',
  sameSecret: 'pure',
  sessionLifetimes: 'pure',
  secondFactorRequired: 'pure',
  lockDurationMs: 'pure',
  refuseIfLocked: 'authentication helper',
  countFailure: 'authentication helper',
  isUserId: 'pure',
  requireTotpEnroller: 'a guard of the TOTP use cases, which authorize themselves',
  selfActor: 'pure',
  currentCommitmentVersion: 'authentication helper',
  hasSignedCurrentCommitment: 'authentication helper',
  actorOfUser: 'authentication helper',
  toUserView: 'view',
  requireUser: 'tx helper',
  userPermissions: 'pure',
  revokeSessions: 'tx helper',
};

type AnyFn = (...args: unknown[]) => Promise<unknown> | unknown;

function exportedFunctions(): Map<string, AnyFn> {
  const out = new Map<string, AnyFn>();
  for (const [name, value] of Object.entries(engine)) {
    if (typeof value !== 'function') continue;
    if (/^class\b/.test(Function.prototype.toString.call(value))) continue; // errors, stores: not functions to call
    out.set(name, value as AnyFn);
  }
  return out;
}

const DUMMY_ID = '01900000-0000-7000-8000-000000000000';
const DUMMY_ARGS = [DUMMY_ID, {}, {}, {}];
const ROLES = Object.keys(DEFAULT_ROLE_PERMISSIONS);

async function outcome(fn: AnyFn, reg: Register, actor: Actor): Promise<string> {
  try {
    await fn(reg, actor, ...DUMMY_ARGS);
    return 'ok';
  } catch (e) {
    return e instanceof LupausError ? e.code : `thrown: ${(e as Error)?.name ?? String(e)}`;
  }
}

describe('the permission of every use case (003-auntie, default roles)', () => {
  let reg: Register;
  const fns = exportedFunctions();
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie');
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R6.2 every exported function of the engine is a use case with a permission or named as not one', () => {
    const unlisted = [...fns.keys()].filter((n) => !(n in USE_CASES) && !(n in NOT_USE_CASES));
    expect(unlisted, 'exported functions with no rule: add each to USE_CASES or NOT_USE_CASES').toEqual([]);
    const both = Object.keys(USE_CASES).filter((n) => n in NOT_USE_CASES);
    expect(both).toEqual([]);
    const gone = [...Object.keys(USE_CASES), ...Object.keys(NOT_USE_CASES)].filter((n) => !fns.has(n));
    expect(gone, 'names in the tables that the engine no longer exports').toEqual([]);
  });

  it('R6.2 every role of the defaults that lacks the permission, a role-less actor and a token without the scope get FORBIDDEN from every use case, before any input is read', async () => {
    const before = await sql<{ n: string }>`select count(*)::text as n from audit_log`.execute(reg.db);
    const wrong: string[] = [];
    for (const [name, permission] of Object.entries(USE_CASES)) {
      const fn = fns.get(name);
      if (!fn) continue; // the first test names it
      const actors: Actor[] = [
        { id: 'nobody', roles: [], commitmentSigned: true },
        { id: 'token', roles: ['administrator'], commitmentSigned: true, scopes: ['register.read'] },
        ...ROLES.filter((r) => !DEFAULT_ROLE_PERMISSIONS[r]!.includes(permission)).map((r) => ({
          id: `u-${r}`,
          roles: [r],
          commitmentSigned: true,
        })),
      ];
      for (const actor of actors) {
        const got = await outcome(fn, reg, actor);
        if (got !== 'FORBIDDEN') wrong.push(`${name} (${permission}) as ${actor.id}: ${got}`);
      }
    }
    expect(wrong).toEqual([]);
    // Refused before anything was read or written: not even an audit row.
    const after = await sql<{ n: string }>`select count(*)::text as n from audit_log`.execute(reg.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('R6.3 every role that has a personal-data permission gets COMMITMENT_REQUIRED from its use cases until it signs the commitment', async () => {
    const wrong: string[] = [];
    let tried = 0;
    for (const [name, permission] of Object.entries(USE_CASES)) {
      const fn = fns.get(name);
      if (!fn) continue;
      const personal = PERMISSIONS[permission].personalData;
      for (const r of ROLES.filter((r) => DEFAULT_ROLE_PERMISSIONS[r]!.includes(permission))) {
        tried++;
        const got = await outcome(fn, reg, { id: `u-${r}`, roles: [r], commitmentSigned: false });
        // Managing users and reading the audit trail (ids only) need no commitment.
        const ok = personal
          ? got === 'COMMITMENT_REQUIRED'
          : got !== 'COMMITMENT_REQUIRED' && got !== 'FORBIDDEN';
        if (!ok) wrong.push(`${name} (${permission}) as ${r}: ${got}`);
      }
    }
    expect(tried).toBeGreaterThan(Object.keys(USE_CASES).length);
    expect(wrong).toEqual([]);
  });

  it('R6.2 R6.3 with the permission and the commitment signed no use case refuses with FORBIDDEN or COMMITMENT_REQUIRED (dummy arguments may fail otherwise)', async () => {
    const wrong: string[] = [];
    const codes = new Set<string>();
    for (const [name, permission] of Object.entries(USE_CASES)) {
      const fn = fns.get(name);
      if (!fn) continue;
      for (const r of ROLES.filter((r) => DEFAULT_ROLE_PERMISSIONS[r]!.includes(permission))) {
        const got = await outcome(fn, reg, { id: `u-${r}`, roles: [r], commitmentSigned: true });
        codes.add(got);
        if (got === 'FORBIDDEN' || got === 'COMMITMENT_REQUIRED')
          wrong.push(`${name} (${permission}) as ${r}: ${got}`);
      }
    }
    expect(wrong).toEqual([]);
    // The calls got past the check and failed on the dummy input (or did nothing), as they should.
    expect(codes).toContain('NOT_FOUND');
    expect(codes).toContain('VALIDATION_FAILED');
  }, 120_000);
});
