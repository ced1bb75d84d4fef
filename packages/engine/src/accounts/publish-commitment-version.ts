import { createHash } from 'node:crypto';
import { currentCommitment, type Text } from '@lupaus/core';
import type { Register } from '../context';

/** The hash of a commitment's label and text (keys sorted), so that a changed text is a new version. */
export function commitmentContentHash(c: { version: string; text: Text }): string {
  const text = Object.fromEntries(
    Object.entries(c.text)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHash('sha256')
    .update(JSON.stringify({ label: c.version, text }))
    .digest('hex');
}

/**
 * Publishes the confidentiality commitment of the definition (R6.3) as a new numbered version when its label
 * or text is new; called whenever a register opens, next to the notice version. A user must sign the version
 * in force before they see personal data, so a changed text must be signed again.
 *
 * @example
 * ```ts
 * await publishCommitmentVersion(reg); // { version: 1, created: true } the first time
 * ```
 */
export async function publishCommitmentVersion(
  reg: Register,
): Promise<{ version: number; created: boolean }> {
  const c = currentCommitment(reg.definition);
  const hash = commitmentContentHash(c);
  return reg.db.transaction().execute(async (tx) => {
    const same = await tx
      .selectFrom('commitment_versions')
      .select('version')
      .where('label', '=', c.version)
      .where('content_hash', '=', hash)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (same) return { version: same.version, created: false };
    const latest = await tx
      .selectFrom('commitment_versions')
      .select((eb) => eb.fn.max('version').as('max'))
      .executeTakeFirst();
    const version = Number(latest?.max ?? 0) + 1;
    await tx
      .insertInto('commitment_versions')
      .values({
        version,
        label: c.version,
        content_hash: hash,
        text: JSON.stringify(c.text),
        published_at: reg.clock.now(),
      })
      .execute();
    return { version, created: true };
  });
}
