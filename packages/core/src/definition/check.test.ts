import { describe, expect, it } from 'vitest';
import { checkDefinition, checkSource, isEuEea } from './check';
import { loadDefinition } from './load';
import { findPlaceholders } from './placeholders';
import type { Problem } from './problem';

/** A minimal definition that carries every item the checks require. Each test below breaks one thing. */
const BASE = `lupaus: 1
id: demo
notice:
  date: 2024-05-01
controller:
  kind: company
  name: Esimerkki Oy
  businessId: 1599535-4
  email: tietosuoja@esimerkki.fi
  address:
    street: Esimerkkikatu 1
    postalCode: '00100'
    city: Helsinki
register:
  name: { fi: Asiakasrekisteri, en: Customer register }
subjects:
  - id: customers
    name: { fi: Asiakkaat, en: Customers }
purposes:
  - id: customer_relationship
    name: { fi: Asiakassuhteen hoitaminen, en: Managing the customer relationship }
    basis: contract
provisionRequirement:
  contractual: true
  text: { fi: Tiedot tarvitaan sopimuksen tekemiseen., en: The data is needed to make the contract. }
categories:
  - id: identity
    name: { fi: Perustiedot, en: Basic data }
    purposes: [customer_relationship]
    sources: [subject]
    retention: after_customer
    fields:
      - id: first_name
        label: { fi: Etunimi, en: First name }
      - id: email
        type: email
        label: { fi: Sähköpostiosoite, en: Email address }
sources:
  - id: subject
    kind: subject
    name: { fi: Rekisteröity itse, en: The data subject }
recipients:
  - id: accounting
    kind: processor
    name: { fi: Tilitoimisto, en: Accounting firm }
    countries: [FI]
transfers:
  statement: { fi: Tietoja ei siirretä EU:n tai ETA:n ulkopuolelle., en: Data is not transferred outside the EU/EEA. }
retention:
  rules:
    - id: after_customer
      kind: after_relationship_end
      period: P3Y
      description: { fi: Kolme vuotta asiakkuuden päättymisestä., en: Three years after the relationship ends. }
security:
  it: { fi: Järjestelmä on suojattu., en: The system is protected. }
cookies:
  used: false
  text: { fi: Emme käytä evästeitä., en: We do not use cookies. }
profiling:
  used: false
  text: { fi: Emme profiloi., en: We do not profile. }
rights:
  access: { text: { fi: Voit tarkastaa tietosi., en: You may access your data. } }
  rectification: { text: { fi: Voit korjata tietosi., en: You may rectify your data. } }
  erasure: { text: { fi: Voit pyytää poistoa., en: You may ask for erasure. } }
  restriction: { text: { fi: Voit pyytää rajoittamista., en: You may ask for restriction. } }
  objection: { text: { fi: Voit vastustaa käsittelyä., en: You may object. } }
  portability: { text: { fi: Voit siirtää tietosi., en: You may port your data. } }
  complaint: { text: { fi: Voit tehdä valituksen., en: You may lodge a complaint. } }
authority:
  name: { fi: Tietosuojavaltuutetun toimisto, en: Office of the Data Protection Ombudsman }
  website: https://tietosuoja.fi
`;

/** Replaces text that must be in the source (so that a stale test fails instead of testing nothing). */
function edit(source: string, ...pairs: [string, string][]): string {
  let out = source;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`the test source does not contain ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

/** 1-based line and column of the n-th occurrence (from 1) of `snippet` in `source`. */
function at(source: string, snippet: string, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = source.indexOf(snippet, index + 1);
    if (index < 0)
      throw new Error(`the test source does not contain ${JSON.stringify(snippet)} ${nth} times`);
  }
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const ROOT = { line: 1, column: 1 };

function only(source: string): Problem {
  const problems = checkSource(source);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

function expectOnly(
  source: string,
  path: (string | number)[],
  message: string,
  where: { line: number; column: number },
) {
  expect(checkSource(source)).toEqual([{ path, message, ...where }]);
}

describe('checkSource', () => {
  it('R1.4 finds no problem in a minimal complete definition', () => {
    expect(checkSource(BASE)).toEqual([]);
  });

  it('R1.4 reports a marketing channel that does not say which contact point it uses', () => {
    const src = `${BASE}marketing:
  channels:
    - id: email
      name: { fi: Sähköposti, en: Email }
      electronic: true
      contact: email
    - id: letters
      name: { fi: Kirjeet, en: Letters }
`;
    expectOnly(
      src,
      ['marketing', 'channels', 1],
      'marketing.channels[1]: marketing channel "letters" does not say which contact point its messages go to; add contact: email, phone or address',
      at(src, 'id: letters'),
    );
  });

  it('R1.4 reports a y-tunnus with a wrong check digit at its line', () => {
    const src = edit(BASE, ['businessId: 1599535-4', 'businessId: 1599535-3']);
    expectOnly(
      src,
      ['controller', 'businessId'],
      'controller.businessId: the check digit of business id 1599535-3 is wrong (expected 1599535-4)',
      at(src, 'businessId:'),
    );
  });

  it('R1.4 reports a y-tunnus of the wrong form', () => {
    const src = edit(BASE, ['businessId: 1599535-4', "businessId: '15995354'"]);
    expectOnly(
      src,
      ['controller', 'businessId'],
      'controller.businessId: "15995354" is not a business id of the form 1234567-8',
      at(src, 'businessId:'),
    );
  });

  it('R1.4 reports a company without a y-tunnus, and lets a sole trader go without one', () => {
    const src = edit(BASE, ['  businessId: 1599535-4\n', '']);
    expectOnly(
      src,
      ['controller', 'businessId'],
      'controller.businessId: the controller Esimerkki Oy is a company (kind: company) but gives no business id (y-tunnus); add it',
      at(src, 'controller:'),
    );
    expect(checkSource(edit(src, ['kind: company', 'kind: sole_trader']))).toEqual([]);
  });

  it('R1.4 reports an unfilled placeholder such as seed 004\'s "(s-postiosoite)" at the string holding it', () => {
    const src = edit(BASE, [
      '    basis: contract\n',
      '    basis: contract\n    description:\n      fi: Voit kieltää julkaisemisen sähköpostitse (s-postiosoite).\n      en: You may prohibit publication by email.\n',
    ]);
    expectOnly(
      src,
      ['purposes', 0, 'description', 'fi'],
      'purposes[0].description.fi: unfilled template placeholder "(s-postiosoite)"; replace it with the real value or remove it',
      at(src, 'fi: Voit kieltää'),
    );
  });

  it('R1.4 reports a placeholder in any string, not only in texts', () => {
    const src = edit(BASE, ['email: tietosuoja@esimerkki.fi', "email: '[sähköpostiosoite]'"]);
    expectOnly(
      src,
      ['controller', 'email'],
      'controller.email: unfilled template placeholder "[sähköpostiosoite]"; replace it with the real value or remove it',
      at(src, "email: '["),
    );
  });

  it('R1.4 is quiet on the parentheses of ordinary prose in the seeds', () => {
    const src = edit(BASE, [
      'en: The data is needed to make the contract.',
      'en: "Sent by email (jani@mvs.fi), via a link (linkki), browser type (esim. Internet Explorer, Chrome), (KIELTO-OIKEUS), (y-tunnus 2327327-1), (Päivitetty 18.11.2019)."',
    ]);
    expect(checkSource(src)).toEqual([]);
  });

  it('R1.4 reports a purpose without a legal basis', () => {
    const src = edit(BASE, ['    basis: contract\n', '']);
    expectOnly(
      src,
      ['purposes', 0, 'basis'],
      'purposes[0].basis: purpose "customer_relationship" has no legal basis (GDPR art. 6(1), art. 13(1)(c)); give one of consent, contract, legal_obligation, vital_interests, public_task, legitimate_interest',
      at(src, 'id: customer_relationship'),
    );
  });

  it('R1.4 reports legitimate interest without the interest named', () => {
    const src = edit(BASE, ['basis: contract', 'basis: legitimate_interest']);
    expectOnly(
      src,
      ['purposes', 0, 'legitimateInterest'],
      'purposes[0].legitimateInterest: purpose "customer_relationship" is based on legitimate interest but does not name the interest (art. 13(1)(d)); describe it in legitimateInterest',
      at(src, 'id: customer_relationship'),
    );
    const named = edit(src, [
      'basis: legitimate_interest\n',
      'basis: legitimate_interest\n    legitimateInterest: { fi: Asiakassuhde, en: The customer relationship }\n',
    ]);
    expect(checkSource(named)).toEqual([]);
  });

  it('R1.4 reports a person-data category without a retention rule', () => {
    const src = edit(BASE, ['    retention: after_customer\n', '']);
    expectOnly(
      src,
      ['categories', 0, 'retention'],
      'categories[0].retention: category "identity" has no retention rule (art. 5(1)(e), art. 13(2)(a)); name one of retention.rules',
      at(src, 'id: identity'),
    );
  });

  it('R1.4 reports a retention rule that counts a period without one', () => {
    const src = edit(
      BASE,
      ['      period: P3Y\n', ''],
      ['kind: after_relationship_end', 'kind: from_creation'],
    );
    expectOnly(
      src,
      ['retention', 'rules', 0, 'period'],
      'retention.rules[0].period: retention rule "after_customer" (from_creation) needs a period, such as P10Y or P6M',
      at(src, 'id: after_customer'),
    );
  });

  it('R1.4 reports until_relationship_ended without saying how the end of the relationship is known', () => {
    const src = edit(
      BASE,
      ['kind: after_relationship_end', 'kind: until_relationship_ended'],
      ['      period: P3Y\n', ''],
    );
    expectOnly(
      src,
      ['retention', 'relationshipEnd'],
      'retention.relationshipEnd: retention rule "after_customer" keeps data until the customer relationship has ended, but the definition does not say how the end is known; add retention.relationshipEnd (kind explicit or last_contact)',
      at(src, 'retention:\n  rules:'),
    );
    const lastContact = edit(src, [
      'retention:\n  rules:',
      'retention:\n  relationshipEnd:\n    kind: last_contact\n  rules:',
    ]);
    expectOnly(
      lastContact,
      ['retention', 'relationshipEnd', 'inactivityPeriod'],
      'retention.relationshipEnd.inactivityPeriod: the customer relationship is judged ended from the last contact, but no inactivity period says after how long; add inactivityPeriod, such as P3Y',
      at(lastContact, 'relationshipEnd:'),
    );
    const complete = edit(lastContact, [
      'kind: last_contact',
      'kind: last_contact\n    inactivityPeriod: P3Y',
    ]);
    expect(checkSource(complete)).toEqual([]);
  });

  it('R1.4 reports a transfer outside the EU/EEA without a safeguard', () => {
    const src = edit(
      BASE,
      ['    countries: [FI]\n', '    countries: [FI, US]\n'],
      [
        'en: Data is not transferred outside the EU/EEA. }\n',
        'en: Data is transferred to the United States. }\n  items:\n    - id: us_cloud\n      countries: [US, NO]\n      recipients: [accounting]\n      description: { fi: Pilvipalvelu Yhdysvalloissa., en: A cloud service in the United States. }\n',
      ],
    );
    expectOnly(
      src,
      ['transfers', 'items', 0, 'safeguard'],
      'transfers.items[0].safeguard: transfer "us_cloud" goes to US, outside the EU/EEA, without a safeguard (art. 44–49); give one of adequacy_decision, standard_contractual_clauses, binding_corporate_rules, explicit_consent, contract_necessity, other_derogation',
      at(src, 'id: us_cloud'),
    );
    const safe = edit(src, [
      '      countries: [US, NO]\n',
      '      countries: [US, NO]\n      safeguard: standard_contractual_clauses\n',
    ]);
    expect(checkSource(safe)).toEqual([]);
  });

  it('R1.4 reports a recipient outside the EU/EEA that no transfer covers', () => {
    const src = edit(BASE, ['    countries: [FI]\n', '    countries: [FI, NO, US]\n']);
    expectOnly(
      src,
      ['recipients', 0, 'countries', 2],
      'recipients[0].countries[2]: recipient "accounting" processes data in US, outside the EU/EEA, but no transfer covers it; add a transfers.items entry naming recipient "accounting" and country US with its safeguard (art. 13(1)(f), 44–49)',
      at(src, 'US]'),
    );
  });

  it('R1.4 keeps an explicit list of the EU and EEA states', () => {
    for (const c of ['FI', 'SE', 'DE', 'IE', 'HR', 'IS', 'LI', 'NO']) expect(isEuEea(c)).toBe(true);
    for (const c of ['US', 'GB', 'CH', 'IN', 'RU']) expect(isEuEea(c)).toBe(false);
  });

  it('R1.4 reports every reference to something a category or field does not define', () => {
    const src = edit(
      BASE,
      ['purposes: [customer_relationship]', 'purposes: [customer_relationship, marketin]'],
      ['sources: [subject]', 'sources: [subjct]'],
      ['retention: after_customer', 'retention: forever'],
      ['    sources: [subjct]\n', '    sources: [subjct]\n    readRoles: [customer_service, sales]\n'],
      [
        '        label: { fi: Etunimi, en: First name }\n',
        '        label: { fi: Etunimi, en: First name }\n        readRoles: [clerk]\n        revealRoles: [administrator, boss]\n',
      ],
    );
    expect(checkSource(src)).toEqual([
      {
        path: ['categories', 0, 'purposes', 1],
        message:
          'categories[0].purposes[1]: category "identity" refers to purpose "marketin", which is not defined in purposes',
        ...at(src, 'marketin'),
      },
      {
        path: ['categories', 0, 'sources', 0],
        message:
          'categories[0].sources[0]: category "identity" refers to source "subjct", which is not defined in sources',
        ...at(src, 'subjct'),
      },
      {
        path: ['categories', 0, 'readRoles', 1],
        message:
          'categories[0].readRoles[1]: category "identity" refers to role "sales", which is not defined in the default roles (no roles are declared)',
        ...at(src, 'sales'),
      },
      {
        path: ['categories', 0, 'retention'],
        message:
          'categories[0].retention: category "identity" refers to retention rule "forever", which is not defined in retention.rules',
        ...at(src, 'retention: forever'),
      },
      {
        path: ['categories', 0, 'fields', 0, 'readRoles', 0],
        message:
          'categories[0].fields[0].readRoles[0]: field "first_name" of category "identity" refers to role "clerk", which is not defined in the default roles (no roles are declared)',
        ...at(src, 'clerk'),
      },
      {
        path: ['categories', 0, 'fields', 0, 'revealRoles', 1],
        message:
          'categories[0].fields[0].revealRoles[1]: field "first_name" of category "identity" refers to role "boss", which is not defined in the default roles (no roles are declared)',
        ...at(src, 'boss'),
      },
    ]);
  });

  it('R1.4 checks roles against the declared roles when a definition declares its own', () => {
    const src = edit(
      BASE,
      ['    sources: [subject]\n', '    sources: [subject]\n    readRoles: [clerk, customer_service]\n'],
      ['authority:', 'roles:\n  - id: clerk\n    name: { fi: Virkailija, en: Clerk }\nauthority:'],
    );
    expectOnly(
      src,
      ['categories', 0, 'readRoles', 1],
      'categories[0].readRoles[1]: category "identity" refers to role "customer_service", which is not defined in roles',
      at(src, 'customer_service]'),
    );
  });

  it('R1.4 reports every reference a disclosure or transfer makes to something not defined', () => {
    const src = edit(
      BASE,
      [
        'transfers:\n',
        'disclosures:\n  - id: to_bank\n    recipient: bank\n    name: { fi: Pankki, en: Bank }\n    purposes: [billing]\n    categories: [identity, invoices]\ntransfers:\n',
      ],
      [
        'en: Data is not transferred outside the EU/EEA. }\n',
        'en: Data is not transferred outside the EU/EEA. }\n  items:\n    - id: backup\n      countries: [SE]\n      recipients: [accounting, backup_co]\n      description: { fi: Varmuuskopio, en: Backup }\n',
      ],
    );
    expect(checkSource(src).map((p) => [p.message, p.line, p.column])).toEqual([
      [
        'disclosures[0].recipient: disclosure "to_bank" refers to recipient "bank", which is not defined in recipients',
        ...Object.values(at(src, 'recipient: bank')),
      ],
      [
        'disclosures[0].purposes[0]: disclosure "to_bank" refers to purpose "billing", which is not defined in purposes',
        ...Object.values(at(src, 'billing')),
      ],
      [
        'disclosures[0].categories[1]: disclosure "to_bank" refers to category "invoices", which is not defined in categories',
        ...Object.values(at(src, 'invoices')),
      ],
      [
        'transfers.items[0].recipients[1]: transfer "backup" refers to recipient "backup_co", which is not defined in recipients',
        ...Object.values(at(src, 'backup_co')),
      ],
    ]);
  });

  it('R1.4 reports duplicate ids within a list, and a field declared twice for one holder', () => {
    const src = edit(
      BASE,
      [
        'provisionRequirement:',
        '  - id: customer_relationship\n    name: { fi: Toinen, en: Another }\n    basis: contract\nprovisionRequirement:',
      ],
      [
        'sources:\n',
        '  - id: more\n    name: { fi: Lisää, en: More }\n    retention: after_customer\n    fields:\n      - id: email\n        type: email\n        label: { fi: Sähköposti, en: Email }\nsources:\n',
      ],
    );
    expect(checkSource(src)).toEqual([
      {
        path: ['purposes', 1, 'id'],
        message:
          'purposes[1].id: duplicate purpose id "customer_relationship" (already used by purposes[0]); ids must be unique',
        ...at(src, 'id: customer_relationship', 2),
      },
      {
        path: ['categories', 1, 'fields', 0, 'id'],
        message:
          'categories[1].fields[0].id: duplicate field id "email": a person field of that id is already declared at categories[0].fields[1]; a field is declared once per holder',
        ...at(src, 'id: email', 2),
      },
    ]);
  });

  it('R1.4 reports a core field declared with another type', () => {
    const src = edit(BASE, ['        type: email\n', '        type: text\n']);
    expectOnly(
      src,
      ['categories', 0, 'fields', 1, 'type'],
      'categories[0].fields[1].type: email is a core person field of type email, but it is declared as text; declare it with type email or choose another id',
      at(src, 'type: text'),
    );
  });

  it('R1.4 reports a core field left to the default type', () => {
    const src = edit(BASE, ['        type: email\n', '']);
    const p = only(src);
    expect(p.message).toBe(
      'categories[0].fields[1].type: email is a core person field of type email, but it is declared as text; declare it with type email or choose another id',
    );
    expect({ line: p.line, column: p.column }).toEqual(at(src, 'id: email'));
  });

  it('R1.4 reports a keep erasure strategy without a reason, for a category and for a field', () => {
    const src = edit(
      BASE,
      ['    retention: after_customer\n', '    retention: after_customer\n    erasure: { strategy: keep }\n'],
      ['        type: email\n', '        type: email\n        erasure:\n          strategy: keep\n'],
    );
    expect(checkSource(src)).toEqual([
      {
        path: ['categories', 0, 'erasure', 'reason'],
        message:
          'categories[0].erasure.reason: category "identity" is kept on erasure (strategy keep) without a reason; give the legal reason (art. 17(3)), such as Kirjanpitolaki 2:10',
        ...at(src, 'erasure: { strategy'),
      },
      {
        path: ['categories', 0, 'fields', 1, 'erasure', 'reason'],
        message:
          'categories[0].fields[1].erasure.reason: field "email" of category "identity" is kept on erasure (strategy keep) without a reason; give the legal reason (art. 17(3)), such as Kirjanpitolaki 2:10',
        ...at(src, 'erasure:\n          strategy'),
      },
    ]);
    const reasoned = edit(
      src,
      [
        'erasure: { strategy: keep }',
        'erasure: { strategy: keep, reason: { fi: Kirjanpitolaki 2:10, en: Accounting Act 2:10 } }',
      ],
      [
        '          strategy: keep\n',
        '          strategy: keep\n          reason: { fi: Kirjanpitolaki 2:10, en: Accounting Act 2:10 }\n',
      ],
    );
    expect(checkSource(reasoned)).toEqual([]);
  });

  /** BASE with records: an invoice, a debt collection case and a loyalty level, each inserted before `sources:`. */
  const INVOICES = `  - id: invoices
    name: { fi: Laskut, en: Invoices }
    holder: invoice
    purposes: [customer_relationship]
    sources: [subject]
    retention: accounting
    dateField: issued_on
    fields:
      - id: number
        label: { fi: Laskun numero, en: Invoice number }
      - id: issued_on
        type: date
        label: { fi: Laskun päivämäärä, en: Invoice date }
      - id: due_on
        type: date
        label: { fi: Eräpäivä, en: Due date }
      - id: amount
        type: money
        label: { fi: Summa, en: Amount }
      - id: state
        type: enum
        label: { fi: Tila, en: State }
        options:
          - { value: open, label: { fi: Avoin, en: Open } }
          - { value: paid, label: { fi: Maksettu, en: Paid } }
          - { value: credited, label: { fi: Hyvitetty, en: Credited } }
`;
  const COLLECTION = `  - id: collection
    name: { fi: Perintä, en: Debt collection }
    holder: collection
    purposes: [customer_relationship]
    sources: [subject]
    retention: accounting
    fields:
      - id: state
        type: enum
        label: { fi: Tila, en: State }
        options:
          - { value: open, label: { fi: Avoin, en: Open } }
          - { value: closed, label: { fi: Päättynyt, en: Closed } }
`;
  const LOYALTY = `  - id: loyalty
    name: { fi: Kanta-asiakkuus, en: Loyalty }
    holder: loyalty
    purposes: [customer_relationship]
    sources: [subject]
    retention: after_customer
    fields:
      - id: level
        label: { fi: Taso, en: Level }
      - id: valid_from
        type: date
        label: { fi: Voimassa alkaen, en: Valid from }
`;
  const ACCOUNTING = `    - id: accounting
      kind: after_fiscal_year_end
      period: P6Y
      description: { fi: Kuusi vuotta., en: Six years. }
      legalReason: { fi: Kirjanpitolaki (1336/1997) 2 luku 10 §, en: Accounting Act (1336/1997) 2:10 }
`;
  const RECORDS = edit(
    BASE,
    ['sources:\n  - id: subject', `${INVOICES}${COLLECTION}${LOYALTY}sources:\n  - id: subject`],
    ['security:\n', `${ACCOUNTING}security:\n`],
  );

  it('R1.4 finds no problem in invoices, debt collection and loyalty declared with their core fields', () => {
    expect(checkSource(RECORDS)).toEqual([]);
  });

  it('R1.4 reports a dateField on a category that does not hold records', () => {
    const src = edit(RECORDS, [
      '    retention: after_customer\n',
      '    retention: after_customer\n    dateField: email\n',
    ]);
    expectOnly(
      src,
      ['categories', 0, 'dateField'],
      'categories[0].dateField: category "identity" is held by person, but only records (order, invoice, collection, interaction, loyalty) are dated by a field; remove dateField',
      at(src, 'dateField: email'),
    );
  });

  it('R1.4 reports a dateField that names no field of its category, or a field of another category', () => {
    const src = edit(RECORDS, ['dateField: issued_on', 'dateField: valid_from']);
    expectOnly(
      src,
      ['categories', 1, 'dateField'],
      'categories[1].dateField: category "invoices" is dated by field "valid_from", which is not one of its fields; name a date or datetime field of the category',
      at(src, 'dateField: valid_from'),
    );
  });

  it('R1.4 reports a dateField whose field is not of type date or datetime', () => {
    const src = edit(RECORDS, ['dateField: issued_on', 'dateField: number']);
    expectOnly(
      src,
      ['categories', 1, 'dateField'],
      'categories[1].dateField: category "invoices" is dated by field "number" of type text; the field that dates a record must be of type date or datetime',
      at(src, 'dateField: number'),
    );
    const dated = edit(
      RECORDS,
      [LOYALTY, `${LOYALTY}    dateField: valid_from\n`],
      [
        'sources:\n  - id: subject',
        '  - id: calls\n    name: { fi: Puhelut, en: Calls }\n    holder: interaction\n    purposes: [customer_relationship]\n    sources: [subject]\n    retention: after_customer\n    dateField: called_at\n    fields:\n      - id: called_at\n        type: datetime\n        label: { fi: Puhelun aika, en: Time of the call }\nsources:\n  - id: subject',
      ],
    );
    expect(checkSource(dated)).toEqual([]);
  });

  it('R1.4 reports a core enum field (invoice state) with values missing or not known, whatever the labels', () => {
    const src = edit(RECORDS, [
      '          - { value: credited, label: { fi: Hyvitetty, en: Credited } }\n',
      '          - { value: disputed, label: { fi: Riitautettu, en: Disputed } }\n',
    ]);
    expectOnly(
      src,
      ['categories', 1, 'fields', 4, 'options'],
      'categories[1].fields[4].options: state is a core invoice field whose values the system acts on: its options must be exactly open, paid, credited (the labels are free); missing credited; not known: disputed',
      at(
        src,
        'options:\n          - { value: open, label: { fi: Avoin, en: Open } }\n          - { value: paid',
      ),
    );
    const relabelled = edit(RECORDS, ['{ fi: Maksettu, en: Paid }', '{ fi: Suoritettu, en: Settled }']);
    expect(checkSource(relabelled)).toEqual([]);
  });

  it('R1.4 reports a core enum field (collection state) declared without options at the field', () => {
    const src = edit(RECORDS, [
      '        options:\n          - { value: open, label: { fi: Avoin, en: Open } }\n          - { value: closed, label: { fi: Päättynyt, en: Closed } }\n',
      '',
    ]);
    expectOnly(
      src,
      ['categories', 2, 'fields', 0],
      'categories[2].fields[0]: state is a core collection field whose values the system acts on: its options must be exactly open, closed (the labels are free); missing open, closed',
      at(src, 'id: state', 2),
    );
  });

  it('R1.4 reports invoices without state, due date or amount, debt collection without state and loyalty without level', () => {
    const src = edit(
      RECORDS,
      [
        '      - id: due_on\n        type: date\n        label: { fi: Eräpäivä, en: Due date }\n      - id: amount\n        type: money\n        label: { fi: Summa, en: Amount }\n',
        '',
      ],
      [
        '      - id: state\n        type: enum\n        label: { fi: Tila, en: State }\n        options:\n          - { value: open, label: { fi: Avoin, en: Open } }\n          - { value: paid, label: { fi: Maksettu, en: Paid } }\n          - { value: credited, label: { fi: Hyvitetty, en: Credited } }\n',
        '',
      ],
      [
        '    fields:\n      - id: state\n        type: enum\n        label: { fi: Tila, en: State }\n        options:\n          - { value: open, label: { fi: Avoin, en: Open } }\n          - { value: closed, label: { fi: Päättynyt, en: Closed } }\n',
        '    fields:\n      - id: opened_on\n        type: date\n        label: { fi: Avattu, en: Opened }\n',
      ],
      ['      - id: level\n        label: { fi: Taso, en: Level }\n', ''],
    );
    expect(checkSource(src)).toEqual([
      {
        path: ['categories', 1, 'fields'],
        message:
          'categories[1].fields: category "invoices" holds invoice records, but no invoice category declares state, due_on, amount: an open invoice blocks erasure (R4.4); an open invoice is overdue after its due date; the amount is what is owed; declare them with state (enum), due_on (date), amount (money)',
        ...at(src, 'fields:', 2),
      },
      {
        path: ['categories', 2, 'fields'],
        message:
          'categories[2].fields: category "collection" holds collection records, but no collection category declares state: an open debt collection case blocks erasure (R4.4); declare it with state (enum)',
        ...at(src, 'fields:', 3),
      },
      {
        path: ['categories', 3, 'fields'],
        message:
          'categories[3].fields: category "loyalty" holds loyalty records, but no loyalty category declares level: the level is what the loyalty programme records; declare it with level (text)',
        ...at(src, 'fields:', 4),
      },
    ]);
  });

  it('R1.4 takes a core field of invoices from any invoice category (a field is declared once per holder)', () => {
    const src = edit(
      RECORDS,
      ['      - id: amount\n        type: money\n        label: { fi: Summa, en: Amount }\n', ''],
      [
        COLLECTION,
        `${COLLECTION}  - id: credit_notes\n    name: { fi: Hyvityslaskut, en: Credit notes }\n    holder: invoice\n    purposes: [customer_relationship]\n    sources: [subject]\n    retention: accounting\n    fields:\n      - id: amount\n        type: money\n        label: { fi: Summa, en: Amount }\n`,
      ],
    );
    expect(checkSource(src)).toEqual([]);
  });

  it('R1.4 reports a rule counted after the end of the accounting period without the law that requires it', () => {
    const src = edit(RECORDS, [
      '      legalReason: { fi: Kirjanpitolaki (1336/1997) 2 luku 10 §, en: Accounting Act (1336/1997) 2:10 }\n',
      '',
    ]);
    expectOnly(
      src,
      ['retention', 'rules', 1, 'legalReason'],
      'retention.rules[1].legalReason: retention rule "accounting" keeps data for a period after the end of the accounting period (after_fiscal_year_end) but names no law that requires it; give legalReason, such as Kirjanpitolaki (1336/1997) 2 luku 10 §',
      at(src, 'id: accounting', 2),
    );
  });

  it('R1.4 reports a rule counted after the end of the accounting period without a period', () => {
    const src = edit(RECORDS, ['      period: P6Y\n', '']);
    expectOnly(
      src,
      ['retention', 'rules', 1, 'period'],
      'retention.rules[1].period: retention rule "accounting" (after_fiscal_year_end) needs a period, such as P10Y or P6M',
      at(src, 'id: accounting', 2),
    );
  });

  it('R1.4 reports a period or a review interval on a rule of a kind that does not use it, and allows until_no_longer_needed without reviewEvery', () => {
    const src = edit(
      BASE,
      ['kind: after_relationship_end', 'kind: while_contact_person'],
      ['      period: P3Y\n', '      period: P3Y\n      reviewEvery: P1Y\n'],
    );
    expect(checkSource(src).map((p) => [p.message, p.line])).toEqual([
      [
        'retention.rules[0].period: retention rule "after_customer" (while_contact_person) counts no period, so period P3Y would be ignored; remove it or choose a kind that counts one (after_relationship_end, from_creation, after_fiscal_year_end)',
        at(src, 'period: P3Y').line,
      ],
      [
        'retention.rules[0].reviewEvery: retention rule "after_customer" (while_contact_person) has reviewEvery, which only a rule of kind until_no_longer_needed uses; remove it',
        at(src, 'reviewEvery').line,
      ],
    ]);
    const needed = edit(
      BASE,
      ['kind: after_relationship_end', 'kind: until_no_longer_needed'],
      ['      period: P3Y\n', ''],
    );
    expect(checkSource(needed)).toEqual([]);
    expect(
      checkSource(
        edit(needed, [
          'kind: until_no_longer_needed',
          'kind: until_no_longer_needed\n      reviewEvery: P1Y',
        ]),
      ),
    ).toEqual([]);
  });

  it('R1.4 reports a contact-person rule on records, and allows it on person, contact role and organisation data', () => {
    const src = edit(
      RECORDS,
      ['kind: after_relationship_end', 'kind: while_contact_person'],
      ['      period: P3Y\n', ''],
    );
    expectOnly(
      src,
      ['categories', 3, 'retention'],
      'categories[3].retention: category "loyalty" is held by loyalty, but retention rule "after_customer" (while_contact_person) keeps data only while a person is a contact person, which applies to data held by person, contact_role, organisation; choose another rule',
      at(src, 'retention: after_customer', 2),
    );
  });

  it('R1.4 allows a rule counted from creation on person data', () => {
    const src = edit(BASE, ['kind: after_relationship_end', 'kind: from_creation']);
    expect(checkSource(src)).toEqual([]);
  });

  it('R1.4 reports contact categories of the relationship end that are not defined or do not hold records', () => {
    const src = edit(RECORDS, [
      'retention:\n  rules:',
      'retention:\n  relationshipEnd:\n    kind: last_contact\n    inactivityPeriod: P3Y\n    contactCategories: [invoices, identity, visits]\n  rules:',
    ]);
    expect(checkSource(src)).toEqual([
      {
        path: ['retention', 'relationshipEnd', 'contactCategories', 1],
        message:
          'retention.relationshipEnd.contactCategories[1]: category "identity" is held by person, but only records (order, invoice, collection, interaction, loyalty) count as a service contact; name a category of records',
        ...at(src, 'identity, visits'),
      },
      {
        path: ['retention', 'relationshipEnd', 'contactCategories', 2],
        message:
          'retention.relationshipEnd.contactCategories[2]: retention.relationshipEnd refers to category "visits", which is not defined in categories',
        ...at(src, 'visits]'),
      },
    ]);
  });

  it('R1.4 lets the change log of the notice say that a reference to henkilötietolaki was removed', () => {
    const src = edit(BASE, [
      '  date: 2024-05-01\n',
      '  date: 2024-05-01\n  changes:\n    fi: Poistettu viittaus kumottuun henkilötietolakiin.\n    en: Removed the reference to the repealed Personal Data Act.\n',
    ]);
    expect(checkSource(src)).toEqual([]);
  });

  it('R1.4 reports a text that refers to the repealed henkilötietolaki, and not data protection legislation', () => {
    const src = edit(BASE, [
      'fi: Järjestelmä on suojattu.',
      'fi: Henkilötietoja käsitellään henkilötietolain sallimissa rajoissa ja henkilötietolainsäädännön mukaisesti.',
    ]);
    expectOnly(
      src,
      ['security', 'it', 'fi'],
      'security.it.fi: refers to the repealed Personal Data Act ("henkilötietolain", henkilötietolaki 523/1999, repealed 1.1.2019); refer to the GDPR and the Data Protection Act (tietosuojalaki 1050/2018) instead',
      at(src, 'fi: Henkilötietoja'),
    );
  });

  const RIGHT_LINES: Record<string, string> = {
    access: '  access: { text: { fi: Voit tarkastaa tietosi., en: You may access your data. } }\n',
    rectification:
      '  rectification: { text: { fi: Voit korjata tietosi., en: You may rectify your data. } }\n',
    erasure: '  erasure: { text: { fi: Voit pyytää poistoa., en: You may ask for erasure. } }\n',
    restriction:
      '  restriction: { text: { fi: Voit pyytää rajoittamista., en: You may ask for restriction. } }\n',
    objection: '  objection: { text: { fi: Voit vastustaa käsittelyä., en: You may object. } }\n',
    portability: '  portability: { text: { fi: Voit siirtää tietosi., en: You may port your data. } }\n',
    complaint: '  complaint: { text: { fi: Voit tehdä valituksen., en: You may lodge a complaint. } }\n',
  };

  const MISSING: {
    name: string;
    removes: [string, string][];
    path: (string | number)[];
    message: string;
    where?: string;
  }[] = [
    {
      name: 'the controller contact details (art. 13(1)(a))',
      removes: [
        ['  email: tietosuoja@esimerkki.fi\n', ''],
        ["  address:\n    street: Esimerkkikatu 1\n    postalCode: '00100'\n    city: Helsinki\n", ''],
      ],
      path: ['controller'],
      message:
        "controller: art. 13(1)(a) requires the controller's contact details (email, phone or address); it is missing",
      where: 'controller:',
    },
    {
      name: 'the data subject groups (art. 30(1)(c))',
      removes: [['subjects:\n  - id: customers\n    name: { fi: Asiakkaat, en: Customers }\n', '']],
      path: ['subjects'],
      message: 'subjects: art. 30(1)(c) requires the groups of data subjects (subjects); it is missing',
    },
    {
      name: 'the purposes (art. 13(1)(c))',
      removes: [
        [
          'purposes:\n  - id: customer_relationship\n    name: { fi: Asiakassuhteen hoitaminen, en: Managing the customer relationship }\n    basis: contract\n',
          '',
        ],
        ['    purposes: [customer_relationship]\n', ''],
      ],
      path: ['purposes'],
      message: 'purposes: art. 13(1)(c) requires the purposes of the processing (purposes); it is missing',
    },
    {
      name: 'the provision requirement (art. 13(2)(e))',
      removes: [
        [
          'provisionRequirement:\n  contractual: true\n  text: { fi: Tiedot tarvitaan sopimuksen tekemiseen., en: The data is needed to make the contract. }\n',
          '',
        ],
      ],
      path: ['provisionRequirement'],
      message:
        'provisionRequirement: art. 13(2)(e) requires saying whether providing the data is a statutory or contractual requirement and what follows from not providing it (provisionRequirement); it is missing',
    },
    {
      name: 'the categories of data (art. 14(1)(d))',
      removes: [[BASE.slice(BASE.indexOf('categories:\n'), BASE.indexOf('sources:\n')), '']],
      path: ['categories'],
      message:
        'categories: art. 14(1)(d) requires the categories of personal data (categories); it is missing',
    },
    {
      name: 'the sources (art. 14(2)(f))',
      removes: [
        [
          'sources:\n  - id: subject\n    kind: subject\n    name: { fi: Rekisteröity itse, en: The data subject }\n',
          '',
        ],
        ['    sources: [subject]\n', ''],
      ],
      path: ['sources'],
      message: 'sources: art. 14(2)(f) requires the sources of the personal data (sources); it is missing',
    },
    {
      name: 'the recipients (art. 13(1)(e))',
      removes: [[BASE.slice(BASE.indexOf('recipients:\n'), BASE.indexOf('transfers:\n')), '']],
      path: ['recipients'],
      message:
        'recipients: art. 13(1)(e) requires the recipients or categories of recipients (recipients); it is missing',
    },
    {
      name: 'the transfers statement (art. 13(1)(f))',
      removes: [[BASE.slice(BASE.indexOf('transfers:\n'), BASE.indexOf('retention:\n')), '']],
      path: ['transfers'],
      message:
        'transfers: art. 13(1)(f) requires a statement on transfers outside the EU/EEA (transfers.statement); it is missing',
    },
    {
      name: 'the security measures (art. 30(1)(g))',
      removes: [[BASE.slice(BASE.indexOf('security:\n'), BASE.indexOf('cookies:\n')), '']],
      path: ['security'],
      message:
        'security: art. 30(1)(g) requires a description of the security measures (security.manual or security.it); it is missing',
    },
    {
      name: 'the cookies statement (laki sähköisen viestinnän palveluista, Traficom)',
      removes: [[BASE.slice(BASE.indexOf('cookies:\n'), BASE.indexOf('profiling:\n')), '']],
      path: ['cookies'],
      message:
        'cookies: the notice must say whether cookies are used (laki sähköisen viestinnän palveluista 917/2014, 205 §, supervised by Traficom); add cookies with used and text',
    },
    {
      name: 'the profiling and automated decisions statement (art. 13(2)(f))',
      removes: [[BASE.slice(BASE.indexOf('profiling:\n'), BASE.indexOf('rights:\n')), '']],
      path: ['profiling'],
      message:
        'profiling: art. 13(2)(f) requires a statement on profiling and automated decisions, even that there are none (profiling); it is missing',
    },
    {
      name: 'the supervisory authority (art. 13(2)(d))',
      removes: [[BASE.slice(BASE.indexOf('authority:\n')), '']],
      path: ['authority'],
      message:
        'authority: art. 13(2)(d) requires naming the supervisory authority (Tietosuojavaltuutetun toimisto) to which complaints are made (authority); it is missing',
    },
    ...(
      [
        ['access', '13(2)(b)', 'the right of access (art. 15)'],
        ['rectification', '13(2)(b)', 'the right to rectification (art. 16)'],
        ['erasure', '13(2)(b)', 'the right to erasure (art. 17)'],
        ['restriction', '13(2)(b)', 'the right to restriction of processing (art. 18)'],
        ['objection', '13(2)(b)', 'the right to object (art. 21)'],
        ['portability', '13(2)(b)', 'the right to data portability (art. 20)'],
        ['complaint', '13(2)(d)', 'the right to lodge a complaint with a supervisory authority (art. 77)'],
      ] as const
    ).map(([right, article, what]) => ({
      name: `the right ${right} (art. ${article})`,
      removes: [[RIGHT_LINES[right]!, ''] as [string, string]],
      path: ['rights', right],
      message: `rights.${right}: art. ${article} requires informing of ${what}; it is missing`,
      where: 'rights:',
    })),
  ];

  for (const item of MISSING) {
    it(`R1.4 reports a missing ${item.name} as its own problem`, () => {
      const src = edit(BASE, ...item.removes);
      expectOnly(src, item.path, item.message, item.where ? at(src, item.where) : ROOT);
    });
  }

  it('R1.4 reports missing retention (art. 13(2)(a)) along with the categories it leaves without a rule', () => {
    const src = edit(
      BASE,
      [BASE.slice(BASE.indexOf('retention:\n  rules:'), BASE.indexOf('security:\n')), ''],
      ['    retention: after_customer\n', ''],
    );
    expect(checkSource(src)).toEqual([
      {
        path: ['retention'],
        message:
          'retention: art. 13(2)(a) requires the retention period or the criteria used to determine it, as rules (retention.rules); it is missing',
        ...ROOT,
      },
      {
        path: ['categories', 0, 'retention'],
        message:
          'categories[0].retention: category "identity" has no retention rule (art. 5(1)(e), art. 13(2)(a)); name one of retention.rules',
        ...at(src, 'id: identity'),
      },
    ]);
  });

  it('R1.4 does not take a retention statement without rules for a retention period (art. 13(2)(a))', () => {
    const src = edit(
      BASE,
      [
        BASE.slice(BASE.indexOf('retention:\n  rules:'), BASE.indexOf('security:\n')),
        'retention:\n  statement: { fi: Tiedot hävitetään pyynnöstä., en: Data is destroyed on request. }\n',
      ],
      ['    retention: after_customer\n', ''],
    );
    const problems = checkSource(src);
    expect(problems.map((p) => p.path.join('.'))).toEqual(['categories.0.retention', 'retention']);
    expect(problems[1]).toMatchObject({
      message:
        'retention: art. 13(2)(a) requires the retention period or the criteria used to determine it, as rules (retention.rules); it is missing',
      ...at(src, 'retention:\n  statement'),
    });
  });

  it('R1.4 requires the right to withdraw consent when a purpose is based on consent (art. 13(2)(c))', () => {
    const src = edit(BASE, ['basis: contract', 'basis: consent']);
    expectOnly(
      src,
      ['rights', 'withdraw_consent'],
      'rights.withdraw_consent: art. 13(2)(c) requires informing of the right to withdraw consent (art. 7(3)), as purpose "customer_relationship" is based on consent; it is missing',
      at(src, 'rights:'),
    );
    const given = edit(src, [
      'rights:\n',
      'rights:\n  withdraw_consent: { text: { fi: Voit perua suostumuksen., en: You may withdraw consent. } }\n',
    ]);
    expect(checkSource(given)).toEqual([]);
  });

  it('R1.4 requires the contact details of an appointed data protection officer (art. 13(1)(b))', () => {
    const src = edit(BASE, ['register:\n', 'dpo:\n  name: Maija Meikäläinen\nregister:\n']);
    expectOnly(
      src,
      ['dpo'],
      "dpo: art. 13(1)(b) requires the data protection officer's contact details (email, phone or address); it is missing",
      at(src, 'dpo:'),
    );
    expect(
      checkSource(
        edit(src, ['  name: Maija Meikäläinen\n', '  name: Maija Meikäläinen\n  appointed: false\n']),
      ),
    ).toEqual([]);
    expect(
      checkSource(
        edit(src, ['  name: Maija Meikäläinen\n', '  name: Maija Meikäläinen\n  email: dpo@esimerkki.fi\n']),
      ),
    ).toEqual([]);
  });

  it('R1.4 reports every problem of a file at once, sorted by line', () => {
    const src = edit(
      BASE,
      ['businessId: 1599535-4', 'businessId: 1599535-3'],
      ['    basis: contract\n', ''],
      ['    retention: after_customer\n', ''],
      ['cookies:\n  used: false\n  text: { fi: Emme käytä evästeitä., en: We do not use cookies. }\n', ''],
      [RIGHT_LINES.portability!, ''],
    );
    const problems = checkSource(src);
    expect(problems.map((p) => p.path.join('.'))).toEqual([
      'cookies',
      'controller.businessId',
      'purposes.0.basis',
      'categories.0.retention',
      'rights.portability',
    ]);
    const lines = problems.map((p) => p.line!);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(problems[0]).toMatchObject(ROOT);
  });

  it('R1.4 returns the load problems of a definition that does not load, with their lines', () => {
    const src = edit(BASE, ['  date: 2024-05-01\n', '  date: 1.5.2024\n']);
    expect(checkSource(src)).toEqual([
      { path: ['notice', 'date'], message: 'notice.date: a date is written YYYY-MM-DD', ...at(src, 'date:') },
    ]);
  });
});

describe('checkDefinition', () => {
  it('R1.4 is pure: problems carry the path into the definition and no line', () => {
    const loaded = loadDefinition(edit(BASE, ['businessId: 1599535-4', 'businessId: 1599535-3']));
    if (!loaded.ok) throw new Error('the base definition should load');
    expect(checkDefinition(loaded.definition)).toEqual([
      {
        path: ['controller', 'businessId'],
        message:
          'controller.businessId: the check digit of business id 1599535-3 is wrong (expected 1599535-4)',
      },
    ]);
  });
});

describe('findPlaceholders', () => {
  it.each([
    ['sähköpostitse (s-postiosoite) tai', ['(s-postiosoite)']],
    ['Rekisterinpitäjä: [Yrityksen nimi], [Y-tunnus]', ['[Yrityksen nimi]', '[Y-tunnus]']],
    ['Contact <email> or (phone number)', ['<email>', '(phone number)']],
    ['Osoite: (nimi/osoite)', ['(nimi/osoite)']],
    ['Päivitetty (pvm)', ['(pvm)']],
    ['Hei {{ name }}!', ['{{ name }}']],
    ['Säilytysaika: [...]', ['[...]']],
    ['TODO: kirjoita tämä', ['TODO']],
    ['Puhelin XXX XXXX', ['XXX', 'XXXX']],
    ['Lorem ipsum dolor sit amet', ['Lorem ipsum']],
    ['Laatimispäivä pp.kk.vvvv', ['pp.kk.vvvv']],
    ['Allekirjoitus: ______', ['______']],
  ])('R1.4 finds the placeholder in %j', (text, expected) => {
    expect(findPlaceholders(text)).toEqual(expected);
  });

  it.each([
    'kirjaudutaan sähköisen kutsun kautta (linkki), evästeiden kautta',
    'käytetty selaintyyppi (esim. Internet Explorer, Chrome), verkko-osoite',
    'ilmoittamalla siitä sähköpostitse (jani@mvs.fi) tai',
    'Vastuu Group Oy (y-tunnus 2327327-1)',
    '11 REKISTERÖIDYN OIKEUS VASTUSTAA (KIELTO-OIKEUS)',
    'Tarkastusoikeus (tarkastusoikeus) ja (käyntikorttirekisteri)',
    '<p>Rekisterin käyttötarkoitus</p> <ul><li>- Nimi</li></ul> <b>Evästeet</b>',
    'Lue [tietosuojaseloste](https://example.fi/tietosuoja) ja **tärkeää**',
    'Maksuton (XXL-koko), Tax-ID EXAMPLE',
  ])('R1.4 is quiet on ordinary prose: %j', (text) => {
    expect(findPlaceholders(text)).toEqual([]);
  });
});
