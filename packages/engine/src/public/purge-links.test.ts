import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { runRetention } from '../retention/run-retention';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { submitPublicRequest } from './public-page';

/**
 * What a form on the public page gave (email, name, message) is kept only while its link may be used (R5.1, R7.2):
 * the retention run deletes links that expired unused and links used more than a day ago, so a quiet page keeps
 * none (the next form sent would purge them too).
 */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

describe('the public page keeps what a form gave only while its link may be used (R5.1, R7.2)', () => {
  it('R5.1 a retention run deletes a link that expired unused, and keeps one still valid', async () => {
    const clock = fixedClock('2026-11-02T09:00:00Z');
    reg = await openTestRegister('003-auntie', { clock });
    const linkFor = (token: string) => `http://127.0.0.1/privacy/verify/${token}`;
    await submitPublicRequest(
      reg,
      { kind: 'access', name: 'Maija Meikäläinen', email: 'maija@example.fi', lang: 'fi', message: 'Hei' },
      { linkFor, mailer: null },
    );
    const pending = () =>
      reg!.db.selectFrom('public_requests').select(['email', 'given_name']).orderBy('created_at').execute();
    expect(await pending()).toEqual([{ email: 'maija@example.fi', given_name: 'Maija Meikäläinen' }]);

    clock.set('2026-11-03T08:00:00Z'); // 23 hours on: still valid
    await runRetention(reg, TEST_ADMIN);
    expect(await pending()).toHaveLength(1);

    await submitPublicRequest(
      reg,
      { kind: 'access', name: 'Matti', email: 'matti@example.fi', lang: 'en' },
      { linkFor, mailer: null },
    );
    clock.set('2026-11-03T10:00:00Z'); // the first expired, the second has 22 hours left
    await runRetention(reg, TEST_ADMIN);
    expect(await pending()).toEqual([{ email: 'matti@example.fi', given_name: 'Matti' }]);
  });
});
