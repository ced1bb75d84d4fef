import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

type Json = Record<string, unknown>;

/** Example 002 (Vastuu Group, B2B) declares organisations and contact roles; 003 does not. */
describe('the organisation and contact-role routes', () => {
  let t: TestApp;
  const post = (url: string, payload: Json) => t.app.inject({ method: 'POST', url, payload });
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  let orgId: string;
  let personId: string;

  beforeAll(async () => {
    t = await testApp('002-vastuu-group');
    const org = await post('/api/v1/organisations', {
      source: 'subject',
      fields: { name: 'Rakennus Kivi Oy', email: 'info@kivi.example.fi', phone: '09 1234 5678' },
    });
    expect(org.statusCode, org.body).toBe(201);
    orgId = org.json().id;
    const person = await post('/api/v1/persons', {
      source: 'subject',
      fields: { first_name: 'Pekka', last_name: 'Kivinen', email: 'pekka@kivi.example.fi' },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('R2.2 an organisation is created (201), read by id, changed and listed', async () => {
    const read = await get(`/api/v1/organisations/${orgId}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().fields.name).toBe('Rakennus Kivi Oy');
    expect(read.json().contactRoles).toEqual([]);

    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/organisations/${orgId}`,
      payload: { source: 'public_sources', fields: { name: 'Rakennus Kivi Oyj' } },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().fields.name).toBe('Rakennus Kivi Oyj');
    expect(patch.json().fields.email).toEqual(read.json().fields.email);

    await post('/api/v1/organisations', { source: 'subject', fields: { name: 'Puutarha Lehto Ky' } });
    const all = await get('/api/v1/organisations');
    expect(all.statusCode).toBe(200);
    expect((all.json().items as { fields: { name: string } }[]).map((o) => o.fields.name).sort()).toEqual([
      'Puutarha Lehto Ky',
      'Rakennus Kivi Oyj',
    ]);
    const found = await get('/api/v1/organisations?q=rakennus');
    expect((found.json().items as { id: string }[]).map((o) => o.id)).toEqual([orgId]);
    const page = await get('/api/v1/organisations?limit=1');
    expect(page.json().items).toHaveLength(1);
    expect(page.json().next).not.toBeNull();
  });

  it('R1.5 an organisation field the definition does not declare gets 422 naming it', async () => {
    const res = await post('/api/v1/organisations', {
      source: 'subject',
      fields: { name: 'Varjo Oy', turnover: 1_000_000 },
    });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).code).toBe('FIELD_NOT_DECLARED');
    expect(errorOf(res).message).toContain('turnover');
  });

  it('R2.2 a business id (y-tunnus) is checked: a wrong check digit gets 422 naming business_id', async () => {
    const ok = await post('/api/v1/organisations', {
      source: 'subject',
      fields: { name: 'Oikea Oy', business_id: '0112038-9' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().fields.business_id).toBe('0112038-9');
    const wrong = await post('/api/v1/organisations', {
      source: 'subject',
      fields: { name: 'Väärä Oy', business_id: '0112038-8' },
    });
    expect(wrong.statusCode).toBe(422);
    expect(
      errorOf(wrong)
        .problems.map((p) => p.at)
        .join(' '),
    ).toContain('business_id');
  });

  it('R2.2 a person becomes a contact person of an organisation from a date, and the role ends on a date', async () => {
    const add = await post(`/api/v1/organisations/${orgId}/contacts`, {
      personId,
      title: 'Ostopäällikkö',
      startsOn: '2024-01-15',
      source: 'subject',
    });
    expect(add.statusCode, add.body).toBe(201);
    const role = add.json();
    expect(role).toMatchObject({
      personId,
      organisationId: orgId,
      title: 'Ostopäällikkö',
      endsOn: null,
      active: true,
    });

    const person = await get(`/api/v1/persons/${personId}`);
    expect((person.json().contactRoles as { id: string }[]).map((r) => r.id)).toEqual([role.id]);
    const org = await get(`/api/v1/organisations/${orgId}`);
    expect((org.json().contactRoles as { personId: string }[]).map((r) => r.personId)).toEqual([personId]);

    const end = await post(`/api/v1/contact-roles/${role.id}/end`, { endsOn: '2024-06-30' });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json()).toMatchObject({ id: role.id, endsOn: '2024-06-30', active: false });
  });

  it('R2.2 a contact role needs a real date, a known person and a known organisation', async () => {
    const badDate = await post(`/api/v1/organisations/${orgId}/contacts`, {
      personId,
      startsOn: '15.1.2024',
      source: 'subject',
    });
    expect(badDate.statusCode).toBe(422);
    expect(errorOf(badDate).problems.map((p) => p.at)).toEqual(['body.startsOn']);

    const unknown = '01900000-0000-7000-8000-000000000000';
    const noPerson = await post(`/api/v1/organisations/${orgId}/contacts`, {
      personId: unknown,
      startsOn: '2024-01-01',
      source: 'subject',
    });
    expect(noPerson.statusCode).toBe(404);
    const noOrg = await post(`/api/v1/organisations/${unknown}/contacts`, {
      personId,
      startsOn: '2024-01-01',
      source: 'subject',
    });
    expect(noOrg.statusCode).toBe(404);
    expect((await post(`/api/v1/contact-roles/${unknown}/end`, { endsOn: '2024-01-01' })).statusCode).toBe(
      404,
    );
    expect((await get(`/api/v1/organisations/${unknown}`)).statusCode).toBe(404);
  });

  it('R1.5 a register that declares no organisations nor contact roles refuses them, even a name', async () => {
    const other = await testApp('003-auntie');
    try {
      const inject = (url: string, payload: Json) => other.app.inject({ method: 'POST', url, payload });
      const p = await inject('/api/v1/persons', {
        source: 'subject',
        fields: { first_name: 'A', last_name: 'B' },
      });
      expect(p.statusCode, p.body).toBe(201);
      const withEmail = await inject('/api/v1/organisations', {
        source: 'subject',
        fields: { name: 'C Oy', email: 'info@c.example.fi' },
      });
      expect(withEmail.statusCode).toBe(422);
      expect(errorOf(withEmail).code).toBe('FIELD_NOT_DECLARED');
      expect(errorOf(withEmail).message).toContain('email');
      // 003 keeps no organisations at all: even a name is refused, because the definition does not declare it.
      const o = await inject('/api/v1/organisations', { source: 'subject', fields: { name: 'C Oy' } });
      expect(o.statusCode, o.body).toBe(422);
      expect(errorOf(o)).toMatchObject({ code: 'FIELD_NOT_DECLARED', problems: [{ at: 'fields.name' }] });
      const role = await inject('/api/v1/organisations/01a2019d-0000-7000-8000-000000000000/contacts', {
        personId: p.json().id,
        startsOn: '2024-01-01',
        source: 'subject',
      });
      expect(role.statusCode).toBe(422);
      expect(errorOf(role).code).toBe('FIELD_NOT_DECLARED');
    } finally {
      await other.close();
    }
  });
});
