import { describe, expect, it } from 'vitest';
import type { Definition } from '../definition/schema';
import { type Language, t } from '../definition/text';
import { countryName } from '../notice/format';
import { SAFEGUARD_NAMES } from '../notice/labels';
import { htmlToText, markdownToText } from '../notice/markdown';
import { renderNotice } from '../notice/render';
import { loadExample, normaliseFact } from '../notice/testing';
import { renderRopa } from './render';

/**
 * R6.6: every processor (with its service and countries) and every transfer outside the EU/EEA (with its
 * countries, recipients, safeguard and how to get a copy) shows in the notice and in the art. 30 record, taken
 * from the definition.
 */
function processorTransferFacts(def: Definition, lang: Language): string[] {
  const facts: string[] = [];
  for (const r of def.recipients.filter((x) => x.kind === 'processor')) {
    facts.push(t(r.name, lang));
    if (r.service) facts.push(t(r.service, lang));
    for (const c of r.countries) facts.push(countryName(c, lang));
  }
  for (const tr of def.transfers?.items ?? []) {
    facts.push(t(tr.description, lang));
    for (const c of tr.countries) facts.push(countryName(c, lang));
    for (const id of tr.recipients) facts.push(t(def.recipients.find((r) => r.id === id)!.name, lang));
    expect(tr.safeguard, `${tr.id} has a safeguard`).toBeDefined();
    facts.push(SAFEGUARD_NAMES[tr.safeguard!][lang]);
    if (tr.safeguardText) facts.push(t(tr.safeguardText, lang));
    expect(tr.copyAvailable, `${tr.id} says how to get a copy`).toBeDefined();
    facts.push(t(tr.copyAvailable!, lang));
  }
  return facts.map(normaliseFact);
}

const documents = {
  notice: (def: Definition, lang: Language) => markdownToText(renderNotice(def, { lang, format: 'md' })),
  'notice (HTML)': (def: Definition, lang: Language) =>
    htmlToText(renderNotice(def, { lang, format: 'html' })),
  'art. 30 record': (def: Definition, lang: Language) =>
    markdownToText(renderRopa(def, { lang, format: 'md' })),
  'art. 30 record (HTML)': (def: Definition, lang: Language) =>
    htmlToText(renderRopa(def, { lang, format: 'html' })),
};

/** The definition with its first processor and first transfer changed. */
function changed(def: Definition): Definition {
  const d = structuredClone(def);
  const p = d.recipients.find((r) => r.kind === 'processor')!;
  p.name = { fi: 'Pilvi Oy (muutettu)', en: 'Cloud Ltd (changed)' };
  p.service = { fi: 'varmuuskopiointi muutettu', en: 'backups changed' };
  p.countries = ['IN'];
  const tr = d.transfers!.items[0]!;
  tr.countries = ['IN'];
  tr.recipients = [p.id];
  tr.safeguard = 'binding_corporate_rules';
  tr.copyAvailable = { fi: 'Jäljennös: muutettu@example.fi', en: 'Copy: changed@example.fi' };
  return d;
}

describe('processors and transfers in the notice and the art. 30 record (R6.6)', () => {
  for (const seed of ['002-vastuu-group', '003-auntie']) {
    const def = loadExample(seed);

    it(`R6.6 ${seed}: the definition declares processors and a transfer outside the EU/EEA`, () => {
      expect(def.recipients.filter((r) => r.kind === 'processor').length).toBeGreaterThan(0);
      expect(def.transfers?.items.length).toBeGreaterThan(0);
      expect(def.transfers!.items.flatMap((x) => x.countries)).toContain('US');
    });

    for (const [name, render] of Object.entries(documents)) {
      for (const lang of ['fi', 'en'] as const) {
        it(`R6.6 ${seed}: the ${name} (${lang}) shows every processor with its service and countries, every transfer with its safeguard and copy`, () => {
          const text = normaliseFact(render(def, lang));
          for (const fact of processorTransferFacts(def, lang)) expect(text).toContain(fact);
        });
      }
      it(`R6.6 ${seed}: the ${name} follows a change of the definition`, () => {
        const d = changed(def);
        const text = normaliseFact(render(d, 'en'));
        for (const fact of processorTransferFacts(d, 'en')) expect(text).toContain(fact);
        expect(text).toContain('Cloud Ltd (changed)');
        expect(text).toContain('backups changed');
        expect(text).toContain('India');
        expect(text).toContain('Copy: changed@example.fi');
        expect(text).toContain(SAFEGUARD_NAMES.binding_corporate_rules.en);
        expect(text).not.toContain(t(def.transfers!.items[0]!.copyAvailable!, 'en'));
      });
    }
  }
});
