/**
 * Why a validator refused a value: `reason` in English (logs, the CLI), and `code` with its `params` for the
 * message in the reader's language (the catalogue `PROBLEM_MESSAGES` in errors/messages.ts).
 */
export interface Failure {
  reason: string;
  code: string;
  params: Record<string, string | number>;
}
