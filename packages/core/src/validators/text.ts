/**
 * Plain text that the register may store: no NUL and no other control character except tab, line feed and
 * carriage return. PostgreSQL refuses NUL outright, and the others are never meant in a name or a note; either
 * way the writer gets a clear error instead of a database failure.
 *
 * @example
 * ```ts
 * controlCharacterIn('Maija'); // undefined
 * controlCharacterIn('Ma\u0000ija'); // 'U+0000 at position 3'
 * ```
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function controlCharacterIn(s: string): string | undefined {
  const m = CONTROL.exec(s);
  if (!m) return undefined;
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${m.index + 1}`;
}

/**
 * Where `s` holds half of a character: a UTF-16 surrogate without its pair (JSON's `"\ud800"` decodes to one).
 * UTF-8, and so the database, has no such character: a driver would silently store U+FFFD instead, so it is
 * refused like a control character.
 *
 * @example
 * ```ts
 * loneSurrogateIn('Ma\uD800ija'); // 'U+D800 at position 3'
 * loneSurrogateIn('Maija 😀'); // undefined
 * ```
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function loneSurrogateIn(s: string): string | undefined {
  const m = LONE_SURROGATE.exec(s);
  if (!m) return undefined;
  return `U+${m[0].charCodeAt(0).toString(16).toUpperCase()} at position ${m.index + 1}`;
}

/** The first string anywhere inside `value` (objects and lists included) that holds a control character. */
export function findControlCharacter(
  value: unknown,
  at: string,
): { at: string; message: string; code?: string; params?: Record<string, string> } | undefined {
  if (typeof value === 'string') {
    const where = controlCharacterIn(value);
    if (where)
      return {
        at,
        message: `the text holds a control character (${where}), which cannot be stored`,
        code: 'text.control',
        params: { where },
      };
    const half = loneSurrogateIn(value);
    return half
      ? {
          at,
          message: `the text holds half of a character (a lone surrogate, ${half}), which cannot be stored`,
          code: 'text.surrogate',
          params: { where: half },
        }
      : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findControlCharacter(value[i], `${at}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = findControlCharacter(v, `${at}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}
