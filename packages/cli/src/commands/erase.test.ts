import { createPerson, createRecord, receiveRequest, verifyIdentity } from '@lupaus/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, useCliHarness, withRegister } from '../testing';

/** `lupaus erase`, `lupaus anonymise` and `lupaus erasures`, run in-process (R4.4, R4.9). */
const cli = useCliHarness('lupaus-erase-');
const lupaus = cli.lupaus;

describe('lupaus erase, anonymise and erasures', () => {
  let dir: string;
  let url: string | undefined;
  let free: string;
  let indebted: string;
  let invoiceId: string;
  let requestId: string;
  let anonymous: string;

  beforeAll(async () => {
    ({ dir, url } = await cli.initRegister('001-vitec-katrina'));
    await withRegister(dir, url, async (reg) => {
      const person = (first: string) =>
        createPerson(reg, OPERATOR, {
          source: 'registrations',
          fields: { first_name: first, last_name: 'Asiakas', email: `${first.toLowerCase()}@example.com` },
        });
      free = (await person('Vapaa')).id;
      indebted = (await person('Velka')).id;
      anonymous = (await person('Nimeton')).id;
      invoiceId = (
        await createRecord(reg, OPERATOR, indebted, {
          kind: 'invoices',
          source: 'purchases',
          fields: {
            number: 'CLI-1',
            issued_on: '2016-01-10',
            due_on: '2016-02-10',
            amount: 10,
            state: 'open',
          },
        })
      ).id;
      const q = await receiveRequest(reg, OPERATOR, {
        type: 'erasure',
        personId: free,
        receivedVia: 'electronic',
      });
      await verifyIdentity(reg, OPERATOR, q.id, { method: 'in_person' });
      requestId = q.id;
    });
  }, 120_000);

  it('R4.4 lupaus erase with a verified request erases the person and completes the request', async () => {
    const run = await lupaus(['erase', free, '--request', requestId, '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`person ${free} erased`);
    // A rerun (after a crash between the commit and the scrub, issue 8) finishes with the earlier result.
    const again = await lupaus(['erase', free, '--dir', dir], url);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`person ${free} erased`);
    const nobody = '0193a000-0000-7000-8000-000000000000';
    const never = await lupaus(['erase', nobody, '--dir', dir], url);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`personId: no person ${nobody}`);
  }, 60_000);

  it('R4.4 lupaus erase of a person with an open invoice names the blocker; erasures blocked lists it', async () => {
    const run = await lupaus(['erase', indebted, '--no-scrub', '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`person ${indebted}: erasure blocked; the rest is erased`);
    expect(run.stdout).toContain(`open invoice ${invoiceId} (open-ended: until it is paid or credited)`);
    const listed = await lupaus(['erasures', 'blocked', '--json', '--dir', dir], url);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        personId: indebted,
        blockers: [{ kind: 'open_invoice', id: invoiceId, until: null }],
      }),
    ]);
    const resume = await lupaus(['erasures', 'resume', '--dir', dir], url);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toContain('0 completed, 1 still blocked');
  }, 60_000);

  it('R4.9 lupaus anonymise; a bad id is an error naming personId, a missing argument a usage error', async () => {
    const run = await lupaus(['anonymise', anonymous, '--json', '--dir', dir], url);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      personId: anonymous,
      mode: 'anonymise',
      state: 'completed',
    });
    const bad = await lupaus(['erase', 'nobody', '--dir', dir], url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/personId: "nobody" is not a valid person id/);
    const usage = await lupaus(['erase', '--dir', dir], url);
    expect(usage.code).toBe(2);
  }, 60_000);
});
