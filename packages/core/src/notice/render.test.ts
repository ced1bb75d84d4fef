import { describe, expect, it } from 'vitest';
import { type Definition, type DefinitionInput, DefinitionSchema } from '../definition/schema';
import { countryName, formatDate, formatDuration } from './format';
import { markdownToHtml } from './markdown';
import { renderNotice } from './render';
import { noticeHtmlText, noticeText } from './testing';

const base: DefinitionInput = {
  lupaus: 1,
  id: 'test',
  notice: { date: '2024-03-05' },
  controller: { kind: 'company', name: 'Testi Oy', businessId: '0245974-7', email: 'info@testi.fi' },
  register: { name: { fi: 'Asiakasrekisteri', en: 'Customer register' } },
  purposes: [
    {
      id: 'service',
      name: { fi: 'Palvelu', en: 'Service' },
      basis: 'legitimate_interest',
      legitimateInterest: { fi: 'Asiakassuhde', en: 'Customer relationship' },
    },
  ],
};

function def(extra: Partial<DefinitionInput> = {}): Definition {
  return DefinitionSchema.parse({ ...base, ...extra });
}

describe('renderNotice', () => {
  it('R1.2 escapes every text of the definition in HTML: no raw HTML reaches the output', () => {
    const d = def({
      register: {
        name: { fi: 'Rekisteri <script>alert(1)</script>', en: 'Register <img src=x onerror=alert(1)>' },
        description: { fi: 'A & B "lainaus" <b>lihava</b>', en: 'x' },
      },
    });
    const html = renderNotice(d, { lang: 'fi', format: 'html' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('Rekisteri &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A &amp; B &quot;lainaus&quot; &lt;b&gt;lihava&lt;/b&gt;');
    const en = renderNotice(d, { lang: 'en', format: 'html' });
    expect(en).not.toContain('<img');
    expect(en).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // The visible text still reads as written.
    expect(noticeHtmlText(d, 'fi')).toContain('Rekisteri <script>alert(1)</script>');
  });

  it('R1.2 the HTML notice is a complete accessible document without scripts', () => {
    const html = renderNotice(def(), { lang: 'en', format: 'html' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Privacy notice: Customer register</title>');
    expect(html).toContain('<h1>Privacy notice: Customer register</h1>');
    expect(html).toContain('<h2>1. Controller</h2>');
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('R1.2 converts the Markdown subset of texts: paragraphs, lists and bold', () => {
    const d = def({
      register: {
        name: { fi: 'Rekisteri', en: 'Register' },
        description: { fi: 'Eka **tärkeä** kappale.\n\nToinen kappale:\n- yksi\n- kaksi', en: 'x' },
      },
    });
    const html = renderNotice(d, { lang: 'fi', format: 'html' });
    expect(html).toContain('<p>Eka <strong>tärkeä</strong> kappale.</p>');
    expect(html).toContain('<p>Toinen kappale:</p>\n<ul>\n<li>yksi</li>\n<li>kaksi</li>\n</ul>');
    const md = renderNotice(d, { lang: 'fi', format: 'md' });
    expect(md).toContain('Eka **tärkeä** kappale.\n\nToinen kappale:\n- yksi\n- kaksi');
  });

  it("R1.2 shows the date and version in the reader's format", () => {
    const d = def();
    const fi = renderNotice(d, {
      lang: 'fi',
      format: 'md',
      version: { number: 3, publishedAt: '2024-04-01' },
    });
    expect(fi).toContain('Laatimispäivä 5.3.2024 · Versio 3 (julkaistu 1.4.2024)');
    const en = renderNotice(d, { lang: 'en', format: 'md', version: { number: 3 } });
    expect(en).toContain('Date 5 March 2024 · Version 3');
    const sv = renderNotice(d, { lang: 'sv', format: 'md' });
    expect(sv).toContain('Datum 5.3.2024');
    expect(sv).toContain('# Dataskyddsbeskrivning: Customer register');
    expect(renderNotice(d, { lang: 'fi', format: 'md' })).not.toContain('Versio');
  });

  it('R1.2 names the legal basis in words with its point of art. 6(1) and the legitimate interest', () => {
    const text = noticeText(def(), 'fi');
    expect(text).toContain(
      'Käsittely perustuu rekisterinpitäjän oikeutettuun etuun (tietosuoja-asetuksen 6 artiklan 1 kohdan f alakohta).',
    );
    expect(text).toContain('Oikeutetun edun peruste: Asiakassuhde');
    const missing = def({ purposes: [{ id: 'x', name: { fi: 'X', en: 'X' } }] });
    expect(noticeText(missing, 'en')).toContain('Legal basis: No legal basis has been given.');
  });

  it('R1.2 omits a section only when the definition has nothing for it, and numbers the rest in order', () => {
    const md = renderNotice(def(), { lang: 'fi', format: 'md' });
    const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      '1. Rekisterinpitäjä',
      '2. Rekisterin nimi',
      '3. Henkilötietojen käsittelyn tarkoitus ja oikeusperuste',
    ]);
    const withCookies = renderNotice(
      def({ cookies: { used: false, text: { fi: 'Ei evästeitä.', en: 'No cookies.' } } }),
      {
        lang: 'fi',
        format: 'md',
      },
    );
    expect(withCookies).toContain('## 4. Evästeet\n\nEi evästeitä.');
  });

  it('R1.2 describes processors, transfers with country names and safeguards, and retention periods in words', () => {
    const d = def({
      categories: [
        {
          id: 'contact',
          name: { fi: 'Yhteystiedot', en: 'Contact details' },
          retention: 'r1',
          fields: [{ id: 'email', label: { fi: 'Sähköposti', en: 'Email' }, type: 'email' }],
        },
      ],
      recipients: [
        {
          id: 'crm_cloud',
          kind: 'processor',
          name: { fi: 'Pilvipalvelu Inc.', en: 'Cloud Inc.' },
          service: { fi: 'Palvelinpalvelu', en: 'Hosting' },
          countries: ['US', 'SE'],
        },
        { id: 'staff', kind: 'internal', name: { fi: 'Henkilöstö', en: 'Staff' } },
      ],
      transfers: {
        statement: {
          fi: 'Tietoja siirretään Yhdysvaltoihin.',
          en: 'Data is transferred to the United States.',
        },
        items: [
          {
            id: 'us',
            countries: ['US'],
            recipients: ['crm_cloud'],
            description: { fi: 'Palvelimet Yhdysvalloissa.', en: 'Servers in the United States.' },
            safeguard: 'standard_contractual_clauses',
            copyAvailable: { fi: 'Pyydä osoitteesta info@testi.fi.', en: 'Ask info@testi.fi.' },
          },
        ],
      },
      retention: {
        rules: [
          {
            id: 'r1',
            kind: 'after_relationship_end',
            period: 'P2Y6M',
            description: { fi: 'Säännö', en: 'Rule' },
          },
        ],
      },
    });
    const fi = noticeText(d, 'fi');
    expect(fi).toContain(
      'Henkilötietojen käsittelijät Pilvipalvelu Inc.: Palvelu: Palvelinpalvelu. Käsittelymaat: Yhdysvallat ja Ruotsi.',
    );
    expect(fi).toContain('Maat: Yhdysvallat');
    expect(fi).toContain(
      'Suojatoimi: Euroopan komission hyväksymät vakiosopimuslausekkeet (tietosuoja-asetuksen 46 artikla)',
    );
    expect(fi).toContain('Jäljennös suojatoimista: Pyydä osoitteesta info@testi.fi.');
    expect(fi).toContain(
      'Säilytysaika: 2 vuotta ja 6 kuukautta asiakassuhteen päättymisestä. Koskee: Yhteystiedot.',
    );
    expect(fi).toContain('Vastaanottajat ja vastaanottajaryhmät Henkilöstö');
    const en = noticeText(d, 'en');
    expect(en).toContain('Countries of processing: United States and Sweden.');
    expect(en).toContain('Retention period: 2 years and 6 months after the customer relationship ends.');
  });

  it('R1.2 lists the rights in a fixed order with their localized names, then the rights contact', () => {
    const d = def({
      rights: {
        complaint: { text: { fi: 'Valita.', en: 'Complain.' } },
        access: { text: { fi: 'Tarkasta.', en: 'Check.' } },
        portability: { text: { fi: 'Siirrä.', en: 'Port.' } },
      },
      rightsContact: { fi: 'Ota yhteyttä.', en: 'Contact us.' },
    });
    const en = noticeText(d, 'en');
    const order = [
      'Right of access to personal data Check.',
      'Right to data portability Port.',
      'Right to lodge a complaint with a supervisory authority Complain.',
      'How to use your rights Contact us.',
    ];
    const positions = order.map((s) => en.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('R1.2 renders the supervisory authority with its addresses and the notice changes', () => {
    const d = def({
      authority: {
        name: { fi: 'Tietosuojavaltuutetun toimisto', en: 'Office of the Data Protection Ombudsman' },
        address: { street: 'Lintulahdenkuja 4', postalCode: '00530', city: 'Helsinki' },
        postal: { poBox: 'PL 800', postalCode: '00531', city: 'Helsinki' },
        phone: '029 566 6700',
        email: 'tietosuoja@om.fi',
        website: 'https://tietosuoja.fi',
      },
      notice: { date: '2024-03-05', changes: { fi: 'Lisätty evästeet.', en: 'Cookies added.' } },
    });
    const fi = noticeText(d, 'fi');
    expect(fi).toContain('Käyntiosoite: Lintulahdenkuja 4, 00530 Helsinki');
    expect(fi).toContain('Postiosoite: PL 800, 00531 Helsinki');
    expect(fi).toContain('Puhelin: 029 566 6700');
    expect(fi).toContain('Muutokset Lisätty evästeet.');
  });
});

describe('formatting', () => {
  it('R1.2 dates, durations and countries in words', () => {
    expect(formatDate('2020-01-30', 'fi')).toBe('30.1.2020');
    expect(formatDate('2020-01-30', 'sv')).toBe('30.1.2020');
    expect(formatDate('2020-01-30', 'en')).toBe('30 January 2020');
    expect(formatDuration('P10Y', 'fi')).toBe('10 vuotta');
    expect(formatDuration('P1Y', 'en')).toBe('1 year');
    expect(formatDuration('P10Y', 'en')).toBe('10 years');
    expect(formatDuration('P7M', 'sv')).toBe('7 månader');
    expect(formatDuration('P1Y2M3D', 'fi')).toBe('1 vuosi, 2 kuukautta ja 3 päivää');
    expect(countryName('US', 'fi')).toBe('Yhdysvallat');
    expect(countryName('US', 'en')).toBe('United States');
  });

  it('R1.2 the Markdown converter escapes before it formats', () => {
    expect(markdownToHtml('**<i>x</i>**')).toBe('<p><strong>&lt;i&gt;x&lt;/i&gt;</strong></p>');
    expect(markdownToHtml('# T & <u>\n\ntext')).toBe('<h1>T &amp; &lt;u&gt;</h1>\n<p>text</p>');
    expect(markdownToHtml('| a | b |\n| --- | --- |\n| 1 \\| 2 | <x> |')).toContain(
      '<tr><td>1 | 2</td><td>&lt;x&gt;</td></tr>',
    );
  });
});
