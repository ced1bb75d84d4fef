import { emailKey, hetuCheckCharacter, parseHetu, parsePhone } from '@lupaus/core';

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

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `count` distinct persons (distinct hetu, email, phone and customer number), the same for the same seed. */
export function generatePersons(count: number, seed = 20240601): GeneratedPerson[] {
  const rand = createRandom(seed);
  const hetus = new Set<string>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  const persons: GeneratedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const female = rand() < 0.5;
    const firstName = pick(rand, female ? FEMALE_NAMES : MALE_NAMES);
    const lastName = pick(rand, LAST_NAMES);

    let hetu: string;
    do {
      const year = int(rand, 1935, 2007);
      const month = int(rand, 1, 12);
      const day = int(rand, 1, daysInMonth(year, month));
      const sign = pick(rand, year >= 2000 ? SIGNS_2000 : SIGNS_1900);
      hetu = testHetu(year, month, day, int(rand, 900, 999), sign);
    } while (hetus.has(hetu));
    hetus.add(hetu);

    let phone: string;
    let phoneE164: string;
    for (;;) {
      const prefix = pick(rand, MOBILE_PREFIXES);
      const rest = pad(int(rand, 0, 9_999_999), 7);
      phone = `${prefix} ${rest.slice(0, 3)} ${rest.slice(3)}`;
      const parsed = parsePhone(phone);
      if (parsed.ok && !phones.has(parsed.value)) {
        phoneE164 = parsed.value;
        break;
      }
    }
    phones.add(phoneE164);

    const base = `${asciiName(firstName)}.${asciiName(lastName)}`;
    const domain = pick(rand, EMAIL_DOMAINS);
    let email = `${base}@${domain}`;
    for (let n = 2; emails.has(emailKey(email)); n++) email = `${base}${n}@${domain}`;
    emails.add(emailKey(email));

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
    };
    if (rand() < 0.1) fields.nickname = firstName.slice(0, Math.max(3, firstName.length - 2));
    persons.push({ fields, stored: { phoneE164, emailValue: email, emailKey: emailKey(email) } });
  }
  return persons;
}
