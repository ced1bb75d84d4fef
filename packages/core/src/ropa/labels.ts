import type { Localized } from '../notice/labels';

/** The fixed words of the record of processing activities (GDPR art. 30(1)). */
export const ROPA_LABELS = {
  title: {
    fi: 'Seloste käsittelytoimista',
    en: 'Record of processing activities',
    sv: 'Register över behandling',
  },
  subtitle: {
    fi: 'EU:n yleinen tietosuoja-asetus (2016/679), 30 artiklan 1 kohta',
    en: 'EU General Data Protection Regulation (2016/679), article 30(1)',
    sv: 'EU:s allmänna dataskyddsförordning (2016/679), artikel 30.1',
  },
  date: { fi: 'Päivitetty', en: 'Updated', sv: 'Uppdaterad' },
  a: {
    fi: '(a) Rekisterinpitäjä, yhteyshenkilö ja tietosuojavastaava',
    en: '(a) Controller, contact person and data protection officer',
    sv: '(a) Personuppgiftsansvarig, kontaktperson och dataskyddsombud',
  },
  b: {
    fi: '(b) Käsittelyn tarkoitukset ja oikeusperusteet',
    en: '(b) Purposes of the processing and legal bases',
    sv: '(b) Ändamålen med behandlingen och rättsliga grunder',
  },
  c: {
    fi: '(c) Rekisteröityjen ryhmät ja henkilötietoryhmät',
    en: '(c) Categories of data subjects and of personal data',
    sv: '(c) Kategorier av registrerade och av personuppgifter',
  },
  d: {
    fi: '(d) Vastaanottajaryhmät, myös kolmansissa maissa',
    en: '(d) Categories of recipients, including in third countries',
    sv: '(d) Kategorier av mottagare, även i tredjeländer',
  },
  e: {
    fi: '(e) Siirrot kolmansiin maihin ja suojatoimet',
    en: '(e) Transfers to third countries and safeguards',
    sv: '(e) Överföringar till tredjeländer och skyddsåtgärder',
  },
  f: {
    fi: '(f) Poistamisen määräajat',
    en: '(f) Time limits for erasure',
    sv: '(f) Tidsfrister för radering',
  },
  g: {
    fi: '(g) Tekniset ja organisatoriset turvatoimet',
    en: '(g) Technical and organisational security measures',
    sv: '(g) Tekniska och organisatoriska säkerhetsåtgärder',
  },
  catalogue: { fi: 'Tietoluettelo', en: 'Data catalogue', sv: 'Datakatalog' },
  subjects: {
    fi: 'Rekisteröityjen ryhmät',
    en: 'Categories of data subjects',
    sv: 'Kategorier av registrerade',
  },
  dataCategories: {
    fi: 'Henkilötietoryhmät',
    en: 'Categories of personal data',
    sv: 'Kategorier av personuppgifter',
  },
  none: { fi: 'Ei ole.', en: 'None.', sv: 'Inga.' },
  noTransfers: {
    fi: 'Henkilötietoja ei siirretä EU:n tai ETA:n ulkopuolelle.',
    en: 'Personal data is not transferred outside the EU or EEA.',
    sv: 'Personuppgifter överförs inte utanför EU eller EES.',
  },
  outsideEea: { fi: 'EU:n/ETA:n ulkopuolella', en: 'outside the EU/EEA', sv: 'utanför EU/EES' },
  statement: { fi: 'Ilmoitus', en: 'Statement', sv: 'Meddelande' },
  kind: { fi: 'Laji', en: 'Kind', sv: 'Typ' },
  keepOnErasure: {
    fi: 'Säilytetään poistopyynnöstä huolimatta',
    en: 'Kept despite an erasure request',
    sv: 'Bevaras trots begäran om radering',
  },
  commitment: {
    fi: 'Salassapitositoumus (versio {version})',
    en: 'Confidentiality commitment (version {version})',
    sv: 'Sekretessförbindelse (version {version})',
  },
  col: {
    field: { fi: 'Tieto', en: 'Field', sv: 'Uppgift' },
    category: { fi: 'Tietoryhmä', en: 'Category', sv: 'Kategori' },
    purposes: { fi: 'Käyttötarkoitukset', en: 'Purposes', sv: 'Ändamål' },
    basis: { fi: 'Oikeusperuste', en: 'Legal basis', sv: 'Rättslig grund' },
    sources: { fi: 'Lähteet', en: 'Sources', sv: 'Källor' },
    retention: { fi: 'Säilytysaika', en: 'Retention', sv: 'Lagringstid' },
    erasure: { fi: 'Poistotapa', en: 'Erasure', sv: 'Radering' },
    roles: { fi: 'Lukuoikeus', en: 'May read', sv: 'Får läsa' },
    provided: {
      fi: 'Rekisteröidyn antama',
      en: 'Provided by the subject',
      sv: 'Lämnad av den registrerade',
    },
  },
  erasure: {
    delete: { fi: 'Poistetaan', en: 'Deleted', sv: 'Raderas' },
    anonymise: { fi: 'Anonymisoidaan', en: 'Anonymised', sv: 'Anonymiseras' },
    keep: { fi: 'Säilytetään', en: 'Kept', sv: 'Bevaras' },
  },
  yes: { fi: 'kyllä', en: 'yes', sv: 'ja' },
  no: { fi: 'ei', en: 'no', sv: 'nej' },
  missing: { fi: 'puuttuu', en: 'missing', sv: 'saknas' },
} satisfies Record<string, Localized | Record<string, Localized>>;
