import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { attachFile } from '../files/attach-file';
import { addContactRole, endContactRole } from '../organisations/contact-roles';
import { createOrganisation } from '../organisations/create-organisation';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { createRecord } from '../records/create-record';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { planRetention } from './plan-retention';
import { runRetention } from './run-retention';
import { recordIds, retentionAudit, storedFileCount, tableCounts } from './testing';

/** Seed 002 (Vastuu Group): chats 3 months and call recordings 7 months from creation, contact persons' data while they are one. */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function person(r: Register, first: string) {
  return createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: {
      first_name: first,
      last_name: 'Testinen',
      email: `${first.toLowerCase()}@example.com`,
      phone: '040 123 4567',
      job_title: 'Ostaja',
    },
  });
}

describe('seed 002 retention', () => {
  it('R5.1 chats go 3 months and call recordings 7 months from creation, their files with them; the rest stays', async () => {
    const clock = fixedClock('2025-01-01T08:00:00Z');
    reg = await openTestRegister('002-vastuu-group', { clock });
    const r = reg;
    const p = await person(r, 'Maija');
    const chat = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'chats',
      source: 'subject',
      fields: { chat_transcript: 'Hei, tarvitsen apua', chatted_at: '2025-01-31T10:00:00Z' },
    });
    const laterChat = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'chats',
      source: 'subject',
      fields: { chat_transcript: 'Kiitos', chatted_at: '2025-02-01T10:00:00Z' },
    });
    const call = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'call_recordings',
      source: 'subject',
      fields: { called_at: '2025-01-31T10:00:00Z' },
    });
    await attachFile(r, TEST_ADMIN, call.id, 'call_recording', {
      name: 'call.mp3',
      mediaType: 'audio/mpeg',
      bytes: Buffer.from('fake audio'),
    });
    const feedback = await createRecord(r, TEST_ADMIN, p.id, {
      kind: 'feedback',
      source: 'subject',
      fields: { feedback: 'Hyvää palvelua' },
    });
    expect(await storedFileCount(r)).toBe(1);
    clock.set('2026-01-01T00:00:00Z');

    // 2025-01-31 + P3M = 2025-04-30 (clamped), at 10:00 UTC: the day before nothing goes.
    const before = await runRetention(r, TEST_ADMIN, { asOf: '2025-04-29' });
    expect(before.totals.deleted).toBe(0);
    expect((await recordIds(r, 'interactions')).length).toBe(4);

    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2025-04-30' });
    const chats = plan.groups.find((g) => g.category === 'chats')!;
    expect(chats).toMatchObject({
      rule: 'chat_recordings',
      kind: 'from_creation',
      due: 1,
      earliestDue: '2025-04-30T10:00:00.000Z',
    });
    expect(plan.items).toEqual([
      expect.objectContaining({
        category: 'chats',
        id: chat.id,
        personId: p.id,
        dueAt: '2025-04-30T10:00:00.000Z',
      }),
    ]);
    expect(plan.review.map((g) => g.category)).toEqual(
      expect.arrayContaining(['feedback', 'organisation', 'interests']),
    );
    expect(plan.review.find((g) => g.category === 'feedback')).toMatchObject({ count: 1, rule: 'as_needed' });

    const onDay = await runRetention(r, TEST_ADMIN, { asOf: '2025-04-30' });
    expect(onDay.groups.find((g) => g.category === 'chats')).toMatchObject({ deleted: 1 });
    expect((await recordIds(r, 'interactions')).map((x) => x.id).sort()).toEqual(
      [laterChat.id, call.id, feedback.id].sort(),
    );

    // 2025-01-31 + P7M = 2025-08-31 10:00: the recording and its bytes go then, not before.
    await runRetention(r, TEST_ADMIN, { asOf: '2025-08-31T09:59:59Z' });
    expect(await storedFileCount(r)).toBe(1);
    const calls = await runRetention(r, TEST_ADMIN, { asOf: '2025-08-31T10:00:00Z' });
    expect(calls.groups.find((g) => g.category === 'call_recordings')).toMatchObject({ deleted: 1 });
    expect(calls.totals.files).toBe(1);
    expect(await storedFileCount(r)).toBe(0);
    const counts = await tableCounts(r);
    expect(counts.files).toBe(0);
    expect(counts.file_deletions).toBe(0);
    expect((await recordIds(r, 'interactions')).map((x) => x.id)).toEqual([feedback.id]);
    // The person and the data kept as needed stay.
    expect((await getPerson(r, TEST_ADMIN, p.id)).fields.first_name).toBe('Maija');
    // One audit row per person per category per batch, ids only.
    const audit = await retentionAudit(r);
    expect(
      audit.map((a) => [a.action, a.entity_type, a.person_id, (a.details as { category: string }).category]),
    ).toEqual([
      ['retention_delete', 'interaction', p.id, 'chats'],
      ['retention_delete', 'interaction', p.id, 'chats'],
      ['retention_delete', 'interaction', p.id, 'call_recordings'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('Hei');
  });

  it('R5.1 a contact person’s data goes when the role has ended, and not while it lasts', async () => {
    const clock = fixedClock('2025-01-01T08:00:00Z');
    reg = await openTestRegister('002-vastuu-group', { clock });
    const r = reg;
    const org = await createOrganisation(r, TEST_ADMIN, {
      source: 'subject',
      fields: { name: 'Asiakas Oy' },
    });
    const a = await person(r, 'Aino');
    const b = await person(r, 'Bertta');
    const c = await person(r, 'Cecilia');
    const roleA = await addContactRole(r, TEST_ADMIN, {
      personId: a.id,
      organisationId: org.id,
      startsOn: '2024-01-01',
      source: 'subject',
    });
    await addContactRole(r, TEST_ADMIN, {
      personId: b.id,
      organisationId: org.id,
      startsOn: '2024-01-01',
      source: 'subject',
    });
    await endContactRole(r, TEST_ADMIN, roleA.id, { endsOn: '2025-03-31' });
    await r.db
      .updateTable('persons')
      .set({ attributes: JSON.stringify({ job_title: 'Ostaja', interests: ['pilvi'] }) })
      .where('id', '=', a.id)
      .execute();
    clock.set('2026-01-01T00:00:00Z');

    // The role lasts through its last day.
    await runRetention(r, TEST_ADMIN, { asOf: '2025-03-31' });
    expect((await getPerson(r, TEST_ADMIN, a.id)).fields.first_name).toBe('Aino');
    const plan = await planRetention(r, TEST_ADMIN, { asOf: '2025-04-01' });
    expect(plan.groups.find((g) => g.category === 'contact_details')).toMatchObject({ due: 1 });
    expect(plan.items.find((i) => i.category === 'contact_details')).toMatchObject({
      id: a.id,
      fields: ['first_name', 'last_name', 'email', 'phone', 'job_title'],
      dueAt: '2025-04-01T00:00:00.000Z',
    });
    expect(plan.groups.find((g) => g.category === 'contact_role')).toMatchObject({ due: 1 });

    const report = await runRetention(r, TEST_ADMIN, { asOf: '2025-04-01' });
    expect(report.groups.find((g) => g.category === 'contact_details')).toMatchObject({ deleted: 1 });
    expect(report.groups.find((g) => g.category === 'contact_role')).toMatchObject({ deleted: 1 });
    const left = await getPerson(r, TEST_ADMIN, a.id);
    // Contact details gone; interests (kept as needed) stay; the person row stays for them.
    expect(left.fields).toEqual({ interests: ['pilvi'] });
    expect(left.contactRoles).toEqual([]);
    const prov = await r.db.selectFrom('provenance').select('field').where('entity_id', '=', a.id).execute();
    expect(prov.map((x) => x.field)).not.toContain('email');
    // Bertta is still a contact person, Cecilia never was one: both kept.
    expect((await getPerson(r, TEST_ADMIN, b.id)).fields.first_name).toBe('Bertta');
    expect((await getPerson(r, TEST_ADMIN, c.id)).fields.first_name).toBe('Cecilia');
  });
});
