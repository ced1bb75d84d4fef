import { localizeProblem, messageLanguage, PROBLEM_MESSAGES } from '@lupaus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './test-app';

/**
 * Validation messages in the language of the request (issue 7): the problems keep their machine-readable code
 * and path in every language; only the message a person reads changes, from the one catalogue in @lupaus/core.
 */
type Problem = { at: string; message: string; code?: string; params?: Record<string, unknown> };
type ErrorOut = { error: { code: string; message: string; problems: Problem[] } };

describe('translated validation messages (issue 7)', () => {
  let t: TestApp;
  let personId: string;
  const bad = {
    source: 'subject',
    fields: {
      first_name: 'Maija',
      last_name: 'Virtanen',
      email: 'not-an-email',
      phone: '12',
      hetu: '131052-308A',
    },
  };
  const create = (lang: string | undefined, payload: unknown = bad) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: payload as Record<string, unknown>,
      headers: lang ? { 'accept-language': lang } : {},
    });

  beforeAll(async () => {
    t = await testApp('003-auntie');
    const r = await create(undefined, {
      source: 'subject',
      fields: { first_name: 'Ville', last_name: 'Virta' },
    });
    expect(r.statusCode, r.body).toBe(201);
    personId = r.json().id;
  });
  afterAll(async () => {
    await t.close();
  });

  const byCode = (body: ErrorOut) => new Map(body.error.problems.map((p) => [p.code, p]));

  it('R1.5 a bad email, phone and hetu are answered in Finnish, English and Swedish with the same codes and paths', async () => {
    const answers: Record<string, ErrorOut> = {};
    for (const lang of ['fi-FI,fi;q=0.9,en;q=0.5', 'en-GB,en;q=0.9', 'sv-FI']) {
      const res = await create(lang);
      expect(res.statusCode).toBe(422);
      answers[lang.slice(0, 2)] = res.json() as ErrorOut;
    }
    const fi = byCode(answers.fi!);
    const en = byCode(answers.en!);
    const sv = byCode(answers.sv!);
    const shape = (b: ErrorOut) => b.error.problems.map((p) => `${p.code} ${p.at}`).sort();
    expect(shape(answers.fi!)).toEqual(shape(answers.en!));
    expect(shape(answers.sv!)).toEqual(shape(answers.en!));
    expect(answers.fi!.error.code).toBe('VALIDATION_FAILED');
    expect(fi.get('email.invalid')?.at).toBe('fields.email[0]');
    expect(fi.get('email.invalid')?.message).toBe(
      '"not-an-email" ei ole sähköpostiosoite (esimerkiksi nimi@yritys.fi).',
    );
    expect(en.get('email.invalid')?.message).toBe(
      '"not-an-email" is not an email address (for example name@company.fi).',
    );
    expect(sv.get('email.invalid')?.message).toContain('är inte en e-postadress');
    expect(fi.get('phone.invalid')?.message).toContain('ei ole kelvollinen puhelinnumero');
    expect(en.get('phone.invalid')?.message).toContain('is not a valid phone number');
    expect(sv.get('phone.invalid')?.message).toContain('är inte ett giltigt telefonnummer');
    expect(fi.get('hetu.check')?.message).toBe(
      'Henkilötunnuksen tarkistemerkki on väärä (pitäisi olla T, on A).',
    );
    expect(en.get('hetu.check')?.message).toBe(
      'The check character of the personal identity code is wrong (expected T, got A).',
    );
    expect(sv.get('hetu.check')?.message).toContain('Kontrolltecknet i personbeteckningen är fel');
    expect(fi.get('hetu.check')?.params).toMatchObject({ field: 'hetu', expected: 'T', got: 'A' });
    expect(answers.fi!.error.message).toMatch(/^Tiedoissa on korjattavaa/);
    expect(answers.en!.error.message).toMatch(/^The input is not valid/);
  });

  it('R1.5 a missing required field is named by its label in the language asked; no header gives the register’s first language (Finnish)', async () => {
    const payload = { source: 'subject', fields: { first_name: 'Maija' } };
    const en = (await create('en', payload)).json() as ErrorOut;
    const fi = (await create(undefined, payload)).json() as ErrorOut;
    const req = (b: ErrorOut) => b.error.problems.find((p) => p.code === 'field.required');
    expect(req(en)?.at).toBe('fields.last_name');
    expect(req(fi)?.at).toBe('fields.last_name');
    expect(req(en)?.message).toMatch(/^[A-Z][a-z ]+ is required\.$/);
    expect(req(fi)?.message).toMatch(/ on pakollinen\.$/);
    expect(req(fi)?.message).not.toBe(req(en)?.message);
  });

  it('R1.5 an edit with a bad enum or date is refused in the language asked and changes nothing', async () => {
    const enumField = t.register.catalogue.fieldsOf('person').find((f) => f.type === 'enum');
    const dateField = t.register.catalogue.fieldsOf('person').find((f) => f.type === 'date');
    const fields: Record<string, unknown> = {};
    if (enumField) fields[enumField.id] = 'no-such-option';
    if (dateField) fields[dateField.id] = '2026-02-30';
    expect(Object.keys(fields).length).toBeGreaterThan(0);
    const patch = (lang: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/persons/${personId}`,
        payload: { source: 'subject', fields },
        headers: { 'accept-language': lang },
      });
    const sv = (await patch('sv')).json() as ErrorOut;
    const en = (await patch('en')).json() as ErrorOut;
    if (enumField) {
      expect(en.error.problems.find((p) => p.code === 'enum.invalid')?.message).toContain(
        'choose one of the options',
      );
      expect(sv.error.problems.find((p) => p.code === 'enum.invalid')?.message).toContain(
        'välj ett av alternativen',
      );
    }
    if (dateField) {
      expect(en.error.problems.find((p) => p.code === 'date.invalid')?.message).toContain('YYYY-MM-DD');
      expect(sv.error.problems.find((p) => p.code === 'date.invalid')?.message).toContain('ÅÅÅÅ-MM-DD');
    }
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/persons/${personId}` })).json();
    for (const k of Object.keys(fields)) expect(after.fields[k]).toBeUndefined();
  });

  it('R1.5 a bad y-tunnus of an organisation is answered in the language asked', async () => {
    const org = await testApp('001-vitec-katrina');
    try {
      const field = org.register.catalogue.fieldsOf('organisation').find((f) => f.type === 'business_id');
      expect(field).toBeDefined();
      const name = org.register.catalogue
        .fieldsOf('organisation')
        .find((f) => f.required && f.type === 'text');
      const res = await org.app.inject({
        method: 'POST',
        url: '/api/v1/organisations',
        payload: {
          source: 'registrations',
          fields: { ...(name ? { [name.id]: 'Oy Testi Ab' } : {}), [field!.id]: '1599535-3' },
        },
        headers: { 'accept-language': 'fi' },
      });
      expect(res.statusCode).toBe(422);
      const p = (res.json() as ErrorOut).error.problems.find((x) => x.code === 'business_id.check');
      expect(p?.message).toBe('Y-tunnuksen 1599535-3 tarkistenumero on väärä (pitäisi olla 1599535-4).');
      expect(p?.at).toBe('fields.business_id');
    } finally {
      await org.close();
    }
  });

  it('R7.1 R1.5 the language is chosen by q values; every catalogue code has fi, en and sv', () => {
    expect(messageLanguage('de-DE, en;q=0.3, sv;q=0.8')).toBe('sv');
    expect(messageLanguage('de-DE', 'en')).toBe('en');
    expect(messageLanguage('fi;q=0, en')).toBe('en');
    for (const [code, m] of Object.entries(PROBLEM_MESSAGES)) {
      for (const lang of ['fi', 'en', 'sv'] as const) expect(m[lang], `${code} ${lang}`).toBeTruthy();
    }
    const p = { at: 'x', message: 'as is', code: 'no.such.code' };
    expect(localizeProblem(p, 'fi')).toBe(p);
  });
});
