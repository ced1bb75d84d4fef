import { join } from 'node:path';
import { createUser, type Register } from '@lupaus/engine';
import { TEST_ADMIN, TEST_PASSWORD } from '@lupaus/engine/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, freshCode, HAVE_CHROMIUM, SHOTS, shot, startWebApp, type WebApp } from './browser';

/**
 * The web application in a real browser (issue 7, R7.1): Debian's Chromium driven by playwright-core against
 * the real API (buildApp + listen, the same app `lupaus serve` runs) on an example register, with real users,
 * real passwords and TOTP codes. Every page is checked with axe-core (no serious or critical violation), no
 * page may break the Content-Security-Policy, and a screenshot of each is saved in packages/web/screenshots/.
 */
let web: WebApp;
let reg: Register;
let base: string;
let cspViolations: string[] = [];
/** The person the tests create, then search for and open. */
let created: { id: string; hetu: string } | undefined;
/** Staff who sign in with a TOTP code: one user a test, so that no test waits for the next 30-second step. */
const clerks: { username: string; totpSecret: string }[] = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  web = await startWebApp('003-auntie');
  reg = web.reg;
  base = web.base;
  cspViolations = web.cspViolations;
  for (const username of ['pia.palvelu', 'paula.palvelu', 'pekka.palvelu']) {
    clerks.push(await web.addClerk(username, ['customer_service', 'privacy_officer']));
  }
}, 120_000);

afterAll(async () => {
  await web?.close();
});

function newPage(lang: 'fi' | 'en' = 'fi') {
  return web.newPage(lang);
}

function signIn(page: Page, username: string, password: string, totpSecret?: string): Promise<void> {
  return web.signIn(page, { username, password, totpSecret });
}

describe.skipIf(!HAVE_CHROMIUM)('the web application in Chromium (issue 7, R7.1)', () => {
  it('R7.1 the server gives the app for page paths under the strict CSP, and keeps the API its own', async () => {
    const page = await fetch(`${base}/persons/01a203b5-fcf1-7998-99fe-d23278c6b9c6`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${base}${asset}`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${base}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('R6.1, R6.3 a first sign-in: the one-time password changed, the second factor enrolled from the QR code, recovery codes shown, the commitment signed', async () => {
    const { oneTimePassword } = await createUser(reg, TEST_ADMIN, {
      username: 'uusi.kayttaja',
      displayName: 'Uusi Käyttäjä',
      roles: ['customer_service'],
    });
    const { context, page } = await newPage('fi');
    try {
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Kirjaudu sisään' }).waitFor();
      await expectAccessible(page, 'sign-in');
      await shot(page, '01-sign-in');
      await signIn(page, 'uusi.kayttaja', oneTimePassword!);

      await page.getByRole('heading', { name: 'Valitse uusi salasana' }).waitFor();
      await expectAccessible(page, 'password change');
      await page.getByLabel('Nykyinen (kertakäyttöinen) salasana').fill(oneTimePassword!);
      await page.getByLabel('Uusi salasana', { exact: true }).fill('short');
      await page.getByLabel('Uusi salasana uudelleen').fill('short');
      await page.getByRole('button', { name: 'Vaihda salasana' }).click();
      // The API's message stands beside the field it is about.
      await expect
        .poll(() =>
          page
            .locator('.field.has-error')
            .filter({ has: page.getByLabel('Uusi salasana', { exact: true }) })
            .count(),
        )
        .toBe(1);
      await shot(page, '02-password-change');
      await page.getByLabel('Uusi salasana', { exact: true }).fill('kolme pitkää sanaa ja vähän lisää');
      await page.getByLabel('Uusi salasana uudelleen').fill('kolme pitkää sanaa ja vähän lisää');
      await page.getByRole('button', { name: 'Vaihda salasana' }).click();

      await page.getByRole('heading', { name: 'Ota käyttöön toinen tunnistautumistapa' }).waitFor();
      const qr = page.getByRole('img', { name: 'QR-koodi todennussovellukselle' });
      await qr.waitFor();
      expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(
        true,
      );
      await expectAccessible(page, 'enrolment');
      await shot(page, '03-enrol-second-factor');
      const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
      await page.getByLabel('Sovelluksen näyttämä koodi').fill(await freshCode(secret));
      await page.getByRole('button', { name: 'Vahvista' }).click();

      await page.getByRole('heading', { name: 'Varakoodisi' }).waitFor();
      expect(await page.locator('.recovery-codes li').count()).toBe(10);
      await expectAccessible(page, 'recovery codes');
      await shot(page, '04-recovery-codes');
      await page.getByLabel('Olen tallentanut varakoodini').check();
      await page.getByRole('button', { name: 'Jatka' }).click();

      await page.getByRole('heading', { name: 'Salassapitositoumus' }).waitFor();
      await expect.poll(() => page.locator('.commitment-text').innerText()).toContain('salassa');
      await expectAccessible(page, 'commitment');
      await shot(page, '05-commitment');
      await page.getByLabel('Olen lukenut sitoumuksen ja sitoudun noudattamaan sitä').check();
      await page.getByRole('button', { name: 'Allekirjoita sitoumus' }).click();

      await page.getByRole('heading', { name: 'Henkilöt', level: 1 }).waitFor();
      await expect.poll(() => page.getByRole('link', { name: 'Maija Virtanen' }).count()).toBe(1);
      await expectAccessible(page, 'persons');
      await shot(page, '06-persons');

      await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
      await page.getByRole('heading', { name: 'Kirjaudu sisään' }).waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
      expect(me).toBe(401);
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failed.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  });

  it('R6.1 sign-in with the TOTP second factor; R2.1, R1.5 create a person with each problem beside its field', async () => {
    const clerk = clerks[0]!;
    const { context, page } = await newPage('fi');
    try {
      await page.goto(`${base}/`);
      await page.getByLabel('Käyttäjätunnus').fill(clerk.username);
      await page.getByLabel('Salasana', { exact: true }).fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Kirjaudu' }).click();
      await page.getByRole('heading', { name: 'Toinen tunnistautumistapa' }).waitFor();
      await page.getByLabel('Koodi').fill('000000');
      await page.getByRole('button', { name: 'Vahvista' }).click();
      await page.getByRole('alert').filter({ hasText: 'väärin' }).waitFor();
      await expectAccessible(page, 'second factor');
      await shot(page, '07-second-factor');
      await page.getByLabel('Koodi').fill(await freshCode(clerk.totpSecret));
      await page.getByRole('button', { name: 'Vahvista' }).click();
      await page.getByRole('heading', { name: 'Henkilöt', level: 1 }).waitFor();

      // A required field's label ends in an asterisk (hidden from screen readers, which hear aria-required).
      const field = (label: string) => page.getByLabel(new RegExp(`^${label}( \\*)?$`));
      await page.getByRole('link', { name: 'Uusi henkilö' }).click();
      await page.getByRole('heading', { name: 'Uusi henkilö', level: 1 }).waitFor();
      await field('Etunimi').fill('Sanni');
      await page.getByLabel('Henkilötunnus').fill('131052-308X');
      await page.getByLabel('Sähköpostiosoite').fill('sanni.example.fi');
      await page.getByRole('button', { name: 'Tallenna henkilö' }).click();
      const errorOf = (label: string) =>
        page
          .locator('.field')
          .filter({ has: field(label) })
          .locator('.field-error');
      await errorOf('Sukunimi').waitFor();
      // The API's messages, in the language of the page (Accept-Language: fi).
      expect(await errorOf('Sukunimi').innerText()).toContain('Sukunimi on pakollinen.');
      expect(await errorOf('Henkilötunnus').innerText()).toContain(
        'Henkilötunnuksen tarkistemerkki on väärä (pitäisi olla T, on X).',
      );
      expect(await errorOf('Sähköpostiosoite').innerText()).toContain(
        '"sanni.example.fi" ei ole sähköpostiosoite',
      );
      expect(await errorOf('Etunimi').count()).toBe(0);
      expect(await field('Sukunimi').getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(page, 'new person with problems');
      await shot(page, '08-new-person-problems');
      expect(
        await reg.db.selectFrom('persons').select('id').where('first_name', '=', 'Sanni').execute(),
      ).toEqual([]);

      await field('Sukunimi').fill('Saarinen');
      await page.getByLabel('Henkilötunnus').fill('131052-308T');
      await page.getByLabel('Sähköpostiosoite').fill('sanni.saarinen@example.fi');
      await page.getByLabel('Katuosoite').fill('Rantatie 3');
      await page.getByLabel('Postinumero').fill('00150');
      await page.getByLabel('Postitoimipaikka').fill('Helsinki');
      await page.getByRole('button', { name: 'Tallenna henkilö' }).click();
      await page.getByRole('heading', { name: 'Sanni Saarinen', level: 1 }).waitFor();
      const id = /\/persons\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
      expect(id).toBeTruthy();
      created = { id: id!, hetu: '131052-308T' };
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failed.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  });

  it('R2.7 quick search from anywhere (/ and Ctrl+K) finds the person; R2.6 the person page shows each fact with its source, time and author; R6.4 the hetu is revealed and the reveal is in the audit trail', async () => {
    expect(created).toBeDefined();
    const clerk = clerks[1]!;
    const { context, page } = await newPage('fi');
    try {
      await signIn(page, clerk.username, TEST_PASSWORD, clerk.totpSecret);
      await page.getByRole('heading', { name: 'Henkilöt', level: 1 }).waitFor();
      await page.keyboard.press('Control+K');
      const box = page.getByRole('combobox', { name: 'Pikahaku' });
      await box.waitFor();
      await page.keyboard.press('Escape');
      await box.waitFor({ state: 'detached' });
      await page.keyboard.press('/');
      await box.fill('Saarin');
      await page.getByRole('option', { name: /Sanni Saarinen/ }).waitFor();
      await expectAccessible(page, 'quick search');
      await shot(page, '09-quick-search');
      await page.keyboard.press('Enter');

      await page.getByRole('heading', { name: 'Sanni Saarinen', level: 1 }).waitFor();
      expect(page.url()).toBe(`${base}/persons/${created!.id}`);
      const hetu = page.getByTestId('hetu');
      expect(await hetu.innerText()).toBe('131052-****');
      // Provenance: the source (its name in the definition), when, and who saved it (another user, by name).
      const firstName = page.locator('.fact').filter({ hasText: 'Etunimi' });
      expect(await firstName.locator('.provenance').innerText()).toMatch(
        /^Rekisteröity itse · \d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2} · pia\.palvelu$/,
      );
      // The consents of every declared channel and purpose, named as the definition names them.
      const consents = page.getByRole('table', { name: 'Suostumukset ja kiellot' });
      expect(await consents.getByRole('columnheader', { name: 'Sähköposti' }).count()).toBe(1);
      expect(await consents.getByRole('rowheader', { name: 'Suoramarkkinointi', exact: true }).count()).toBe(
        1,
      );
      expect(await consents.getByRole('cell', { name: 'ei kysytty' }).count()).toBe(12);
      await page.getByRole('heading', { name: 'Yhteystiedot' }).waitFor();
      expect(await page.locator('.fact').filter({ hasText: 'Rantatie 3' }).count()).toBe(1);
      await expectAccessible(page, 'person');
      await shot(page, '10-person');

      await page.getByRole('button', { name: 'Näytä' }).click();
      await expect.poll(() => hetu.innerText()).toBe(created!.hetu);
      await shot(page, '11-person-hetu-revealed');
      const audit = await page.evaluate(async (personId) => {
        const res = await fetch(`/api/v1/audit?personId=${personId}&limit=50`);
        return (await res.json()) as { items: { action: string; entityType: string; actor: string }[] };
      }, created!.id);
      const reveals = audit.items.filter((a) => a.action === 'reveal');
      expect(reveals).toHaveLength(1);
      const me = await page.evaluate(
        async () => ((await (await fetch('/api/v1/auth/me')).json()) as { actorId: string }).actorId,
      );
      expect(reveals[0]!.actor).toBe(me);
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failed.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  });

  it('R7.1 the persons list filters, pages and speaks the language chosen, which is remembered', async () => {
    const clerk = clerks[2]!;
    const { context, page } = await newPage('fi');
    try {
      await signIn(page, clerk.username, TEST_PASSWORD, clerk.totpSecret);
      await page.getByRole('heading', { name: 'Henkilöt', level: 1 }).waitFor();
      await page.getByLabel('Kieli').first().selectOption('en');
      await page.getByRole('heading', { name: 'Persons', level: 1 }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Persons', level: 1 }).waitFor();
      expect(await page.evaluate('document.documentElement.lang')).toBe('en');
      await page.getByLabel('Email', { exact: true }).fill('sanni.saarinen@example.fi');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
      expect(await page.locator('tbody tr').innerText()).toContain('Sanni Saarinen');
      await expectAccessible(page, 'persons filtered');
      await shot(page, '12-persons-filtered-en');
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(1);
      await page.getByLabel('Language').first().selectOption('sv');
      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.getByRole('heading', { name: 'Logga in' }).waitFor();
      await expectAccessible(page, 'sign-in sv');
      await shot(page, '13-sign-in-sv');
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failed.png'), fullPage: true }).catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  });

  it('R7.1 no page broke the Content-Security-Policy or threw', () => {
    expect(cspViolations).toEqual([]);
  });
});
