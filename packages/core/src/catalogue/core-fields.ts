import type { FieldType, Holder } from '../definition/schema';

/**
 * Fields the storage layer gives their own columns and behaviour (normalisation, encryption, search). A
 * register still declares each of them in its definition before it may be written (R1.5); a declared core
 * field must have the type given here. Every other field is stored with the type its definition declares.
 */
export const CORE_FIELDS: Partial<Record<Holder, Record<string, { type: FieldType; multiple: boolean }>>> = {
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
};

export function coreField(holder: Holder, id: string) {
  return CORE_FIELDS[holder]?.[id];
}
