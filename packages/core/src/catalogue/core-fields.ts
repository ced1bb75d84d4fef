import type { FieldType, Holder } from '../definition/schema';

/** A field the storage layer gives its own column and behaviour. */
export interface CoreField {
  type: FieldType;
  multiple: boolean;
  /** For enum core fields: the values the behaviour depends on (the definition gives their labels). */
  options?: readonly string[];
}

/**
 * Fields the storage layer gives their own columns and behaviour (normalisation, encryption, search, the state
 * of an invoice or a debt collection case, the validity of a loyalty level). A register still declares each of
 * them in its definition before it may be written (R1.5); a declared core field must have the type (and for an
 * enum, the option values) given here. Every other field is stored with the type its definition declares.
 */
export const CORE_FIELDS: Partial<Record<Holder, Record<string, CoreField>>> = {
  person: {
    first_name: { type: 'text', multiple: false },
    last_name: { type: 'text', multiple: false },
    nickname: { type: 'text', multiple: false },
    hetu: { type: 'hetu', multiple: false },
    customer_number: { type: 'text', multiple: false },
    email: { type: 'email', multiple: true },
    phone: { type: 'phone', multiple: true },
    address: { type: 'address', multiple: true },
  },
  organisation: {
    name: { type: 'text', multiple: false },
    business_id: { type: 'business_id', multiple: false },
    email: { type: 'email', multiple: true },
    phone: { type: 'phone', multiple: true },
    address: { type: 'address', multiple: true },
  },
  contact_role: {
    /** The organisation's name, from the linked organisation record. */
    organisation: { type: 'text', multiple: false },
    title: { type: 'text', multiple: false },
  },
  order: {
    /** The order's lines: product, quantity, unit price (and VAT rate); the amount is their sum unless given. */
    lines: { type: 'order_lines', multiple: false },
    amount: { type: 'money', multiple: false },
  },
  invoice: {
    number: { type: 'text', multiple: false },
    issued_on: { type: 'date', multiple: false },
    due_on: { type: 'date', multiple: false },
    amount: { type: 'money', multiple: false },
    /** An open invoice blocks erasure (R4.4) and keeps the customer relationship alive. */
    state: { type: 'enum', multiple: false, options: ['open', 'paid', 'credited'] },
    paid_on: { type: 'date', multiple: false },
  },
  collection: {
    /** An open debt collection case blocks erasure (R4.4). */
    state: { type: 'enum', multiple: false, options: ['open', 'closed'] },
    opened_on: { type: 'date', multiple: false },
    closed_on: { type: 'date', multiple: false },
    amount: { type: 'money', multiple: false },
  },
  loyalty: {
    level: { type: 'text', multiple: false },
    valid_from: { type: 'date', multiple: false },
    valid_until: { type: 'date', multiple: false },
  },
};

export function coreField(holder: Holder, id: string): CoreField | undefined {
  return CORE_FIELDS[holder]?.[id];
}

/** The holders whose values are records linked to a person, each in its own table. */
export const RECORD_HOLDERS = ['order', 'invoice', 'collection', 'interaction', 'loyalty'] as const;
export type RecordHolder = (typeof RECORD_HOLDERS)[number];
