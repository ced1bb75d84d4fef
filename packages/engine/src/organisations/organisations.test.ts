import { LupausError } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { addContactRole, endContactRole } from './contact-roles';
import { createOrganisation, updateOrganisation } from './create-organisation';
import { getOrganisation, listOrganisations } from './get-organisation';

describe('organisations and contact roles (001-vitec-katrina)', () => {
  let reg: Register;
  const clock = fixedClock('2026-11-22T10:00:00Z');
  beforeAll(async () => {
    reg = await openTestRegister('001-vitec-katrina', { clock });
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R2.2 an organisation keeps a validated y-tunnus; a wrong check digit names the field', async () => {
    const org = await createOrganisation(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Vitec Katrina Oy', business_id: '1599535-4' },
    });
    expect(org.fields).toEqual({ name: 'Vitec Katrina Oy', business_id: '1599535-4' });
    const e = await createOrganisation(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Väärä Oy', business_id: '1599535-3' },
    }).catch((x: unknown) => x as LupausError);
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'fields.business_id' }] });
  });

  it('R1.5 an organisation field the definition does not declare is refused, naming it', async () => {
    const e = await createOrganisation(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Uusi Oy', email: 'info@uusi.example.fi' },
    }).catch((x: unknown) => x as LupausError);
    expect(e).toBeInstanceOf(LupausError);
    expect((e as LupausError).code).toBe('FIELD_NOT_DECLARED');
    expect((e as LupausError).problems[0]?.at).toBe('fields.email');
  });

  it('R2.2 a contact role runs from its start to its end, shown on the person and the organisation, audited', async () => {
    const person = await createPerson(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Jani', last_name: 'Konsi', email: 'jani@example.fi' },
    });
    const org = await createOrganisation(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'MVS Oy' },
    });
    const role = await addContactRole(reg, TEST_ADMIN, {
      personId: person.id,
      organisationId: org.id,
      title: 'Myyntipäällikkö',
      startsOn: '2024-01-01',
      source: 'registrations',
    });
    expect(role).toMatchObject({
      title: 'Myyntipäällikkö',
      startsOn: '2024-01-01',
      endsOn: null,
      active: true,
    });
    expect((await getPerson(reg, TEST_ADMIN, person.id)).contactRoles.map((r) => r.id)).toEqual([role.id]);
    expect((await getOrganisation(reg, TEST_ADMIN, org.id)).contactRoles[0]).toMatchObject({
      personId: person.id,
    });
    const ended = await endContactRole(reg, TEST_ADMIN, role.id, { endsOn: '2026-06-30' });
    expect(ended).toMatchObject({ endsOn: '2026-06-30', active: false });
    const early = await endContactRole(reg, TEST_ADMIN, role.id, { endsOn: '2023-12-31' }).catch(
      (x: unknown) => x,
    );
    expect(early).toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'endsOn' }] });
    const actions = await reg.db
      .selectFrom('audit_log')
      .select(['action', 'entity_type'])
      .where('entity_id', '=', role.id)
      .orderBy('id')
      .execute();
    expect(actions).toEqual([
      { action: 'create', entity_type: 'contact_role' },
      { action: 'update', entity_type: 'contact_role' },
    ]);
  });

  it('R6.4 listing organisations is audited, one row per organisation shown', async () => {
    const org = await createOrganisation(reg, TEST_ADMIN, {
      source: 'registrations',
      fields: { name: 'Listattava Oy' },
    });
    await updateOrganisation(reg, TEST_ADMIN, org.id, {
      source: 'registrations',
      fields: { business_id: '0245974-7' },
    });
    const page = await listOrganisations(reg, TEST_ADMIN, { q: 'listattava' });
    expect(page.items.map((o) => o.id)).toEqual([org.id]);
    const rows = await reg.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', org.id)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['create', 'update', 'list']);
  });
});

describe('a register without organisations (003-auntie)', () => {
  it('R1.5 refuses to keep an organisation, even its name', async () => {
    const reg = await openTestRegister('003-auntie');
    try {
      const e = await createOrganisation(reg, TEST_ADMIN, {
        source: 'subject',
        fields: { name: 'C Oy' },
      }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'FIELD_NOT_DECLARED', problems: [{ at: 'fields.name' }] });
      expect(
        Number(
          (
            await reg.db
              .selectFrom('organisations')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ).toBe(0);
    } finally {
      await reg.close();
    }
  });
});
