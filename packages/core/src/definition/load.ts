import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  visit,
} from 'yaml';
import type { Problem } from './problem';
import { type Definition, DefinitionSchema } from './schema';

/**
 * Reads a register definition from YAML, keeping the position of every node so that each problem can be
 * reported as `file:line:column`.
 *
 * The examples mark what Lupaus added to complete a seed notice with two tags:
 * - `!added VALUE`: the value was not in the seed;
 * - `!completed { seed: ORIGINAL, value: COMPLETED }`: the seed said ORIGINAL (e.g. an unfilled placeholder).
 *
 * With `{ asSeed: true }` the definition is read as the seed was: added values are removed and completed ones
 * take their seed value, so that the checks can show every gap the seed had.
 *
 * @example
 * ```ts
 * const loaded = loadDefinition('lupaus: 1\n...', { file: 'register.yaml' });
 * if (loaded.ok) console.log(loaded.definition.controller.name);
 * else for (const p of loaded.problems) console.log(p.line, p.message);
 * ```
 */
export type LoadResult =
  | { ok: true; definition: Definition; locate: Locator; source: string }
  | { ok: false; problems: Problem[]; locate: Locator; source: string };

export type Locator = (path: readonly (string | number)[]) => { line: number; column: number };

export interface LoadOptions {
  asSeed?: boolean;
}

const ADDED = '!added';
const COMPLETED = '!completed';

export function loadDefinition(source: string, options: LoadOptions = {}): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locate = makeLocator(doc, lineCounter);
  const problems: Problem[] = [];
  for (const err of doc.errors) {
    const pos = lineCounter.linePos(err.pos[0]);
    problems.push({
      path: [],
      message: `YAML: ${err.message.split('\n')[0]}`,
      line: pos.line,
      column: pos.col,
    });
  }
  if (problems.length > 0) return { ok: false, problems, locate, source };

  resolveMarks(doc, options.asSeed === true);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias to no anchor (`*x` before or without `&x`), or aliases that expand too far: the YAML parses
    // but has no value. Said at the first alias that does not resolve, else at the start.
    let at = 0;
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) === undefined && node.range) {
          at = node.range[0];
          return visit.BREAK;
        }
      },
    });
    const pos = lineCounter.linePos(at);
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {
      ok: false,
      problems: [{ path: [], message: `YAML: ${message}`, line: pos.line, column: pos.col }],
      locate,
      source,
    };
  }
  const parsed = DefinitionSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      const where = path.length > 0 ? `${path.join('.')}: ` : '';
      const at = issue.code === 'unrecognized_keys' && issue.keys?.[0] ? [...path, issue.keys[0]] : path;
      problems.push({ path, message: `${where}${describeIssue(issue)}`, ...toLineCol(locate(at)) });
    }
    return { ok: false, problems, locate, source };
  }
  return { ok: true, definition: parsed.data, locate, source };
}

function toLineCol(pos: { line: number; column: number }) {
  return { line: pos.line, column: pos.column };
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (not part of a register definition)`;
  }
  return issue.message;
}

/** Applies `!added` and `!completed` marks in place. */
function resolveMarks(doc: Document, asSeed: boolean): void {
  visit(doc, {
    Pair(_key, pair) {
      const value = pair.value as Node | null;
      if (!value || typeof value !== 'object') return;
      if (value.tag === ADDED) {
        if (asSeed) return visit.REMOVE;
        untag(value);
      } else if (value.tag === COMPLETED && isMap(value)) {
        const replacement = value.get(asSeed ? 'seed' : 'value', true) as Node | undefined;
        if (!replacement) return visit.REMOVE;
        pair.value = replacement;
      }
      return undefined;
    },
    Seq(_key, seq) {
      for (let i = seq.items.length - 1; i >= 0; i--) {
        const item = seq.items[i] as Node;
        if (item && typeof item === 'object' && item.tag === ADDED) {
          if (asSeed) seq.items.splice(i, 1);
          else untag(item);
        }
      }
    },
  });
}

/**
 * Removes a mark. A plain scalar under an unknown tag was read as a string, so it is read again without the
 * tag: `!added false` is the boolean false, `!added 3` the number 3.
 */
function untag(node: Node): void {
  node.tag = undefined;
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string') {
    node.value = parse(node.value) as unknown;
  }
}

function makeLocator(doc: Document, lineCounter: LineCounter): Locator {
  return (path) => {
    // Walk down as far as the path exists; a missing key is reported at its parent.
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
        if (!pair) break;
        const keyNode = pair.key as Node;
        offset = keyNode.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}
