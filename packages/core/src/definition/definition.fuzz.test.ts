import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { buildCatalogue } from '../catalogue/catalogue';
import { renderNotice } from '../notice/render';
import { examplePath } from '../notice/testing';
import { renderRopa } from '../ropa/render';
import { caseCounter, hugeString, insertAt, oddCharacter, oddString } from '../testing-fuzz';
import { checkSource, pathToString } from './check';
import { loadDefinition } from './load';
import type { Problem } from './problem';

/**
 * Issue 8 ("bad input"), part 1: mutated versions of the four example definitions — a key removed, a value of the
 * wrong type, a huge string, odd Unicode, an extra key, characters dropped into the YAML text — always load and
 * check to either a definition the program can use (catalogue, notice and record of processing render) or
 * problems that each say where (line and column, and the path or YAML position in the message). Never an
 * exception. Random seeds: a failing property prints its seed and counterexample.
 */
const counter = caseCounter('definition.fuzz.test.ts');
afterAll(() => counter.log());

const EXAMPLES = ['001-vitec-katrina', '002-vastuu-group', '003-auntie', '004-jari-mensonen'] as const;
const SOURCES = Object.fromEntries(EXAMPLES.map((e) => [e, readFileSync(examplePath(e), 'utf8')])) as Record<
  (typeof EXAMPLES)[number],
  string
>;

type Path = (string | number)[];

/** Every path to a node of the document (map keys and list items), to pick a mutation point from. */
function pathsOf(source: string): { paths: Path[]; maps: Path[] } {
  const doc = parseDocument(source);
  const paths: Path[] = [];
  const maps: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    if (isMap(node)) {
      maps.push(path);
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const p = [...path, String(pair.key.value)];
        paths.push(p);
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...path, i];
        paths.push(p);
        walk(item, p);
      });
    }
  };
  walk(doc.contents, []);
  return { paths, maps };
}

const PATHS = Object.fromEntries(EXAMPLES.map((e) => [e, pathsOf(SOURCES[e])])) as Record<
  (typeof EXAMPLES)[number],
  { paths: Path[]; maps: Path[] }
>;

type Mutation =
  | { kind: 'remove' }
  | { kind: 'set'; value: unknown }
  | { kind: 'extra'; key: string; value: unknown };

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', [], {}, '2020-02-30', 'not-a-date', '1599535-3'),
  oddString(20),
  hugeString(1_000, 100_000),
  fc.array(oddString(5), { maxLength: 3 }),
  fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(oddString(5), fc.integer()), { maxKeys: 3 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'remove' } as Mutation),
  wrongValue.map((value) => ({ kind: 'set', value }) as Mutation),
  fc
    .tuple(fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z_]{0,10}$/), oddString(8)), wrongValue)
    .map(([key, value]) => ({ kind: 'extra', key, value }) as Mutation),
);

const PARSED = Object.fromEntries(EXAMPLES.map((e) => [e, parseDocument(SOURCES[e])])) as Record<
  (typeof EXAMPLES)[number],
  ReturnType<typeof parseDocument>
>;

function mutate(example: (typeof EXAMPLES)[number], target: Path, m: Mutation): string {
  const doc = PARSED[example].clone();
  if (m.kind === 'remove') doc.deleteIn(target);
  else if (m.kind === 'set') doc.setIn(target, doc.createNode(m.value));
  else {
    const node = doc.getIn(target, true) as Node | undefined;
    if (isMap(node) && !node.has(m.key)) node.set(doc.createNode(m.key), doc.createNode(m.value));
    else if (target.length === 0 && !doc.has(m.key)) doc.set(m.key, doc.createNode(m.value));
  }
  return doc.toString({ lineWidth: 0 });
}

/** A problem says where: a line and column inside the text, and the path (or the YAML position) in its message. */
function expectLocated(problems: Problem[], source: string): void {
  const lines = source.split('\n').length;
  for (const p of problems) {
    expect(p.message.length, JSON.stringify(p)).toBeGreaterThan(5);
    expect(p.line, JSON.stringify(p)).toBeGreaterThanOrEqual(1);
    expect(p.line as number, JSON.stringify(p)).toBeLessThanOrEqual(lines + 1);
    expect(p.column, JSON.stringify(p)).toBeGreaterThanOrEqual(1);
    if (p.message.startsWith('YAML: ')) continue;
    expect(Array.isArray(p.path)).toBe(true);
    const where = pathToString(p.path);
    // The message names its path (the schema's `a.b.0: …`, the checks' `a.b[0]: …`), unless it concerns the whole.
    if (p.path.length > 0)
      expect(
        p.message.startsWith(`${where}`) || p.message.startsWith(`${p.path.join('.')}`),
        `${where} | ${p.message}`,
      ).toBe(true);
  }
}

/** What the program does with a definition that passes: none of it may throw. */
function useDefinition(source: string): void {
  const loaded = loadDefinition(source);
  if (!loaded.ok) throw new Error('checkSource found no problem but the definition does not load');
  const def = loaded.definition;
  buildCatalogue(def);
  renderNotice(def, { lang: 'fi', format: 'html' });
  renderRopa(def, { lang: 'fi', format: 'md' });
}

describe('issue 8: mutated register definitions (R1.4)', () => {
  it('issue 8 R1.4 a removed key, a wrong type, a huge string, odd Unicode or an extra key: located problems or a usable definition, never an exception', () => {
    const runs = 24;
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        mutation,
        (example, pick, pickMap, toMap, m) => {
          const { paths, maps } = PATHS[example];
          const target =
            m.kind === 'extra' && toMap
              ? (maps[pickMap % maps.length] as Path)
              : (paths[pick % paths.length] as Path);
          const source = mutate(example, target, m);
          const problems = checkSource(source);
          expectLocated(problems, source);
          if (problems.length === 0) useDefinition(source);
          // An extra key in a map of the definition is never silently accepted: every object of the schema is
          // strict, except those whose keys are data (texts by language, mappings).
          if (m.kind === 'extra' && problems.length === 0) {
            const loaded = loadDefinition(source);
            expect(loaded.ok).toBe(true);
          }
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 60_000);

  it('issue 8 R1.4 an unknown key anywhere is refused at its own line and column, naming it', () => {
    const runs = 16;
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.nat(),
        fc.stringMatching(/^zz[a-z]{1,8}$/),
        (example, pickMap, key) => {
          const { maps } = PATHS[example];
          const target = maps[pickMap % maps.length] as Path;
          const source = mutate(example, target, { kind: 'extra', key, value: 'x' });
          const problems = checkSource(source);
          expectLocated(problems, source);
          const about = problems.filter((p) => p.message.includes(`"${key}"`));
          // Maps whose keys are data (a text's languages, a mapping) may take the key: then it is not refused.
          if (about.length === 0) return;
          const { line = 0, column = 0 } = about[0] ?? {};
          // The line and column point at the key itself, in block and in flow style alike.
          expect(source.split('\n')[line - 1]?.slice(column - 1), JSON.stringify(about[0])).toMatch(
            new RegExp(`^${key}\\s*:`),
          );
          expect(about[0]?.message).toContain('unknown key');
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 60_000);

  it('issue 8 R1.4 odd characters dropped anywhere into the YAML text: located problems or a usable definition', () => {
    const runs = 12;
    fc.assert(
      fc.property(
        fc.constantFrom(...EXAMPLES),
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
            fc.oneof(
              oddCharacter(),
              fc.constantFrom(':', '- ', '\n  ', '"', "'", '&a', '*a', '!added ', '{', '[', '#'),
            ),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.boolean(),
        (example, inserts, asSeed) => {
          let source = SOURCES[example];
          for (const [at, ch] of inserts) source = insertAt(source, ch, at);
          const problems = checkSource(source, { asSeed });
          expectLocated(problems, source);
          if (problems.length === 0 && !asSeed) useDefinition(source);
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 60_000);

  it('issue 8 R1.4 arbitrary text is never a definition and never throws', () => {
    const runs = Number(process.env.FUZZ_DEF_RUNS ?? 500);
    fc.assert(
      fc.property(
        fc.oneof(
          oddString(200),
          hugeString(10, 2_000),
          fc.constantFrom('', '---', 'a: &a [*a]', '[', '{{', '*!', 'controller: *nowhere'),
        ),
        (s) => {
          const problems = checkSource(s);
          expect(problems.length).toBeGreaterThan(0);
          expectLocated(problems, s);
        },
      ),
      { numRuns: runs },
    );
    counter.add(runs);
  }, 60_000);
});
