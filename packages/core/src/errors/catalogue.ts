/**
 * One catalogue of error codes for every interface (API, CLI, web). Each code has an HTTP status and a
 * message a person can act on; `details` say what and where (a field, a row, a path).
 *
 * @example
 * ```ts
 * throw new LupausError('FIELD_NOT_DECLARED', { field: 'shoe_size', holder: 'person' });
 * // 422 'The register definition does not declare the field "shoe_size" for person: add it to a category ...'
 * ```
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 422, message: 'The input is not valid: see the problems listed.' },
  FIELD_NOT_DECLARED: {
    status: 422,
    message:
      'The register definition does not declare this field, so it cannot be stored (R1.5): add it to a category of the definition first.',
  },
  SOURCE_NOT_DECLARED: {
    status: 422,
    message: 'The register definition does not declare this source of data: use one of its sources.',
  },
  PURPOSE_NOT_DECLARED: {
    status: 422,
    message: 'The register definition does not declare this purpose: use one of its purposes.',
  },
  NOT_FOUND: { status: 404, message: 'Nothing was found with that id.' },
  PERSON_MERGED: {
    status: 410,
    message:
      'This person was merged into another person: use the kept person’s id (details.mergedInto) instead.',
  },
  CONFLICT: { status: 409, message: 'This would duplicate something the register already holds.' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this.' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in first.' },
  COMMITMENT_REQUIRED: {
    status: 403,
    message:
      'Sign the current confidentiality commitment first: nobody sees personal data without it (R6.3).',
  },
  SIGN_IN_FAILED: { status: 401, message: 'The username, password or code is wrong.' },
  ACCOUNT_LOCKED: {
    status: 429,
    message: 'Too many failed sign-ins: the account is locked for a while. Try again later.',
  },
  SECOND_FACTOR_REQUIRED: {
    status: 401,
    message: 'Give the code of your authenticator app (or a recovery code) to finish signing in.',
  },
  SECOND_FACTOR_ENROLMENT_REQUIRED: {
    status: 403,
    message:
      'Set up your second factor (an authenticator app) before doing anything else: POST /auth/totp, then confirm a code.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'Change the one-time password you were given before doing anything else.',
  },
  CSRF_FAILED: {
    status: 403,
    message: 'The request lacks the x-csrf-token header of your session, so it was refused.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests: slow down and try again shortly.' },
  DEFINITION_INVALID: {
    status: 422,
    message: 'The register definition has problems: fix each one listed (file:line:column) and try again.',
  },
  NOT_INITIALISED: {
    status: 500,
    message: 'The register has not been initialised: run `lupaus init` first.',
  },
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  TOO_LARGE: {
    status: 413,
    message: 'This is larger than the register accepts: send a smaller file or fewer items.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side; nothing was changed.' },
  REQUEST_NOT_VERIFIED: {
    status: 409,
    message:
      "The requester's identity has not been verified, so nothing may be disclosed or changed yet: record the identity verification of the request first.",
  },
  REQUEST_CLOSED: {
    status: 409,
    message: 'The request is closed (completed or refused): nothing more can be done on it.',
  },
  RESTRICTION_NOT_NOTIFIED: {
    status: 409,
    message:
      'The data subject must be told before a restriction of processing is lifted (art. 18(3)): send the notice of lifting first, then lift.',
  },
  BREACH_CLOSED: { status: 409, message: 'The breach is closed: nothing more can be recorded on it.' },
  LINK_INVALID: {
    status: 404,
    message:
      'This link is not valid: check that it was copied whole from the email, or send the request again.',
  },
  LINK_EXPIRED: { status: 410, message: 'This link has expired: send the request again to get a new one.' },
  LINK_USED: { status: 410, message: 'This link was used already: each link works once.' },
  BACKUP_INVALID: {
    status: 422,
    message:
      'The backup cannot be used: the passphrase is wrong, or the file was altered or cut short. Nothing was changed.',
  },
  RESTORE_REFUSED: { status: 409, message: 'The restore was refused; nothing was changed.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ProblemDetail {
  /** Where: a field name, a JSON path, or `line:column`. */
  at: string;
  /** In English; the API answers it in the request's language when `code` is in `PROBLEM_MESSAGES`. */
  message: string;
  /** Machine-readable: what is wrong (`hetu.check`, `field.required`, `enum.invalid` ...). */
  code?: string;
  /** The values the message names (`{ field: 'email', expected: 'T' }`). */
  params?: Record<string, string | number>;
}

export class LupausError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly problems: ProblemDetail[];

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, problems: ProblemDetail[] = []) {
    const base = ERRORS[code].message;
    const first = problems[0];
    super(first ? `${base} ${first.at}: ${first.message}` : base);
    this.name = 'LupausError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
    this.problems = problems;
  }
}

export function isLupausError(e: unknown): e is LupausError {
  return e instanceof LupausError;
}
