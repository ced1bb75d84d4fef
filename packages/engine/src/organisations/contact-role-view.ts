import type { ContactRoleRow } from '@lupaus/db';

export interface ContactRoleView {
  id: string;
  personId: string;
  organisationId: string;
  title: string | null;
  startsOn: string;
  endsOn: string | null;
  /** Whether the role lasts on the given day (seed 001: a contact person's data is kept while it lasts). */
  active: boolean;
}

export function toContactRoleView(r: ContactRoleRow, now: Date): ContactRoleView {
  const today = now.toISOString().slice(0, 10);
  return {
    id: r.id,
    personId: r.person_id,
    organisationId: r.organisation_id,
    title: r.title,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    active: r.starts_on <= today && (r.ends_on === null || r.ends_on >= today),
  };
}
