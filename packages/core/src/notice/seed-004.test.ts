import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../definition/check';
import { renderNotice } from './render';
import { loadExample, normaliseFact, noticeHtmlText, noticeText } from './testing';

/**
 * Every fact of seed 004 (seeds/004_26c1db802dfb9213.txt), verbatim from the seed (whitespace collapsed).
 * Deliberately corrected and so left out: "henkilötietolain sallimissa" (the repealed Personal Data Act, now
 * the GDPR and the Data Protection Act) and the placeholder "(s-postiosoite)" (filled with the controller's
 * email). The date 04.01.2018 is written 4.1.2018, as every date of a notice is.
 */
const FACTS_004 = [
  'Asiakasrekisteri - tietosuojaseloste',
  '4.1.2018',
  // controller and contact person
  'Jari Mensonen',
  'Huvilakatu 16',
  '040 038 38 69',
  'jari.mensonen@huoneistomyynti.com',
  'Asiakasrekisteri',
  // purposes
  'Rekisterin käyttötarkoitus on yrityksen asiakasrekisterin ylläpitäminen, asiakkaiden tilausten hallinnointi, arkistointi ja käsittely sekä asiakassuhteen hoitaminen.',
  'Tietoja voidaan käyttää yrityksen toiminnan kehittämiseen, tilastollisiin tarkoituksiin ja henkilökohtaisemman kohdennetun sisällön tuottamiseen verkkopalveluissamme.',
  'Rekisterin tietoja voidaan käyttää yrityksen omissa rekistereissä esimerkiksi mainonnan kohdistamiseen luovuttamatta henkilötietoja ulkopuolisille tahoille.',
  'Yritys saattaa käyttää asiakas- ja palvelusuhteen ylläpitämiseen yhteistyökumppaneita, jolloin osia rekisteritiedoista saatetaan siirtää yhteistyökumppanin palvelimille teknisten vaatimusten vuoksi.',
  'Tietoja käsitellään ainoastaan yrityksen asiakassuhteen ylläpitämiseen teknisten rajapintojen kautta.',
  'Yrityksellä on oikeus julkaista asiakasrekisterin sisältämiä tietoja sähköisenä tai kirjallisena luettelona, ellei asiakas sitä erityisesti kiellä.',
  'Luettelolla tarkoitetaan tässä tapauksessa esim. postitustarroja suoramainoksiin tai vastaavia.',
  'Asiakkaalla on oikeus kieltää tietojen julkaiseminen ilmoittamalla siitä yrityksen asiakaspalveluun, sähköpostitse',
  'tai rekisterin yhteyshenkilölle.',
  // data content
  'Henkilörekisteri sisältää seuraavia tietoja:',
  'Henkilön etu- ja sukunimi',
  'Edustamansa yhteisö',
  'Sähköpostiosoite',
  'Postiosoite',
  'Puhelinnumero',
  'Tiedot aikaisemmista tilauksista',
  'hetu',
  // sources
  'Tietoja saadaan asiakkaan tekemistä ostoksista yrityksen liikkeissä, verkkopalvelussa tai jälleenmyyjillä sekä palvelun käytön aikana asiakasjärjestelmään liittyvistä ilmoituksista.',
  'Tietoja saadaan asiakkaan tekemistä rekisteröitymisistä sekä asiakassuhteen aikana asiakkaan tekemistä ilmoituksista.',
  'Nimi- ja yhteystietojen päivityksiä saadaan myös päivityspalveluja tarjoavilta viranomaisilta ja yrityksiltä.',
  'Tietoja voidaan saada myös alihankkijoilta, jotka liittyvät palvelun käyttämiseen tai tuottamiseen.',
  'Asiakkaiden muista toimista digitaalisessa ympäristössä voidaan saada tietoja yhteistyökumppaneiden sivustoista, tietojärjestelmistä tai muista digitaalisista lähteistä, joihin kirjaudutaan sähköisen kutsun kautta (linkki), evästeiden kautta tai käyttämällä asiakkaille annettuja tunnuksia.',
  // disclosures, transfers, erasure on request
  'Asiakasrekisterin tiedot ovat ainoastaan yrityksen käytössä, paitsi käyttäessä ulkoista palveluntarjoajaa joko lisäarvopalvelun tuottamiseen tai luottopäätöksen tueksi.',
  'Tietoja ei luovuteta yrityksen ulkopuolelle tai sen yhteistyökumppaneiden käyttöön, paitsi luottihakemukseen, perintään tai laskutukseen liittyvissä asioissa sekä lainsäädännön velvoittaessa.',
  `Henkilötietoja ei siirretä Euroopan Unionin ulkopuolelle, ellei se ole yrityksen tai sen
   yhteistyökumppanin teknisen toteutuksen varmistamiseksi tarpeellista.`,
  'Rekisteröityneen henkilötiedot hävitetään käyttäjän pyynnöstä ellei lainsäädäntö, avoimet laskut tai perintätoimet estä tietojen poistamista.',
  // security
  'Asiakastapahtumissa kerättävät yhteystiedot ja muut manuaalisesti käsiteltävät asiakastietoja sisältävät asiakirjat säilytetään alkukäsittelyn jälkeen lukituissa ja paloturvallisissa säilytystiloissa.',
  'Ainoastaan määrätyillä, salassapitositoumuksen allekirjoittaneilla työntekijöillä on oikeus käsitellä manuaalisesti tallennettuja asiakastietoja.',
  'Ainoastaan määrätyillä yrityksen ja sen lukuun toimivien yritysten työntekijöillä on oikeus käyttää asiakasomistaja- ja asiakasrekisteriä ja ylläpitää sen tietoja.',
  'Kullakin määritellyllä käyttäjällä on oma henkilökohtainen käyttäjätunnus ja salasana.',
  'Jokainen käyttäjä on allekirjoittanut salassapitositoumuksen.',
  'Järjestelmä on suojattu palomuurilla, joka suojaa ulkopuolelta tulevia yhteydenottoja järjestelmään.',
  // rights
  'Tarkastusoikeus',
  'Rekisteröidyllä on oikeus tarkistaa, mitä tietoja hänestä on rekisterissä. Tarkastuspyyntö tulee tehdä kirjallisena ottamalla yhteys yrityksen asiakaspalveluun tai rekisterin yhteyshenkilöön suomeksi tai englanniksi. Tarkastuspyyntö on allekirjoitettava.',
  'Rekisteröidyllä on oikeus kieltää tietojensa käsittely ja luovuttaminen suoramainontaa, etämyyntiä ja suoramarkkinointia sekä markkina- ja mielipidetutkimusta varten ottamalla yhteys yrityksen asiakaspalvelupisteeseen.',
  'Oikeus vaatia tiedon korjaamista',
  'Rekisterissä oleva, käsittelyn tarkoituksen kannalta virheellinen, tarpeeton, puutteellinen tai vanhentunut henkilötieto on oikaistava, poistettava tai täydennettävä.',
  'Korjauspyyntö tulee tehdä omakätisesti allekirjoitetulla kirjallisella pyynnöllä yrityksen asiakaspalveluun tai henkilörekisterin ylläpitäjälle.',
  'Pyyntöä tulee yksilöidä mitä tietoja vaaditaan korjattavaksi ja millä perusteella. Korjaaminen toteutetaan viivytyksettä.',
  'Virheen korjaamisesta ilmoitetaan sille, jolta virheelliset tiedot on saatu tai jolle tiedot on luovutettu.',
  'Korjauspyynnön epäämisestä rekisterin vastuuhenkilö antaa kirjallisen todistuksen, jossa mainitaan syyt, joiden vuoksi korjauspyyntö on evätty. Asianomainen voi saattaa epäämisen tietosuojavaltuutetun ratkaistavaksi.',
  'Rekisteröidyllä on oikeus kieltää tietojensa luovuttaminen ja käsittely suoramainontaa ja muuta markkinointia varten, vaatia tietojen anonymisointia soveltuvin osin sekä oikeus tulla kokonaan unohdetuksi.',
];

describe('seed 004 (Jari Mensonen)', () => {
  const def = loadExample('004-jari-mensonen');
  const fi = noticeText(def, 'fi');
  const html = noticeHtmlText(def, 'fi');

  it.each(FACTS_004)('R1.3 seed 004: the Finnish notice carries "%s"', (fact) => {
    expect(fi).toContain(normaliseFact(fact));
  });

  it.each(FACTS_004)('R1.3 seed 004: the HTML notice carries "%s"', (fact) => {
    expect(html).toContain(normaliseFact(fact));
  });

  it('R1.3 seed 004: the placeholder and the repealed act are corrected in the notice', () => {
    expect(fi).not.toContain('(s-postiosoite)');
    expect(fi).toContain(
      'sähköpostitse (jari.mensonen@huoneistomyynti.com) tai rekisterin yhteyshenkilölle.',
    );
    expect(fi).not.toMatch(/henkilötietola(ki|i)/);
    expect(fi).toContain('tietosuoja-asetuksen ja tietosuojalain (1050/2018)');
  });

  it('R1.3 seed 004: the completed definition passes every check, the seed as it was does not', () => {
    expect(checkDefinition(def)).toEqual([]);
    const messages = checkDefinition(loadExample('004-jari-mensonen', { asSeed: true })).map(
      (p) => p.message,
    );
    expect(messages.some((m) => m.includes('(s-postiosoite)'))).toBe(true);
    expect(messages.some((m) => m.includes('repealed Personal Data Act'))).toBe(true);
    expect(messages.some((m) => m.includes('has no legal basis'))).toBe(true);
    expect(messages.some((m) => m.includes('has no retention rule'))).toBe(true);
    expect(messages.some((m) => m.includes('cookies'))).toBe(true);
    expect(messages.some((m) => m.includes('right to lodge a complaint'))).toBe(true);
    expect(messages.some((m) => m.includes('groups of data subjects'))).toBe(true);
  });

  it('R1.3 seed 004: a sole trader without a business id renders without one', () => {
    expect(def.controller.kind).toBe('sole_trader');
    // The controller's own section; the data content may name the business ids of organisations it keeps.
    const md = renderNotice(def, { lang: 'fi', format: 'md' });
    const controller = md.slice(md.indexOf('## 1. '), md.indexOf('## 2. '));
    expect(controller).toContain('Jari Mensonen');
    expect(controller).not.toContain('Y-tunnus');
  });

  it('R1.2 seed 004: the English notice carries the controller, purposes and retention', () => {
    const en = noticeText(def, 'en');
    for (const fact of [
      '4 January 2018',
      'Jari Mensonen',
      'jari.mensonen@huoneistomyynti.com',
      "The purpose of the register is to keep the company's customer register",
      'Retention period: 10 years after the customer relationship ends.',
      'Personal identity code',
      'Right to lodge a complaint with a supervisory authority',
    ]) {
      expect(en).toContain(normaliseFact(fact));
    }
  });
});
