import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinition } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { createPerson } from '../persons/create-person';
import { getPerson } from '../persons/get-person';
import { DEFINITION_FILE, EXAMPLES_DIR } from '../register/open-register';
import { addTestUser, openTestRegister, rejection, TEST_ADMIN } from '../testing';
import { authenticateToken } from './authenticate-token';
import { createApiToken } from './create-api-token';
import { getCommitment } from './get-commitment';
import { publishCommitmentVersion } from './publish-commitment-version';
import { signCommitment } from './sign-commitment';

const SOURCE = readFileSync(join(EXAMPLES_DIR, '003-auntie', DEFINITION_FILE), 'utf8');

function withCommitment(version: string, en: string): string {
  return SOURCE.replace(
    /^security:\n/m,
    `security:\n  commitment:\n    version: '${version}'\n    text:\n      fi: 'Sitoudun vaitioloon (${version}).'\n      en: '${en}'\n`,
  );
}

describe('the confidentiality commitment (R6.3)', () => {
  let reg: Register;
  beforeAll(async () => {
    reg = await openTestRegister('003-auntie', {
      definitionSource: withCommitment('2026-1', 'I keep it secret.'),
    });
  });
  afterAll(async () => {
    await reg.close();
  });

  it('R6.3 a user who has not signed the current commitment gets no personal data; after signing they do, with the date and version recorded', async () => {
    const person = await createPerson(reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Maija', last_name: 'Virtanen' },
    });
    const u = await addTestUser(reg, { username: 'unsigned.user', roles: ['customer_service'] });
    const t = await createApiToken(
      reg,
      { id: u.id, roles: ['customer_service'], commitmentSigned: false },
      {
        name: 'crm',
        scopes: ['persons.read'],
      },
    );
    const before = await authenticateToken(reg, t.token);
    expect(before?.commitmentSigned).toBe(false);
    expect((await rejection(getPerson(reg, before!, person.id))).code).toBe('COMMITMENT_REQUIRED');

    const c = await getCommitment(reg, before!);
    expect(c).toMatchObject({ label: '2026-1', signed: false, text: { en: 'I keep it secret.' } });
    const signed = await signCommitment(reg, before!);
    expect(signed.signed).toBe(true);
    const rows = await reg.db
      .selectFrom('commitment_signatures')
      .selectAll()
      .where('user_id', '=', u.id)
      .execute();
    expect(rows).toEqual([expect.objectContaining({ version: c.version, signed_at: expect.any(Date) })]);

    const after = await authenticateToken(reg, t.token);
    expect(after?.commitmentSigned).toBe(true);
    expect((await getPerson(reg, after!, person.id)).id).toBe(person.id);
  });

  it('R6.3 a changed commitment text in the definition is a new version that must be signed again; an unchanged one is not', async () => {
    const u = await addTestUser(reg, { username: 'resign.user', signCommitment: true });
    const t = await createApiToken(
      reg,
      { id: u.id, roles: ['customer_service'], commitmentSigned: true },
      {
        name: 'crm',
        scopes: ['persons.read'],
      },
    );
    expect((await authenticateToken(reg, t.token))?.commitmentSigned).toBe(true);
    const first = await getCommitment(reg, TEST_ADMIN);
    // The register reopened with the same definition: no new version.
    expect(await publishCommitmentVersion(reg)).toEqual({ version: first.version, created: false });

    // Reopened with a changed text under the same label: a new version.
    const loaded = loadDefinition(withCommitment('2026-1', 'I keep it secret, always.'));
    if (!loaded.ok) throw new Error('the changed definition does not load');
    const changed: Register = { ...reg, definition: loaded.definition };
    const next = await publishCommitmentVersion(changed);
    expect(next).toEqual({ version: first.version + 1, created: true });
    const actor = await authenticateToken(changed, t.token);
    expect(actor?.commitmentSigned).toBe(false);
    expect((await getCommitment(changed, actor!)).text.en).toBe('I keep it secret, always.');
    await signCommitment(changed, actor!);
    expect((await authenticateToken(changed, t.token))?.commitmentSigned).toBe(true);
    // The first version stays, and so does the first signature.
    const versions = await reg.db
      .selectFrom('commitment_versions')
      .select(['version', 'label'])
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: first.version, label: '2026-1' },
      { version: first.version + 1, label: '2026-1' },
    ]);
    expect(
      await reg.db
        .selectFrom('commitment_signatures')
        .select('version')
        .where('user_id', '=', u.id)
        .execute(),
    ).toHaveLength(2);
  });

  it('R6.3 the local operator and the system have no account and cannot sign', async () => {
    expect(
      (
        await rejection(
          signCommitment(reg, { id: 'cli:root', roles: ['administrator'], commitmentSigned: true }),
        )
      ).code,
    ).toBe('NOT_FOUND');
  });
});
