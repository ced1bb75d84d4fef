import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../definition/check';
import { loadExample, normaliseFact, noticeText } from './testing';

/**
 * Seed 003 (Auntie Solutions Oy, customer register with the richest data content and profiling): every fact of
 * the seed, in the seed's own Finnish words, must appear in the notice rendered from
 * `examples/003-auntie/register.yaml`.
 */
const EXAMPLE = '003-auntie';

/**
 * Every fact of seed 003, verbatim, in the order of the seed's sections. Where the seed refers to "tämän
 * tietosuojaselosteen kohdan 13 mukaisesti", the definition names the section instead (the rendered notice
 * numbers its sections itself), so those sentences are asserted up to the reference.
 */
const FACTS: Record<string, string[]> = {
  'title and date': ['AUNTIE SOLUTIONS OY:N ASIAKASREKISTERIN TIETOSUOJASELOSTE', '1.6.2017'],
  '§1 controller': ['Auntie', '2734094-5', 'Ensi Linja 1', '00100 Helsinki'],
  '§2 contact person': ['Tietosuojavastaava', 'Oliver Lindqvist', 'oliver@auntie.fi'],
  '§3 register name': ['Auntien asiakasrekisteri'],
  '§4 purposes and bases': [
    'Henkilötietojen käsittelyn ensisijaisena perusteena on Auntien asiakkaan ja Auntien välinen asiakassuhde, asiakkaan suostumus, asiakkaan antama toimeksianto tai muu asiallinen yhteys.',
    'Asiakassuhteen, asiakaspalvelun ja niihin liittyvän viestinnän hoitaminen, toteuttaminen, kehittäminen ja seuranta.',
    'Asiakassuhteiden analysointi, ryhmittely ja raportointi, kanta-asiakasohjelman toteuttaminen sekä muut kokonaisasiakkuuden ja Auntien liiketoiminnan kehittämiseen liittyvät tarkoitukset.',
    'Asiakaspalautteen ja asiakkaan tyytyväisyystietojen kerääminen ja käsittely.',
    'Markkinatutkimusten ja mielipidekyselyiden toteuttaminen.',
    'Tieteellisen vaikuttavuustutkimuksen toteuttaminen.',
    'Asiakaspalvelukeskuksen puheluiden nauhoittaminen palvelutapahtumien todentamiseksi, oikeusturvan ja turvallisuuden varmistamiseksi sekä asiakaspalveluhenkilöstön koulutukseen ja asiakaspalvelun laadun kehittämiseksi.',
    // "kohdassa 10" names the section instead (see above).
    'Tämän tietosuojaselosteen kohdassa',
    'tarkemmin kuvatut profiloititarkoitukset.',
    'Käsittelytehtäviä voidaan ulkoistaa ulkopuolisille palveluntarjoajille tietosuojalainsäädännön mukaisesti ja sen asettamissa rajoissa.',
  ],
  '§5 data content': [
    'Nimi, kutsumanimi, henkilötunnus, asiakasnumero, sukupuoli, kieli, osoite, puhelinnumero, sähköpostiosoite ja muut tarpeelliset yhteystiedot.',
    'Lähiomainen, asumistiedot, talouden koko',
    'Palvelujen käyttö- ja ostotiedot',
    'kulloinkin voimassa olevan kanta-asiakkuuden etuohjelman taso ja voimassaoloaika',
    'markkinoinnin ja viestinnän toteutustiedot eri asiointikanavissa',
    'kuten verkkopalveluissa ja automaattipalvelut',
    'asiakaspalvelukeskuksen puheluiden taltiointi',
    'Rekisteröidyn itse tuottama sisältö kuten asiakaspalaute sekä hänen itsestään antamat lisätiedot kuten asiakkuuteen liittyvät toiveet, tyytyväisyystiedot, kiinnostuksen kohteet, harrastustiedot tai muut vastaavat tiedot.',
    'Rekisteröidyn toivomia ja käyttämiä palveluita maksutietoineen.',
    'Tietoa henkilöistä, jotka ovat asioineet rekisteröidyn kanssa',
    'Ammattihenkilöitä, palveluita, toimintayksiköitä ja muita seikkoja koskevia muita toivomuksia tai muistiinpanoja.',
    'Kieltoja, rajoituksia, suostumuksia ja muita valintoja',
    'Muita asiakkuuteen liittyviä tietoja',
    // The seed writes "vierailut sivut", a typo corrected with !completed; the rest of the item is verbatim.
    'kuten esimerkiksi asiakkaaseen yhdistettävissä oleva verkkosivujen käytöstä kerättävä tieto, kuten esimerkiksi käyttäjän IP-osoite, käynnin kellonaika,',
    'käytetty selaintyyppi (esim. Internet Explorer, Chrome), verkko-osoite, josta käyttäjä on tullut verkkosivulle sekä palvelin, jolta käyttäjä on tullut verkkosivulle.',
    'Tunnistamis- ja varmentamisvälineiden ja -palveluiden käyttöön liittyviä tarpeellisia tietoja',
    'Tiedon käsittelyyn liittyviä tietoja, kuten tallennuspäivämäärä ja tietolähde',
  ],
  '§6 retention': [
    'Auntie säilyttää henkilötietoja asiakasrekisterissä kunnes rekisteröidyn ja Auntien välisen asiakassuhteen voidaan katsoa päättyneen.',
    // The seed writes "Päätymisaika", a typo corrected with !completed.
    'määritetään rekisteröidyn viimeisimmästä palvelukontaktista Auntien keskeisten liiketoimintalukujen perusteella.',
  ],
  '§7 sources': [
    'Rekisteröity itse',
    'rekisteröidyn asiakkuuteen, palveluiden käyttöön, viestintään sekä asiointiin liittyvät tapahtumat',
    'Tunnistamis-, varmennus-, osoite-, päivitys-, luottotieto- tai muuta vastaavaa palvelua tarjoava osapuoli.',
    'Väestörekisterikeskuksen väestötietojärjestelmä, ja muut tunnetut järjestelmät',
    'Rekisteriin voidaan lisätä myös muiden Auntien yhteistyökumppaneiden, kuten esimerkiksi vakuutusyhtiön toimittamia tietoja.',
  ],
  '§8 disclosures and transfers': [
    'Asiakastietoja ei luovuteta Auntien tai Auntien lukuun toimivien palveluiden ja viestinnän tuotantoon, kehittämiseen tai ylläpitoon osallistuvien tahojen ulkopuolelle muuten kuin sopimuksen, erillisen suostumuksen ja/tai nimenomaisten säädösten mukaan.',
    'Asiakastietoja voidaan siirtää Euroopan unionin tai Euroopan talousalueen ulkopuolelle, muun muassa Yhdysvaltoihin tietosuojalainsäädännön mukaisesti ja sen asettamissa rajoissa.',
  ],
  '§9 security': [
    'Mahdollinen manuaalinen aineisto säilytetään lukitussa tilassa, jonne on pääsy vain erikseen oikeuden saaneilla henkilöillä.',
    'Digitaaliseen aineistoon on pääsy vain siihen oikeutetun työntekijän, ammatinharjoittajan tai yhteistyökumppanin henkilökohtaisella käyttäjätunnuksella ja salasanalla.',
    'Käyttöoikeuksia on eritasoisia ja kullekin käyttäjälle annetaan tehtävän hoitamisen kannalta riittävä, mutta mahdollisimman suppea käyttöoikeus.',
  ],
  '§10 profiling': [
    'Osana asiakasrekisteriin tallennettujen henkilötietojen käsittelytoimia Auntie voi hyödyntää tietoja myös profiloititarkoituksissa.',
    'Profilointi toteutetaan luomalla rekisteröidylle asiakastunniste, jonka avulla erilaisia palvelun käyttämisen yhteydessä syntyviä rekisteröityä koskevia tietoja voidaan yhdistellä.',
    'Edellä kuvatun kaltaisesti luotua profiilia voidaan tämän jälkeen esimerkiksi verrata muista rekisteröidyistä luotuihin profiileihin.',
    'Profiloinnin tarkoituksena on selvittää palveluiden kysyntää ja asiakaskäyttäytymistä.',
  ],
  '§11 objection and direct marketing': [
    'Rekisteröidyllä on oikeus henkilökohtaiseen erityiseen tilanteeseensa liittyen vastustaa itseensä kohdistuvaa profilointia ja muita käsittelytoimia, joita Auntie kohdistaa rekisteröidyn henkilötietoihin siltä osin, kun tietojen käsittelemisen perusteena on Auntien ja rekisteröidyn välinen asiakassuhde.',
    'Rekisteröity voi esittää vastustamista koskevan vaatimuksensa tämän tietosuojaselosteen kohdan',
    'Rekisteröidyn tulee vaatimuksen yhteydessä yksilöidä se erityinen tilanne, johon perustuen hän vastustaa käsittelyä.',
    'Auntie voi kieltäytyä toteuttamasta vastustamista koskevaa pyyntöä laissa säädetyin perustein.',
    'Rekisteröity voi antaa Auntielle suoramarkkinointia koskevia suostumuksia tai kieltoja kanavakohtaisesti mukaan lukien suoramarkkinointitarkoituksiin tapahtuva profilointi.',
  ],
  '§12 other rights': [
    'Rekisteröidyllä on oikeus tarkastaa, mitä häntä koskevia tietoja Auntien asiakasrekisteriin on talletettu.',
    'Tarkastuspyyntö tulee tehdä tämän tietosuojaselosteen kohdan',
    'Tarkastusoikeus voidaan evätä laissa säädetyin perustein. Tarkastusoikeuden käyttäminen on lähtökohtaisesti maksutonta.',
    'Siltä osin kuin rekisteröity ei pysty korjaamaan tietoja itse, korjauspyyntö tehdään tämän tietosuojaselosteen kohdan',
    'Rekisteröidyllä on myös oikeus vaatia rekisterinpitäjää rajoittamaan henkilötietojensa käsittelyä esimerkiksi siinä tilanteessa, kun rekisteröity odottaa Auntien vastausta tietojensa oikaisemista tai poistamista koskevaan pyyntöön.',
    'Siltä osin kun rekisteröity on itse toimittanut asiakasrekisteriin tietoja, joita käsitellään rekisteröidyn antaman suostumuksen tai toimeksiannon nojalla, rekisteröidyllä on oikeus saada tällaiset tiedot itselleen pääsääntöisesti koneluettavassa muodossa ja oikeus siirtää nämä tiedot toiselle rekisterinpitäjälle.',
    'Rekisteröidyllä on oikeus tehdä valitus toimivaltaiselle valvontaviranomaiselle, jos rekisterinpitäjä ei ole noudattanut toiminnassaan soveltuvaa tietosuojasääntelyä.',
    'Mikäli henkilötietoja käsitellään rekisteröidyn suostumukseen perustuen, rekisteröidyllä on oikeus peruuttaa suostumuksensa ilmoittamalla tästä Auntielle tämän tietosuojaselosteen kohdan',
  ],
  '§13 contact': [
    'Kaikissa henkilötietojen käsittelyyn liittyvissä kysymyksissä ja omien oikeuksien käyttämiseen liittyvissä tilanteissa rekisteröidyn tulee ottaa yhteyttä Auntie.fi Ensi Linja 1, 00101 Helsinki tai info@auntie.fi.',
    'Auntie voi tarvittaessa pyytää rekisteröityä täsmentämään pyyntöään kirjallisesti ja rekisteröidyn henkilöllisyys voidaan tarpeen vaatiessa varmentaa ennen muihin toimenpiteisiin ryhtymistä.',
  ],
};

describe('seed 003: Auntie Solutions Oy', () => {
  const def = loadExample(EXAMPLE);
  const fi = noticeText(def, 'fi');

  for (const [section, facts] of Object.entries(FACTS)) {
    it(`R1.3 seed 003: the Finnish notice carries every fact of ${section}`, () => {
      const missing = facts.filter((fact) => !fi.toLowerCase().includes(normaliseFact(fact).toLowerCase()));
      expect(missing).toEqual([]);
    });
  }

  it('R1.3 seed 003: references to "kohta 13" name the section on using the rights, which the notice has', () => {
    expect(fi).not.toMatch(/kohdan 13\b/);
    expect(fi).toContain('tämän tietosuojaselosteen kohdan "Oikeuksien käyttäminen" mukaisesti');
    expect(fi).toContain('Oikeuksien käyttäminen Kaikissa henkilötietojen käsittelyyn');
    expect(fi).toContain('kohdassa "Automaattinen päätöksenteko ja profilointi" tarkemmin kuvatut');
    expect(fi).toMatch(/\d+\. Automaattinen päätöksenteko ja profilointi/);
  });

  it('R1.3 seed 003: the data content can be stored with the types the seed implies', () => {
    const field = (category: string, id: string) =>
      def.categories.find((c) => c.id === category)?.fields.find((f) => f.id === id);
    expect(field('basic_details', 'hetu')?.type).toBe('hetu');
    expect(field('basic_details', 'nickname')?.type).toBe('text');
    expect(field('basic_details', 'gender')?.type).toBe('enum');
    expect(field('household', 'household_size')?.type).toBe('integer');
    expect(field('own_content', 'interests')?.type).toBe('text_list');
    expect(field('wishes_and_notes', 'notes')?.type).toBe('longtext');
    expect(field('call_recordings', 'call_recording')?.type).toBe('file');
    const holders = new Map(def.categories.map((c) => [c.id, c.holder]));
    expect(holders.get('loyalty')).toBe('loyalty');
    expect(holders.get('services')).toBe('order');
    expect(holders.get('choices')).toBe('consent');
    expect(holders.get('staff_contacts')).toBe('interaction');
  });

  it('R1.3 seed 003: retention ends with the relationship, judged from the last contact after a stated period', () => {
    expect(def.retention?.relationshipEnd).toMatchObject({ kind: 'last_contact', inactivityPeriod: 'P3Y' });
    expect(def.retention?.rules.map((r) => r.kind)).toEqual(['until_relationship_ended']);
    expect(def.categories.every((c) => c.retention === 'customer_relationship')).toBe(true);
    expect(fi).toContain('kun viimeisestä asiointikerrasta on kulunut 3 vuotta');
  });

  it('R1.3 seed 003: profiling is declared and may be objected to, per channel for direct marketing', () => {
    expect(def.profiling?.used).toBe(true);
    expect(def.purposes.find((p) => p.profiling)?.id).toBe('profiling');
    expect(def.rights.objection).toBeDefined();
    expect(def.rights.marketing_prohibition).toBeDefined();
    expect(def.marketing?.purposes.map((p) => p.id)).toContain('direct_marketing_profiling');
    expect(def.transfers?.items[0]).toMatchObject({ countries: ['US'] });
  });

  it('R1.3 seed 003: the English notice names the controller, business id, purposes and retention', () => {
    const en = noticeText(def, 'en');
    const expected = [
      'Auntie Solutions Oy',
      '2734094-5',
      "Auntie's customer register",
      ...def.purposes.map((p) => p.name.en),
      ...def.purposes.flatMap((p) => (p.description ? [p.description.en] : [])),
      ...(def.retention?.rules ?? []).map((r) => r.description.en),
      'The time of ending is determined from the data subject',
      '3 years',
      'United States',
    ];
    expect(expected.filter((fact) => !en.includes(normaliseFact(fact)))).toEqual([]);
    expect(en).not.toContain('Auntie säilyttää');
  });

  it('R1.3 seed 003: the seed form still loads, with the seed wording and without what Lupaus added', () => {
    const seed = loadExample(EXAMPLE, { asSeed: true });
    const seedFi = noticeText(seed, 'fi');
    expect(seedFi).toContain('Päätymisaika määritetään');
    expect(seedFi).toContain('tämän tietosuojaselosteen kohdan 13 mukaisesti');
    expect(seed.subjects).toEqual([]);
    expect(seed.retention?.relationshipEnd?.inactivityPeriod).toBeUndefined();
    expect(seed.rights.erasure).toBeUndefined();
    expect(seed.purposes.some((p) => p.id === 'direct_marketing')).toBe(false);
    expect(seed.categories.some((c) => c.purposes.includes('direct_marketing'))).toBe(false);
    expect(seed.transfers?.items[0]?.safeguard).toBeUndefined();
  });

  it('R1.4 seed 003: the completed definition passes the checks; the seed form shows each gap', () => {
    expect(checkDefinition(def).map((p) => p.message)).toEqual([]);
    const gaps = checkDefinition(loadExample(EXAMPLE, { asSeed: true })).map((p) => p.message);
    const expectedGaps = [
      /^subjects: /,
      /^provisionRequirement: /,
      /^cookies: /,
      /^authority: /,
      /^rights\.erasure: /,
      /^retention\.relationshipEnd\.inactivityPeriod: /,
      /^transfers\.items\[0\]\.safeguard: transfer "united_states" goes to US/,
    ];
    for (const gap of expectedGaps) expect(gaps.some((m) => gap.test(m))).toBe(true);
    // No reference in the seed form points at something only the completion defines.
    expect(gaps.filter((m) => m.includes('which is not defined'))).toEqual([]);
    expect(gaps.some((m) => m.startsWith('controller.businessId'))).toBe(false);
  });
});
