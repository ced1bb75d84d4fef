import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreField, RECORD_HOLDERS } from '../catalogue/core-fields';
import { checkSource } from './check';
import { loadDefinition } from './load';
import type { Problem } from './problem';

/**
 * The four seed notices as definitions (R1.3), checked (R1.4): each completed definition has no problem, and
 * read as the seed was (`!added` values removed, `!completed` values back to the seed's) it shows every gap the
 * seed really has. The lists come from reading the four seed notices themselves, not the examples.
 */
const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples');

/** A gap: the joined path of the problem (exact, or a pattern) and a stable part of its message. */
interface Gap {
  why: string;
  path: string | RegExp;
  message: string | RegExp;
}

const MISSING_SUBJECTS: Gap = {
  why: 'no data subject groups',
  path: 'subjects',
  message: 'art. 30(1)(c) requires the groups of data subjects',
};
const MISSING_PROVISION: Gap = {
  why: 'no word on whether providing the data is a statutory or contractual requirement',
  path: 'provisionRequirement',
  message: 'art. 13(2)(e) requires',
};
const MISSING_PROFILING: Gap = {
  why: 'no statement on profiling and automated decisions',
  path: 'profiling',
  message: 'art. 13(2)(f) requires a statement on profiling',
};
const MISSING_COOKIES: Gap = {
  why: 'no cookies statement',
  path: 'cookies',
  message: 'whether cookies are used (laki sähköisen viestinnän palveluista',
};
const MISSING_AUTHORITY: Gap = {
  why: 'the supervisory authority is not named',
  path: 'authority',
  message: 'art. 13(2)(d) requires naming the supervisory authority',
};
const missingRight = (right: string, article: string, why: string): Gap => ({
  why,
  path: `rights.${right}`,
  message: `art. ${article} requires informing of the right`,
});

const SEEDS: { name: string; gaps: Gap[] }[] = [
  {
    // Vitec Katrina Oy: a template of labelled fields, several left empty.
    name: '001-vitec-katrina',
    gaps: [
      {
        why: 'the controller is named with its y-tunnus only: no address, phone or email of its own',
        path: 'controller',
        message: "art. 13(1)(a) requires the controller's contact details",
      },
      MISSING_SUBJECTS,
      // The heading asks "Onko tietojen antaminen lakisääteinen tai sopimukseen perustuva vaatimus" but the text
      // never answers it.
      MISSING_PROVISION,
      // "Automaattinen käsittely ja profilointi" is left empty.
      MISSING_PROFILING,
    ],
  },
  {
    // Vastuu Group Oy: numbered sections 1–11.
    name: '002-vastuu-group',
    gaps: [
      MISSING_PROVISION,
      // §4 collects data through cookies ("Evästeiden kautta kerättävät tiedot") but no section says how.
      MISSING_COOKIES,
      // §3: "Henkilötietojen käsittelyn oikeusperusteena on rekisterinpitäjän oikeutettu etu": the interest itself
      // is never named.
      {
        why: 'legitimate interest without the interest named',
        path: /^purposes\.\d+\.legitimateInterest$/,
        message: 'is based on legitimate interest but does not name the interest',
      },
      // §6: processing outside the EEA "kulloinkin voimassaolevan lainsäädännön edellyttämällä tavalla": no
      // safeguard named.
      {
        why: 'a transfer outside the EU/EEA without a safeguard',
        path: /^transfers\.items\.\d+\.safeguard$/,
        message: 'outside the EU/EEA, without a safeguard',
      },
      // §8 covers access, rectification, erasure, objection, restriction and complaint; not portability.
      missingRight('portability', '13(2)(b)', '§8 does not mention data portability'),
      // §8: "toimivaltaiselle viranomaiselle", never named.
      MISSING_AUTHORITY,
    ],
  },
  {
    // Auntie Solutions Oy: numbered sections 1–13.
    name: '003-auntie',
    gaps: [
      // The register is of "asiakkaat", but no section names the groups of data subjects.
      MISSING_SUBJECTS,
      MISSING_PROVISION,
      // §5 collects browser data from web use, but there is no cookies statement.
      MISSING_COOKIES,
      // §12.4: "toimivaltaiselle valvontaviranomaiselle", never named.
      MISSING_AUTHORITY,
      // §4: "asiakassuhde, asiakkaan suostumus, asiakkaan antama toimeksianto tai muu asiallinen yhteys" (the
      // wording of the repealed henkilötietolaki 8 §): no purpose is tied to a GDPR basis with its interest named.
      {
        why: 'purposes without a legal basis or a named legitimate interest',
        path: /^purposes\.\d+\.(basis|legitimateInterest)$/,
        message: /has no legal basis|is based on legitimate interest but does not name the interest/,
      },
      // §8: "muun muassa Yhdysvaltoihin tietosuojalainsäädännön mukaisesti" names no safeguard.
      {
        why: 'a transfer to the United States without a safeguard',
        path: /^transfers\.items\.\d+\.safeguard$/,
        message: 'goes to US, outside the EU/EEA, without a safeguard',
      },
      // §6: the end of the relationship is judged from the last service contact, with no period given.
      {
        why: 'the relationship ends after an inactivity period the seed does not give',
        path: 'retention.relationshipEnd.inactivityPeriod',
        message: 'judged ended from the last contact, but no inactivity period',
      },
    ],
  },
  {
    // Jari Mensonen, sole trader: a partly unfilled template.
    name: '004-jari-mensonen',
    gaps: [
      MISSING_SUBJECTS,
      // "Henkilötietojen käsittelyn tarkoitus" names purposes, never a legal basis.
      {
        why: 'purposes without a legal basis',
        path: /^purposes\.\d+\.basis$/,
        message: 'has no legal basis',
      },
      MISSING_PROVISION,
      // There is no retention section at all.
      {
        why: 'no retention period',
        path: 'retention',
        message: 'art. 13(2)(a) requires the retention period',
      },
      {
        why: 'categories without a retention rule',
        path: /^categories\.\d+\.retention$/,
        message: 'has no retention rule',
      },
      // "Evästeet" is an empty field.
      MISSING_COOKIES,
      MISSING_PROFILING,
      missingRight('restriction', '13(2)(b)', 'no right to restriction'),
      missingRight('objection', '13(2)(b)', 'only a marketing prohibition, no general right to object'),
      missingRight('portability', '13(2)(b)', 'no right to data portability'),
      missingRight('complaint', '13(2)(d)', 'no right to lodge a complaint'),
      MISSING_AUTHORITY,
      {
        why: 'the unfilled placeholder "(s-postiosoite)"',
        path: /\.fi$/,
        message: 'unfilled template placeholder "(s-postiosoite)"',
      },
      {
        why: 'processing "henkilötietolain sallimissa ja edellyttämässä rajoissa"',
        path: /\.fi$/,
        message: 'refers to the repealed Personal Data Act ("henkilötietolain"',
      },
    ],
  },
];

function matches(p: Problem, gap: Gap): boolean {
  const path = p.path.join('.');
  const pathOk = typeof gap.path === 'string' ? path === gap.path : gap.path.test(path);
  const messageOk =
    typeof gap.message === 'string' ? p.message.includes(gap.message) : gap.message.test(p.message);
  return pathOk && messageOk;
}

function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `  ${p.line}:${p.column} ${p.message}`).join('\n');
}

for (const seed of SEEDS) {
  const file = resolve(EXAMPLES, seed.name, 'register.yaml');
  describe(`examples/${seed.name}`, () => {
    const source = readFileSync(file, 'utf8');

    it('R1.4 the completed definition has no problem', () => {
      const problems = checkSource(source);
      expect(problems, describeProblems(problems)).toEqual([]);
    });

    it('R5.1 every category of records with a date or datetime field names the field that dates a record', () => {
      const loaded = loadDefinition(source);
      if (!loaded.ok) throw new Error('the example should load');
      const undated = loaded.definition.categories
        .filter((c) => (RECORD_HOLDERS as readonly string[]).includes(c.holder))
        .filter((c) => c.dateField === undefined)
        .filter((c) => c.fields.some((f) => (coreField(c.holder, f.id)?.type ?? f.type).startsWith('date')))
        .map((c) => c.id);
      expect(undated).toEqual([]);
    });

    it('R1.4 read as the seed, it loads (the marks remove only what the seed lacked)', () => {
      const loaded = loadDefinition(source, { asSeed: true });
      expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    });

    for (const gap of seed.gaps) {
      it(`R1.4 read as the seed, it reports ${gap.why}`, () => {
        const problems = checkSource(source, { asSeed: true });
        const found = problems.filter((p) => matches(p, gap));
        expect(
          found.length,
          `no problem at ${gap.path} with "${gap.message}" among:\n${describeProblems(problems)}`,
        ).toBeGreaterThan(0);
        for (const p of found) expect(p.line).toBeGreaterThanOrEqual(1);
      });
    }
  });
}
