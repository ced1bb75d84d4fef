/**
 * Why a validator refused a value: `reason` in English (logs, the CLI), and `code` with its `params` for the
 * message in the reader's language (the catalogue `PROBLEM_MESSAGES` in errors/messages.ts).
 */
export interface Failure {
  reason: string;
  code: string;
  params: Record<string, string | number>;
}

/** At most `max` characters of `text` for a message, never cutting a character (a surrogate pair) in half. */
export function quoted(text: string, max = 80): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}
