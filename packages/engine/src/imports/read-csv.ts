import { LupausError } from '@lupaus/core';
import { Parser } from 'csv-parse';

/** One data line of a CSV file: its 1-based physical line number and its cells by header name. */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

export interface ReadCsvOptions {
  /** The field delimiter; detected from the header line when not given (`;` when it has more `;` than `,`). */
  delimiter?: ',' | ';';
}

type Push = (record: string[]) => void;
interface ParserApi {
  parse(buf: Buffer | undefined, end: boolean, push: Push, close: () => void): Error | undefined;
  /** Read while a record is pushed: the line csv-parse has reached (cheaper than the `info` option's copy). */
  info: { lines: number };
}

/**
 * Reads CSV text (UTF-8, BOM stripped, `;` or `,` detected from the header line, quoted fields with
 * newlines, CRLF or LF) in constant memory. Yields one record per data line with its 1-based physical line
 * number (the line where the record starts); empty lines are skipped; a row with fewer cells than the header
 * has the missing cells empty. A malformed file (unclosed quote, a row with more cells than the header,
 * duplicate or empty header names) throws `LupausError('VALIDATION_FAILED')` naming the line — after every
 * record before it has been yielded.
 *
 * @example
 * ```ts
 * for await (const { line, values } of readCsv('email;given_name\nanna@example.fi;Anna\n')) {
 *   console.log(line, values.email); // 2 'anna@example.fi'
 * }
 * ```
 */
export async function* readCsv(
  input: string | AsyncIterable<string | Buffer>,
  opts: ReadCsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const chunks = typeof input === 'string' ? single(input) : buffers(input);
  let delimiter = opts.delimiter;
  let parser: ParserApi | undefined;
  let header: string[] | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const out: CsvRecord[] = [];
  let failure: LupausError | undefined;
  let drift = 0;
  let lastEnd = 0;

  const push: Push = (record) => {
    const info = (parser as ParserApi).info;
    if (failure) return;
    // csv-parse counts every CR and LF inside a quoted field as a line: count physical lines by LF only.
    let extra = 0;
    for (const cell of record) {
      if (cell.includes('\n')) extra += count(cell, '\n');
      if (cell.includes('\r')) drift += count(cell, '\r');
    }
    const line = info.lines - drift - extra;
    lastEnd = line + extra;
    if (!header) {
      failure = checkHeader(record, line);
      header = record.map((h) => h.trim());
      return;
    }
    if (record.length > header.length) {
      failure = malformed(
        line,
        `the row has ${record.length} cells but the header has ${header.length} (a stray "${delimiter}" or an unquoted field?)`,
      );
      return;
    }
    const values: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) values[header[i] as string] = record[i] ?? '';
    out.push({ line, values });
  };

  const feed = (buf: Buffer | undefined, end: boolean): void => {
    if (!parser) {
      parser = new Parser({
        bom: true,
        delimiter: delimiter ?? ',',
        relax_column_count: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n'],
      }) as unknown as ParserApi;
      parser = (parser as unknown as { api: ParserApi }).api;
    }
    const err = parser.parse(buf, end, push, () => {});
    if (err && !failure) {
      const code = (err as { code?: string }).code;
      const lines = (err as { lines?: number }).lines ?? 0;
      // An unclosed quote is only noticed at the end of the file: name the line where its record starts.
      failure = malformed(code === 'CSV_QUOTE_NOT_CLOSED' ? lastEnd + 1 : lines - drift, csvMessage(err));
    }
  };

  for await (const buf of chunks) {
    if (parser === undefined) {
      // Hold the start of the file until the header line is complete, to detect the delimiter.
      pending.push(buf);
      pendingBytes += buf.length;
      if (!buf.includes(10) && pendingBytes < 1_000_000) continue;
      const head = Buffer.concat(pending);
      pending = [];
      const nl = head.indexOf(10);
      delimiter ??= detect(head.subarray(0, nl < 0 ? head.length : nl).toString('utf8'));
      feed(head, false);
    } else {
      feed(buf, false);
    }
    yield* out;
    out.length = 0;
    if (failure) throw failure;
  }
  if (parser === undefined) {
    const head = Buffer.concat(pending);
    delimiter ??= detect(head.toString('utf8'));
    feed(head, false);
  }
  feed(undefined, true);
  yield* out;
  out.length = 0;
  if (failure) throw failure;
}

function checkHeader(record: string[], line: number): LupausError | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < record.length; i++) {
    const name = (record[i] ?? '').trim();
    if (name === '') return malformed(line, `the header's column ${i + 1} has no name`);
    if (seen.has(name)) return malformed(line, `the header names the column "${name}" twice`);
    seen.add(name);
  }
  return undefined;
}

function malformed(line: number, message: string): LupausError {
  return new LupausError('VALIDATION_FAILED', { line }, [{ at: `line ${line}`, message }]);
}

function csvMessage(err: Error): string {
  const code = (err as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED')
    return 'a quoted field starting on this line is not closed before the end of the file';
  if (code === 'CSV_INVALID_CLOSING_QUOTE')
    return 'a quoted field is followed by text before the next delimiter (a quote inside a field must be doubled: "")';
  return `the CSV is malformed: ${err.message}`;
}

function detect(headerLine: string): ',' | ';' {
  let commas = 0;
  let semis = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

async function* single(text: string): AsyncGenerator<Buffer> {
  // Hand a long string on in slices so records are yielded (and written) in batches, not all at once.
  const step = 1 << 20;
  for (let i = 0; i < text.length; ) {
    const end = splitPoint(text, i + step);
    yield Buffer.from(text.slice(i, end), 'utf8');
    i = end;
  }
}

async function* buffers(input: AsyncIterable<string | Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buf.length > 0) yield buf;
  }
}

/** Where to cut a string near `at` without splitting a surrogate pair. */
export function splitPoint(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const c = text.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff ? at + 1 : at;
}
