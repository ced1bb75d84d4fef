import { emailKey, LupausError, type ProblemDetail, parsePhone } from '@lupaus/core';
import type { Register } from '../context';

/**
 * The definition's side of consents and marketing (R3.1, R3.2): the declared channels and purposes, what
 * contact point each channel needs, which purposes are profiling, and the normalised, kind-prefixed form of a
 * contact point whose keyed hash names it on the suppression list.
 */

/** The purpose reads of a person's consents and their objections to marketing are audited under. */
export const CONSENTS_PURPOSE = 'marketing_consents';

export type ConsentState = 'given' | 'withdrawn' | 'prohibited';
export const CONSENT_STATES: readonly ConsentState[] = ['given', 'withdrawn', 'prohibited'];

/** The contact point a channel reaches a person by. */
export type ContactKind = 'email' | 'phone' | 'address';

export interface MarketingChannel {
  id: string;
  electronic: boolean;
  /** null: the register does not know what contact point this channel uses, so the gate cannot select for it. */
  kind: ContactKind | null;
}

export interface MarketingPurpose {
  id: string;
  model: 'opt_in' | 'opt_out';
  profiling: boolean;
}

/**
 * Who may be marketed to on a channel for a purpose without any consent record (R3.1, R3.2; information society
 * services act 917/2014 § 200): nobody for an opt-in purpose; for an opt-out purpose everyone on a channel that
 * is not electronic, and on an electronic channel only business contacts (a person with an active contact role).
 * The marketing gate turns this into SQL (`gateRules`), and a person's own view of their choices uses it as it is.
 *
 * @example
 * ```ts
 * withoutConsent('opt_out', true); // 'business'
 * withoutConsent('opt_out', false); // 'everyone'
 * ```
 */
export function withoutConsent(
  model: 'opt_in' | 'opt_out',
  electronic: boolean,
): 'nobody' | 'business' | 'everyone' {
  if (model !== 'opt_out') return 'nobody';
  return electronic ? 'business' : 'everyone';
}

/**
 * Whether a person's latest choice lets marketing of a purpose on a channel reach them (the gate's consent step):
 * a consent given, or no choice at all where `withoutConsent` allows it. Objections, restrictions and suppression
 * lists are the gate's other steps.
 *
 * @example
 * ```ts
 * choiceAllows({ state: 'none', model: 'opt_out', electronic: true }, false); // false: a consumer, by email
 * ```
 */
export function choiceAllows(
  c: { state: ConsentState | 'none'; model: 'opt_in' | 'opt_out'; electronic: boolean },
  business: boolean,
): boolean {
  if (c.state === 'given') return true;
  if (c.state !== 'none') return false;
  const rule = withoutConsent(c.model, c.electronic);
  return rule === 'everyone' || (rule === 'business' && business);
}

/**
 * The definition's marketing channels with the contact point each needs.
 *
 * @example
 * ```ts
 * channels(reg); // [{ id: 'post', electronic: false, kind: 'address' }, { id: 'email', electronic: true, kind: 'email' }]
 * ```
 */
export function channels(reg: Register): MarketingChannel[] {
  return (reg.definition.marketing?.channels ?? []).map((c) => ({
    id: c.id,
    electronic: c.electronic,
    kind: c.contact ?? null,
  }));
}

/**
 * The definition's marketing purposes with their model. A marketing purpose is profiling when it says so
 * (`profiling: true`, seed 003's `direct_marketing_profiling`) or when the definition has a purpose of the same
 * id marked `profiling`: an objection to profiling keeps the person out of it (art. 21(2)).
 *
 * @example
 * ```ts
 * purposes(reg).find((p) => p.id === 'direct_marketing_profiling'); // { model: 'opt_out', profiling: true, ... }
 * ```
 */
export function purposes(reg: Register): MarketingPurpose[] {
  const profilingIds = new Set(reg.definition.purposes.filter((p) => p.profiling).map((p) => p.id));
  return (reg.definition.marketing?.purposes ?? []).map((p) => ({
    id: p.id,
    model: p.model,
    profiling: p.profiling || profilingIds.has(p.id),
  }));
}

function listOf(ids: string[]): string {
  return ids.length > 0 ? ids.join(', ') : '(none: the definition has no marketing section)';
}

/**
 * Null for a declared channel, else a problem naming the undeclared one and listing the declared (R3.1).
 *
 * @example
 * ```ts
 * channelProblem(reg, 'fax'); // { at: 'channel', message: '"fax" is not a marketing channel ...; declared: post, phone, email' }
 * ```
 */
export function channelProblem(reg: Register, channel: unknown, at = 'channel'): ProblemDetail | null {
  const all = channels(reg);
  if (typeof channel === 'string' && all.some((c) => c.id === channel)) return null;
  return {
    at,
    message: `"${String(channel).slice(0, 60)}" is not a marketing channel of this register; declared: ${listOf(all.map((c) => c.id))}`,
  };
}

/**
 * Null for a declared marketing purpose, else a problem naming the undeclared one and listing the declared.
 *
 * @example
 * ```ts
 * purposeProblem(reg, 'direct_marketing'); // null
 * ```
 */
export function purposeProblem(reg: Register, purpose: unknown, at = 'purpose'): ProblemDetail | null {
  const all = purposes(reg);
  if (typeof purpose === 'string' && all.some((p) => p.id === purpose)) return null;
  return {
    at,
    message: `"${String(purpose).slice(0, 60)}" is not a marketing purpose of this register; declared: ${listOf(all.map((p) => p.id))}`,
  };
}

/**
 * The declared channel, or VALIDATION_FAILED naming the undeclared one.
 *
 * @example
 * ```ts
 * requireChannel(reg, 'sms').kind; // 'phone'
 * ```
 */
export function requireChannel(reg: Register, channel: string, at = 'channel'): MarketingChannel {
  const p = channelProblem(reg, channel, at);
  if (p) throw new LupausError('VALIDATION_FAILED', { channel }, [p]);
  return channels(reg).find((c) => c.id === channel)!;
}

/**
 * The declared marketing purpose, or VALIDATION_FAILED naming the undeclared one.
 *
 * @example
 * ```ts
 * requireMarketingPurpose(reg, 'market_research').model; // 'opt_in' or 'opt_out'
 * ```
 */
export function requireMarketingPurpose(reg: Register, purpose: string, at = 'purpose'): MarketingPurpose {
  const p = purposeProblem(reg, purpose, at);
  if (p) throw new LupausError('VALIDATION_FAILED', { purpose }, [p]);
  return purposes(reg).find((x) => x.id === purpose)!;
}

export interface PostalAddress {
  /**
   * For suppression keys only: the addressee's name. An entry with a name suppresses that person at the
   * address (a personal prohibition, an ASML entry); one without suppresses everyone at the address.
   */
  name?: string | null | undefined;
  street?: string | null | undefined;
  poBox?: string | null | undefined;
  postalCode?: string | null | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
}

function squeeze(s: string | null | undefined): string {
  return (s ?? '').normalize('NFC').toLowerCase().replace(/[.,;]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The normalised, kind-prefixed text of a contact point that the suppression list hashes: `email:` and the
 * lower-cased address; `phone:` and the E.164 number (digits only when it does not parse); `address:`, the
 * addressee's name when given (its words sorted, so "Meikäläinen Maija" is "Maija Meikäläinen") and the
 * country, postal code, street and PO box, lower-cased with punctuation and runs of spaces folded (the city
 * follows from the postal code, and is spelt in too many ways to compare).
 *
 * @example
 * ```ts
 * contactKey('email', ' Maija@Example.FI '); // 'email:maija@example.fi'
 * contactKey('phone', '040 123 4567'); // 'phone:+358401234567'
 * contactKey('address', { street: 'Esimerkkikatu 1 A', postalCode: '00100', city: 'Helsinki' });
 * // 'address:fi|00100|esimerkkikatu 1 a|'
 * contactKey('address', { name: 'Maija Meikäläinen', street: 'Katu 1', postalCode: '00100' });
 * // 'address:maija meikäläinen|fi|00100|katu 1|'
 * ```
 */
export function contactKey(kind: 'email' | 'phone', value: string): string;
export function contactKey(kind: 'address', value: PostalAddress): string;
export function contactKey(kind: ContactKind, value: string | PostalAddress): string;
export function contactKey(kind: ContactKind, value: string | PostalAddress): string {
  if (kind === 'email') return `email:${emailKey(value as string)}`;
  if (kind === 'phone') {
    const parsed = parsePhone(value as string);
    return `phone:${parsed.ok ? parsed.value : (value as string).replace(/[^\d+]/g, '')}`;
  }
  const a = value as PostalAddress;
  const place = `${squeeze(a.country ?? 'FI')}|${squeeze(a.postalCode)}|${squeeze(a.street)}|${squeeze(a.poBox)}`;
  const name = squeeze(a.name).split(' ').filter(Boolean).sort().join(' ');
  return name === '' ? `address:${place}` : `address:${name}|${place}`;
}

/**
 * A person's name as it goes into an address key: first and last name (in any order once normalised).
 *
 * @example
 * ```ts
 * addresseeName('Maija', 'Meikäläinen'); // 'Maija Meikäläinen'
 * ```
 */
export function addresseeName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last].filter((x) => x && x.trim() !== '').join(' ');
}

/**
 * The keyed hash (the vault's lookup key) that names a contact point on the suppression list.
 *
 * @example
 * ```ts
 * contactHash(reg, 'email', 'Maija@example.fi').equals(contactHash(reg, 'email', 'maija@example.fi')); // true
 * ```
 */
export function contactHash(reg: Register, kind: ContactKind, value: string | PostalAddress): Buffer {
  return reg.vault.lookup(contactKey(kind, value));
}
