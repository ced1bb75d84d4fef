import { addTestUser } from '@lupaus/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type TestApp, testApp } from '../test-app';

describe('the administration routes', () => {
  let t: TestApp;
  let personId: string;
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}` });

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const person = await t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { source: 'subject', fields: { first_name: 'Pekka', last_name: 'Kivinen' } },
    });
    expect(person.statusCode, person.body).toBe(201);
    personId = person.json().id;
    expect((await get(`/persons/${personId}`)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('R6.1 R6.3 GET /admin/users: each account with its commitment signature; unsigned users are named', async () => {
    await addTestUser(t.register, {
      username: 'signed.clerk',
      roles: ['customer_service'],
      signCommitment: true,
    });
    await addTestUser(t.register, { username: 'unsigned.clerk', roles: ['marketing'] });
    const res = await get('/admin/users');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      username: string;
      roles: string[];
      signedCurrentCommitment: boolean;
      signedCommitmentVersion: number | null;
      lastSignInAt: string | null;
    }[];
    const signed = items.find((u) => u.username === 'signed.clerk')!;
    const unsigned = items.find((u) => u.username === 'unsigned.clerk')!;
    expect(signed).toMatchObject({ roles: ['customer_service'], signedCurrentCommitment: true });
    expect(signed.signedCommitmentVersion).toBeGreaterThan(0);
    expect(unsigned).toMatchObject({ signedCurrentCommitment: false, signedCommitmentVersion: null });
    expect(res.body).not.toContain('password_hash');

    const c = await get('/admin/commitments');
    expect(c.statusCode, c.body).toBe(200);
    const body = c.json() as {
      current: number;
      versions: { version: number; signatures: number }[];
      signatures: { username: string; version: number }[];
      unsigned: { username: string }[];
    };
    expect(body.current).toBe(body.versions[0]!.version);
    expect(body.signatures).toContainEqual(
      expect.objectContaining({ username: 'signed.clerk', version: body.current }),
    );
    expect(body.unsigned.map((u) => u.username)).toContain('unsigned.clerk');
    expect(body.unsigned.map((u) => u.username)).not.toContain('signed.clerk');
  });

  it('R6.2 GET /admin/roles: every role with its permissions, and the catalogue of permissions', async () => {
    const res = await get('/admin/roles');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      permissions: { id: string; personalData: boolean }[];
      roles: { id: string; permissions: string[] }[];
    };
    expect(body.permissions.find((p) => p.id === 'persons.read')?.personalData).toBe(true);
    expect(body.permissions.find((p) => p.id === 'audit.read')?.personalData).toBe(false);
    const marketing = body.roles.find((r) => r.id === 'marketing');
    expect(marketing?.permissions).toContain('marketing.select');
    expect(marketing?.permissions).not.toContain('persons.read');
    expect(body.roles.find((r) => r.id === 'administrator')?.permissions).toContain('users.manage');
  });

  it('R6.4 GET /audit by action: the reads of a person, and nothing of another action', async () => {
    const reads = await get(`/audit?action=read&personId=${personId}`);
    expect(reads.statusCode, reads.body).toBe(200);
    const items = reads.json().items as { action: string; personId: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.action === 'read' && i.personId === personId)).toBe(true);
    const none = await get(`/audit?action=reveal&personId=${personId}`);
    expect(none.json()).toEqual({ items: [], next: null });
    const all = await get(`/audit?personId=${personId}`);
    expect((all.json().items as { action: string }[]).some((i) => i.action !== 'read')).toBe(true);
    const paged = await get('/audit?action=read&limit=1');
    expect(paged.json().items).toHaveLength(1);
    expect(paged.json().next).toBe(paged.json().items[0].id);
  });

  it('R6.4 GET /audit refuses a bad action or time, naming where', async () => {
    const bad = await get('/audit?action=DROP%20TABLE');
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).problems).toEqual([expect.objectContaining({ at: 'action' })]);
    const time = await get('/audit?action=read&from=yesterday');
    expect(time.statusCode).toBe(422);
    expect(errorOf(time).problems).toEqual([expect.objectContaining({ at: 'from' })]);
  });

  it('R1.1 R1.6 GET /admin/definition: purposes, categories, processors, transfers and retention rules', async () => {
    const res = await get('/admin/definition');
    expect(res.statusCode, res.body).toBe(200);
    const def = t.register.definition;
    const body = res.json() as {
      purposes: { id: string }[];
      categories: { id: string; fields: number }[];
      recipients: { id: string; kind: string }[];
      transfers: { items: { id: string }[] };
      retention: { rules: { id: string }[] };
      eeaCountries: string[];
    };
    expect(body.purposes.map((p) => p.id)).toEqual(def.purposes.map((p) => p.id));
    expect(body.categories[0]!.fields).toBe(def.categories[0]!.fields.length);
    expect(body.recipients.filter((r) => r.kind === 'processor').length).toBe(
      def.recipients.filter((r) => r.kind === 'processor').length,
    );
    expect(body.transfers.items.length).toBe(def.transfers?.items.length ?? 0);
    expect(body.retention.rules.length).toBeGreaterThan(0);
    // Which countries are third countries is core's rule, given to the app, not kept by it.
    expect(body.eeaCountries).toContain('FI');
    expect(body.eeaCountries).toContain('NO');
    expect(body.eeaCountries).not.toContain('US');
    expect(body.eeaCountries).toHaveLength(30);
  });

  it('R6.2 the administration routes are refused to a role without the permission', async () => {
    const clerk = await testApp('003-auntie', {
      id: 'clerk',
      roles: ['customer_service'],
      commitmentSigned: true,
    });
    try {
      for (const url of ['/admin/users', '/admin/roles', '/admin/commitments', '/audit']) {
        const res = await clerk.app.inject({ method: 'GET', url: `/api/v1${url}` });
        expect(res.statusCode, url).toBe(403);
      }
      const def = await clerk.app.inject({ method: 'GET', url: '/api/v1/admin/definition' });
      expect(def.statusCode).toBe(200);
    } finally {
      await clerk.close();
    }
  });
});
