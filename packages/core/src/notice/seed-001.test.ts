import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../definition/check';
import { renderNotice } from './render';
import { loadExample, normaliseFact, noticeHtmlText, noticeText } from './testing';

/**
 * Every fact of seed 001 (seeds/001_c97a99f74d0b68e2.txt), verbatim from the seed (whitespace collapsed). The
 * list items of the seed's data content and recipients appear as list items, so they start with a capital.
 * Deliberately corrected and so left out: the supervisory authority's old address "PL 800, Ratapihantie 9,
 * 00521 Helsinki p. 029 56 66700" (the office moved to Lintulahdenkuja 4; see the register's comments).
 */
const FACTS_001 = [
  // title, date, controller, contact, register
  'Asiakasrekisteri - tietosuojaseloste',
  '30.1.2020',
  'Vitec Katrina Oy',
  '1599535-4',
  'Jani Konsi',
  'jani@mvs.fi',
  'Asiakasrekisteri',
  // purposes and bases
  'Rekisterin käyttötarkoitus on yrityksen asiakasrekisterin ylläpitäminen, asiakkaiden tilausten hallinnointi, arkistointi ja käsittely sekä asiakassuhteen hoitaminen.',
  'Tietoja voidaan käyttää yrityksen toiminnan kehittämiseen, tilastollisiin tarkoitukseen ja henkilökohtai-semman kohdennetun sisällön tuottamiseen verkkopalveluissamme.',
  'Henkilötietoja käsitellään tietosuoja-asetuksen sallimissa ja edellyttämässä rajoissa.',
  'Rekisterin tietoja voidaan käyttää yrityksen omissa rekistereissä esimerkiksi mainonnan kohdistamiseen luovuttamatta henkilötietoja ulkopuolisille tahoille.',
  'Yritys saattaa käyttää asiakas- ja palvelusuhteen ylläpitämiseen yhteistyökumppaneita, jolloin osia rekisteritiedoista saatetaan siirtää yhteistyökumppanin palvelimille teknisten vaatimusten vuoksi.',
  'Tietoja käsitellään ainoastaan yrityksen asiakassuhteen ylläpitämiseen teknisten rajapintojen kautta.',
  'Yrityksellä on oikeus julkaista asiakasrekisterin sisältämiä tietoja sähköisenä tai kirjallisena luettelona, ellei asiakas sitä erityisesti kiellä.',
  'Luettelolla tarkoitetaan tässä tapauksessa esim. postitustarroja suoramainoksiin tai vastaavia.',
  'Asiakkaalla on oikeus kieltää tietojen julkaiseminen ilmoittamalla siitä yrityksen asiakaspalveluun, sähköpostitse (jani@mvs.fi) tai rekisterin yhteyshenkilölle.',
  'Käsittely perustuu sopimukseen',
  'Oikeutetun edun peruste',
  'Asiakassuhde',
  // recipients
  'Rekisterinpitäjän henkilöstö',
  'Ulkoistettu taloushallinto',
  // data content
  'Henkilörekisteri sisältää seuraavia tietoja:',
  'Henkilön etu- ja sukunimi',
  'Edustamansa yhteisö',
  'Sähköpostiosoite',
  'Postiosoite',
  'Puhelinnumero',
  'Tiedot aikaisemmista tilauksista',
  // sources
  'Tietoja saadaan asiakkaan tekemistä ostoksista yrityksen liikkeissä, verkkopalvelussa tai jälleenmyyjillä sekä palvelun käytön aikana asiakasjärjestelmään liittyvistä ilmoituksista.',
  'Tietoja saadaan asiakkaan tekemistä rekisteröitymisistä sekä asiakassuhteen aikana asiakkaan tekemistä ilmoituksista.',
  'Nimi- ja yhteystietojen päivityksiä saadaan myös päivityspalveluja tarjoavilta viranomaisilta ja yrityksiltä.',
  'Tietoja voidaan saada myös alihankkijoilta, jotka liittyvät palvelun käyttämiseen tai tuottamiseen.',
  'Asiakkaiden muista toimista digitaalisessa ympäristössä voidaan saada tietoja yhteistyökumppaneiden sivustoista, tietojärjestelmistä tai muista digitaalisista lähteistä, joihin kirjaudutaan sähköisen kutsun kautta (linkki), evästeiden kautta tai käyttämällä asiakkaille annettuja tunnuksia.',
  // disclosures, transfers, erasure on request
  'Asiakasrekisterin tiedot ovat ainoastaan yrityksen käytössä, paitsi käyttäessä ulkoista palveluntarjoajaa joko lisäarvopalvelun tuottamiseen tai luottopäätöksen tueksi.',
  'Tietoja ei luovuteta yrityksen ulkopuolelle tai sen yhteistyökumppaneiden käyttöön, paitsi luottihakemukseen, perintään tai laskutukseen liittyvissä asioissa sekä lainsäädännön velvoittaessa.',
  'Henkilötietoja ei siirretä Euroopan Unionin ulkopuolelle, ellei se ole yrityksen tai sen yhteistyökumppanin teknisen toteutuksen varmistamiseksi tarpeellista.',
  'Rekisteröityneen henkilötiedot hävitetään käyttäjän pyynnöstä ellei lainsäädäntö, avoimet laskut tai perintätoimet estä tietojen poistamista.',
  // retention
  '10 vuotta asiakkuuden päättymisestä lukien.',
  'Tietojen muututtua tarpeettomiksi (käyntikorttirekisteri)',
  // security
  'Asiakastapahtumissa kerättävät yhteystiedot ja muut manuaalisesti käsiteltävät asiakastietoja sisältävät asiakirjat säilytetään alkukäsittelyn jälkeen lukituissa ja paloturvallisissa säilytystiloissa.',
  'Ainoastaan määrätyillä, salassapitositoumuksen allekirjoittaneilla työntekijöillä on oikeus käsitellä manuaalisesti tallennettuja asiakastietoja.',
  'Ainoastaan määrätyillä yrityksen ja sen lukuun toimivien yritysten työntekijöillä on oikeus käyttää asiakasomistaja- ja asiakasrekisteriä ja ylläpitää sen tietoja.',
  'Kullakin määritellyllä käyttäjällä on oma henkilökohtainen käyttäjätunnus ja salasana.',
  'Jokainen käyttäjä on allekirjoittanut salassapitositoumuksen.',
  'Järjestelmä on suojattu palomuurilla, joka suojaa ulkopuolelta tulevia yhteydenottoja järjestelmään.',
  // cookies
  'Emme käytä evästeitä.',
  // rights
  'Rekisteröidyllä on oikeus tarkistaa, mitä tietoja hänestä on rekisterissä.',
  'Tarkastuspyyntö tulee tehdä kirjallisena ottamalla yhteys yrityksen asiakaspalveluun tai rekisterin yhteyshenkilöön suomeksi tai englanniksi. Tarkastuspyyntö on allekirjoitettava.',
  'Rekisteröidyllä on oikeus kieltää tietojensa käsittely ja luovuttaminen suoramainontaa, etämyyntiä ja suoramarkkinointia sekä markkina- ja mielipidetutkimusta varten ottamalla yhteys yrityksen asiakaspalvelupisteeseen.',
  'Rekisteröidyllä on oikeus siirtää omat tietonsa järjestelmästä toiseen. Siirtopyynnön voi osoittaa rekisterin yhteyshenkilölle.',
  'Rekisterissä oleva, käsittelyn tarkoituksen kannalta virheellinen, tarpeeton, puutteellinen tai vanhentunut henkilötieto on oikaistava, poistettava tai täydennettävä.',
  'Korjauspyyntö tulee tehdä omakätisesti allekirjoitetulla kirjallisella pyynnöllä yrityksen asiakaspalveluun tai henkilörekisterin ylläpitäjälle.',
  'Pyynnössä tulee yksilöidä mitä tietoja vaaditaan korjattavaksi ja millä perusteella. Korjaaminen toteutetaan viivytyksettä.',
  'Virheen korjaamisesta ilmoitetaan sille, jolta virheelliset tiedot on saatu tai jolle tiedot on luovutettu.',
  'Korjauspyynnön epäämisestä rekisterin vastuuhenkilö antaa kirjallisen todistuksen, jossa mainitaan syyt, joiden vuoksi korjauspyyntö on evätty. Asianomainen voi saattaa epäämisen tietosuojavaltuutetun ratkaistavaksi.',
  'Rajoittamisoikeus',
  'Rekisteröidyllä on oikeus pyytää tietojenkäsittelyn rajoittamista esim. jos rekisterissä olevat henkilötiedot ovat virheelliset. Yhteydenotot rekisterin vastuuhenkilölle.',
  'Vastustamisoikeus',
  'Rekisteröidyllä on oikeus pyytää häntä koskevia henkilötietoja sekä rekisteröidyllä on oikeus pyytää henkilötietojen oikaisemista tai poistamista. Pyyntö voi osoittaa rekisterin yhteyshenkilölle.',
  'Mikäli toimit yrityk- tai organisaation yhteyshenkilönä ei tietojasi voida poistaa tänä aikana.',
  'Oikeus tehdä valitus valvontaviranomaiselle',
  'Mikäli katsot, että sinua koskevassa henkilötietojen käsittelyssä on rikottu tietosuoja-asetusta, niin sinulla on oikeus tehdä kantelu valvontaviranomaiselle.',
  'Kantelun voit tehdä myös siinä jäsenvaltiossa, jossa sinulla on vakinainen asuinpaikka tai työpaikka.',
  'Kansallisen valvontaviranomaisen yhteystiedot ovat:',
  'Tietosuojavaltuutetun toimisto',
  'tietosuoja@om.fi',
  'www.tietosuoja.fi',
  'Rekisteröidyllä on oikeus kieltää tietojensa luovuttaminen ja käsittely suoramainontaa ja muuta markkinointia varten, vaatia tietojen anonymisointia soveltuvin osin sekä oikeus tulla kokonaan unohdetuksi.',
];

describe('seed 001 (Vitec Katrina Oy)', () => {
  const def = loadExample('001-vitec-katrina');
  const fi = noticeText(def, 'fi');
  const html = noticeHtmlText(def, 'fi');

  it.each(FACTS_001)('R1.3 seed 001: the Finnish notice carries "%s"', (fact) => {
    expect(fi).toContain(normaliseFact(fact));
  });

  it.each(FACTS_001)('R1.3 seed 001: the HTML notice carries "%s"', (fact) => {
    expect(html).toContain(normaliseFact(fact));
  });

  it('R1.3 seed 001: the completed definition passes every check, the seed as it was does not', () => {
    expect(checkDefinition(def)).toEqual([]);
    const messages = checkDefinition(loadExample('001-vitec-katrina', { asSeed: true })).map(
      (p) => p.message,
    );
    expect(messages.some((m) => m.includes('groups of data subjects'))).toBe(true);
    expect(messages.some((m) => m.includes('statutory or contractual'))).toBe(true);
    expect(messages.some((m) => m.includes('profiling'))).toBe(true);
    expect(messages.some((m) => m.includes("controller's contact details"))).toBe(true);
  });

  it("R1.3 seed 001: the authority carries its current address, not the seed's old one", () => {
    expect(fi).toContain('Lintulahdenkuja 4, 00530 Helsinki');
    expect(fi).not.toContain('Ratapihantie');
    const seed = loadExample('001-vitec-katrina', { asSeed: true });
    expect(seed.authority?.address?.street).toBe('Ratapihantie 9');
  });

  it('R1.2 seed 001: the English notice carries the controller, business id, purposes and retention', () => {
    const en = noticeText(def, 'en');
    for (const fact of [
      'Customer register – privacy notice',
      '30 January 2020',
      'Vitec Katrina Oy',
      'Business ID: 1599535-4',
      "The purpose of the register is to keep the company's customer register, to manage, archive and process customers' orders and to manage the customer relationship.",
      'Processing is based on a contract with the data subject (GDPR art. 6(1)(b)).',
      'Legitimate interest: The customer relationship',
      '10 years from the end of the customer relationship.',
      'Retention period: 10 years after the customer relationship ends.',
      'We do not use cookies.',
      'Office of the Data Protection Ombudsman',
    ]) {
      expect(en).toContain(normaliseFact(fact));
    }
    expect(en).not.toContain('Rekisterin käyttötarkoitus');
  });

  it('R5.1 seed 001: invoices and debt collection are listed with their retention after the accounting period and its law', () => {
    for (const fact of [
      'Laskut ja niiden maksutilanne',
      'Perintätoimet',
      'Säilytysaika: 6 vuotta sen kalenterivuoden lopusta, jonka aikana tilikausi päättyi.',
      'Koskee: Laskut ja niiden maksutilanne ja Perintätoimet.',
      'Lakiperuste: Kirjanpitolaki (1336/1997) 2 luku 10 §',
    ]) {
      expect(fi).toContain(normaliseFact(fact));
    }
    const en = noticeText(def, 'en');
    expect(en).toContain(
      'Retention period: 6 years from the end of the calendar year in which the accounting period ended.',
    );
    expect(en).toContain('Legal reason: Accounting Act (1336/1997), chapter 2, section 10');
  });

  it('R1.2 seed 001: the notice numbers its fifteen sections in order', () => {
    const md = renderNotice(def, { lang: 'fi', format: 'md' });
    const headings = [...md.matchAll(/^## (\d+)\. (.+)$/gm)].map((m) => `${m[1]}. ${m[2]}`);
    expect(headings).toEqual([
      '1. Rekisterinpitäjä',
      '2. Yhteyshenkilö ja tietosuojavastaava',
      '3. Rekisterin nimi',
      '4. Rekisteröityjen ryhmät',
      '5. Henkilötietojen käsittelyn tarkoitus ja oikeusperuste',
      '6. Rekisterin tietosisältö',
      '7. Säännönmukaiset tietolähteet',
      '8. Vastaanottajat ja tietojen säännönmukaiset luovutukset',
      '9. Tietojen siirto EU:n tai ETA:n ulkopuolelle',
      '10. Henkilötietojen säilyttämisaika',
      '11. Rekisterin suojauksen periaatteet',
      '12. Evästeet',
      '13. Automaattinen päätöksenteko ja profilointi',
      '14. Rekisteröidyn oikeudet ja niiden käyttäminen',
      '15. Valvontaviranomainen ja oikeus tehdä valitus',
    ]);
  });
});
