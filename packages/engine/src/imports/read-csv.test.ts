import { LupausError } from '@lupaus/core';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, readCsv } from './read-csv';

async function all(input: string | AsyncIterable<string | Buffer>): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(input)) out.push(r);
  return out;
}

async function failure(input: string): Promise<{ error: LupausError; before: CsvRecord[] }> {
  const before: CsvRecord[] = [];
  try {
    for await (const r of readCsv(input)) before.push(r);
  } catch (e) {
    if (e instanceof LupausError) return { error: e, before };
    throw e;
  }
  throw new Error('expected a LupausError');
}

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('readCsv', () => {
  it('R2.8 detects ";" and ",", strips the BOM, keeps quoted newlines and names each row by its first physical line', async () => {
    for (const nl of ['\n', '\r\n']) {
      const text = `\uFEFFa;b${nl}1;2${nl}${nl}"x${nl}y";"3,5"${nl}ä;"q""w"${nl}`;
      expect(await all(text)).toEqual([
        { line: 2, values: { a: '1', b: '2' } },
        { line: 4, values: { a: `x${nl}y`, b: '3,5' } },
        { line: 6, values: { a: 'ä', b: 'q"w' } },
      ]);
    }
    expect(await all('a,b\n1,2')).toEqual([{ line: 2, values: { a: '1', b: '2' } }]);
    // A short row has its missing cells empty.
    expect(await all('a,b,c\n1\n')).toEqual([{ line: 2, values: { a: '1', b: '', c: '' } }]);
  });

  it('R2.8 reads a stream split anywhere, even inside a multi-byte character or the header', async () => {
    const text = 'etunimi;sukunimi\nÄäkkönen;Öljy\n"Å\nå";x\n';
    for (const size of [1, 2, 3, 7]) {
      expect(await all(chunks(text, size))).toEqual([
        { line: 2, values: { etunimi: 'Ääkkönen', sukunimi: 'Öljy' } },
        { line: 3, values: { etunimi: 'Å\nå', sukunimi: 'x' } },
      ]);
    }
  });

  it('R2.8 a malformed file names its line after yielding the rows before it', async () => {
    const quote = await failure('a,b\n1,2\n3,"open\n4,5\n');
    expect(quote.before).toHaveLength(1);
    expect(quote.error.problems[0]).toMatchObject({ at: 'line 3' });
    expect(quote.error.problems[0]!.message).toMatch(/not closed/);
    const wide = await failure('a,b\n1,2\n3,4,5\n');
    expect(wide.error.problems[0]).toMatchObject({ at: 'line 3' });
    const dup = await failure('a,b,a\n1,2,3\n');
    expect(dup.error.problems[0]!.message).toMatch(/names the column "a" twice/);
    const empty = await failure('a,,b\n1,2,3\n');
    expect(empty.error.problems[0]!.message).toMatch(/column 2 has no name/);
    const stray = await failure('a,b\n"1"x,2\n');
    expect(stray.error.problems[0]).toMatchObject({ at: 'line 2' });
  });
});
