import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../definition/load';
import type { Definition } from '../definition/schema';
import type { Language } from '../definition/text';
import { htmlToText, markdownToText } from './markdown';
import { renderNotice } from './render';

/**
 * Helpers for tests that check a rendered notice against the facts of a seed (R1.3). Not exported from the
 * package index: it reads files.
 *
 * @example
 * ```ts
 * const def = loadExample('001-vitec-katrina');
 * expect(noticeText(def, 'fi')).toContain(normaliseFact('Vitec Katrina Oy'));
 * ```
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'examples')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the repository root (with examples/) was not found');
    dir = parent;
  }
}

/** The path of an example's register definition. */
export function examplePath(name: string): string {
  return join(repoRoot(), 'examples', name, 'register.yaml');
}

/** Loads `examples/<name>/register.yaml`; throws with every problem if it does not load. */
export function loadExample(name: string, opts: { asSeed?: boolean } = {}): Definition {
  const file = examplePath(name);
  const loaded = loadDefinition(readFileSync(file, 'utf8'), { asSeed: opts.asSeed === true });
  if (!loaded.ok) {
    const lines = loaded.problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`);
    throw new Error(`example ${name} does not load:\n${lines.join('\n')}`);
  }
  return loaded.definition;
}

/** A fact with its whitespace collapsed, as `noticeText` collapses it. */
export function normaliseFact(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The Markdown notice as plain text: markup stripped, whitespace collapsed to single spaces. */
export function noticeText(def: Definition, lang: Language): string {
  return markdownToText(renderNotice(def, { lang, format: 'md' }));
}

/** The HTML notice's visible text: tags stripped, entities decoded, whitespace collapsed. */
export function noticeHtmlText(def: Definition, lang: Language): string {
  return htmlToText(renderNotice(def, { lang, format: 'html' }));
}
