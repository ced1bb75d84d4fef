import { emailKey, hetuCheckCharacter, parseHetu, parsePhone, yTunnusCheckDigit } from '@lupaus/core';

/**
 * A deterministic generator of realistic Finnish persons for the benchmarks: common Finnish first and last
 * names, street addresses with real city names and five-digit postal codes of those cities, mobile numbers,
 * emails derived from the names, customer numbers and personal identity codes.
 *
 * Every hetu is from the test range (individual number 900–999), so no generated code can be a real person's.
 * Emails use the reserved example domains (RFC 2606), so no generated address can reach anyone.
 *
 * @example
 * ```ts
 * const persons = generatePersons(1000, 42); // the same 1 000 persons every time for seed 42
 * persons[0].fields; // { first_name: 'Aino', last_name: 'Virtanen', hetu: '120385-912K', email: [...], ... }
 * ```
 */

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence on every platform. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FEMALE_NAMES = (
  'Aino Anna Anneli Elina Emma Eveliina Hanna Heidi Helena Helmi Ilona Johanna Julia Katariina ' +
  'Kaarina Kristiina Laura Leena Liisa Maria Marjatta Minna Noora Olivia Pirjo Riikka Sanna Satu ' +
  'Sofia Tuula Tiina Venla Aada Eila Ritva'
).split(' ');
const MALE_NAMES = (
  'Aleksi Antero Antti Eero Eino Elias Heikki Jari Jukka Juha Juhani Kalle Kari Lauri Leevi Markku ' +
  'Matti Mikko Niko Onni Pekka Petri Sami Seppo Timo Tapio Toni Tuomas Veikko Ville Väinö Olavi ' +
  'Jussi Janne Oskari'
).split(' ');
const LAST_NAMES = (
  'Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen ' +
  'Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen ' +
  'Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Hiltunen Leinonen ' +
  'Miettinen Pitkänen Hirvonen Lindholm Räsänen Aaltonen Mustonen Pesonen Laaksonen Ojala Väisänen ' +
  'Kettunen Lindqvist Rautio Peltonen Vainio Kallio Hakala'
).split(' ');
const STREETS = (
  'Mannerheimintie Hämeentie Aleksanterinkatu Kauppakatu Koulukatu Kirkkokatu Rantatie Puistokatu ' +
  'Asemakatu Koivukuja Kuusitie Mäntytie Pihlajakatu Vaahterakuja Satamakatu Myllytie Torikatu ' +
  'Linnankatu Tehtaankatu Sibeliuksenkatu Runebergintie Kalevankatu'
).split(' ');
/** Real cities with the span of their postal codes (first and last code, both inclusive). */
const CITIES: { city: string; from: number; to: number }[] = [
  { city: 'Helsinki', from: 100, to: 990 },
  { city: 'Espoo', from: 2100, to: 2970 },
  { city: 'Vantaa', from: 1300, to: 1760 },
  { city: 'Tampere', from: 33100, to: 33960 },
  { city: 'Turku', from: 20100, to: 20960 },
  { city: 'Oulu', from: 90100, to: 90940 },
  { city: 'Jyväskylä', from: 40100, to: 40950 },
  { city: 'Lahti', from: 15100, to: 15900 },
  { city: 'Kuopio', from: 70100, to: 70900 },
  { city: 'Pori', from: 28100, to: 28900 },
  { city: 'Joensuu', from: 80100, to: 80400 },
  { city: 'Lappeenranta', from: 53100, to: 53900 },
  { city: 'Hämeenlinna', from: 13100, to: 13900 },
  { city: 'Vaasa', from: 65100, to: 65410 },
  { city: 'Rovaniemi', from: 96100, to: 96900 },
  { city: 'Seinäjoki', from: 60100, to: 60800 },
  { city: 'Mikkeli', from: 50100, to: 50600 },
  { city: 'Kotka', from: 48100, to: 48900 },
];
const MOBILE_PREFIXES = ['040', '041', '044', '045', '046', '050'];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
/** Century signs in use since 2023, weighted towards the traditional `-` and `A`. */
const SIGNS_1900 = ['-', '-', '-', '-', 'Y', 'X'];
const SIGNS_2000 = ['A', 'A', 'A', 'B'];

export interface GeneratedAddress {
  street: string;
  postalCode: string;
  city: string;
  country: 'FI';
}

export interface GeneratedPerson {
  /** What a user would type into the register (the input of `createPerson`). */
  fields: {
    first_name: string;
    last_name: string;
    nickname?: string;
    hetu: string;
    customer_number: string;
    /** Enum fields of 003-auntie. */
    gender: 'female' | 'male' | 'not_stated';
    language: 'fi' | 'sv' | 'en';
    email: string[];
    phone: string[];
    address: GeneratedAddress[];
  };
  /** The same data as stored: the phone in E.164 and the email's lookup key (for the raw SQL baseline). */
  stored: {
    phoneE164: string;
    emailValue: string;
    emailKey: string;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function int(rand: () => number, from: number, to: number): number {
  return from + Math.floor(rand() * (to - from + 1));
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Lower-case ASCII for email local parts: ä → a, ö → o, å → a. */
export function asciiName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[äå]/g, 'a')
    .replace(/ö/g, 'o')
    .replace(/[^a-z]/g, '');
}

/** A valid test-range hetu (individual number 900–999) for a date of birth; checked with `parseHetu`. */
export function testHetu(year: number, month: number, day: number, individual: number, sign: string): string {
  if (individual < 900 || individual > 999)
    throw new Error('test-range hetu needs an individual number 900–999');
  const digits = `${pad(day, 2)}${pad(month, 2)}${pad(year % 100, 2)}${pad(individual, 3)}`;
  const hetu = `${digits.slice(0, 6)}${sign}${digits.slice(6)}${hetuCheckCharacter(digits)}`;
  const parsed = parseHetu(hetu);
  if (!parsed.ok || !parsed.temporary) throw new Error(`generated an invalid hetu ${hetu}`);
  return hetu;
}

/** The first day a generated person may be born on, and the number of days from it to 2007-12-31. */
const BIRTH_FROM = Date.UTC(1935, 0, 1);
const BIRTH_DAYS = 26_663;
/** Distinct test-range hetus the generator can make: every birth day × individual numbers 900–999. */
export const MAX_PERSONS = BIRTH_DAYS * 100;
const PHONE_SPACE = MOBILE_PREFIXES.length * 10_000_000;
/** Multipliers coprime to MAX_PERSONS and PHONE_SPACE: index → value is a bijection, so values never repeat. */
const HETU_STEP = 1_000_003;
const PHONE_STEP = 1_000_003;

/**
 * Persons one at a time, `count` of them, the same for the same seed, in constant memory whatever the count
 * (up to MAX_PERSONS): hetus and phones are distinct by construction (a bijection from the person's index),
 * emails by a counter per name (`aino.virtanen@…`, `aino.virtanen2@…`), customer numbers by index.
 *
 * @example
 * ```ts
 * for (const p of personStream(1_000_000, 42)) write(p); // never holds the million
 * ```
 */
export function* personStream(count: number, seed = 20240601): Generator<GeneratedPerson> {
  if (count > MAX_PERSONS) throw new Error(`at most ${MAX_PERSONS} distinct test-range persons`);
  const rand = createRandom(seed);
  const hetuOffset = Math.floor(createRandom(seed ^ 0x68e7)() * MAX_PERSONS);
  const phoneOffset = Math.floor(createRandom(seed ^ 0x9f0e)() * PHONE_SPACE);
  const emailCounts = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const female = rand() < 0.5;
    const firstName = pick(rand, female ? FEMALE_NAMES : MALE_NAMES);
    const lastName = pick(rand, LAST_NAMES);

    const h = (HETU_STEP * i + hetuOffset) % MAX_PERSONS;
    const birth = new Date(BIRTH_FROM + (h % BIRTH_DAYS) * 86_400_000);
    const year = birth.getUTCFullYear();
    const sign = pick(rand, year >= 2000 ? SIGNS_2000 : SIGNS_1900);
    const hetu = testHetu(
      year,
      birth.getUTCMonth() + 1,
      birth.getUTCDate(),
      900 + Math.floor(h / BIRTH_DAYS),
      sign,
    );

    const ph = (PHONE_STEP * i + phoneOffset) % PHONE_SPACE;
    const rest = pad(ph % 10_000_000, 7);
    const phone = `${MOBILE_PREFIXES[Math.floor(ph / 10_000_000)]} ${rest.slice(0, 3)} ${rest.slice(3)}`;
    const parsed = parsePhone(phone);
    if (!parsed.ok) throw new Error(`generated an invalid phone ${phone}`);

    const base = `${asciiName(firstName)}.${asciiName(lastName)}`;
    const domain = pick(rand, EMAIL_DOMAINS);
    const n = (emailCounts.get(`${base}@${domain}`) ?? 0) + 1;
    emailCounts.set(`${base}@${domain}`, n);
    const email = `${base}${n === 1 ? '' : n}@${domain}`;

    const place = pick(rand, CITIES);
    const postal = place.from + 10 * Math.floor(rand() * ((place.to - place.from) / 10 + 1));
    const address: GeneratedAddress = {
      street: `${pick(rand, STREETS)} ${int(rand, 1, 120)}${rand() < 0.3 ? ` ${pick(rand, ['A', 'B', 'C'])} ${int(rand, 1, 40)}` : ''}`,
      postalCode: pad(postal, 5),
      city: place.city,
      country: 'FI',
    };

    const fields: GeneratedPerson['fields'] = {
      first_name: firstName,
      last_name: lastName,
      hetu,
      customer_number: `A${pad(100_001 + i, 7)}`,
      email: [email],
      phone: [phone],
      address: [address],
      gender: female ? 'female' : rand() < 0.97 ? 'male' : 'not_stated',
      language: rand() < 0.9 ? 'fi' : rand() < 0.8 ? 'sv' : 'en',
    };
    if (rand() < 0.1) fields.nickname = firstName.slice(0, Math.max(3, firstName.length - 2));
    yield { fields, stored: { phoneE164: parsed.value, emailValue: email, emailKey: emailKey(email) } };
  }
}

/** `count` distinct persons (distinct hetu, email, phone and customer number), the same for the same seed. */
export function generatePersons(count: number, seed = 20240601): GeneratedPerson[] {
  return Array.from(personStream(count, seed));
}

/** The persons at the given indices of `personStream(count, seed)`, streamed through once (constant memory). */
export function personsAt(
  count: number,
  seed: number,
  indices: Iterable<number>,
): Map<number, GeneratedPerson> {
  const wanted = new Set(indices);
  const found = new Map<number, GeneratedPerson>();
  let i = 0;
  for (const p of personStream(count, seed)) {
    if (wanted.has(i)) found.set(i, p);
    i++;
  }
  return found;
}

const COMPANY_WORDS = (
  'Rakennus Kuljetus Sähkö Putki Metalli Puu Kone Tilitoimisto Kiinteistö Konsultointi Ohjelmisto Lvi ' +
  'Maalaus Siivous Catering Logistiikka Media Muotoilu Energia Tekniikka'
).split(' ');
const COMPANY_FORMS = ['Oy', 'Oy', 'Oy', 'Oy Ab', 'Ky', 'Tmi', 'Osk'];

export interface GeneratedOrganisation {
  name: string;
  /** y-tunnus with a valid check digit (never a seven-digit body whose remainder is 1). */
  businessId: string;
  address: GeneratedAddress;
  email: string;
  phone: string;
}

/**
 * `count` organisations, deterministic for a seed: Finnish company names ("Heikkinen Rakennus Oy", "Oulun Sähkö
 * Ky"), distinct business ids with a valid check digit, an address, an email at an example domain and a phone.
 *
 * @example
 * ```ts
 * generateOrganisations(2, 1)[0]; // { name: 'Mäkelä Kuljetus Oy', businessId: '2843170-3', ... }
 * ```
 */
export function generateOrganisations(count: number, seed = 20240601): GeneratedOrganisation[] {
  const rand = createRandom(seed ^ 0x0e6a);
  const out: GeneratedOrganisation[] = [];
  let body = 1_000_000 + Math.floor(rand() * 1_000_000);
  for (let i = 0; i < count; i++) {
    let check: number | null;
    do {
      body = (body + 1 + Math.floor(rand() * 97)) % 10_000_000;
      check = yTunnusCheckDigit(pad(body, 7));
    } while (check === null);
    const place = pick(rand, CITIES);
    const owner =
      rand() < 0.5 ? pick(rand, LAST_NAMES) : `${place.city.replace(/i$/, 'in').replace(/a$/, 'an')}`;
    const name = `${owner} ${pick(rand, COMPANY_WORDS)} ${pick(rand, COMPANY_FORMS)}`;
    const postal = place.from + 10 * Math.floor(rand() * ((place.to - place.from) / 10 + 1));
    const rest = pad(int(rand, 0, 9_999_999), 7);
    out.push({
      name,
      businessId: `${pad(body, 7)}-${check}`,
      address: {
        street: `${pick(rand, STREETS)} ${int(rand, 1, 80)}`,
        postalCode: pad(postal, 5),
        city: place.city,
        country: 'FI',
      },
      email: `info${i + 1}@${pick(rand, EMAIL_DOMAINS)}`,
      phone: `09 ${rest.slice(0, 3)} ${rest.slice(3)}`,
    });
  }
  return out;
}

/**
 * The share of persons with each marketing fact in the register the marketing benchmark builds (example
 * 003-auntie, channels email, sms, phone, post): electronic channels need a prior consent; post and phone
 * are open until prohibited. Shares are per thousand persons, chosen as a customer register of a consumer
 * business would plausibly hold them.
 */
export const MARKETING_SHARES = {
  /** Consent given for direct marketing by email (the latest row `given`). */
  emailGiven: 350,
  /** Of them, later withdrawn (a second, later row `withdrawn`). */
  emailWithdrawn: 40,
  /** Consent given for SMS marketing. */
  smsGiven: 200,
  /** Direct marketing by post prohibited (a `prohibited` row). */
  postProhibited: 50,
  /** Direct marketing by phone prohibited. */
  phoneProhibited: 80,
  /** An upheld objection to direct marketing on every channel. */
  objection: 10,
  /** Processing restricted (art. 18), not lifted. */
  restricted: 5,
  /** The person's address on the suppression list of post (an addressed-mail opt-out, e.g. ASML). */
  addressSuppressed: 30,
  /** The person's phone on the suppression list of phone marketing (e.g. the Robinson service). */
  phoneSuppressed: 40,
} as const;

const INTERACTION_FEEDBACK = [
  'Palvelu oli ystävällistä ja nopeaa.',
  'Odotin puhelinjonossa liian kauan.',
  'Kiitos avusta, asia ratkesi.',
  'Laskussa oli virhe, korjattiin heti.',
];

export interface GeneratedInteraction {
  kind: 'feedback' | 'web_usage';
  occurredAt: string;
  fields: Record<string, unknown>;
}

/**
 * `count` interactions of one person of example 003-auntie (feedback and web usage), deterministic for the seed
 * and the person's index.
 *
 * @example
 * ```ts
 * generateInteractions(12, 3, 42); // [{ kind: 'feedback', fields: { feedback: 'Kiitos avusta…', satisfaction: 4 } }, …]
 * ```
 */
export function generateInteractions(
  personIndex: number,
  count: number,
  seed = 20240601,
): GeneratedInteraction[] {
  const rand = createRandom((seed ^ Math.imul(personIndex + 1, 0x9e3779b1)) >>> 0);
  const out: GeneratedInteraction[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i++) {
    const at = new Date(start + Math.floor(rand() * 700 * 86_400_000)).toISOString();
    out.push(
      rand() < 0.3
        ? {
            kind: 'feedback',
            occurredAt: at,
            fields: { feedback: pick(rand, INTERACTION_FEEDBACK), satisfaction: int(rand, 1, 5) },
          }
        : {
            kind: 'web_usage',
            occurredAt: at,
            fields: {
              ip_address: `192.0.2.${int(rand, 1, 254)}`,
              visited_at: at,
              pages: ['/', pick(rand, ['/palvelut', '/hinnasto', '/yhteystiedot', '/tuki'])],
            },
          },
    );
  }
  return out;
}
