import { controlCharacterIn, hetuCheckCharacter, isLupausError } from '@lupaus/core';
import { caseCounter, oddCharacter, oddString } from '@lupaus/core/testing-fuzz';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { openTestRegister, TEST_ADMIN } from '../testing';
import { importPersons } from './import-persons';
import { readCsv } from './read-csv';

/**
 * Issue 8 ("bad input"), part 1, R2.8: generated CSV files. readCsv reads back exactly what was written, whatever
 * the cells hold (separators, quotes, line breaks, odd Unicode, huge cells), with a BOM or not, `;` or `,`, LF or
 * CRLF, each record with its physical line; a broken file (an unclosed quote, a row with too many cells) is refused
 * naming its line. importPersons reports every bad row with its line and column, imports the good rows, and writes
 * nothing else; a file refused as a whole writes nothing but its run record. Random seeds.
 */
const counter = caseCounter('import.fuzz.test.ts');

async function collect(text: string): Promise<{ line: number; values: Record<string, string> }[]> {
  const out: { line: number; values: Record<string, string> }[] = [];
  for await (const r of readCsv(text)) out.push(r);
  return out;
}

function encode(cell: string, delimiter: string): string {
  return /["\r\n]/.test(cell) || cell.includes(delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const cell = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  oddString(10).filter((s) => !s.includes('\uFEFF')),
  fc.constantFrom('a;b', 'a,b', '"q"', 'x\ny', 'x\r\ny', '  ', '😀', '\u202Eabc', ''),
);

describe('issue 8: CSV files (R2.8)', () => {
  it('issue 8 R2.8 readCsv reads back every generated table exactly, with each record’s physical line', async () => {
    const runs = 500;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }).chain((cols) =>
          fc.record({
            cols: fc.constant(cols),
            rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { maxLength: 8 }),
            delimiter: fc.constantFrom(';', ','),
            eol: fc.constantFrom('\n', '\r\n'),
            bom: fc.boolean(),
            finalEol: fc.boolean(),
          }),
        ),
        async ({ cols, rows, delimiter, eol, bom, finalEol }) => {
          const header = Array.from({ length: cols }, (_, i) => `c${i}`);
          // The header decides the delimiter: give it the one the file uses.
          const lines = [
            header.join(delimiter),
            ...rows.map((r) => r.map((c) => encode(c, delimiter)).join(delimiter)),
          ];
          const text = (bom ? '\uFEFF' : '') + lines.join(eol) + (finalEol ? eol : '');
          const expected: { line: number; values: Record<string, string> }[] = [];
          let line = 2;
          for (const r of rows) {
            expected.push({ line, values: Object.fromEntries(header.map((h, i) => [h, r[i] as string])) });
            line += 1 + r.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
          }
          // csv-parse takes a lone surrogate through UTF-8 as U+FFFD, as any UTF-8 reader must.
          const fixed = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
          expect(await collect(text)).toEqual(
            expected.map((e) => ({
              line: e.line,
              values: Object.fromEntries(Object.entries(e.values).map(([k, v]) => [k, fixed(v)])),
            })),
          );
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  });

  it('issue 8 R2.8 a broken file is refused naming the line of the break, after the records before it', async () => {
    const runs = 300;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9 ]{0,6}$/), fc.stringMatching(/^[a-z0-9 ]{0,6}$/)), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        fc.constantFrom('unclosed', 'extra', 'closing'),
        async (rows, pick, kind) => {
          const at = pick % rows.length;
          const lines = ['a;b', ...rows.map(([x, y]) => `${x}a;${y}`)];
          const breakLine = at + 2;
          if (kind === 'unclosed') lines[breakLine - 1] = `"open;${rows[at]?.[1]}`;
          else if (kind === 'extra') lines[breakLine - 1] = `x;y;z`;
          else lines[breakLine - 1] = `"closed"trailing;y`;
          const seen: number[] = [];
          let error: unknown;
          try {
            for await (const r of readCsv(lines.join('\n'))) seen.push(r.line);
          } catch (e) {
            error = e;
          }
          expect(isLupausError(error), String(error)).toBe(true);
          if (!isLupausError(error)) return;
          expect(error.code).toBe('VALIDATION_FAILED');
          expect(error.problems[0]?.at).toBe(`line ${breakLine}`);
          expect(error.problems[0]?.message.length).toBeGreaterThan(10);
          // Nothing at or after the broken line was yielded as a record.
          expect(seen.every((l) => l < breakLine)).toBe(true);
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  });
});

describe('issue 8: importPersons with generated bad cells (R2.8)', () => {
  let reg: Register;
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie');
    await sql`create table fuzz_writes (tbl text not null)`.execute(reg.db);
    await sql`create function fuzz_note() returns trigger language plpgsql as $$
      begin insert into fuzz_writes values (TG_TABLE_NAME); return null; end $$`.execute(reg.db);
    await sql`do $$ declare t text; begin
      for t in select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'fuzz_writes' loop
        execute format('create trigger fuzz_note after insert or update or delete on %I for each row execute function fuzz_note()', t);
      end loop; end $$`.execute(reg.db);
  }, 120_000);
  afterAll(async () => {
    counter.log();
    await reg?.close();
  });

  async function writtenTables(): Promise<string[]> {
    const r = await sql<{ tbl: string }>`delete from fuzz_writes returning tbl`.execute(reg.db);
    return [...new Set(r.rows.map((x) => x.tbl))].sort();
  }

  async function persons(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from persons`.execute(reg.db);
    return r.rows[0]?.n ?? 0;
  }

  const BAD: Record<string, fc.Arbitrary<string>> = {
    email: fc.constantFrom('not-an-email', 'a@@b.fi', 'x\u0000@example.fi', `${'a'.repeat(300)}@example.fi`),
    hetu: fc.constantFrom('131052-308X', '310299-9999', '010190-90X1', '010190'),
    phone: fc.constantFrom('12', 'abc', '+358 40 \u0000 123'),
    first_name: fc.oneof(
      fc.constantFrom('\u0000', 'Ma\u001bija', '\u007f'),
      oddCharacter().filter((c) => controlCharacterIn(c) !== undefined),
      fc.constant('x'.repeat(20_000)),
    ),
    gender: fc.constantFrom('robot', 'FEMALE', '😀'),
    household_size: fc.constantFrom('many', '1.5', '1e99'),
  };
  const COLUMNS = [
    'customer_number',
    'first_name',
    'last_name',
    'email',
    'phone',
    'hetu',
    'gender',
    'household_size',
  ];
  let fileNo = 0;

  it('issue 8 R2.8 every bad row is reported with its line and column, every good row imported, nothing else written', async () => {
    const runs = 30;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(fc.tuple(fc.constantFrom(...Object.keys(BAD)), fc.nat()), { nil: undefined, freq: 2 }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.gen(),
        fc.constantFrom(';', ','),
        fc.boolean(),
        async (plan, gen, delimiter, bom) => {
          fileNo++;
          const lines = [COLUMNS.join(delimiter)];
          const badLines = new Map<number, string>();
          plan.forEach((bad, i) => {
            const n = 900 + ((fileNo * 13 + i) % 100);
            const ddmmyy = `${String((i % 28) + 1).padStart(2, '0')}0${(fileNo % 9) + 1}${String(50 + (fileNo % 40))}`;
            const values: Record<string, string> = {
              customer_number: `F${fileNo}-${i}`,
              first_name: 'Fuzz',
              last_name: `Row${i}`,
              email: `f${fileNo}r${i}@example.fi`,
              phone: '040 123 4567',
              hetu: `${ddmmyy}-${n}${hetuCheckCharacter(`${ddmmyy}${n}`)}`,
              gender: 'female',
              household_size: '2',
            };
            if (bad) {
              const [column] = bad;
              values[column] = gen(() => BAD[column] as fc.Arbitrary<string>);
              badLines.set(i + 2, column);
            }
            lines.push(COLUMNS.map((c) => encode(values[c] as string, delimiter)).join(delimiter));
          });
          await writtenTables();
          const before = await persons();
          const report = await importPersons(reg, TEST_ADMIN, {
            input: (bom ? '\uFEFF' : '') + lines.join('\n'),
            source: 'subject',
          });
          const good = plan.length - badLines.size;
          expect(report.rejected).toBe(badLines.size);
          expect(report.created).toBe(good);
          expect(await persons()).toBe(before + good);
          for (const [line, column] of badLines) {
            const ps = report.problems.filter((p) => p.line === line);
            expect(
              ps.length,
              `line ${line} (${column}) not reported: ${JSON.stringify(report.problems)}`,
            ).toBeGreaterThan(0);
            expect(ps.map((p) => p.column)).toContain(column);
            for (const p of ps) expect(p.reason.length).toBeGreaterThan(5);
          }
          expect(report.problems.every((p) => badLines.has(p.line))).toBe(true);
          const written = await writtenTables();
          if (good === 0) expect(written).toEqual(['import_runs']);
          else expect(written).toContain('persons');
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 120_000);

  it('issue 8 R2.8 a file refused as a whole (unknown column, broken quoting, duplicate header) writes nothing but its run', async () => {
    const runs = 20;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('unknown', 'unclosed', 'duplicate', 'extra'),
        fc.integer({ min: 1, max: 6 }),
        async (kind, rows) => {
          fileNo++;
          const header =
            kind === 'unknown'
              ? 'first_name;last_name;shoe_size'
              : kind === 'duplicate'
                ? 'first_name;first_name'
                : 'first_name;last_name';
          const body = Array.from({ length: rows }, (_, i) =>
            kind === 'unknown' ? `A;B${i};43` : `A;W${fileNo}x${i}`,
          );
          if (kind === 'unclosed') body.push('"A;never closed');
          if (kind === 'extra') body.push('A;B;C');
          await writtenTables();
          const before = await persons();
          let error: unknown;
          try {
            await importPersons(reg, TEST_ADMIN, { input: [header, ...body].join('\n'), source: 'subject' });
          } catch (e) {
            error = e;
          }
          expect(isLupausError(error), String(error)).toBe(true);
          if (!isLupausError(error)) return;
          expect(error.status).toBeLessThan(500);
          expect(error.problems[0]?.at, JSON.stringify(error.problems)).toBeTruthy();
          expect(await persons()).toBe(before);
          // Only the run's own record (started, then failed) may be written: no person, no audit, no provenance.
          expect((await writtenTables()).filter((t) => t !== 'import_runs')).toEqual([]);
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 120_000);
});
