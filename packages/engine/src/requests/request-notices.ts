import { type Definition, formatAddress, formatDate, t } from '@lupaus/core';
import type { Executor, RequestType } from '@lupaus/db';
import type { Register } from '../context';
import { enqueueNotificationIn } from '../notifications/enqueue-notification';
import type { RequestRow } from './request-store';

/**
 * The subject's own notices about a request (art. 12(3) extension, 12(4) refusal, 12(5) fee), in Finnish and
 * English, put in the outbox in the caller's transaction and addressed to the person's first email address
 * known to the register (a contact channel already known, never one given by the requester alone). With no
 * email the notice stays in the outbox for a letter by post.
 */

const TYPE_NAMES: Record<RequestType, { fi: string; en: string }> = {
  access: { fi: 'tarkastuspyyntö', en: 'request for access' },
  rectification: { fi: 'oikaisupyyntö', en: 'request for rectification' },
  erasure: { fi: 'poistopyyntö', en: 'request for erasure' },
  restriction: { fi: 'käsittelyn rajoittamista koskeva pyyntö', en: 'request for restriction' },
  objection: { fi: 'vastustamista koskeva pyyntö', en: 'objection' },
  portability: { fi: 'siirtopyyntö', en: 'request for data portability' },
  withdrawal: { fi: 'suostumuksen peruutus', en: 'withdrawal of consent' },
  anonymisation: { fi: 'anonymisointipyyntö', en: 'request for anonymisation' },
};

const FALLBACK_AUTHORITY = {
  fi: 'Tietosuojavaltuutetun toimisto (tietosuoja.fi)',
  en: 'Office of the Data Protection Ombudsman (tietosuoja.fi)',
};

function controllerName(def: Definition): string {
  return def.controller.tradeName ?? def.controller.name;
}

/** The supervisory authority as the definition names it, with its contact details, in `lang`. */
export function authorityText(def: Definition, lang: 'fi' | 'en'): string {
  const a = def.authority;
  if (!a) return FALLBACK_AUTHORITY[lang];
  const contact = [
    a.address ? formatAddress(a.address, lang) : undefined,
    a.email,
    a.phone,
    a.website,
  ].filter((x): x is string => Boolean(x));
  return contact.length > 0 ? `${t(a.name, lang)} (${contact.join(', ')})` : t(a.name, lang);
}

/** The right to complain and to a judicial remedy (art. 12(4), 77, 79), in Finnish and English. */
export function remediesText(def: Definition): { fi: string; en: string } {
  return {
    fi: `Teillä on oikeus tehdä valitus valvontaviranomaiselle: ${authorityText(def, 'fi')}. Teillä on myös oikeus hakea muutosta tuomioistuimelta (yleinen tietosuoja-asetus, 12 artiklan 4 kohta, 77 ja 79 artikla).`,
    en: `You have the right to lodge a complaint with the supervisory authority: ${authorityText(def, 'en')}. You also have the right to seek a judicial remedy in a court (GDPR article 12(4), articles 77 and 79).`,
  };
}

async function subjectEmail(tx: Executor, personId: string | null): Promise<string | null> {
  if (!personId) return null;
  const row = await tx
    .selectFrom('person_emails')
    .select('value')
    .where('person_id', '=', personId)
    .orderBy('position')
    .executeTakeFirst();
  return row?.value ?? null;
}

async function enqueue(
  tx: Executor,
  reg: Register,
  row: RequestRow,
  kind: string,
  subject: { fi: string; en: string },
  body: { fi: string; en: string },
): Promise<{ id: string }> {
  const name = controllerName(reg.definition);
  return enqueueNotificationIn(tx, reg, {
    personId: row.person_id,
    requestId: row.id,
    kind,
    audience: 'subject',
    audienceId: null,
    to: await subjectEmail(tx, row.person_id),
    subject: `${subject.fi} / ${subject.en} – ${name}`,
    body: `${body.fi}\n\n${name}\n\n---\n\n${body.en}\n\n${name}\n`,
  });
}

function receivedOnText(receivedOn: string): { fi: string; en: string } {
  return { fi: formatDate(receivedOn, 'fi'), en: formatDate(receivedOn, 'en') };
}

/** Tells the subject that the deadline is extended, by how much, to when and why (art. 12(3)). */
export async function enqueueExtensionNotice(
  tx: Executor,
  reg: Register,
  row: RequestRow,
  n: { receivedOn: string; months: number; extendedTo: string; reason: string },
): Promise<{ id: string }> {
  const type = TYPE_NAMES[row.type];
  const on = receivedOnText(n.receivedOn);
  const months = {
    fi: n.months === 1 ? 'yhdellä kuukaudella' : 'kahdella kuukaudella',
    en: n.months === 1 ? 'one month' : 'two months',
  };
  return enqueue(
    tx,
    reg,
    row,
    'extension',
    { fi: 'Pyyntönne käsittelyaikaa jatketaan', en: 'The time to answer your request is extended' },
    {
      fi: `Olemme vastaanottaneet ${on.fi} lähettämänne pyynnön (${type.fi}). Vastausaikaa jatketaan ${months.fi}, ${formatDate(n.extendedTo, 'fi')} asti (yleinen tietosuoja-asetus, 12 artiklan 3 kohta).\n\nSyy: ${n.reason}`,
      en: `We received your ${type.en} on ${on.en}. The time to answer it is extended by ${months.en}, until ${formatDate(n.extendedTo, 'en')} (GDPR article 12(3)).\n\nReason: ${n.reason}`,
    },
  );
}

export const REFUSAL_GROUNDS = ['manifestly_unfounded', 'excessive'] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

const GROUND_NAMES: Record<RefusalGround, { fi: string; en: string }> = {
  manifestly_unfounded: { fi: 'ilmeisen perusteeton', en: 'manifestly unfounded' },
  excessive: { fi: 'kohtuuton (erityisesti toistuva)', en: 'excessive (in particular repetitive)' },
};

/** Tells the subject that the request is refused, why, and the right to complain and to a court (art. 12(4)). */
export async function enqueueRefusalNotice(
  tx: Executor,
  reg: Register,
  row: RequestRow,
  n: { receivedOn: string; ground: RefusalGround; reason: string },
): Promise<{ id: string }> {
  const type = TYPE_NAMES[row.type];
  const on = receivedOnText(n.receivedOn);
  const remedies = remediesText(reg.definition);
  return enqueue(
    tx,
    reg,
    row,
    'refusal',
    { fi: 'Pyyntöönne ei suostuta', en: 'Your request is refused' },
    {
      fi: `Emme toteuta ${on.fi} vastaanotettua pyyntöänne (${type.fi}), koska se on ${GROUND_NAMES[n.ground].fi} (yleinen tietosuoja-asetus, 12 artiklan 5 kohta).\n\nPerustelut: ${n.reason}\n\n${remedies.fi}`,
      en: `We do not act on your ${type.en} received on ${on.en}, because it is ${GROUND_NAMES[n.ground].en} (GDPR article 12(5)).\n\nReasons: ${n.reason}\n\n${remedies.en}`,
    },
  );
}

/** Tells the subject that a reasonable fee is charged, how much and why (art. 12(5)(a)). */
export async function enqueueFeeNotice(
  tx: Executor,
  reg: Register,
  row: RequestRow,
  n: { receivedOn: string; ground: RefusalGround; reason: string; fee: string },
): Promise<{ id: string }> {
  const type = TYPE_NAMES[row.type];
  const on = receivedOnText(n.receivedOn);
  const remedies = remediesText(reg.definition);
  return enqueue(
    tx,
    reg,
    row,
    'fee',
    { fi: 'Pyyntönne käsittelystä peritään maksu', en: 'A fee is charged for your request' },
    {
      fi: `${on.fi} vastaanotettu pyyntönne (${type.fi}) on ${GROUND_NAMES[n.ground].fi}, joten sen käsittelystä peritään hallinnollisiin kustannuksiin perustuva kohtuullinen maksu: ${n.fee} (yleinen tietosuoja-asetus, 12 artiklan 5 kohdan a alakohta).\n\nPerustelut: ${n.reason}\n\n${remedies.fi}`,
      en: `Your ${type.en} received on ${on.en} is ${GROUND_NAMES[n.ground].en}, so a reasonable fee based on the administrative costs is charged for it: ${n.fee} (GDPR article 12(5)(a)).\n\nReasons: ${n.reason}\n\n${remedies.en}`,
    },
  );
}
