import { readFileSync, statSync } from 'node:fs';
import { ExitError } from '../context';

/**
 * A one-line progress bar on stderr for a file read in a stream: the share of its bytes read, rows so far, rows a
 * second and the time left. Only draw it when stderr is a terminal (`process.stderr.isTTY`); it redraws at most
 * ten times a second.
 *
 * @example
 * ```ts
 * const bar = process.stderr.isTTY ? fileProgress(statSync(file).size) : undefined;
 * bar?.update({ rows: 2000, bytes: 180_000 });
 * bar?.done();
 * ```
 */
export interface FileProgress {
  update(p: { rows: number; bytes: number }): void;
  done(): void;
}

export function fileProgress(totalBytes: number, unit = 'rows'): FileProgress {
  const started = Date.now();
  let drawnAt = 0;
  let shown = false;
  let last = { rows: 0, bytes: 0 };
  const draw = () => {
    const secs = (Date.now() - started) / 1000;
    const share = totalBytes > 0 ? Math.min(last.bytes / totalBytes, 1) : 1;
    const rate = secs > 0 ? Math.round(last.rows / secs) : 0;
    const left = share > 0 ? Math.max(0, Math.round(secs / share - secs)) : 0;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${last.rows} ${unit}, ${rate}/s, ${left} s left   `,
    );
    shown = true;
  };
  return {
    update: (p) => {
      last = p;
      const now = Date.now();
      if (now - drawnAt < 100) return;
      drawnAt = now;
      draw();
    },
    done: () => {
      if (shown) {
        draw();
        process.stderr.write('\n');
      }
    },
  };
}

/** The chunks of a stream as they are, telling `seen` the size of each. */
export async function* countBytes(
  stream: AsyncIterable<Buffer>,
  seen: (n: number) => void,
): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    seen(chunk.length);
    yield chunk;
  }
}

/**
 * The file an import command reads, and its mapping file: the file's size (for the progress bar) and the mapping
 * (CSV column → field) as a JSON object; either one unreadable ends the command with a message naming it.
 *
 * @example
 * ```ts
 * const { size, mapping } = readImportInput('asiakkaat.csv', 'sarakkeet.json');
 * ```
 */
export function readImportInput(
  file: string,
  mappingFile: string | undefined,
): { size: number; mapping: Record<string, string> | undefined } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ExitError(1, `error: cannot read ${file}`);
  }
  if (mappingFile === undefined) return { size, mapping: undefined };
  try {
    const parsed: unknown = JSON.parse(readFileSync(mappingFile, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return { size, mapping: parsed as Record<string, string> };
  } catch {
    throw new ExitError(1, `error: the mapping ${mappingFile} is not a readable JSON object`);
  }
}
