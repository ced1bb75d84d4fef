import { describe, expect, it } from 'vitest';
import { DefinitionSchema } from '../definition/schema';
import { htmlToText, markdownToText } from '../notice/markdown';
import { loadExample } from '../notice/testing';
import { renderRopa } from './render';

describe('renderRopa', () => {
  const def = loadExample('004-jari-mensonen');
  const md = renderRopa(def, { lang: 'fi', format: 'md' });
  const text = markdownToText(md);

  it('R1.6 the record carries items (a) to (g) of art. 30(1) in order, then the data catalogue', () => {
    const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? '');
    expect(headings.slice(0, 8).map((h) => h.slice(0, 3))).toEqual([
      '(a)',
      '(b)',
      '(c)',
      '(d)',
      '(e)',
      '(f)',
      '(g)',
      'Tie',
    ]);
    expect(text).toContain('Jari Mensonen');
    expect(text).toContain('Sähköposti: jari.mensonen@huoneistomyynti.com');
    expect(text).toContain(
      'Asiakasrekisterin ylläpitäminen ja asiakassuhteen hoitaminen: Oikeusperuste: Sopimus (6.1 b)',
    );
    expect(text).toContain('Oikeutetun edun peruste: Oman toiminnan markkinointi asiakkaille');
    expect(text).toContain('Rekisteröityjen ryhmät Asiakkaat');
    expect(text).toContain('hetu: Henkilötunnus');
    expect(text).toContain('Viranomaiset: Laji: Viranomainen');
    expect(text).toContain('Ilmoitus: Henkilötietoja ei siirretä Euroopan Unionin ulkopuolelle');
    expect(text).toContain('10 vuotta asiakassuhteen päättymisestä (Koskee: Henkilön etu- ja sukunimi');
    expect(text).toContain('Järjestelmä on suojattu palomuurilla');
  });

  it('R1.6 the catalogue table has a row per field with category, purposes, basis, sources, retention, erasure, roles and provenance', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    expect(rows[0]).toBe(
      '| Tieto | Tietoryhmä | Käyttötarkoitukset | Oikeusperuste | Lähteet | Säilytysaika | Poistotapa | Lukuoikeus | Rekisteröidyn antama |',
    );
    const fieldCount = def.categories.reduce((n, c) => n + c.fields.length, 0);
    expect(rows.length).toBe(fieldCount + 1);
    const hetu = rows.find((r) => r.includes('(person.hetu)'));
    expect(hetu).toBeDefined();
    const cells = (hetu ?? '').split(' | ');
    expect(cells[1]).toBe('hetu');
    expect(cells[3]).toBe('Sopimus (6.1 b)');
    expect(cells[5]).toBe('10 vuotta asiakassuhteen päättymisestä');
    expect(cells[6]).toBe('Poistetaan');
    expect(cells[7]).toBe('Pääkäyttäjä, Tietosuojavastaava, Asiakaspalvelu');
    const order = rows.find((r) => r.includes('(order.amount)')) ?? '';
    expect(order).toContain('Säilytetään: Tilaukset ovat kirjanpitoaineistoa');
  });

  it('R1.6 the record is rendered in English and as an escaped HTML document', () => {
    const en = markdownToText(renderRopa(def, { lang: 'en', format: 'md' }));
    expect(en).toContain('Record of processing activities: Customer register (Jari Mensonen)');
    expect(en).toContain('(f) Time limits for erasure');
    expect(en).toContain('10 years after the customer relationship ends');
    const html = renderRopa(def, { lang: 'en', format: 'html' });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<th scope="col">Field</th>');
    expect(htmlToText(html)).toContain('Record of processing activities');

    const evil = DefinitionSchema.parse({
      lupaus: 1,
      id: 'x',
      notice: { date: '2024-01-01' },
      controller: { kind: 'company', name: 'A <script>x</script> Oy', businessId: '0245974-7' },
      register: { name: { fi: 'R | <b>', en: 'R' } },
      categories: [
        {
          id: 'c',
          name: { fi: 'Kat | <i>', en: 'Cat' },
          fields: [{ id: 'f', label: { fi: 'Kenttä', en: 'Field' } }],
        },
      ],
    });
    const evilHtml = renderRopa(evil, { lang: 'fi', format: 'html' });
    expect(evilHtml).not.toContain('<script>');
    expect(evilHtml).not.toContain('<i>');
    expect(evilHtml).toContain('<td>Kat | &lt;i&gt;</td>');
    expect(evilHtml).toContain('<td>puuttuu</td>');
  });

  it('R1.6 seed 001: processors and the business card retention appear in the record', () => {
    const ropa = markdownToText(renderRopa(loadExample('001-vitec-katrina'), { lang: 'fi', format: 'md' }));
    expect(ropa).toContain('Ulkoistettu taloushallinto: Laji: Käsittelijä; Palvelu: Taloushallinto');
    expect(ropa).toContain(
      'Tietojen muututtua tarpeettomiksi (käyntikorttirekisteri): kunnes tiedot eivät ole enää tarpeen',
    );
    expect(ropa).toContain('Y-tunnus: 1599535-4');
    expect(ropa).toContain('Salassapitositoumus (versio 2020-01-30)');
  });
});
