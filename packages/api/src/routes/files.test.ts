import { openTestRegister, TEST_ADMIN } from '@lupaus/engine/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { errorOf } from '../test-app';
import { contentDisposition, headerFileName } from './files';

describe('the file routes (003-auntie call recordings)', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let record: string;
  let storedKeys: () => Promise<string[]>;
  const LIMIT = 4096;
  const bytes = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0xff, 0xfe, 0x00, 0x10, 0x20]);

  beforeAll(async () => {
    const register = await openTestRegister('003-auntie');
    app = await buildApp({ register, actor: TEST_ADMIN, maxFileBytes: LIMIT });
    close = async () => {
      await app.close();
      await register.close();
    };
    storedKeys = async () => {
      const keys: string[] = [];
      for await (const k of register.files.list()) keys.push(k);
      return keys.sort();
    };
    const p = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { source: 'subject', fields: { first_name: 'Maija', last_name: 'V' } },
    });
    const r = await app.inject({
      method: 'POST',
      url: `/api/v1/persons/${p.json().id}/records`,
      payload: {
        kind: 'call_recordings',
        source: 'transactions',
        fields: { called_at: '2024-05-01T09:00:00Z' },
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    record = r.json().id;
  });
  afterAll(async () => {
    await close();
  });

  const put = (field: string, body: Buffer, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'PUT',
      url: `/api/v1/records/${record}/files/${field}`,
      payload: body,
      headers: {
        'content-type': 'audio/mpeg',
        'x-file-name': encodeURIComponent('Äänite 1.mp3'),
        ...headers,
      },
    });

  it('R2.4 a file is uploaded raw (201) and downloaded as it was, with its media type and name', async () => {
    const res = await put('call_recording', bytes);
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json();
    expect(file).toMatchObject({
      recordId: record,
      field: 'call_recording',
      name: 'Äänite 1.mp3',
      mediaType: 'audio/mpeg',
      size: bytes.length,
    });
    const view = await app.inject({ method: 'GET', url: `/api/v1/records/${record}` });
    expect(view.json().files).toEqual([
      {
        id: file.id,
        field: 'call_recording',
        name: 'Äänite 1.mp3',
        mediaType: 'audio/mpeg',
        size: bytes.length,
      },
    ]);
    const down = await app.inject({ method: 'GET', url: `/api/v1/files/${file.id}` });
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('audio/mpeg');
    expect(down.headers['content-disposition']).toBe(contentDisposition('Äänite 1.mp3'));
    expect(down.headers['cache-control']).toBe('no-store');
    expect(down.rawPayload.equals(bytes)).toBe(true);
  });

  it('R2.4 a file larger than the limit is refused with 413 and nothing is stored', async () => {
    const keys = await storedKeys();
    const res = await put('call_recording', Buffer.alloc(LIMIT + 1, 1));
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('TOO_LARGE');
    expect(errorOf(res).problems[0]?.message).toBe(
      `the file is larger than ${LIMIT} bytes, the most this register accepts`,
    );
    expect(await storedKeys()).toEqual(keys);
  });

  it('R1.5 an undeclared field, a field that is not a file, an empty file or a missing name is refused (4xx) and nothing is stored', async () => {
    const keys = await storedKeys();
    const undeclared = await put('voicemail', bytes);
    expect(undeclared.statusCode).toBe(422);
    expect(errorOf(undeclared).code).toBe('FIELD_NOT_DECLARED');
    const notFile = await put('called_at', bytes);
    expect(notFile.statusCode).toBe(422);
    const empty = await put('call_recording', Buffer.alloc(0));
    expect(empty.statusCode).toBe(422);
    expect(errorOf(empty).problems[0]).toEqual({ at: 'file', message: 'the file is empty' });
    const noName = await app.inject({
      method: 'PUT',
      url: `/api/v1/records/${record}/files/call_recording`,
      payload: bytes,
      headers: { 'content-type': 'audio/mpeg' },
    });
    expect(noName.statusCode).toBe(400);
    expect(errorOf(noName).problems[0]?.at).toBe('headers.x-file-name');
    const noRecord = await app.inject({
      method: 'PUT',
      url: '/api/v1/records/01900000-0000-7000-8000-000000000000/files/call_recording',
      payload: bytes,
      headers: { 'content-type': 'audio/mpeg', 'x-file-name': 'a.mp3' },
    });
    expect(noRecord.statusCode).toBe(404);
    expect(await storedKeys()).toEqual(keys);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/files/01900000-0000-7000-8000-000000000000' }))
        .statusCode,
    ).toBe(404);
  });

  it('R2.4 the rest of the API still takes only JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: 'first_name=Maija',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
  });

  it('R4.4 deleting the record deletes its file', async () => {
    const res = await put('call_recording', bytes);
    const id = res.json().id as string;
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/records/${record}` });
    expect(del.json()).toEqual({ id: record, files: 1 });
    expect((await app.inject({ method: 'GET', url: `/api/v1/files/${id}` })).statusCode).toBe(404);
    expect(await storedKeys()).toEqual([]);
  });

  it('R2.4 reads a percent-encoded name and writes a safe Content-Disposition', () => {
    expect(headerFileName('%C3%84%C3%A4nite.mp3')).toBe('Äänite.mp3');
    expect(headerFileName('100%.mp3')).toBe('100%.mp3');
    expect(contentDisposition('a"b\u00e4.mp3')).toBe(
      `attachment; filename="a_b_.mp3"; filename*=UTF-8''a%22b%C3%A4.mp3`,
    );
  });
});
