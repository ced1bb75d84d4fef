import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { smtpMailer } from '../notifications/mailer';
import { sendPendingNotifications } from '../notifications/send-pending-notifications';
import { decodeMail, startTestSmtpServer } from '../notifications/smtp-test-server';
import { objectToProcessing } from '../objections/object-to-processing';
import { createPerson } from '../persons/create-person';
import { rectifyPerson } from '../rectification/rectify-person';
import { getRequest } from '../requests/get-request';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { liftRestriction, notifyRestrictionLift } from './lift-restriction';
import { isRestrictedIn, listRestrictions } from './list-restrictions';
import { restrictWhilePendingIn } from './restrict-while-pending';
import { startRestriction } from './start-restriction';

let reg: Register | undefined;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>> | undefined;
afterEach(async () => {
  await reg?.close();
  await smtp?.close();
  reg = undefined;
  smtp = undefined;
});

async function maija(r: Register, email: string | null = 'maija@example.fi') {
  return createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Virtanen', ...(email ? { email } : {}) },
  });
}

describe('restriction of processing (R4.5)', () => {
  it('R4.5 a restriction starts automatically while an objection is pending', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await maija(reg);
    const other = await maija(reg, 'toinen@example.fi');
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    const o = await objectToProcessing(reg, TEST_ADMIN, {
      personId: p.id,
      kind: 'profiling',
      purpose: 'profiling',
      situation: 'Asun turvakiellon alaisena.',
    });
    const { items } = await listRestrictions(reg, TEST_ADMIN, p.id, { active: true });
    expect(items).toEqual([
      expect.objectContaining({
        id: o.restrictionId,
        personId: p.id,
        ground: 'objection_pending',
        active: true,
        liftNotifiedAt: null,
        startedAt: '2026-03-01T09:00:00.000Z',
      }),
    ]);
    expect(await isRestrictedIn(reg.db, p.id)).toBe(true);
    expect(await isRestrictedIn(reg.db, other.id)).toBe(false);
  });

  it('R4.5 lifting without telling the subject first is refused; after the notice is sent it works and the subject got an email', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    smtp = await startTestSmtpServer();
    const p = await maija(reg);
    const r = await startRestriction(reg, TEST_ADMIN, {
      personId: p.id,
      ground: 'legal_claims',
      reason: 'Tarvitaan oikeusvaateen puolustamiseen',
    });
    expect(r).toMatchObject({ ground: 'legal_claims', active: true });
    await expect(liftRestriction(reg, TEST_ADMIN, r.id)).rejects.toMatchObject({
      code: 'RESTRICTION_NOT_NOTIFIED',
      status: 409,
    });
    clock.set('2026-03-10T09:00:00Z');
    const notified = await notifyRestrictionLift(reg, TEST_ADMIN, r.id);
    expect(notified).toMatchObject({
      liftNotifiedAt: '2026-03-10T09:00:00.000Z',
      to: 'maija@example.fi',
      active: true,
    });
    // Queued is not told: the notice must have gone out.
    await expect(liftRestriction(reg, TEST_ADMIN, r.id)).rejects.toMatchObject({
      code: 'RESTRICTION_NOT_NOTIFIED',
    });
    expect(await sendPendingNotifications(reg, smtpMailer(smtp.url))).toEqual({
      sent: 1,
      failed: 0,
      undeliverable: 0,
    });
    expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi']]);
    expect(decodeMail(smtp.messages[0]!.raw)).toContain('Rajoitus poistetaan');
    // Sending a notice staff asked for does not lift by itself.
    expect(await isRestrictedIn(reg.db, p.id)).toBe(true);
    clock.set('2026-03-12T09:00:00Z');
    const lifted = await liftRestriction(reg, TEST_ADMIN, r.id);
    expect(lifted).toMatchObject({
      active: false,
      liftedAt: '2026-03-12T09:00:00.000Z',
      liftedBy: TEST_ADMIN.id,
    });
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    await expect(liftRestriction(reg, TEST_ADMIN, r.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('R4.5 a person without email: the notice waits undeliverable, and staff lift only saying they told them otherwise', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await maija(reg, null);
    const r = await startRestriction(reg, TEST_ADMIN, { personId: p.id, ground: 'unlawful_processing' });
    const n = await notifyRestrictionLift(reg, TEST_ADMIN, r.id);
    expect(n.to).toBeNull();
    await expect(liftRestriction(reg, TEST_ADMIN, r.id)).rejects.toMatchObject({
      code: 'RESTRICTION_NOT_NOTIFIED',
      problems: [{ message: expect.stringContaining('noticeDeliveredOtherwise') }],
    });
    const lifted = await liftRestriction(reg, TEST_ADMIN, r.id, { noticeDeliveredOtherwise: true });
    expect(lifted.active).toBe(false);
  });

  it('R4.5 a verified rectification request restricts until it is decided, then the subject is told and it is lifted', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    smtp = await startTestSmtpServer();
    const p = await maija(reg);
    const req = await receiveRequest(reg, TEST_ADMIN, {
      type: 'rectification',
      personId: p.id,
      receivedVia: 'electronic',
      details: { fields: ['last_name'], contested: true },
    });
    // Nothing is restricted on an unverified request; the verified rectification restricts by itself.
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    await verifyIdentity(reg, TEST_ADMIN, req.id, { method: 'strong_electronic_identification' });
    expect(await isRestrictedIn(reg.db, p.id)).toBe(true);
    const pending = await listRestrictions(reg, TEST_ADMIN, p.id);
    expect(pending.items).toEqual([
      expect.objectContaining({ ground: 'accuracy_contested', requestId: req.id, active: true }),
    ]);
    const id = pending.items[0]!.id;
    // Calling it again for the same request adds nothing.
    const r = reg;
    await r.db.transaction().execute((tx) =>
      restrictWhilePendingIn(tx, r, TEST_ADMIN, {
        personId: p.id,
        ground: 'accuracy_contested',
        requestId: req.id,
      }),
    );
    expect((await listRestrictions(reg, TEST_ADMIN, p.id)).items).toHaveLength(1);
    clock.set('2026-03-04T09:00:00Z');
    const result = await rectifyPerson(
      reg,
      TEST_ADMIN,
      { personId: p.id, fields: { last_name: 'Virtanen-Koski' }, requestId: req.id },
      { mailer: smtpMailer(smtp.url) },
    );
    expect(result.restrictionsEnding).toEqual([id]);
    expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi']]);
    expect(decodeMail(smtp.messages[0]!.raw)).toContain('Tietosi on oikaistu.');
    const { items } = await listRestrictions(reg, TEST_ADMIN, p.id);
    expect(items).toEqual([
      expect.objectContaining({
        id,
        ground: 'accuracy_contested',
        liftNotifiedAt: '2026-03-04T09:00:00.000Z',
        liftedAt: '2026-03-04T09:00:00.000Z',
        active: false,
      }),
    ]);
  });

  it('R4.5 a restriction request is honoured by starting the restriction: verified first, then completed', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await maija(reg);
    const req = await receiveRequest(reg, TEST_ADMIN, {
      type: 'restriction',
      personId: p.id,
      receivedVia: 'electronic',
    });
    await expect(
      startRestriction(reg, TEST_ADMIN, { personId: p.id, ground: 'unlawful_processing', requestId: req.id }),
    ).rejects.toMatchObject({ code: 'REQUEST_NOT_VERIFIED' });
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    await verifyIdentity(reg, TEST_ADMIN, req.id, { method: 'strong_electronic_identification' });
    const r = await startRestriction(reg, TEST_ADMIN, {
      personId: p.id,
      ground: 'unlawful_processing',
      requestId: req.id,
    });
    expect(r).toMatchObject({ requestId: req.id, active: true });
    const done = await getRequest(reg, TEST_ADMIN, req.id);
    expect(done).toMatchObject({
      state: 'completed',
      outcome: { restrictionId: r.id, ground: 'unlawful_processing' },
    });
  });

  it('R4.5 bad input is refused with where it was', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await maija(reg);
    await expect(
      startRestriction(reg, TEST_ADMIN, { personId: p.id, ground: 'because' as 'legal_claims' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'ground' }] });
    await expect(
      startRestriction(reg, TEST_ADMIN, {
        personId: '0190a000-0000-7000-8000-00000000dead',
        ground: 'legal_claims',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(liftRestriction(reg, TEST_ADMIN, 'nope')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ at: 'id' }],
    });
    expect((await listRestrictions(reg, TEST_ADMIN, p.id)).items).toEqual([]);
  });
});
