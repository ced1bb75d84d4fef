import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countryName, type Definition, htmlToText, type Language, SAFEGUARD_NAMES, t } from '@lupaus/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { DEFINITION_FILE, EXAMPLES_DIR } from '../register/open-register';
import { openTestRegister, TEST_ADMIN } from '../testing';
import { createAccessReport } from './create-access-report';

/**
 * R6.6: the access report (art. 15(1)(c), 15(2)) names every processor with its service and countries and every
 * transfer outside the EU/EEA with its countries, recipients, safeguard and how to get a copy, taken from the
 * register definition.
 */
function facts(def: Definition, lang: Language): string[] {
  const out: string[] = [];
  for (const r of def.recipients.filter((x) => x.kind === 'processor')) {
    out.push(t(r.name, lang));
    if (r.service) out.push(t(r.service, lang));
    for (const c of r.countries) out.push(countryName(c, lang));
  }
  for (const tr of def.transfers?.items ?? []) {
    out.push(t(tr.description, lang));
    for (const c of tr.countries) out.push(countryName(c, lang));
    for (const id of tr.recipients) out.push(t(def.recipients.find((r) => r.id === id)!.name, lang));
    out.push(SAFEGUARD_NAMES[tr.safeguard!][lang]);
    if (tr.safeguardText) out.push(t(tr.safeguardText, lang));
    out.push(t(tr.copyAvailable!, lang));
  }
  return out.map((s) => s.replace(/\s+/g, ' ').trim());
}

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function reportText(r: Register, lang: Language): Promise<{ text: string; json: unknown }> {
  const p = await createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Virtanen' },
  });
  const html = (
    await createAccessReport(r, TEST_ADMIN, { personId: p.id, format: 'html', lang })
  ).body.toString();
  const json = JSON.parse(
    (await createAccessReport(r, TEST_ADMIN, { personId: p.id, format: 'json' })).body.toString(),
  ) as unknown;
  return { text: htmlToText(html).replace(/\s+/g, ' '), json };
}

describe('processors and transfers in the access report (R6.6)', () => {
  for (const seed of ['002-vastuu-group', '003-auntie']) {
    it(`R6.6 ${seed}: the access report (fi, en and JSON) shows every processor and every transfer with its safeguard and copy`, async () => {
      reg = await openTestRegister(seed);
      const def = reg.definition;
      expect(def.recipients.some((r) => r.kind === 'processor')).toBe(true);
      expect(def.transfers?.items.length).toBeGreaterThan(0);
      for (const lang of ['fi', 'en'] as const) {
        const { text, json } = await reportText(reg, lang);
        for (const fact of facts(def, lang)) expect(text, `${lang}: ${fact}`).toContain(fact);
        const processing = (
          json as { processing: { recipients: unknown[]; transfers: { items: unknown[] } } }
        ).processing;
        for (const r of def.recipients.filter((x) => x.kind === 'processor')) {
          expect(processing.recipients).toContainEqual(
            expect.objectContaining({ id: r.id, kind: 'processor', countries: r.countries }),
          );
        }
        for (const tr of def.transfers!.items) {
          expect(processing.transfers.items).toContainEqual(
            expect.objectContaining({
              id: tr.id,
              countries: tr.countries,
              safeguard: tr.safeguard,
              copyAvailable: tr.copyAvailable,
            }),
          );
        }
      }
    });
  }

  it('R6.6 003-auntie: a changed definition (processor countries, transfer country and copy) changes the access report', async () => {
    const source = readFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), 'utf8');
    const changed = source
      .replace('countries: [FI, US]', 'countries: [FI, IN]')
      .replace(
        /countries: \[US\]\n(\s+)recipients: \[service_providers\]/,
        'countries: [IN]\n$1recipients: [service_providers]',
      )
      .replace(
        'A copy of the standard contractual clauses is available on request from info@auntie.fi.',
        'Ask tietosuoja-muutettu@example.fi for a copy.',
      );
    expect(changed).not.toBe(source);
    reg = await openTestRegister('003-auntie', { definitionSource: changed });
    const { text } = await reportText(reg, 'en');
    for (const fact of facts(reg.definition, 'en')) expect(text).toContain(fact);
    expect(text).toContain('India');
    expect(text).toContain('Ask tietosuoja-muutettu@example.fi for a copy.');
    expect(text).not.toContain('available on request from info@auntie.fi');
    // The statement and description are free texts that still say the United States; the facts say India.
    expect(text).toContain('Countries: Finland and India');
    expect(text).not.toContain('Countries: Finland and United States');
    expect(text).not.toContain('Countries: United States');
  });
});
