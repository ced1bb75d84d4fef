import { join } from 'node:path';
import { createPerson } from '@lupaus/engine';
import { decodeMail } from '@lupaus/engine/testing';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  OPERATOR,
  servedAddress,
  useCliHarness,
  useTestSmtpServer,
  withRegister,
} from '../testing';

/** `lupaus serve` sends the outbox of notices on its schedule when an SMTP server is set. */
const cli = useCliHarness('lupaus-serve-');
const smtp = useTestSmtpServer();
let databaseUrl: string | undefined;

/** The exit code of `lupaus args` with `extra` in its environment. */
async function run(args: string[], extra: Record<string, string> = {}): Promise<number> {
  return (await cli.lupaus(args, databaseUrl, extra)).code;
}

beforeAll(async () => {
  databaseUrl = await cli.freshDatabase();
});

describe('lupaus serve and the outbox', () => {
  it('R4.1 serve sends a queued notice (an extended deadline) to the subject by SMTP on its schedule; R5.2 no sweep with --retention-every off', async () => {
    const dir = join(cli.work, 'register');
    expect(await run(['init', '--example', '003-auntie', '--dir', dir])).toBe(0);
    const personId = await withRegister(
      dir,
      databaseUrl,
      async (reg) =>
        (
          await createPerson(reg, OPERATOR, {
            source: 'subject',
            fields: { first_name: 'Maija', last_name: 'Virtanen', email: 'maija@example.fi' },
          })
        ).id,
    );
    expect(await run(['serve', '--dir', dir], { LUPAUS_NOTIFICATIONS_EVERY: 'often' })).toBe(2);

    const auth = await adminHeaders(dir, databaseUrl);
    const child = cli.spawn(['serve', '--port', '0', '--retention-every', 'off', '--dir', dir], databaseUrl, {
      LUPAUS_SMTP_URL: smtp.url,
      LUPAUS_NOTIFICATIONS_EVERY: '1s',
    });
    try {
      const address = await servedAddress(child);
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${address}/api/v1${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify(body),
        });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        return (await res.json()) as { id: string };
      };
      const request = await post('/requests', { type: 'access', personId, receivedVia: 'electronic' });
      await post(`/requests/${request.id}/extend`, { reason: 'Pyyntöjä on poikkeuksellisen paljon.' });
      for (let i = 0; i < 300 && smtp.messages.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(smtp.messages.map((m) => m.to)).toEqual([['maija@example.fi']]);
      expect(decodeMail(smtp.messages[0]!.raw)).toContain('Pyyntöjä on poikkeuksellisen paljon.');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
    // `--retention-every off` ran no sweep (it once ran them back to back, hundreds while this test ran).
    const runs = await withRegister(dir, databaseUrl, async (reg) =>
      Number((await sql<{ n: string }>`select count(*) as n from retention_runs`.execute(reg.db)).rows[0]!.n),
    );
    expect(runs).toBe(0);
  });
});
