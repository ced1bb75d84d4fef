import { readFileSync } from 'node:fs';
import { createPerson, getRequest, listConsents, PUBLIC_EVIDENCE } from '@lupaus/engine';
import { decodeMail, startTestSmtpServer, TEST_ADMIN } from '@lupaus/engine/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, HAVE_CHROMIUM, shot, startWebApp, type WebApp } from './browser';

/**
 * The data subject's public privacy pages in Chromium (R7.2): the notice, a request, the link read from a real
 * SMTP server in this process (the app sends through it: LUPAUS_SMTP_URL), the staff fulfilling the request on
 * their own request page, and the subject downloading the report. axe-core on every page in fi, en and sv.
 */
const LANGS = ['fi', 'en', 'sv'] as const;
const EMAIL = 'ulla.urpo@example.fi';

describe.skipIf(!HAVE_CHROMIUM)('R7.2 the public privacy pages', () => {
  let web: WebApp;
  let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
  const saved = { smtp: process.env.LUPAUS_SMTP_URL, publicUrl: process.env.LUPAUS_PUBLIC_URL };

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    process.env.LUPAUS_SMTP_URL = smtp.url;
    delete process.env.LUPAUS_PUBLIC_URL;
    web = await startWebApp('003-auntie');
    await createPerson(web.reg, TEST_ADMIN, {
      source: 'subject',
      fields: { first_name: 'Ulla', last_name: 'Urpo', email: EMAIL },
    });
  }, 240_000);

  afterAll(async () => {
    await web?.close();
    await smtp?.close();
    if (saved.smtp === undefined) delete process.env.LUPAUS_SMTP_URL;
    else process.env.LUPAUS_SMTP_URL = saved.smtp;
    if (saved.publicUrl !== undefined) process.env.LUPAUS_PUBLIC_URL = saved.publicUrl;
  });

  async function waitForMail(n: number): Promise<string> {
    for (let i = 0; i < 400 && smtp.messages.length < n; i++) await new Promise((r) => setTimeout(r, 50));
    const m = smtp.messages[n - 1];
    if (!m) throw new Error(`mail ${n} never arrived`);
    return decodeMail(m.raw);
  }

  it('R7.2 R1.2 the notice and the request form in Finnish, English and Swedish, accessible, without signing in', async () => {
    const headings = {
      fi: /Oikeutesi|Käytä oikeuksiasi/,
      en: /Use your rights/,
      sv: /Använd dina rättigheter/,
    };
    for (const lang of LANGS) {
      const { context, page } = await web.newPage(lang);
      await page.goto(`${web.base}/privacy`);
      await page.locator('.pub-notice-body h2').first().waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      // The notice's own fixed headings are in the page's language.
      const text = await page.locator('.pub-notice-body').innerText();
      expect(text).toMatch({ fi: /Rekisterinpitäjä/, en: /Controller/, sv: /Personuppgiftsansvarig/ }[lang]);
      expect(await page.locator('.pub-toc li').count()).toBeGreaterThan(5);
      // 003 keeps its own texts in Finnish and English only: the Swedish page says they are shown in English.
      expect(await page.locator('.pub-partial').count()).toBe(lang === 'sv' ? 1 : 0);
      await expectAccessible(page, `notice ${lang}`);
      await shot(page, `public-notice-${lang}`);

      await page
        .getByRole('link', { name: { fi: 'Tee pyyntö', en: 'Make a request', sv: 'Gör en begäran' }[lang] })
        .click();
      await page.getByRole('heading', { level: 1, name: headings[lang] }).waitFor();
      // Sending with nothing filled in names each field, and moves the focus to the first.
      await page
        .getByRole('button', {
          name: { fi: 'Lähetä pyyntö', en: 'Send the request', sv: 'Skicka begäran' }[lang],
        })
        .click();
      expect(await page.locator('.field-error').count()).toBe(3);
      expect(await page.evaluate('document.activeElement && document.activeElement.name')).toBe('kind');
      await expectAccessible(page, `request form with errors ${lang}`);
      await shot(page, `public-request-${lang}`);

      // A link that is not valid says so in the page's language.
      await page.goto(`${web.base}/privacy/verify/${'x'.repeat(43)}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('.alert-error').waitFor();
      expect(await page.locator('.alert-error').innerText()).toMatch(
        { fi: /Linkki ei kelpaa/, en: /This link is not valid/, sv: /Länken är inte giltig/ }[lang],
      );
      await expectAccessible(page, `bad link ${lang}`);
      await shot(page, `public-verify-invalid-${lang}`);
      await context.close();
    }
    expect(web.cspViolations).toEqual([]);
  }, 240_000);

  it('R7.2 R4.1 R4.2 a data subject asks for access, verifies through the emailed link, staff fulfil the request, the subject downloads the report', async () => {
    const { context, page } = await web.newPage('en');
    await page.goto(`${web.base}/privacy/request`);
    const form = page.locator('form.pub-panel');
    await form.getByRole('radio', { name: /See my data/ }).check();
    await form.getByLabel('Your name').fill('Ulla Urpo');
    await form.getByLabel('Your email address').fill(EMAIL);
    await form.getByLabel('Anything you would like to add').fill('Please send everything you hold about me.');
    await form.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await expectAccessible(page, 'request sent');
    await shot(page, 'public-request-sent-en');

    const mail = await waitForMail(1);
    expect(mail).toContain('Confirm your privacy request');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/privacy\/verify\/[A-Za-z0-9_-]+)/.exec(mail)?.[1];
    expect(link, mail).toBeTruthy();
    expect(link!.startsWith(web.base)).toBe(true);

    await page.goto(link!);
    await page.getByRole('heading', { name: 'Confirm your request' }).waitFor();
    await page.getByText('You are confirming: a request to see your data.').waitFor();
    await expectAccessible(page, 'verify');
    await shot(page, 'public-verify-en');
    await page.getByRole('button', { name: 'Confirm the request' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your request' }).waitFor();
    await page.locator('.pub-state').getByText('Being handled').waitFor();
    await page.getByText(/Your documents appear here once our staff/).waitFor();
    await expectAccessible(page, 'status waiting');
    await shot(page, 'public-status-waiting-en');

    const requests = await web.reg.db.selectFrom('requests').select(['id', 'type', 'state']).execute();
    expect(requests).toHaveLength(1);
    const requestId = requests[0]!.id;
    expect(requests[0]).toMatchObject({ type: 'access', state: 'verified' });

    // The staff: a privacy officer signs in and fulfils the request on the request page.
    const clerk = await web.addClerk('pirkko.tietosuoja', ['privacy_officer']);
    const staff = await web.newPage('en');
    await web.signIn(staff.page, clerk);
    await staff.page.goto(`${web.base}/requests/${requestId}`);
    const fulfil = staff.page.getByRole('button', { name: 'Send the access report' });
    await fulfil.waitFor();
    const staffDownload = staff.page.waitForEvent('download');
    await fulfil.click();
    await staffDownload;
    await shot(staff.page, 'public-staff-fulfilled-en');
    await staff.context.close();
    expect((await getRequest(web.reg, TEST_ADMIN, requestId)).state).toBe('completed');

    // The subject's page shows the request done, and the report downloads.
    await page.reload();
    await page.locator('.pub-state').getByText('Done').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download your data (PDF)' }).click();
    const file = await download;
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await expectAccessible(page, 'status done');
    await shot(page, 'public-status-done-en');

    // What the page shows follows the marketing gate: no choice yet, so email (electronic, to a consumer) is not
    // allowed without a consent (§ 200), post (opt-out) is.
    const emailSwitch = page.getByRole('switch', { name: /Allowed: Direct marketing, Email/ });
    expect(await emailSwitch.isChecked()).toBe(false);
    // The subject forbids marketing by post with the keyboard: recorded with the evidence of the page.
    const postSwitch = page.getByRole('switch', { name: /Allowed: Direct marketing, Post/ });
    expect(await postSwitch.isChecked()).toBe(true);
    await postSwitch.focus();
    await page.keyboard.press('Space');
    await page.getByText('Saved: Direct marketing by Post is not allowed.').waitFor();
    await expect.poll(() => postSwitch.isChecked()).toBe(false);
    const person = await web.reg.db
      .selectFrom('person_emails')
      .select('person_id')
      .where('value_key', '=', EMAIL)
      .executeTakeFirstOrThrow();
    const consents = await listConsents(web.reg, TEST_ADMIN, person.person_id);
    const latest = consents.history[0]!;
    expect(latest).toMatchObject({ channel: 'post', purpose: 'direct_marketing', state: 'prohibited' });
    expect(latest.evidenceText).toBe(PUBLIC_EVIDENCE);

    // The same page in Finnish and Swedish.
    for (const [lang, done] of [
      ['fi', 'Valmis'],
      ['sv', 'Klar'],
    ] as const) {
      await switchLanguage(page, lang);
      await page.locator('.pub-state').getByText(done).waitFor();
      await expectAccessible(page, `status ${lang}`);
      await shot(page, `public-status-done-${lang}`);
    }

    // Closing the page ends the session; a status link (the address only) opens the answer again later.
    await switchLanguage(page, 'en');
    await page.getByRole('button', { name: 'Close this page' }).click();
    await page.getByText('The page is closed. Thank you.').waitFor();
    await page.goto(`${web.base}/privacy/request`);
    const back = page.locator('.pub-status-link');
    await back.getByLabel('Your email address').fill(EMAIL);
    await back.getByRole('button', { name: 'Send me a link' }).click();
    await back.getByText(/a link to confirm your request is on its way/).waitFor();
    const second = await waitForMail(2);
    expect(second).toContain('a link to see your request');
    await page.goto(/(http:\/\/127\.0\.0\.1:\d+\/privacy\/verify\/[A-Za-z0-9_-]+)/.exec(second)![1]!);
    await page.getByText('You are confirming: a link to see your request.').waitFor();
    await page.getByRole('button', { name: 'Confirm the request' }).click();
    await page.locator('.pub-state').getByText('Done').waitFor();
    await page.getByRole('link', { name: 'Download your data (PDF)' }).waitFor();
    expect(await web.reg.db.selectFrom('requests').selectAll().execute()).toHaveLength(1);
    await context.close();
    expect(web.cspViolations).toEqual([]);
  }, 300_000);
});

async function switchLanguage(page: Page, lang: 'fi' | 'en' | 'sv'): Promise<void> {
  await page.getByRole('combobox', { name: /Kieli|Language|Språk/ }).selectOption(lang);
  await page.waitForFunction(`document.documentElement.lang === '${lang}'`);
}
