import type {
  LegalBasis,
  RECIPIENT_KINDS,
  RetentionKind,
  Right,
  SAFEGUARDS,
  SOURCE_KINDS,
} from '../definition/schema';
import type { Language } from '../definition/text';

/**
 * Every fixed word of the privacy notice and the record of processing, in Finnish, English and Swedish. The
 * renderers never write a human word that is not here or in the definition.
 */
export type Localized = Record<Language, string>;

export const NOTICE_LABELS = {
  title: { fi: 'Tietosuojaseloste', en: 'Privacy notice', sv: 'Dataskyddsbeskrivning' },
  subtitle: {
    fi: 'EU:n yleinen tietosuoja-asetus (2016/679), 13 ja 14 artikla',
    en: 'EU General Data Protection Regulation (2016/679), articles 13 and 14',
    sv: 'EU:s allmänna dataskyddsförordning (2016/679), artiklarna 13 och 14',
  },
  date: { fi: 'Laatimispäivä', en: 'Date', sv: 'Datum' },
  version: { fi: 'Versio', en: 'Version', sv: 'Version' },
  published: { fi: 'julkaistu', en: 'published', sv: 'publicerad' },
  controller: { fi: 'Rekisterinpitäjä', en: 'Controller', sv: 'Personuppgiftsansvarig' },
  businessId: { fi: 'Y-tunnus', en: 'Business ID', sv: 'FO-nummer' },
  tradeName: { fi: 'Aputoiminimi', en: 'Trade name', sv: 'Bifirma' },
  address: { fi: 'Osoite', en: 'Address', sv: 'Adress' },
  visitingAddress: { fi: 'Käyntiosoite', en: 'Visiting address', sv: 'Besöksadress' },
  postalAddress: { fi: 'Postiosoite', en: 'Postal address', sv: 'Postadress' },
  phone: { fi: 'Puhelin', en: 'Phone', sv: 'Telefon' },
  email: { fi: 'Sähköposti', en: 'Email', sv: 'E-post' },
  website: { fi: 'Verkkosivut', en: 'Website', sv: 'Webbplats' },
  contactAndDpo: {
    fi: 'Yhteyshenkilö ja tietosuojavastaava',
    en: 'Contact person and data protection officer',
    sv: 'Kontaktperson och dataskyddsombud',
  },
  contact: {
    fi: 'Yhteyshenkilö rekisteriä koskevissa asioissa',
    en: 'Contact person for matters concerning the register',
    sv: 'Kontaktperson i ärenden som gäller registret',
  },
  dpo: { fi: 'Tietosuojavastaava', en: 'Data protection officer', sv: 'Dataskyddsombud' },
  noDpo: {
    fi: 'Rekisterinpitäjä ei ole nimittänyt tietosuojavastaavaa.',
    en: 'The controller has not appointed a data protection officer.',
    sv: 'Den personuppgiftsansvarige har inte utsett något dataskyddsombud.',
  },
  register: { fi: 'Rekisterin nimi', en: 'Name of the register', sv: 'Registrets namn' },
  subjects: {
    fi: 'Rekisteröityjen ryhmät',
    en: 'Groups of data subjects',
    sv: 'Grupper av registrerade',
  },
  purposes: {
    fi: 'Henkilötietojen käsittelyn tarkoitus ja oikeusperuste',
    en: 'Purposes of the processing and their legal basis',
    sv: 'Ändamålen med behandlingen och den rättsliga grunden',
  },
  legalBasis: { fi: 'Oikeusperuste', en: 'Legal basis', sv: 'Rättslig grund' },
  legitimateInterest: {
    fi: 'Oikeutetun edun peruste',
    en: 'Legitimate interest',
    sv: 'Berättigat intresse',
  },
  basisMissing: {
    fi: 'Oikeusperustetta ei ole ilmoitettu.',
    en: 'No legal basis has been given.',
    sv: 'Ingen rättslig grund har angetts.',
  },
  provision: {
    fi: 'Onko tietojen antaminen lakisääteinen tai sopimukseen perustuva vaatimus',
    en: 'Whether providing the data is a statutory or contractual requirement',
    sv: 'Om tillhandahållandet av uppgifterna är ett lagstadgat eller avtalsenligt krav',
  },
  content: {
    fi: 'Rekisterin tietosisältö',
    en: 'Data content of the register',
    sv: 'Registrets datainnehåll',
  },
  contentLead: {
    fi: 'Henkilörekisteri sisältää seuraavia tietoja:',
    en: 'The register contains the following data:',
    sv: 'Registret innehåller följande uppgifter:',
  },
  sources: {
    fi: 'Säännönmukaiset tietolähteet',
    en: 'Regular sources of data',
    sv: 'Regelbundna uppgiftskällor',
  },
  recipients: {
    fi: 'Vastaanottajat ja tietojen säännönmukaiset luovutukset',
    en: 'Recipients and regular disclosures of data',
    sv: 'Mottagare och regelbundna utlämnanden av uppgifter',
  },
  recipientList: {
    fi: 'Vastaanottajat ja vastaanottajaryhmät',
    en: 'Recipients and categories of recipients',
    sv: 'Mottagare och kategorier av mottagare',
  },
  disclosures: {
    fi: 'Tietojen säännönmukaiset luovutukset',
    en: 'Regular disclosures of data',
    sv: 'Regelbundna utlämnanden av uppgifter',
  },
  processors: {
    fi: 'Henkilötietojen käsittelijät',
    en: 'Processors',
    sv: 'Personuppgiftsbiträden',
  },
  service: { fi: 'Palvelu', en: 'Service', sv: 'Tjänst' },
  countries: { fi: 'Käsittelymaat', en: 'Countries of processing', sv: 'Behandlingsländer' },
  transfers: {
    fi: 'Tietojen siirto EU:n tai ETA:n ulkopuolelle',
    en: 'Transfers of data outside the EU or EEA',
    sv: 'Överföring av uppgifter utanför EU eller EES',
  },
  transferCountries: { fi: 'Maat', en: 'Countries', sv: 'Länder' },
  safeguard: { fi: 'Suojatoimi', en: 'Safeguard', sv: 'Skyddsåtgärd' },
  safeguardMissing: {
    fi: 'Suojatoimea ei ole ilmoitettu.',
    en: 'No safeguard has been given.',
    sv: 'Ingen skyddsåtgärd har angetts.',
  },
  copy: {
    fi: 'Jäljennös suojatoimista',
    en: 'Copy of the safeguards',
    sv: 'Kopia av skyddsåtgärderna',
  },
  retention: {
    fi: 'Henkilötietojen säilyttämisaika',
    en: 'Retention of personal data',
    sv: 'Lagringstid för personuppgifter',
  },
  retentionPeriod: { fi: 'Säilytysaika', en: 'Retention period', sv: 'Lagringstid' },
  appliesTo: { fi: 'Koskee', en: 'Applies to', sv: 'Gäller' },
  legalReason: { fi: 'Lakiperuste', en: 'Legal reason', sv: 'Lagstadgat skäl' },
  relationshipEnd: {
    fi: 'Asiakassuhteen päättyminen',
    en: 'End of the customer relationship',
    sv: 'Kundförhållandets upphörande',
  },
  security: {
    fi: 'Rekisterin suojauksen periaatteet',
    en: 'Principles of protecting the register',
    sv: 'Principer för skyddet av registret',
  },
  securityManual: {
    fi: 'A: Manuaalinen aineisto',
    en: 'A: Manual material',
    sv: 'A: Manuellt material',
  },
  securityIt: {
    fi: 'B: ATK:lla käsiteltävät tiedot',
    en: 'B: Data processed by computer',
    sv: 'B: Uppgifter som behandlas med ADB',
  },
  cookies: { fi: 'Evästeet', en: 'Cookies', sv: 'Kakor' },
  profiling: {
    fi: 'Automaattinen päätöksenteko ja profilointi',
    en: 'Automated decision-making and profiling',
    sv: 'Automatiserat beslutsfattande och profilering',
  },
  automatedDecisions: {
    fi: 'Rekisterissä tehdään automaattisia päätöksiä, joilla on rekisteröidylle oikeusvaikutuksia tai vastaavia merkittäviä vaikutuksia.',
    en: 'The register is used for automated decisions that have legal or similarly significant effects on the data subject.',
    sv: 'Registret används för automatiserade beslut som har rättsliga eller liknande betydande följder för den registrerade.',
  },
  noAutomatedDecisions: {
    fi: 'Rekisterissä ei tehdä automaattisia päätöksiä, joilla olisi rekisteröidylle oikeusvaikutuksia tai vastaavia merkittäviä vaikutuksia.',
    en: 'The register is not used for automated decisions that would have legal or similarly significant effects on the data subject.',
    sv: 'Registret används inte för automatiserade beslut som skulle ha rättsliga eller liknande betydande följder för den registrerade.',
  },
  logic: {
    fi: 'Käsittelyn logiikka ja merkitys',
    en: 'The logic involved and its significance',
    sv: 'Logiken och dess betydelse',
  },
  rights: {
    fi: 'Rekisteröidyn oikeudet ja niiden käyttäminen',
    en: 'Rights of the data subject and how to use them',
    sv: 'Den registrerades rättigheter och hur de används',
  },
  rightsContact: {
    fi: 'Oikeuksien käyttäminen',
    en: 'How to use your rights',
    sv: 'Hur du använder dina rättigheter',
  },
  authority: {
    fi: 'Valvontaviranomainen ja oikeus tehdä valitus',
    en: 'Supervisory authority and the right to lodge a complaint',
    sv: 'Tillsynsmyndighet och rätt att lämna klagomål',
  },
  authorityLead: {
    fi: 'Rekisteröidyllä on oikeus tehdä valitus valvontaviranomaiselle, jos hän katsoo, että häntä koskevien henkilötietojen käsittelyssä rikotaan tietosuoja-asetusta.',
    en: 'The data subject has the right to lodge a complaint with the supervisory authority if they consider that the processing of their personal data infringes the General Data Protection Regulation.',
    sv: 'Den registrerade har rätt att lämna klagomål till tillsynsmyndigheten om hen anser att behandlingen av hens personuppgifter strider mot dataskyddsförordningen.',
  },
  changes: { fi: 'Muutokset', en: 'Changes', sv: 'Ändringar' },
  and: { fi: 'ja', en: 'and', sv: 'och' },
} satisfies Record<string, Localized>;

/** The legal basis as a sentence, with its point of GDPR art. 6(1). */
export const BASIS_SENTENCES: Record<LegalBasis, Localized> = {
  consent: {
    fi: 'Käsittely perustuu rekisteröidyn suostumukseen (tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta).',
    en: 'Processing is based on the consent of the data subject (GDPR art. 6(1)(a)).',
    sv: 'Behandlingen grundar sig på den registrerades samtycke (artikel 6.1 a i dataskyddsförordningen).',
  },
  contract: {
    fi: 'Käsittely perustuu sopimukseen (tietosuoja-asetuksen 6 artiklan 1 kohdan b alakohta).',
    en: 'Processing is based on a contract with the data subject (GDPR art. 6(1)(b)).',
    sv: 'Behandlingen grundar sig på avtal (artikel 6.1 b i dataskyddsförordningen).',
  },
  legal_obligation: {
    fi: 'Käsittely perustuu rekisterinpitäjän lakisääteisen velvoitteen noudattamiseen (tietosuoja-asetuksen 6 artiklan 1 kohdan c alakohta).',
    en: 'Processing is necessary for compliance with a legal obligation of the controller (GDPR art. 6(1)(c)).',
    sv: 'Behandlingen är nödvändig för att fullgöra en rättslig förpliktelse (artikel 6.1 c i dataskyddsförordningen).',
  },
  vital_interests: {
    fi: 'Käsittely on tarpeen rekisteröidyn tai toisen luonnollisen henkilön elintärkeiden etujen suojaamiseksi (tietosuoja-asetuksen 6 artiklan 1 kohdan d alakohta).',
    en: 'Processing is necessary to protect the vital interests of the data subject or of another natural person (GDPR art. 6(1)(d)).',
    sv: 'Behandlingen är nödvändig för att skydda intressen som är av grundläggande betydelse för den registrerade eller för en annan fysisk person (artikel 6.1 d i dataskyddsförordningen).',
  },
  public_task: {
    fi: 'Käsittely on tarpeen yleistä etua koskevan tehtävän suorittamiseksi tai julkisen vallan käyttämiseksi (tietosuoja-asetuksen 6 artiklan 1 kohdan e alakohta).',
    en: 'Processing is necessary for a task carried out in the public interest or in the exercise of official authority (GDPR art. 6(1)(e)).',
    sv: 'Behandlingen är nödvändig för att utföra en uppgift av allmänt intresse eller som ett led i myndighetsutövning (artikel 6.1 e i dataskyddsförordningen).',
  },
  legitimate_interest: {
    fi: 'Käsittely perustuu rekisterinpitäjän oikeutettuun etuun (tietosuoja-asetuksen 6 artiklan 1 kohdan f alakohta).',
    en: 'Processing is based on the legitimate interests of the controller (GDPR art. 6(1)(f)).',
    sv: 'Behandlingen grundar sig på den personuppgiftsansvariges berättigade intresse (artikel 6.1 f i dataskyddsförordningen).',
  },
};

/** The legal basis in a few words, for tables. */
export const BASIS_NAMES: Record<LegalBasis, Localized> = {
  consent: { fi: 'Suostumus (6.1 a)', en: 'Consent (6(1)(a))', sv: 'Samtycke (6.1 a)' },
  contract: { fi: 'Sopimus (6.1 b)', en: 'Contract (6(1)(b))', sv: 'Avtal (6.1 b)' },
  legal_obligation: {
    fi: 'Lakisääteinen velvoite (6.1 c)',
    en: 'Legal obligation (6(1)(c))',
    sv: 'Rättslig förpliktelse (6.1 c)',
  },
  vital_interests: {
    fi: 'Elintärkeä etu (6.1 d)',
    en: 'Vital interests (6(1)(d))',
    sv: 'Grundläggande intresse (6.1 d)',
  },
  public_task: {
    fi: 'Yleisen edun mukainen tehtävä (6.1 e)',
    en: 'Public task (6(1)(e))',
    sv: 'Uppgift av allmänt intresse (6.1 e)',
  },
  legitimate_interest: {
    fi: 'Oikeutettu etu (6.1 f)',
    en: 'Legitimate interest (6(1)(f))',
    sv: 'Berättigat intresse (6.1 f)',
  },
};

export const SAFEGUARD_NAMES: Record<(typeof SAFEGUARDS)[number], Localized> = {
  adequacy_decision: {
    fi: 'Euroopan komission tietosuojan riittävyyttä koskeva päätös (tietosuoja-asetuksen 45 artikla)',
    en: 'an adequacy decision of the European Commission (GDPR art. 45)',
    sv: 'Europeiska kommissionens beslut om adekvat skyddsnivå (artikel 45 i dataskyddsförordningen)',
  },
  standard_contractual_clauses: {
    fi: 'Euroopan komission hyväksymät vakiosopimuslausekkeet (tietosuoja-asetuksen 46 artikla)',
    en: 'standard contractual clauses adopted by the European Commission (GDPR art. 46)',
    sv: 'standardavtalsklausuler som antagits av Europeiska kommissionen (artikel 46 i dataskyddsförordningen)',
  },
  binding_corporate_rules: {
    fi: 'yritystä koskevat sitovat säännöt (tietosuoja-asetuksen 47 artikla)',
    en: 'binding corporate rules (GDPR art. 47)',
    sv: 'bindande företagsbestämmelser (artikel 47 i dataskyddsförordningen)',
  },
  explicit_consent: {
    fi: 'rekisteröidyn nimenomainen suostumus (tietosuoja-asetuksen 49 artiklan 1 kohdan a alakohta)',
    en: 'the explicit consent of the data subject (GDPR art. 49(1)(a))',
    sv: 'den registrerades uttryckliga samtycke (artikel 49.1 a i dataskyddsförordningen)',
  },
  contract_necessity: {
    fi: 'siirto on tarpeen rekisteröidyn kanssa tehdyn sopimuksen täytäntöön panemiseksi (tietosuoja-asetuksen 49 artiklan 1 kohdan b alakohta)',
    en: 'the transfer is necessary for the performance of a contract with the data subject (GDPR art. 49(1)(b))',
    sv: 'överföringen är nödvändig för att fullgöra ett avtal med den registrerade (artikel 49.1 b i dataskyddsförordningen)',
  },
  other_derogation: {
    fi: 'muu tietosuoja-asetuksen 49 artiklan mukainen poikkeus',
    en: 'another derogation under GDPR art. 49',
    sv: 'ett annat undantag enligt artikel 49 i dataskyddsförordningen',
  },
};

export const RIGHT_NAMES: Record<Right, Localized> = {
  access: {
    fi: 'Tarkastusoikeus, eli oikeus saada pääsy henkilötietoihin',
    en: 'Right of access to personal data',
    sv: 'Rätt till tillgång till personuppgifter',
  },
  rectification: {
    fi: 'Oikeus vaatia tiedon korjaamista',
    en: 'Right to rectification',
    sv: 'Rätt till rättelse',
  },
  erasure: {
    fi: 'Oikeus tietojen poistamiseen (oikeus tulla unohdetuksi)',
    en: 'Right to erasure (right to be forgotten)',
    sv: 'Rätt till radering (rätten att bli bortglömd)',
  },
  restriction: {
    fi: 'Rajoittamisoikeus',
    en: 'Right to restriction of processing',
    sv: 'Rätt till begränsning av behandling',
  },
  objection: { fi: 'Vastustamisoikeus', en: 'Right to object', sv: 'Rätt att göra invändningar' },
  portability: {
    fi: 'Oikeus siirtää tiedot järjestelmästä toiseen',
    en: 'Right to data portability',
    sv: 'Rätt till dataportabilitet',
  },
  withdraw_consent: {
    fi: 'Oikeus peruuttaa suostumus',
    en: 'Right to withdraw consent',
    sv: 'Rätt att återkalla samtycke',
  },
  marketing_prohibition: {
    fi: 'Oikeus kieltää suoramarkkinointi',
    en: 'Right to prohibit direct marketing',
    sv: 'Rätt att förbjuda direktmarknadsföring',
  },
  anonymisation: {
    fi: 'Oikeus vaatia tietojen anonymisointia',
    en: 'Right to have data anonymised',
    sv: 'Rätt att kräva anonymisering',
  },
  automated_decision: {
    fi: 'Oikeus olla joutumatta automaattisen päätöksenteon kohteeksi',
    en: 'Right not to be subject to automated decision-making',
    sv: 'Rätt att inte bli föremål för automatiserat beslutsfattande',
  },
  complaint: {
    fi: 'Oikeus tehdä valitus valvontaviranomaiselle',
    en: 'Right to lodge a complaint with a supervisory authority',
    sv: 'Rätt att lämna klagomål till en tillsynsmyndighet',
  },
};

/** The retention period as a phrase; `{period}` is replaced by the duration in words. */
export const RETENTION_PHRASES: Record<RetentionKind, Localized> = {
  after_relationship_end: {
    fi: '{period} asiakassuhteen päättymisestä',
    en: '{period} after the customer relationship ends',
    sv: '{period} efter att kundförhållandet upphört',
  },
  until_relationship_ended: {
    fi: 'kunnes asiakassuhde on päättynyt',
    en: 'until the customer relationship has ended',
    sv: 'tills kundförhållandet har upphört',
  },
  from_creation: {
    fi: '{period} tallentamisesta',
    en: '{period} from when the data was recorded',
    sv: '{period} från att uppgifterna registrerades',
  },
  while_contact_person: {
    fi: 'niin kauan kuin henkilö toimii yhteyshenkilönä',
    en: 'as long as the person is a contact person',
    sv: 'så länge personen är kontaktperson',
  },
  until_no_longer_needed: {
    fi: 'kunnes tiedot eivät ole enää tarpeen',
    en: 'until the data is no longer needed',
    sv: 'tills uppgifterna inte längre behövs',
  },
  after_fiscal_year_end: {
    fi: '{period} sen kalenterivuoden lopusta, jonka aikana tilikausi päättyi',
    en: '{period} from the end of the calendar year in which the accounting period ended',
    sv: '{period} från utgången av det kalenderår då räkenskapsperioden upphörde',
  },
};

export const REVIEW_PHRASE: Localized = {
  fi: 'tarpeellisuus tarkistetaan säännöllisesti, tarkistusväli {period}',
  en: 'reviewed every {period}',
  sv: 'granskas regelbundet, intervall {period}',
};

export const RELATIONSHIP_END: Record<'explicit' | 'last_contact', Localized> = {
  explicit: {
    fi: 'Asiakassuhteen päättyminen kirjataan rekisteriin.',
    en: 'The end of the customer relationship is recorded in the register.',
    sv: 'Kundförhållandets upphörande registreras.',
  },
  last_contact: {
    fi: 'Asiakassuhde katsotaan päättyneeksi, kun viimeisestä asiointikerrasta on kulunut {period}.',
    en: 'The customer relationship is considered ended when {period} have passed since the last contact.',
    sv: 'Kundförhållandet anses ha upphört när {period} har gått sedan den senaste kontakten.',
  },
};

/** Duration units: singular and plural. */
export const DURATION_UNITS: Record<'Y' | 'M' | 'W' | 'D', Record<Language, [string, string]>> = {
  Y: { fi: ['vuosi', 'vuotta'], en: ['year', 'years'], sv: ['år', 'år'] },
  M: { fi: ['kuukausi', 'kuukautta'], en: ['month', 'months'], sv: ['månad', 'månader'] },
  W: { fi: ['viikko', 'viikkoa'], en: ['week', 'weeks'], sv: ['vecka', 'veckor'] },
  D: { fi: ['päivä', 'päivää'], en: ['day', 'days'], sv: ['dag', 'dagar'] },
};

export const SOURCE_KIND_NAMES: Record<(typeof SOURCE_KINDS)[number], Localized> = {
  subject: { fi: 'Rekisteröity itse', en: 'The data subject', sv: 'Den registrerade' },
  staff: { fi: 'Henkilöstö', en: 'Staff', sv: 'Personalen' },
  transactions: { fi: 'Asiointi ja ostot', en: 'Transactions', sv: 'Transaktioner' },
  update_service: { fi: 'Päivityspalvelu', en: 'Update service', sv: 'Uppdateringstjänst' },
  population_register: {
    fi: 'Väestötietojärjestelmä',
    en: 'Population information system',
    sv: 'Befolkningsdatasystemet',
  },
  public_source: { fi: 'Julkinen lähde', en: 'Public source', sv: 'Offentlig källa' },
  partner: { fi: 'Yhteistyökumppani', en: 'Partner', sv: 'Samarbetspartner' },
  subcontractor: { fi: 'Alihankkija', en: 'Subcontractor', sv: 'Underleverantör' },
  credit_reference: {
    fi: 'Luottotietorekisteri',
    en: 'Credit reference agency',
    sv: 'Kreditupplysningsregister',
  },
  identification_service: {
    fi: 'Tunnistuspalvelu',
    en: 'Identification service',
    sv: 'Identifieringstjänst',
  },
  web_analytics: { fi: 'Verkkoanalytiikka', en: 'Web analytics', sv: 'Webbanalys' },
  cookies: { fi: 'Evästeet', en: 'Cookies', sv: 'Kakor' },
  social_media: { fi: 'Sosiaalinen media', en: 'Social media', sv: 'Sociala medier' },
  import: { fi: 'Tuonti tiedostosta', en: 'File import', sv: 'Import från fil' },
  system: { fi: 'Järjestelmä', en: 'System', sv: 'Systemet' },
};

export const RECIPIENT_KIND_NAMES: Record<(typeof RECIPIENT_KINDS)[number], Localized> = {
  internal: { fi: 'Sisäinen', en: 'Internal', sv: 'Intern' },
  processor: { fi: 'Käsittelijä', en: 'Processor', sv: 'Personuppgiftsbiträde' },
  controller: { fi: 'Rekisterinpitäjä', en: 'Controller', sv: 'Personuppgiftsansvarig' },
  partner: { fi: 'Yhteistyökumppani', en: 'Partner', sv: 'Samarbetspartner' },
  authority: { fi: 'Viranomainen', en: 'Authority', sv: 'Myndighet' },
};

export function label(l: Localized, lang: Language): string {
  return l[lang];
}
