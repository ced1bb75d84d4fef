import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { smtpMailer } from '../notifications/mailer';
import { decodeMail, startTestSmtpServer } from '../notifications/smtp-test-server';
import { createPerson } from '../persons/create-person';
import { getRequest } from '../requests/get-request';
import { receiveRequest } from '../requests/receive-request';
import { verifyIdentity } from '../requests/verify-identity';
import { isRestrictedIn, listRestrictions } from '../restriction/list-restrictions';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { decideObjection } from './decide-objection';
import { isOutOfProfilingIn, listObjections } from './list-objections';
import { objectToProcessing } from './object-to-processing';

let reg: Register | undefined;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>> | undefined;
afterEach(async () => {
  await reg?.close();
  await smtp?.close();
  reg = undefined;
  smtp = undefined;
});

async function maija(r: Register) {
  return createPerson(r, TEST_ADMIN, {
    source: 'subject',
    fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
  });
}

describe('objection to profiling and legitimate-interest processing (R4.6)', () => {
  it('R4.6 an upheld objection to profiling takes the person out of profiling, tells them, and lifts the pending restriction after the notice', async () => {
    const clock = fixedClock('2026-03-01T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    smtp = await startTestSmtpServer();
    const p = await maija(reg);
    const req = await receiveRequest(reg, TEST_ADMIN, {
      type: 'objection',
      personId: p.id,
      receivedVia: 'electronic',
      details: { kind: 'profiling' },
    });
    await verifyIdentity(reg, TEST_ADMIN, req.id, { method: 'strong_electronic_identification' });
    const o = await objectToProcessing(reg, TEST_ADMIN, {
      personId: p.id,
      kind: 'profiling',
      situation: 'Olen lähisuhdeväkivallan uhri; en halua, että käyttäytymisestäni päätellään mitään.',
      requestId: req.id,
    });
    expect(o).toMatchObject({ state: 'pending', kind: 'profiling', requestId: req.id, decision: null });
    expect(await isRestrictedIn(reg.db, p.id)).toBe(true);
    expect(await isOutOfProfilingIn(reg.db, p.id)).toBe(false);

    clock.set('2026-03-08T09:00:00Z');
    const d = await decideObjection(
      reg,
      TEST_ADMIN,
      o.id,
      { outcome: 'upheld', reasoning: 'Ei pakottavia perusteita jatkaa profilointia.' },
      { mailer: smtpMailer(smtp.url) },
    );
    expect(d.objection).toMatchObject({
      state: 'upheld',
      decision: 'Ei pakottavia perusteita jatkaa profilointia.',
      decidedAt: '2026-03-08T09:00:00.000Z',
      decidedBy: TEST_ADMIN.id,
    });
    expect(d.stopped).toEqual({ profiling: true, purpose: null });
    expect(await isOutOfProfilingIn(reg.db, p.id)).toBe(true);
    // The decision and the notice of lifting went to the subject; the notice lifted the restriction.
    expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi'], ['maija@example.fi']]);
    expect(decodeMail(smtp.messages[0]!.raw)).toContain('on hyväksynyt vastustuksesi');
    expect(decodeMail(smtp.messages[1]!.raw)).toContain('Rajoitus poistetaan');
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    const [r] = (await listRestrictions(reg, TEST_ADMIN, p.id)).items;
    expect(r).toMatchObject({
      ground: 'objection_pending',
      liftNotifiedAt: '2026-03-08T09:00:00.000Z',
      active: false,
    });
    expect((await getRequest(reg, TEST_ADMIN, req.id)).state).toBe('completed');
    await expect(
      decideObjection(reg, TEST_ADMIN, o.id, { outcome: 'rejected', reasoning: 'x' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('R4.6 a rejection states the compelling grounds, refuses the request and tells the subject of the right to complain', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    smtp = await startTestSmtpServer();
    const p = await maija(reg);
    const req = await receiveRequest(reg, TEST_ADMIN, {
      type: 'objection',
      personId: p.id,
      receivedVia: 'electronic',
    });
    const li = reg.definition.purposes.find((x) => x.basis === 'legitimate_interest')!;
    const o = await objectToProcessing(reg, TEST_ADMIN, {
      personId: p.id,
      kind: 'legitimate_interest',
      purpose: li.id,
      situation: 'En halua olla mukana.',
      requestId: req.id,
    });
    await expect(
      decideObjection(reg, TEST_ADMIN, o.id, { outcome: 'rejected', reasoning: ' ' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      problems: [{ at: 'reasoning', message: expect.stringContaining('compelling legitimate grounds') }],
    });
    const d = await decideObjection(
      reg,
      TEST_ADMIN,
      o.id,
      { outcome: 'rejected', reasoning: 'Kirjanpitolain mukainen tositeaineisto on säilytettävä.' },
      { mailer: smtpMailer(smtp.url) },
    );
    expect(d.objection.state).toBe('rejected');
    expect(d.stopped).toBeNull();
    const text = decodeMail(smtp.messages[0]!.raw);
    expect(text).toContain('pakottavat oikeutetut perusteet');
    expect(text).toContain('Kirjanpitolain mukainen tositeaineisto on säilytettävä.');
    expect(text).toContain('Tietosuojavaltuutetun toimisto');
    const done = await getRequest(reg, TEST_ADMIN, req.id);
    expect(done.state).toBe('refused');
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
  });

  it('R4.6 the restriction stays while another objection of the person is pending', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    smtp = await startTestSmtpServer();
    const p = await maija(reg);
    const a = await objectToProcessing(reg, TEST_ADMIN, {
      personId: p.id,
      kind: 'profiling',
      situation: 'A',
    });
    const b = await objectToProcessing(reg, TEST_ADMIN, {
      personId: p.id,
      kind: 'profiling',
      situation: 'B',
    });
    expect(b.restrictionId).toBe(a.restrictionId);
    const mailer = smtpMailer(smtp.url);
    const first = await decideObjection(
      reg,
      TEST_ADMIN,
      a.id,
      { outcome: 'upheld', reasoning: 'OK' },
      { mailer },
    );
    expect(first.restrictionsEnding).toEqual([]);
    expect(await isRestrictedIn(reg.db, p.id)).toBe(true);
    const second = await decideObjection(
      reg,
      TEST_ADMIN,
      b.id,
      { outcome: 'upheld', reasoning: 'OK' },
      { mailer },
    );
    expect(second.restrictionsEnding).toEqual([a.restrictionId]);
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
    expect((await listObjections(reg, TEST_ADMIN, p.id)).items.map((o) => o.state)).toEqual([
      'upheld',
      'upheld',
    ]);
  });

  it('R4.6 bad input is refused: direct marketing, a purpose not on legitimate interest, no situation', async () => {
    reg = await openTestRegister('003-auntie', { clock: fixedClock('2026-03-01T09:00:00Z') });
    const p = await maija(reg);
    await expect(
      objectToProcessing(reg, TEST_ADMIN, {
        personId: p.id,
        kind: 'direct_marketing' as 'profiling',
        situation: 'x',
      }),
    ).rejects.toMatchObject({ problems: [{ at: 'kind', message: expect.stringContaining('prohibition') }] });
    const contract = reg.definition.purposes.find((x) => x.basis === 'contract')!;
    await expect(
      objectToProcessing(reg, TEST_ADMIN, {
        personId: p.id,
        kind: 'legitimate_interest',
        purpose: contract.id,
        situation: 'x',
      }),
    ).rejects.toMatchObject({
      problems: [{ at: 'purpose', message: expect.stringContaining('art. 21(1)') }],
    });
    await expect(
      objectToProcessing(reg, TEST_ADMIN, { personId: p.id, kind: 'profiling', situation: '' }),
    ).rejects.toMatchObject({ problems: [{ at: 'situation' }] });
    expect((await listObjections(reg, TEST_ADMIN, p.id)).items).toEqual([]);
    expect(await isRestrictedIn(reg.db, p.id)).toBe(false);
  });
});
