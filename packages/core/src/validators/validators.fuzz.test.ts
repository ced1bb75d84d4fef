import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCatalogue } from '../catalogue/catalogue';
import { PROBLEM_MESSAGES } from '../errors/messages';
import { isIsoDate, isIsoDateTime, validateFields } from '../fields/validate-fields';
import { loadExample } from '../notice/testing';
import {
  anyCodePoint,
  caseCounter,
  finnishMobile,
  hugeString,
  insertAt,
  oddCharacter,
  oddString,
  plainEmail,
  validHetu,
  validYTunnus,
} from '../testing-fuzz';
import { emailKey, parseEmail } from './email';
import { HETU_IN_TEXT_RE, maskHetu, parseHetu } from './hetu';
import { parsePhone } from './phone';
import { controlCharacterIn, findControlCharacter, loneSurrogateIn } from './text';
import { parseYTunnus } from './ytunnus';

/**
 * Issue 8 ("bad input"), part 1: property and fuzz tests of every validator. Valid generated values are accepted
 * and normalised idempotently; arbitrary strings and odd Unicode never throw and are refused only with the
 * validator's own result (a code of the message catalogue, a reason in English); corrupted identifiers are
 * refused. Random seeds: a failing property prints its seed and counterexample.
 */
const counter = caseCounter('validators.fuzz.test.ts');
afterAll(() => counter.log());

function check<T>(arb: fc.Arbitrary<T>, predicate: (t: T) => void, numRuns: number): void {
  fc.assert(
    fc.property(arb, (t) => {
      predicate(t);
    }),
    { numRuns },
  );
  counter.add(numRuns);
}

/** A refusal is the validator's own: a code with a message in fi, en and sv, and a readable English reason. */
function expectOwnFailure(
  r: { ok: boolean; code?: string; reason?: string; params?: object },
  codes: string[],
  input: string,
): void {
  expect(r.ok).toBe(false);
  expect(codes).toContain(r.code);
  const messages = PROBLEM_MESSAGES[r.code as string];
  expect(messages?.fi && messages.en && messages.sv, `no message for ${r.code}`).toBeTruthy();
  expect(typeof r.reason).toBe('string');
  expect((r.reason as string).length).toBeGreaterThan(10);
  // The reason quotes the input: it must stay well-formed text, not half of a character.
  if (!isWellFormed(input)) return;
  expect(isWellFormed(r.reason as string), `reason ${JSON.stringify(r.reason)}`).toBe(true);
  for (const v of Object.values(r.params ?? {}))
    if (typeof v === 'string') expect(isWellFormed(v)).toBe(true);
}

/** Whether a string is well-formed UTF-16 (no lone surrogate). */
const isWellFormed = (s: string) => loneSurrogateIn(s) === undefined;
/** Inputs that are well-formed text (no lone surrogates): what the validators' messages must stay. */
const wellFormed = (arb: fc.Arbitrary<string>) => arb.filter(isWellFormed);

const HETU_CODES = ['hetu.format', 'hetu.date', 'hetu.individual', 'hetu.check'];
const CENTURY_OF_SIGN: Record<string, number> = { '+': 18 };
for (const s of '-YXWVU') CENTURY_OF_SIGN[s] = 19;
for (const s of 'ABCDEF') CENTURY_OF_SIGN[s] = 20;

describe('issue 8: hetu (R2.1)', () => {
  it('issue 8 R2.1 every generated hetu is accepted with its birth date, and normalising is idempotent', () => {
    check(
      fc.tuple(validHetu(), fc.boolean(), fc.constantFrom('', ' ', '\t', '  \n')),
      ([{ hetu, birthDate, individual }, lower, pad]) => {
        const written = `${pad}${lower ? hetu.toLowerCase() : hetu}${pad}`;
        const r = parseHetu(written);
        expect(r).toEqual({ ok: true, value: hetu, birthDate, temporary: individual >= 900 });
        if (!r.ok) return;
        expect(parseHetu(r.value)).toEqual(r);
        // The masked form keeps the date and century sign only.
        expect(maskHetu(r.value)).toBe(`${hetu.slice(0, 7)}****`);
      },
      2000,
    );
  });

  it('issue 8 R2.1 a hetu in the test range 900–999 is accepted as temporary; any single-character corruption is refused', () => {
    const corruption = fc.record({
      kind: fc.constantFrom('substitute', 'delete', 'insert'),
      at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      ch: fc.oneof(
        fc.constantFrom(...'0123456789ABCDEFHJKLMNPRSTUVWXYGIOQZ+-abcy'),
        oddCharacter(),
        anyCodePoint(),
      ),
    });
    check(
      fc.tuple(validHetu({ temporary: true }), corruption),
      ([{ hetu }, c]) => {
        const ok = parseHetu(hetu);
        expect(ok.ok && ok.temporary).toBe(true);
        const i = Math.floor(c.at * hetu.length);
        let bad: string;
        if (c.kind === 'substitute') {
          const old = hetu[i] as string;
          if (c.ch.toUpperCase() === old) return; // not a corruption (case is normalised)
          // The century sign is outside the check character: another sign of the same century is another code
          // for the same check, so only a sign of no century counts as a corruption there.
          if (i === 6 && c.ch.toUpperCase() in CENTURY_OF_SIGN) return;
          bad = hetu.slice(0, i) + c.ch + hetu.slice(i + 1);
        } else if (c.kind === 'delete') {
          bad = hetu.slice(0, i) + hetu.slice(i + 1);
        } else {
          bad = insertAt(hetu, c.ch, c.at);
          if (bad.trim() === hetu) return; // whitespace around the code is trimmed
        }
        const r = parseHetu(bad);
        if (r.ok) throw new Error(`corrupted ${JSON.stringify(bad)} (from ${hetu}) was accepted`);
        expectOwnFailure(r, HETU_CODES, bad);
      },
      2000,
    );
  });

  it('issue 8 R2.1 arbitrary strings and odd Unicode never throw: refused with a hetu code, or a hetu that parses again', () => {
    check(
      fc.oneof(oddString(14), wellFormed(oddString(30)), hugeString(100, 5000)),
      (s) => {
        const r = parseHetu(s);
        if (r.ok) {
          expect(r.value).toMatch(/^\d{6}[-+YXWVUABCDEF]\d{3}[0-9A-Y]$/);
          expect(parseHetu(r.value)).toEqual(r);
        } else {
          expect(HETU_CODES).toContain(r.code);
          expect(PROBLEM_MESSAGES[r.code]).toBeDefined();
        }
      },
      1500,
    );
  });

  it('issue 8 R6.4 a valid hetu inside any text is found by the scrubbing pattern', () => {
    check(
      fc.tuple(validHetu(), oddString(20), oddString(20)),
      ([{ hetu }, before, after]) => {
        const text = `${before} ${hetu} ${after}`;
        expect(text.match(HETU_IN_TEXT_RE) ?? []).toContain(hetu);
      },
      500,
    );
  });
});

describe('issue 8: y-tunnus (R1.4, R2.2)', () => {
  const CODES = ['business_id.format', 'business_id.no_check', 'business_id.check'];

  it('issue 8 R2.2 every generated business id is accepted, the legacy six digits padded, idempotently', () => {
    check(
      fc.tuple(validYTunnus(), fc.constantFrom('', ' ', '\t')),
      ([id, pad]) => {
        const r = parseYTunnus(`${pad}${id}${pad}`);
        expect(r).toEqual({ ok: true, value: id });
        expect(parseYTunnus(id)).toEqual(r);
        if (id.startsWith('0')) expect(parseYTunnus(id.slice(1))).toEqual(r);
      },
      1000,
    );
  });

  it('issue 8 R1.4 any single-character corruption of a business id is refused with a business id code', () => {
    check(
      fc.tuple(
        validYTunnus(),
        fc.nat(8),
        fc.oneof(fc.constantFrom(...'0123456789'), oddCharacter()),
        fc.boolean(),
      ),
      ([id, i, ch, substitute]) => {
        if (substitute && id[i] === ch) return;
        const bad = substitute ? id.slice(0, i) + ch + id.slice(i + 1) : id.slice(0, i) + id.slice(i + 1);
        // Six digits are read as the legacy form with a leading zero: a deleted digit may make another valid id.
        if (/^\d{6}-\d$/.test(bad.trim()) || bad.trim() === id) return;
        const r = parseYTunnus(bad);
        if (r.ok) throw new Error(`corrupted ${JSON.stringify(bad)} (from ${id}) was accepted`);
        expectOwnFailure(r, CODES, bad);
      },
      1000,
    );
  });

  it('issue 8 R1.4 arbitrary strings never throw; a refusal is a business id code', () => {
    check(
      fc.oneof(oddString(12), wellFormed(oddString(40)), hugeString(100, 5000)),
      (s) => {
        const r = parseYTunnus(s);
        if (r.ok) expect(parseYTunnus(r.value)).toEqual(r);
        else expectOwnFailure(r, CODES, s);
      },
      1000,
    );
  });
});

describe('issue 8: phone numbers (R2.1)', () => {
  it('issue 8 R2.1 Finnish mobile numbers in every common writing normalise to one E.164, idempotently', () => {
    check(
      finnishMobile(),
      ({ written, e164 }) => {
        expect(parsePhone(written)).toEqual({ ok: true, value: e164 });
        expect(parsePhone(e164)).toEqual({ ok: true, value: e164 });
      },
      500,
    );
  });

  it('issue 8 R2.1 arbitrary phone-like strings never throw; accepted ones are E.164 and parse to themselves', () => {
    const phoneish = fc
      .array(fc.oneof(fc.constantFrom(...'0123456789 +-().'), oddCharacter()), { maxLength: 24 })
      .map((a) => a.join(''));
    check(
      fc.oneof(phoneish, oddString(20), hugeString(40, 2000)),
      (s) => {
        const r = parsePhone(s);
        if (r.ok) {
          expect(r.value).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(parsePhone(r.value)).toEqual(r);
        } else expectOwnFailure(r, ['phone.invalid'], s);
      },
      1500,
    );
  });
});

describe('issue 8: email addresses (R2.1)', () => {
  it('issue 8 R2.1 generated addresses are accepted with the domain in lower case, idempotently; the key is the lookup key', () => {
    check(
      fc.tuple(plainEmail(), fc.constantFrom('', ' ', '\n')),
      ([email, pad]) => {
        const r = parseEmail(`${pad}${email}${pad}`);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const at = email.lastIndexOf('@');
        expect(r.value).toBe(`${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`);
        expect(parseEmail(r.value)).toEqual(r);
        expect(r.key).toBe(emailKey(`${pad}${email}${pad}`));
      },
      1000,
    );
  });

  it('issue 8 R2.1 arbitrary strings and odd Unicode never throw; a refusal quotes the input without breaking a character', () => {
    check(
      fc.oneof(
        oddString(30),
        wellFormed(oddString(120)),
        fc
          .tuple(plainEmail(), oddString(4), fc.double({ min: 0, max: 1, noNaN: true }))
          .map(([e, odd, at]) => insertAt(e, odd, at)),
        fc
          .tuple(oddString(3), fc.constantFrom('😀', 'ä', '🇫🇮'), fc.integer({ min: 20, max: 200 }))
          .map(([head, c, n]) => `${head}${c.repeat(n)}@example.fi`),
        hugeString(200, 5000),
      ),
      (s) => {
        const r = parseEmail(s);
        if (r.ok) {
          expect(r.value.length).toBeLessThanOrEqual(254);
          expect(r.value).not.toMatch(/\s/);
          expect(parseEmail(r.value)).toEqual(r);
        } else expectOwnFailure(r, ['email.invalid'], s);
      },
      1500,
    );
  });
});

describe('issue 8: text (R2.1)', () => {
  it('issue 8 R2.1 controlCharacterIn finds exactly the control characters, at their position', () => {
    check(
      oddString(30),
      (s) => {
        const where = controlCharacterIn(s);
        let first = -1;
        for (let k = 0; k < s.length; k++) {
          const c = s.charCodeAt(k);
          if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) {
            first = k;
            break;
          }
        }
        if (first < 0) expect(where).toBeUndefined();
        else
          expect(where).toBe(
            `U+${s.charCodeAt(first).toString(16).toUpperCase().padStart(4, '0')} at position ${first + 1}`,
          );
      },
      1000,
    );
  });

  it('issue 8 R2.1 findControlCharacter names the path of a control character hidden anywhere in nested input', () => {
    const control = fc.constantFrom('\u0000', '\u0001', '\u001B', '\u007F', '\u000B');
    // Keys as an address or order line has them; values of any JSON type, strings odd.
    const { nested } = fc.letrec((tie) => ({
      nested: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(oddString(8).filter(isWellFormed), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('nested'), { maxLength: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-zA-Z_]{1,8}$/), tie('nested'), { maxKeys: 3 }),
      ),
    }));
    check(
      fc.tuple(nested, fc.array(fc.nat(), { maxLength: 6 }), control, fc.nat()),
      ([json, route, ch, pos]) => {
        // Walk down the value by `route` to a string (or make one) and hide the control character in it.
        const root = { v: structuredClone(json) as unknown };
        let holder: Record<string, unknown> | unknown[] = root;
        let key: string | number = 'v';
        for (const step of route) {
          const cur: unknown = (holder as Record<string | number, unknown>)[key];
          if (Array.isArray(cur) && cur.length > 0) {
            holder = cur;
            key = step % cur.length;
          } else if (cur !== null && typeof cur === 'object' && Object.keys(cur).length > 0) {
            const keys = Object.keys(cur);
            holder = cur as Record<string, unknown>;
            key = keys[step % keys.length] as string;
          } else break;
        }
        const cur: unknown = (holder as Record<string | number, unknown>)[key];
        const text = typeof cur === 'string' ? cur : '';
        (holder as Record<string | number, unknown>)[key] = insertAt(text, ch, (pos % 100) / 100);
        const found = findControlCharacter(root.v, 'fields');
        expect(found).toBeDefined();
        expect(found?.code).toBe('text.control');
        // The first control character in walking order may be another one hidden by the generator; either way
        // the path it names must lead to a string holding a control character.
        let node: unknown = root.v;
        const parts = (found?.at ?? '').slice('fields'.length).match(/\[\d+\]|\.[^.[]*/g) ?? [];
        for (const p of parts) {
          node = p.startsWith('[')
            ? (node as unknown[])[Number(p.slice(1, -1))]
            : (node as Record<string, unknown>)[p.slice(1)];
        }
        expect(typeof node).toBe('string');
        expect(controlCharacterIn(node as string)).toBeDefined();
      },
      500,
    );
  });
});

describe('issue 8: dates and date-times (R2.1)', () => {
  const dateArb = fc
    .date({ min: new Date(Date.UTC(100, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
    .map((d) => d.toISOString());

  it('issue 8 R2.1 every calendar day is a date; a day the calendar lacks is not', () => {
    check(
      fc.tuple(dateArb, fc.integer({ min: 29, max: 99 })),
      ([iso, day]) => {
        const date = iso.slice(0, 10);
        expect(isIsoDate(date)).toBe(true);
        const [y, m] = date.split('-').map(Number) as [number, number];
        const last = new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !leap(y) ? 1 : 0);
        const bad = `${date.slice(0, 8)}${String(day).padStart(2, '0')}`;
        expect(isIsoDate(bad)).toBe(day <= last);
      },
      1000,
    );
  });

  it('issue 8 R2.1 an accepted date-time normalises to UTC, and the normal form is accepted again unchanged', () => {
    const offset = fc.oneof(
      fc.constant(''),
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
        .map(([s, h, m]) => `${s}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    );
    const fraction = fc.constantFrom('', ':00', ':59', ':07.5', ':30.123456789');
    const catalogue = buildCatalogue(loadExample('003-auntie'));
    const datetimeField = catalogue.fields.find((f) => f.type === 'datetime');
    check(
      fc.tuple(dateArb, fraction, offset),
      ([iso, sec, off]) => {
        const s = `${iso.slice(0, 16)}${sec}${off}`;
        const instant = new Date(s);
        const inRange =
          instant >= new Date('0100-01-01T00:00:00Z') && instant < new Date('+010000-01-01T00:00:00Z');
        // A date-time is accepted exactly when its instant, in UTC, is within the years a date may have.
        expect(isIsoDateTime(s)).toBe(inRange);
        if (!inRange || !datetimeField) return;
        const normal = instant.toISOString();
        const holderFields = { [datetimeField.id]: s };
        const once = validateFields(catalogue, datetimeField.holder, holderFields, {
          category: datetimeField.category.id,
        });
        expect(once.problems).toEqual([]);
        expect(once.values[datetimeField.id]).toBe(normal);
        const twice = validateFields(catalogue, datetimeField.holder, once.values, {
          category: datetimeField.category.id,
        });
        expect(twice).toEqual(once);
      },
      1000,
    );
  });
});

function leap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

describe('issue 8: every declared field of every holder (R1.5, R2.1)', () => {
  const catalogue = buildCatalogue(loadExample('003-auntie'));
  const fields = catalogue.fields;

  it('issue 8 R1.5 arbitrary JSON for any field never throws; each problem names its field path and has a catalogue code', () => {
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      oddString(20),
      fc.array(oddString(10), { maxLength: 3 }),
      hugeString(400, 20_000),
      fc.record({
        street: oddString(10),
        city: oddString(10),
        postalCode: oddString(6),
        country: oddString(3),
      }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 60, 1e308),
    );
    check(
      fc.tuple(fc.constantFrom(...fields.map((f) => f.key)), anyValue, fc.boolean()),
      ([key, value, undeclared]) => {
        const field = fields.find((f) => f.key === key) as (typeof fields)[number];
        const name = undeclared ? `${field.id}_x` : field.id;
        const input = { [name]: value };
        const r = validateFields(catalogue, field.holder, input, { category: field.category.id });
        for (const p of r.problems) {
          expect(
            p.at === `fields.${name}` ||
              p.at.startsWith(`fields.${name}.`) ||
              p.at.startsWith(`fields.${name}[`),
            p.at,
          ).toBe(true);
          expect(p.message.length).toBeGreaterThan(5);
          expect(p.code, p.message).toBeDefined();
          expect(PROBLEM_MESSAGES[p.code as string], `no message for ${p.code}`).toBeDefined();
        }
        if (r.problems.length === 0) {
          // Accepted: normalising again gives the same values.
          const again = validateFields(catalogue, field.holder, r.values, { category: field.category.id });
          expect(again.problems).toEqual([]);
          expect(again.values).toEqual(r.values);
        }
      },
      1500,
    );
  });

  it('issue 8 R2.1 odd Unicode in a text is stored as the same well-formed text, or refused naming the character', () => {
    const textFields = fields.filter((f) => f.type === 'text' || f.type === 'longtext');
    check(
      fc.tuple(fc.constantFrom(...textFields.map((f) => f.key)), oddString(40)),
      ([key, s]) => {
        const field = textFields.find((f) => f.key === key) as (typeof fields)[number];
        const r = validateFields(catalogue, field.holder, { [field.id]: s }, { category: field.category.id });
        const bad = controlCharacterIn(s) ?? loneSurrogateIn(s);
        if (bad) {
          expect(r.problems).toMatchObject([
            { at: `fields.${field.id}`, code: expect.stringMatching(/^text\.(control|surrogate)$/) },
          ]);
          expect(r.problems[0]?.message).toContain(bad);
          return;
        }
        if (r.problems.length > 0) {
          expect(r.problems.map((p) => p.code)).toEqual([expect.stringMatching(/^text\.(empty|too_long)$/)]);
          return;
        }
        const v = (field.multiple ? (r.values[field.id] as string[])[0] : r.values[field.id]) as string;
        expect(v).toBe(s.trim());
        // What is stored must be what was sent: a lone surrogate cannot be stored as text (UTF-8 has none).
        expect(isWellFormed(v), `stored ${JSON.stringify(v)}`).toBe(true);
      },
      1000,
    );
  });
});
