import { readFileSync } from 'node:fs';
import {
  extendRequest,
  getRequest,
  importPersons,
  listPersons,
  placeLegalHold,
  type Register,
  receiveRequest,
  recordConsent,
  verifyIdentity,
} from '@lupaus/engine';
import { TEST_ADMIN } from '@lupaus/engine/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clerk, expectAccessible, HAVE_CHROMIUM, shot, startWebApp, type WebApp } from './browser';

/**
 * The request queue, one request's page and the dashboards in a real browser (issue 7, R4.1, R7.1): Chromium
 * against the real API on 003-auntie with its demo persons, requests received on past days through the engine,
 * and a clerk (customer service and privacy officer) who signs in with a password and a TOTP code.
 */
let web: WebApp;
let reg: Register;
let base: string;
const clerks: Clerk[] = [];
const ids = {
  overdue: '',
  extended: '',
  toExtend: '',
  access: '',
  erasure: '',
  rectification: '',
};
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  web = await startWebApp('003-auntie');
  reg = web.reg;
  base = web.base;
  for (const u of [
    'reija.rekisteri',
    'rauno.rekisteri',
    'riina.rekisteri',
    'risto.rekisteri',
    'ronja.rekisteri',
    'rasmus.rekisteri',
    'signe.rekisteri',
  ]) {
    clerks.push(await web.addClerk(u, ['customer_service', 'privacy_officer']));
  }
  const persons = (await listPersons(reg, TEST_ADMIN, { limit: 10 })).items;
  const [maija, matti, aino, juhani, helmi] = persons.map((p) => p.id) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const receive = (
    type: 'access' | 'erasure' | 'rectification' | 'objection' | 'restriction',
    personId: string,
    ago: number,
  ) =>
    receiveRequest(reg, TEST_ADMIN, { type, personId, receivedVia: 'electronic', receivedAt: daysAgo(ago) });
  const verify = (id: string) =>
    verifyIdentity(reg, TEST_ADMIN, id, { method: 'strong_electronic_identification' });

  ids.overdue = (await receive('objection', maija, 45)).id;
  ids.extended = (await receive('access', matti, 20)).id;
  await verify(ids.extended);
  await extendRequest(reg, TEST_ADMIN, ids.extended, { months: 2, reason: 'Tiedot useassa järjestelmässä' });
  ids.toExtend = (await receive('restriction', aino, 3)).id;
  ids.access = (await receive('access', juhani, 2)).id;
  await verify(ids.access);
  ids.erasure = (await receive('erasure', helmi, 1)).id;
  await verify(ids.erasure);
  await placeLegalHold(reg, TEST_ADMIN, {
    personId: helmi,
    reason: 'Riita-asia käräjäoikeudessa',
    endsOn: '2027-06-30',
  });
  ids.rectification = (await receive('rectification', maija, 1)).id;
  await verify(ids.rectification);

  // Consents on three channels, and an import with one rejected row, for the dashboards.
  const consent = (personId: string, channel: string, state: 'given' | 'withdrawn' | 'prohibited') =>
    recordConsent(reg, TEST_ADMIN, {
      personId,
      channel,
      purpose: 'direct_marketing',
      state,
      source: 'subject',
      evidenceText: 'asiakaspalvelu',
    });
  await consent(maija, 'email', 'given');
  await consent(matti, 'email', 'given');
  await consent(aino, 'email', 'withdrawn');
  await consent(juhani, 'sms', 'given');
  await consent(helmi, 'post', 'prohibited');
  await consent(matti, 'phone', 'prohibited');
  await importPersons(reg, TEST_ADMIN, {
    source: 'subject',
    fileName: 'asiakkaat.csv',
    input:
      'first_name;last_name;email\nOlli;Ostaja;olli@example.fi\nPirjo;Pelto;pirjo-at-example\nSami;Salo;sami@example.fi\n',
  });
}, 180_000);

afterAll(async () => {
  await web?.close();
});

async function signedIn(lang: 'fi' | 'en', clerk: Clerk) {
  const { context, page } = await web.newPage(lang);
  await web.signIn(page, clerk);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  return { context, page };
}

async function openRequest(page: Page, id: string) {
  await page.goto(`${base}/requests/${id}`);
  await page.locator('.request-header h1').waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)('the requests and the dashboards in Chromium (issue 7, R4.1, R7.1)', () => {
  it('R4.1, R7.1 the queue lists open requests with their days left; the overdue one is marked, the extended one shows its new deadline; filters narrow it', async () => {
    const { context, page } = await signedIn('en', clerks[0]!);
    // The queue names the subjects from its own list (one audited read), not with a read per person.
    const personReads: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/persons\/[0-9a-f-]{36}$/.test(new URL(r.url()).pathname)) personReads.push(r.url());
    });
    try {
      await page
        .getByRole('navigation', { name: /navigation/i })
        .getByRole('link', { name: 'Requests' })
        .click();
      await page.getByRole('heading', { name: 'Requests', level: 1 }).waitFor();
      const table = page.getByRole('table', { name: 'Requests' });
      await table.waitFor();
      const overdueRow = table.locator('tr.row-overdue');
      await expect.poll(() => overdueRow.count()).toBe(1);
      expect(await overdueRow.innerText()).toMatch(/Objection[\s\S]*Maija Virtanen[\s\S]*\d+ days overdue/);
      const extendedRow = table.locator('tr', { hasText: 'Matti' });
      await expect.poll(() => extendedRow.innerText()).toMatch(/\d+ days left/);
      expect(await extendedRow.innerText()).toContain('EXTENDED');
      const extended = await getRequest(reg, TEST_ADMIN, ids.extended);
      expect(extended.extendedTo).not.toBeNull();
      // Six open requests, the earliest deadline first: the overdue one leads.
      await expect.poll(() => table.locator('tbody tr').count()).toBe(6);
      expect(await table.locator('tbody tr').first().innerText()).toContain('Objection');
      const maija = table.locator('tbody tr').first().getByRole('link', { name: 'Maija Virtanen' });
      expect(await maija.getAttribute('href')).toMatch(/^\/persons\/[0-9a-f-]{36}$/);
      expect(personReads).toEqual([]);
      expect(await page.locator('.stat-bad .stat-value').innerText()).toBe('1');
      await expectAccessible(page, 'requests queue');
      await shot(page, 'requests-queue');

      await page.getByLabel('Only overdue').check();
      await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
      await page.getByLabel('Only overdue').uncheck();
      await page.getByLabel('Kind').selectOption('access');
      await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
      await table.locator('tr', { hasText: 'Matti' }).getByRole('link', { name: 'Access' }).click();
      await page.locator('.request-header h1').waitFor();
      expect(page.url()).toContain(`/requests/${ids.extended}`);
      expect(await page.getByText('Tiedot useassa järjestelmässä').count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it('R4.1 a clerk extends a deadline by two months with the reason, and the subject is told (art. 12(3))', async () => {
    const { context, page } = await signedIn('en', clerks[1]!);
    try {
      await openRequest(page, ids.toExtend);
      await page.getByRole('button', { name: 'Extend the deadline' }).click();
      await page.getByLabel('2 months').check();
      const before = await getRequest(reg, TEST_ADMIN, ids.toExtend);
      await page.getByLabel(/Reason \(told to the subject\)/).fill('Pyyntö koskee usean vuoden tietoja.');
      expect(await page.locator('.new-deadline').innerText()).toMatch(/New deadline: /);
      await expectAccessible(page, 'request extension');
      await shot(page, 'request-extend');
      await page.getByRole('button', { name: 'Extend and notify the subject' }).click();
      await page.getByText(/The deadline was extended to/).waitFor();
      const after = await getRequest(reg, TEST_ADMIN, ids.toExtend);
      expect(after.extendedTo).not.toBeNull();
      expect(after.extendedTo! > before.dueOn).toBe(true);
      expect(after.extensionReason).toBe('Pyyntö koskee usean vuoden tietoja.');
      expect(after.events?.some((e) => e.event === 'extended')).toBe(true);
      // The notice to the subject waits in the outbox.
      const notices = await reg.db
        .selectFrom('notifications')
        .select(['kind'])
        .where('request_id', '=', ids.toExtend)
        .execute();
      expect(notices.length).toBe(1);
      // Extended once: the form is gone and the history shows it.
      expect(await page.getByRole('button', { name: 'Extend the deadline' }).count()).toBe(0);
      await page.locator('.request-history').getByText('Deadline extended').waitFor();
    } finally {
      await context.close();
    }
  });

  it('R4.2 the access report in one click: the PDF downloads and the request is completed', async () => {
    const { context, page } = await signedIn('fi', clerks[2]!);
    try {
      await openRequest(page, ids.access);
      await expectAccessible(page, 'access request');
      await shot(page, 'request-access');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Lähetä tietopyynnön raportti' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
      const bytes = readFileSync((await download.path())!);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await page.getByText('Tarkastusraportti luotiin ja pyyntö merkittiin käsitellyksi.').waitFor();
      await page.locator('.request-status').getByText('Valmis').waitFor();
      expect((await getRequest(reg, TEST_ADMIN, ids.access)).state).toBe('completed');
      await shot(page, 'request-access-done');
    } finally {
      await context.close();
    }
  });

  it('R4.4 an erasure held by a legal hold erases the rest and explains the blocker in words, with its end', async () => {
    const { context, page } = await signedIn('en', clerks[3]!);
    try {
      await openRequest(page, ids.erasure);
      const erase = page.getByRole('button', { name: 'Erase the person’s data' });
      expect(await erase.isDisabled()).toBe(true);
      await page.getByLabel('I understand that erasure cannot be undone.').check();
      await erase.click();
      await page.getByRole('heading', { name: 'What blocks the erasure' }).waitFor();
      const hold = page.locator('.blockers .blocker', { hasText: 'A legal hold' });
      expect(await hold.innerText()).toMatch(/A legal hold until 30 Jun 2027\./);
      await page.locator('.request-status').getByText('Waiting for a blocker').waitFor();
      const r = await getRequest(reg, TEST_ADMIN, ids.erasure);
      expect(r.state).toBe('blocked');
      expect(r.outcome.blockers).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'legal_hold', until: '2027-06-30' })]),
      );
      await expectAccessible(page, 'erasure blocked');
      await shot(page, 'request-erasure-blocked');
    } finally {
      await context.close();
    }
  });

  it('R4.3 a rectification is refused with reasons and the certificate of refusal downloads', async () => {
    const { context, page } = await signedIn('en', clerks[4]!);
    try {
      await openRequest(page, ids.rectification);
      await page
        .getByLabel('Reasons for refusal')
        .fill(
          'The name is written as in the population register.\nThe subject gave no evidence of another spelling.',
        );
      await shot(page, 'request-rectification');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Refuse the rectification' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^refusal-certificate-.*\.html$/);
      const html = readFileSync((await download.path())!, 'utf8');
      expect(html).toContain('The name is written as in the population register.');
      expect(html).toContain('The subject gave no evidence of another spelling.');
      await page.locator('.request-status').getByText('Refused').waitFor();
      const again = page.getByRole('button', { name: 'Download the certificate of refusal' });
      await again.waitFor();
      const [second] = await Promise.all([page.waitForEvent('download'), again.click()]);
      expect(second.suggestedFilename()).toBe(download.suggestedFilename());
      expect((await getRequest(reg, TEST_ADMIN, ids.rectification)).state).toBe('refused');
      await expectAccessible(page, 'rectification refused');
      await shot(page, 'request-rectification-refused');
    } finally {
      await context.close();
    }
  });

  it('R7.1 the dashboards draw requests by deadline, retention ahead, consents per channel and import results, each with its table', async () => {
    const { context, page } = await signedIn('en', clerks[5]!);
    try {
      await page.getByRole('link', { name: 'Dashboards' }).first().click();
      await page.getByRole('heading', { name: 'Dashboards', level: 1 }).waitFor();
      const charts = page.getByRole('img');
      await expect.poll(() => charts.count()).toBe(4);
      const requests = page.getByRole('img', { name: /Open requests by deadline/ });
      expect(await requests.getAttribute('aria-labelledby')).toBeTruthy();
      await expect.poll(() => page.locator('.dash-number').innerText()).toMatch(/^\d+$/);
      const consents = page.getByRole('region', { name: 'Consents per channel' });
      await consents.getByText('Figures as a table').click();
      const email = consents.getByRole('row', { name: /Email/ });
      expect((await email.innerText()).replace(/\s+/g, ' ')).toMatch(/2 1 0$/);
      const imports = page.getByRole('region', { name: 'Import results' });
      await imports.getByRole('rowheader', { name: /asiakkaat\.csv/ }).waitFor();
      const row = imports.locator('tbody tr').first();
      expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/asiakkaat\.csv .* 2 0 0 1$/);
      const kinds = page.locator('.kind-list li');
      expect(await kinds.count()).toBeGreaterThan(0);
      await page
        .getByRole('region', { name: 'Retention due in the coming months' })
        .getByText('Figures as a table')
        .click();
      await expectAccessible(page, 'dashboards');
      await shot(page, 'dashboards');
      // A kind on the dashboard opens the queue filtered by it.
      await page.locator('.kind-list').getByRole('link', { name: 'Objection' }).click();
      await page.getByRole('heading', { name: 'Requests', level: 1 }).waitFor();
      expect(await page.getByLabel('Kind').inputValue()).toBe('objection');
      await expect.poll(() => page.locator('.request-table tbody tr').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
  it("R7.1 in Swedish the staff pages speak Swedish: the frame, the persons, a new person with the API's messages in Swedish, the dashboards", async () => {
    const { context, page } = await signedIn('en', clerks[6]!);
    try {
      await page.getByLabel('Language').first().selectOption('sv');
      await page.getByRole('heading', { name: 'Personer', level: 1 }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('sv');
      const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
      for (const name of ['Personer', 'Begäranden', 'Översikter', 'Administration']) {
        await nav.getByRole('link', { name }).first().waitFor();
      }
      await page.getByRole('button', { name: 'Avgränsa', exact: true }).waitFor();
      await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(1);
      await expectAccessible(page, 'persons sv');
      await shot(page, 'sv-persons');

      // A new person with mistakes: the API answers in Swedish (the app sends Accept-Language: sv).
      let language = '';
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/persons') {
          language = r.headers()['accept-language'] ?? '';
        }
      });
      await page.getByRole('link', { name: 'Ny person' }).click();
      await page.getByRole('heading', { name: 'Ny person', level: 1 }).waitFor();
      await page.getByText('Varifrån uppgifterna kommer').waitFor();
      await page.getByRole('button', { name: 'Spara personen' }).click();
      await page.locator('.field-error').first().waitFor();
      expect(language).toBe('sv');
      const errors = await page.locator('.field-error').allInnerTexts();
      expect(errors.join('\n')).toMatch(/är obligatoriskt\./);
      expect(errors.join('\n')).not.toMatch(/on pakollinen|is required/);
      await page
        .getByText(/^Rätta (fältet som är markerat nedan|de \d+ fält som är markerade nedan)\.$/)
        .waitFor();
      await expectAccessible(page, 'new person sv');
      await shot(page, 'sv-new-person-problems');

      await nav.getByRole('link', { name: 'Översikter' }).click();
      await page.getByRole('heading', { name: 'Översikter', level: 1 }).waitFor();
      await page.getByRole('region', { name: 'Samtycken per kanal' }).waitFor();
      await page.getByRole('region', { name: 'Importresultat' }).first().waitFor();
      await expectAccessible(page, 'dashboards sv');
      await shot(page, 'sv-dashboards');

      await nav.getByRole('link', { name: 'Begäranden' }).click();
      await page.locator('.request-table tbody tr').first().waitFor();
      expect(await page.locator('.request-table').innerText()).toMatch(/Invändning[\s\S]*Maija Virtanen/);
      await expectAccessible(page, 'requests queue sv');
      await shot(page, 'sv-requests-queue');
    } finally {
      await context.close();
    }
  });
});
