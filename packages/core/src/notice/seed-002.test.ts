import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../definition/check';
import { loadExample, normaliseFact, noticeText } from './testing';

/**
 * Seed 002 (Vastuu Group Oy, customer and marketing communication register): every fact of the seed, in the
 * seed's own Finnish words, must appear in the notice rendered from `examples/002-vastuu-group/register.yaml`.
 */
const EXAMPLE = '002-vastuu-group';

/** Every fact of seed 002, verbatim, in the order of the seed's sections. */
const FACTS: Record<string, string[]> = {
  'title and date': ['Vastuu Group Oy:n asiakas- ja markkinointiviestintärekisteri', '18.11.2019'],
  '§1 controller and DPO': [
    'Vastuu Group Oy',
    '2327327-1',
    'Tarvonsalmenkatu 17 B',
    '02600 Espoo',
    'Tietosuojavastaava',
    'tietosuoja@vastuugroup.fi',
  ],
  '§2 data subjects': [
    'Rekisteröidyt ovat rekisterinpitäjän asiakkaiden ja potentiaalisten asiakkaiden yhteyshenkilöitä, rekisterinpitäjän palveluiden ja verkkosivujen käyttäjiä.',
    'Asiakkaat ovat yrityksiä, elinkeinonharjoittajia tai kuluttajia.',
  ],
  '§3 purposes and bases': [
    'Henkilötietojen käsittelyn oikeusperusteena on rekisterinpitäjän oikeutettu etu tai rekisterinpitäjän kanssa tehdyn sopimuksen täytäntöönpano.',
    'Käytämme henkilötietoja palveluidemme markkinoinnissa ja myynnissä, asiakassuhteen hallinnassa, laskutusta ja asiakastuen tarjoamista varten, käyttöoikeuksien valvontaa ja palvelujen kehittämistä varten.',
    'Henkilötietojen käsittely pitää sisällään myös henkilötietojen käsittelyä ja analysoimista markkinoinnin tai palveluiden kohdentamista varten.',
    'Saatamme esimerkiksi näyttää verkkosivuillamme ja kanavissamme kohdennettuja viestejä tai sisältöjä perustuen aikaisempaan kiinnostukseesi.',
    'Keräämme sinua koskevia henkilötietoja pääasiassa sinulta itseltäsi yhteydenottojen ja palveluidemme käytön yhteydessä.',
    'Keräämme asiakkaita ja asiakkaiden yhteyshenkilöitä koskevia tietoja myös julkisista lähteistä tai rekistereistä.',
    'Keräämme webanalytiikka-palveluiden avulla verkkosivustomme kävijätietoa, jotta voisimme analysoida ja kehittää sivustoamme ja kohdentaa sivustomme kävijöille relevanttia markkinointia ja asiakasviestintää.',
  ],
  '§4 data content': [
    'nimi, sähköpostiosoite, puhelin, tehtävänimike',
    'yrityksen/yhteisön nimi ja yhteystiedot',
    'postituslistojen tilaustiedot',
    'suoramarkkinointia ja asiakasviestintää koskevat kiellot',
    'verkkosivulla käyttäjän avaamat sivut ja pyytämät esitteet',
    'tieto kirjautumisesta rekisterinpitäjän tarjoamiin verkkopalveluihin',
    'tieto sähköpostitse lähetetystä asiakas- tai suoramarkkinointiviestistä ja onko viesti avattu',
    'käyttäjäprofiili',
    'rekisteröidyn kanssa käytyä viestintää koskevat tiedot, kuten viestien sisällöt ja lähetysajat',
    'asiakaspalveluun lähetetyt viestit ja siihen liittyvän tiketin käsittelytiedot',
    'verkkosivulla käydyt chat-keskustelut asiakaspalvelun kanssa',
    // The seed writes "soitetujen", a typo corrected with !completed; the rest of the item is verbatim.
    'asiakaspalvelun palvelunumeroon',
    'puheluiden tallenteet',
    'asiakaspalvelun käytöstä antamasi palaute',
    'muita rekisterin tarkoitukseen liittyviä tietoja',
    // The seed writes "vierailut sivut", a typo corrected with !completed; the rest of the item is verbatim.
    'rekisteröityyn yhdistettävissä oleva, palvelun käyttämisen yhteydessä tapahtuvasta verkkosivujen käytöstä kerättävä tieto, kuten esimerkiksi käyttäjän IP-osoite, käynnin kellonaika,',
    'käytetty selaintyyppi, verkko-osoite, josta käyttäjä on tullut verkkosivulle sekä palvelin, jolta käyttäjä on tullut verkkosivulle.',
    'Keräämme ja käsittelemme markkinointi- ja asiakasrekisterissä pääasiassa asiakkaidemme ja potentiaalisten asiakkaidemme vastuu- ja yhteyshenkilöiden henkilötietoja.',
  ],
  '§4 sources': [
    'Tyypillisesti saamme asiakkaamme yhteyshenkilöiltä suoraan seuraavia tietoja:',
    'Asiakasyrityksen nimi, yhteyshenkilön etu- ja sukunimi, työ sähköpostiosoite, puhelinnumero',
    'Tiedot yhteyshenkilön sähköisen suoramarkkinoinnin ja asiakasviestinnän luvista ja/tai kielloista',
    'Yhteyshenkilön itsensä antamat luokittelutiedot (esimerkiksi kiinnostuksen kohteet)',
    'Yhteydenottolomakkeiden kautta syötetyt tiedot',
    'Asiakaspalautetiedot, yhteydenottoviestit ja suostumukset',
    'Palveluiden ja verkkosivujen käytön yhteydessä käsittelemme esimerkiksi seuraavia käyttäjää koskevia henkilötietoja:',
    'IP-osoitetieto tai muu tunnistetieto',
    'Tilaus-, laskutus- ja toimitustiedot',
    'Evästeiden kautta kerättävät tiedot',
    'Rekisterinpitäjän verkkopalveluiden käytöstä kerättävät tiedot',
    'Asiakaspalvelukanavien käytöstä kerättävät tiedot',
    'Muista lähteistä saamme erityisesti seuraavia käyttäjää koskevia tietoja:',
    'Sosiaalisten medioiden, kuten LinkedInin, Facebookin ja Twitterin käyttöön liittyvät tiedot kuten tykkäykset verkkosivuillamme',
  ],
  '§5 disclosures': [
    'Voimme käyttää henkilötietojen käsittelyssä alihankkijoita.',
    'Voimme luovuttaa yhteystietoja suoramarkkinointitarkoituksiin yhteistyökumppaneillemme voimassaolevan lainsäädännön sallimissa rajoissa.',
    'Voimme luovuttaa rekisterin tietoja viranomaisille toimivaltaisen viranomaisen antaman velvoittavan määräyksen perusteella tai silloin kun katsomme viranomaisen tietopyynnön olevan perusteltu palveluidemme käyttöön liittyvän väärinkäytösepäilyn selvittämiseksi.',
  ],
  '§6 transfers': [
    'Henkilötietoja ei pääsääntöisesti luovuteta Euroopan Unionin eikä Euroopan talousalueen ulkopuolelle, ellei se ole tietojenkäsittelyn teknisen toteuttamisen vuoksi tarpeellista esimerkiksi silloin kun rekisteröity lähettää tai vastaanottaa viestejä sähköpostitse tai muuten internetiä hyödyntävän välityspalvelun kautta.',
    'Voimme käyttää asiakas- ja markkinointiviestinnässä sekä asiakaspalvelun tiketinhallinnassa kolmansien osapuolien tarjoamia tietojärjestelmiä ja pilvipalveluita, joissa henkilötietojen käsittely voi tapahtua osittain Euroopan talousalueen ulkopuolella.',
    'Siltä osin kuin alihankkijamme suorittavat tietojenkäsittelyä Euroopan talousalueen ulkopuolella, varmistamme, että henkilötietojen siirto Euroopan talousalueen ulkopuolelle tapahtuu kulloinkin voimassaolevan lainsäädännön edellyttämällä tavalla.',
  ],
  '§7 retention': [
    // The seed writes "niin kauan kuin kuin", a doubled word corrected with !completed.
    'Asiakas- ja markkinointiviestintärekisterissä olevia henkilötietoja säilytetään niin kauan kuin',
    'tarvitsemme niitä yllä mainittuihin käyttötarkoituksiin.',
    'Seuraaville tiedoille on määritellyt säilytysajat:',
    'asiakaspalvelun chat-keskustelujen tallenteet: 3 kuukautta',
    'asiakaspalvelun puhelinkeskustelujen tallenteet: 7 kuukautta',
    'asiakassuhteen hoitoon liittyvät asiakkaan yhteyshenkilön tiedot: niin kauan kuin rekisteröity on kyseisen asiakkaan yhteyshenkilö tai niin kauan kuin säilytämme asiakkaan käyttämän palvelun historiatietoja',
  ],
  '§8 rights': [
    'Rekisteröitynä sinulla on oikeus tarkastaa itseäsi koskevat henkilötiedot',
    'vaatia virheellisen tiedon oikaisua tai poistamista.',
    'Lainsäädännön sallimissa rajoissa voimme kuitenkin rajata oikeuttasi tutustua sellaiseen tietoon, joka sisältää muiden henkilöiden henkilötietoja, meidän tai asiakkaamme liikesalaisuuden piiriin kuuluvaan tietoa tai palvelun turvaominaisuuksiin liittyvää tietoa.',
    'Sinulla on oikeus pyytää tietojesi poistamista tietosuojasetuksessa määritellyissä tilanteissa jos:',
    'peruutat antamasi suostumuksen, eikä käsittelylle ole muuta hyväksyttävää perustetta kuin antamasi suostumus',
    'vastustat tietojesi käsittelyä, eikä käsittelyn jatkamiselle ole hyväksyttävää perustetta',
    'tietojen käsittely on lainvastaista',
    'olet alaikäinen ja henkilötietosi on kerätty tietoyhteiskuntapalvelun tarjoamisen yhteydessä.',
    'Tietosuojasetuksessa määritellyissä tilanteissa sinulla on oikeus vastustaa tietojesi käsittelyä',
    'pyytää tietojesi käsittelyn rajoittamista.',
    'Jos pidät henkilötietojesi käsittelyä lainvastaisena, voit tehdä valituksen henkilötietojen käsittelystä toimivaltaiselle viranomaiselle.',
  ],
  '§9 security': [
    'Asiakas- ja markkinointiviestintärekisterin käyttöoikeus on rajattu vain nimetyille henkilöille, joilla on työtehtävissään tarve käsitellä henkilötietoja.',
    'Jokaisella käyttäjällä on oma käyttäjätunnus ja salasana.',
    'Henkilötietoja tallennetaan pääasiassa Euroopan talousalueella sijaitseviin tietokantoihin ja tietojärjestelmiin, joissa on käytössä asianmukaiset tekniset ja organisatoriset keinot suojata henkilötiedot väärinkäyttöä ja paljastumista vastaan.',
  ],
  '§10 contact': [
    'Jos sinulla on kysymyksiä tähän tietosuojaselosteeseen liittyen tai haluat käyttää sinulle kuuluvia oikeuksia, ota yhteyttä rekisterinpitäjän tietosuojavastaavaan käyttäen yllä olevaa sähköposti- tai postiosoitetta.',
  ],
  '§11 changes': [
    'Rekisterinpitäjä voi muuttaa tätä tietosuojaselostetta määräajoin ilman erillistä ilmoitusta ja tapahtuneista muutoksista ilmoitetaan tietosuojaselosteen alussa "viimeinen päivitys" ilmoituksella.',
  ],
};

describe('seed 002: Vastuu Group Oy', () => {
  const def = loadExample(EXAMPLE);
  const fi = noticeText(def, 'fi');

  for (const [section, facts] of Object.entries(FACTS)) {
    it(`R1.3 seed 002: the Finnish notice carries every fact of ${section}`, () => {
      const missing = facts.filter((fact) => !fi.includes(normaliseFact(fact)));
      expect(missing).toEqual([]);
    });
  }

  it('R1.3 seed 002: the retention periods and the contact-person rule are stored as rules, not only as text', () => {
    const rules = new Map((def.retention?.rules ?? []).map((r) => [r.id, r]));
    const ruleOf = (category: string) => {
      const id = def.categories.find((c) => c.id === category)?.retention;
      return id ? rules.get(id) : undefined;
    };
    expect(ruleOf('chats')).toMatchObject({ kind: 'from_creation', period: 'P3M' });
    expect(ruleOf('call_recordings')).toMatchObject({ kind: 'from_creation', period: 'P7M' });
    expect(ruleOf('contact_details')?.kind).toBe('while_contact_person');
    expect(ruleOf('contact_role')?.kind).toBe('while_contact_person');
    expect(ruleOf('web_visits')?.kind).toBe('until_no_longer_needed');
    const holders = new Map(def.categories.map((c) => [c.id, c.holder]));
    expect(holders.get('call_recordings')).toBe('interaction');
    expect(
      def.categories.find((c) => c.id === 'call_recordings')?.fields.some((f) => f.type === 'file'),
    ).toBe(true);
  });

  it('R1.3 seed 002: the English notice names the controller, business id, purposes and retention', () => {
    const en = noticeText(def, 'en');
    const expected = [
      'Vastuu Group Oy',
      '2327327-1',
      "Vastuu Group Oy's customer and marketing communication register",
      ...def.purposes.map((p) => p.name.en),
      ...(def.retention?.rules ?? []).map((r) => r.description.en),
    ];
    expect(def.purposes.length).toBeGreaterThanOrEqual(8);
    expect(expected.filter((fact) => !en.includes(normaliseFact(fact)))).toEqual([]);
    expect(en).toContain('recordings of customer service chat conversations: 3 months');
    expect(en).toContain('recordings of customer service phone calls: 7 months');
    // No Finnish-only prose leaks into the English notice.
    expect(en).not.toContain('Voimme luovuttaa');
  });

  it('R1.3 seed 002: the seed form still loads, with the seed typos and without what Lupaus added', () => {
    const seed = loadExample(EXAMPLE, { asSeed: true });
    const seedFi = noticeText(seed, 'fi');
    expect(seedFi).toContain(normaliseFact('säilytetään niin kauan kuin kuin tarvitsemme'));
    expect(seedFi).toContain('soitetujen puheluiden tallenteet');
    expect(seed.authority).toBeUndefined();
    expect(seed.cookies).toBeUndefined();
    expect(seed.provisionRequirement).toBeUndefined();
    expect(seed.rights.portability).toBeUndefined();
    expect(seed.transfers?.items[0]?.safeguard).toBeUndefined();
    expect(fi).not.toContain('kuin kuin');
  });

  it('R1.4 seed 002: the completed definition passes the checks; the seed form shows each gap', () => {
    expect(checkDefinition(def).map((p) => p.message)).toEqual([]);
    const gaps = checkDefinition(loadExample(EXAMPLE, { asSeed: true })).map((p) => p.message);
    const expectedGaps = [
      /^provisionRequirement: /,
      /^cookies: /,
      /^authority: /,
      /^rights\.portability: /,
      /^transfers\.items\[0\]\.safeguard: .*outside the EU\/EEA/,
      /^purposes\[0\]\.legitimateInterest: /,
    ];
    for (const gap of expectedGaps) expect(gaps.some((m) => gap.test(m))).toBe(true);
    // Both business ids of the seed are valid, so the seed form has no business-id problem.
    expect(gaps.some((m) => m.startsWith('controller.businessId'))).toBe(false);
  });
});
