import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { erasePerson } from '../erasure/erase-person';
import { createPerson } from '../persons/create-person';
import { openTestRegister, TEST_ADMIN } from '../testing';
import { attachConsentEvidence, getConsentEvidence } from './consent-evidence';
import { listConsents } from './list-consents';
import { recordConsent } from './record-consent';

let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

const PDF = Buffer.from('%PDF-1.4\n% signed consent form\n%%EOF\n');

describe('R3.1 a file as the evidence of a consent', () => {
  it('R3.1 a scanned form is stored encrypted, linked from the consent, listed with its name and downloaded back (audited); it goes with the person', async () => {
    reg = await openTestRegister('001-vitec-katrina');
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Sanna', last_name: 'Suostuja', email: 'sanna@example.com' },
    });
    const file = await attachConsentEvidence(r, TEST_ADMIN, p.id, {
      name: 'C:\\skannaukset\\suostumus.pdf',
      mediaType: 'application/pdf',
      bytes: PDF,
    });
    expect(file).toMatchObject({ personId: p.id, name: 'suostumus.pdf', size: PDF.length });
    const channel = r.definition.marketing!.channels[0]!.id;
    const purpose = r.definition.marketing!.purposes[0]!.id;
    const { id } = await recordConsent(r, TEST_ADMIN, {
      personId: p.id,
      channel,
      purpose,
      state: 'prohibited',
      source: 'registrations',
      evidenceFileId: file.id,
    });
    const { history } = await listConsents(r, TEST_ADMIN, p.id);
    expect(history[0]).toMatchObject({
      id,
      evidenceFileId: file.id,
      evidenceFile: { id: file.id, name: 'suostumus.pdf', mediaType: 'application/pdf', size: PDF.length },
    });
    const got = await getConsentEvidence(r, TEST_ADMIN, id);
    expect(got.bytes.equals(PDF)).toBe(true);
    const reads = await r.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'read')
      .where('entity_type', '=', 'file')
      .execute();
    expect(reads.map((x) => x.entity_id)).toContain(file.id);

    await erasePerson(r, TEST_ADMIN, { personId: p.id });
    expect(await r.db.selectFrom('files').select('id').where('id', '=', file.id).execute()).toEqual([]);
  }, 180_000);

  it('R3.1 evidence that is not a PDF or an image, empty, or for a missing person is refused and nothing is stored', async () => {
    reg = await openTestRegister('001-vitec-katrina');
    const r = reg;
    const p = await createPerson(r, TEST_ADMIN, {
      source: 'registrations',
      fields: { first_name: 'Timo', last_name: 'Testi' },
    });
    await expect(
      attachConsentEvidence(r, TEST_ADMIN, p.id, {
        name: 'x.exe',
        mediaType: 'application/x-msdownload',
        bytes: PDF,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', problems: [{ at: 'mediaType' }] });
    await expect(
      attachConsentEvidence(r, TEST_ADMIN, p.id, {
        name: 'x.pdf',
        mediaType: 'application/pdf',
        bytes: Buffer.alloc(0),
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      attachConsentEvidence(r, TEST_ADMIN, '0193a000-0000-7000-8000-000000000000', {
        name: 'x.pdf',
        mediaType: 'application/pdf',
        bytes: PDF,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await r.db.selectFrom('files').select('id').execute()).toEqual([]);
  }, 180_000);
});
