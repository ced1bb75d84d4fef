import { LupausError } from '@lupaus/core';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value is a UUID, the shape of every id of the register (the yes/no form of `requireId`). */
export function isId(value: unknown): boolean {
  return typeof value === 'string' && UUID_RE.test(value);
}

/**
 * Checks that an id given by a caller is a UUID before it reaches the database, so that a mistyped id gets a
 * clear error naming where it was, not a database failure.
 *
 * @example
 * ```ts
 * requireId('01a2019d-8809-7443-83ab-98d50469d1dd', 'person', 'id'); // returns it, lower-cased
 * requireId('abc', 'person', 'id'); // throws VALIDATION_FAILED: "abc" is not a valid person id
 * ```
 */
export function requireId(value: string, what: string, at: string): string {
  if (!isId(value)) {
    throw new LupausError('VALIDATION_FAILED', { [at]: value }, [
      { at, message: `"${String(value).slice(0, 60)}" is not a valid ${what} id (ids are UUIDs)` },
    ]);
  }
  return value.toLowerCase();
}

/** A paging cursor (`after`), which is the id of the last item of the previous page. */
export function optionalCursor(after: string | undefined, what: string): string | undefined {
  return after === undefined ? undefined : requireId(after, what, 'after');
}
