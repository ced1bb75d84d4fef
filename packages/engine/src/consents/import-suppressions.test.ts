import { Readable } from 'node:stream';
import { LupausError } from '@lupaus/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Register } from '../context';
import { exportLabels } from '../marketing/export-labels';
import { exportSegment } from '../marketing/export-segment';
import { selectForMarketing } from '../marketing/marketing-gate';
import { createPerson } from '../persons/create-person';
import { fixedClock, openTestRegister, TEST_ADMIN } from '../testing';
import { importSuppressions, suppressionFileEntries } from './import-suppressions';

/**
 * Suppression lists from files (R3.2): ASML's phone-marketing restriction list (phones), the addressed-mail
 * restriction list (name and postal address), a company's own list; streamed, honoured by the marketing gate with
 * the list named as the reason, a renewed list replacing the old. Example 001: post, phone and email channels.
 */
let reg: Register | undefined;
afterEach(async () => {
  await reg?.close();
  reg = undefined;
});

async function open(): Promise<Register> {
  reg = await openTestRegister('001-vitec-katrina', { clock: fixedClock('2026-03-02T10:00:00Z') });
  return reg;
}

async function person(r: Register, first: string, fields: Record<string, unknown>) {
  return createPerson(r, TEST_ADMIN, {
    source: 'registrations',
    fields: { first_name: first, last_name: 'Meikäläinen', ...fields },
  });
}

/** A file as a stream of small chunks, so that lines and multi-byte letters are split across them. */
function streamOf(text: string, size = 7): Readable {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

const PHONE_LIST = 'ASML Puhelintarjonnan rajoituspalvelu';
const MAIL_LIST = 'ASML Osoitteellisen suoramainonnan rajoituspalvelu';

describe('suppression list files (R3.2)', () => {
  it('R3.2 the ASML phone list, streamed: a listed number is left out of a phone segment, the list named as the reason', async () => {
    const r = await open();
    const listed = await person(r, 'Maija', { phone: '040 123 4567' });
    const other = await person(r, 'Matti', { phone: '+358 50 765 4321' });
    const res = await importSuppressions(r, TEST_ADMIN, {
      channel: 'phone',
      listName: PHONE_LIST,
      validUntil: '2029-03-31',
      file: streamOf('puhelin\r\n358401234567\r\n# kommentti\r\n\r\n0451112222\r\n+358 40 123 4567\r\n'),
    });
    expect(res).toMatchObject({ kind: 'phone', added: 2, skipped: 1, replaced: 0 });
    const seg = await exportSegment(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'phone' });
    expect(seg.count).toBe(1);
    expect(seg.csv).toContain('+358507654321');
    expect(seg.csv).not.toContain('+358401234567');
    expect(seg.suppressedBy).toEqual({ [PHONE_LIST]: 1 });
    const sel = await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'phone' });
    expect(sel.contacts.map((c) => c.personId)).toEqual([other.id]);
    expect(sel.contacts.map((c) => c.personId)).not.toContain(listed.id);
    expect(sel.suppressedBy).toEqual({ [PHONE_LIST]: 1 });
  });

  it('R3.2 the ASML addressed-mail list (name and address, a CSV with a header): the named addressee is left out of mailing labels, a housemate is not', async () => {
    const r = await open();
    const home = [{ street: 'Kotikatu 7 B 12', postalCode: '00500', city: 'Helsinki' }];
    await person(r, 'Maija', { address: home });
    await person(r, 'Matti', { address: home });
    const csv =
      'sukunimi;etunimet;katuosoite;postinumero;postitoimipaikka\n' +
      'Meikäläinen;Matti;KOTIKATU 7 B 12;00500;HELSINKI\n' +
      'Virtanen;Ville;Muualla 1;33100;Tampere\n';
    const entries = [];
    for await (const e of suppressionFileEntries(csv, 'address')) entries.push(e);
    expect(entries[0]).toEqual({
      at: 'line 2',
      entry: {
        name: 'Meikäläinen Matti',
        street: 'KOTIKATU 7 B 12',
        postalCode: '00500',
        city: 'HELSINKI',
        country: 'FI',
      },
    });
    await importSuppressions(r, TEST_ADMIN, { channel: 'post', listName: MAIL_LIST, file: streamOf(csv, 5) });
    const labels = await exportLabels(r, TEST_ADMIN, { purpose: 'direct_marketing', format: 'html' });
    const html = labels.body.toString('utf8');
    expect(labels.count).toBe(1);
    expect(html).toContain('Maija');
    expect(html).not.toContain('Matti');
    expect(labels.suppressedBy).toEqual({ [MAIL_LIST]: 1 });
  });

  it("R3.2 a company's own list: one bad line is named and nothing of the list is stored", async () => {
    const r = await open();
    const e = await importSuppressions(r, TEST_ADMIN, {
      channel: 'email',
      listName: 'Oma kieltolista',
      file: 'sähköposti\nok@example.fi\nei sähköposti\n',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LupausError);
    expect((e as LupausError).problems).toEqual([{ at: 'line 3', message: expect.any(String) }]);
    expect(await r.db.selectFrom('suppressions').select('id').execute()).toEqual([]);
    const empty = await importSuppressions(r, TEST_ADMIN, {
      channel: 'email',
      listName: 'Oma kieltolista',
      file: '# tyhjä\n',
    }).catch((x: unknown) => x);
    expect((empty as LupausError).problems).toEqual([{ at: 'file', message: 'the list has no entries' }]);
  });

  it('R3.2 a renewed list replaces the old: who left the list is selected again, who joined it is left out', async () => {
    const r = await open();
    const a = await person(r, 'Aino', { email: 'aino@example.fi' });
    const b = await person(r, 'Bertta', { email: 'bertta@example.fi' });
    const c = await person(r, 'Cecilia', { email: 'cecilia@example.fi' });
    const { recordConsent } = await import('./record-consent');
    for (const p of [a, b, c]) {
      await recordConsent(r, TEST_ADMIN, {
        personId: p.id,
        channel: 'email',
        purpose: 'direct_marketing',
        state: 'given',
        source: 'registrations',
        evidenceText: 'Lomake',
      });
    }
    const list = 'Oma kieltolista';
    await importSuppressions(r, TEST_ADMIN, {
      channel: 'email',
      listName: list,
      file: 'aino@example.fi\nbertta@example.fi\n',
    });
    const sel = async () =>
      (await selectForMarketing(r, TEST_ADMIN, { purpose: 'direct_marketing', channel: 'email' })).contacts
        .map((x) => x.personId)
        .sort();
    expect(await sel()).toEqual([c.id]);
    const renewed = await importSuppressions(r, TEST_ADMIN, {
      channel: 'email',
      listName: list,
      replace: true,
      file: 'bertta@example.fi\ncecilia@example.fi\n',
    });
    expect(renewed).toMatchObject({ replaced: 2, added: 2 });
    expect(await sel()).toEqual([a.id]);
    expect(await r.db.selectFrom('suppressions').select('id').execute()).toHaveLength(2);
  });

  it('R3.2 a long list is streamed in batches: 20 000 phones with duplicates', async () => {
    const r = await open();
    const lines = ['puhelin'];
    for (let i = 0; i < 20_000; i++) lines.push(`040${String(1_000_000 + i).padStart(7, '0')}`);
    lines.push('0401000000'); // the first again
    const started = Date.now();
    const res = await importSuppressions(r, TEST_ADMIN, {
      channel: 'phone',
      listName: PHONE_LIST,
      file: Readable.from([Buffer.from(lines.join('\n'))]),
    });
    expect(res).toMatchObject({ added: 20_000, skipped: 1 });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
