import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildApp } from '@lupaus/api';
import { loadDemoPersons, type Register } from '@lupaus/engine';
import { addTestUser, openTestRegister, TEST_ADMIN, TEST_PASSWORD, totpCode } from '@lupaus/engine/testing';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureWebBuilt, WEB_DIST, WEB_ROOT } from '../server/index';

/**
 * The harness of the browser tests (issue 7): Debian's Chromium driven by playwright-core against the real API
 * (buildApp + listen, the same app `lupaus serve` runs) on an example register, with real users, passwords and
 * TOTP codes; axe-core on a page; screenshots into packages/web/screenshots/.
 *
 * @example
 * ```ts
 * const web = await startWebApp('003-auntie');
 * const clerk = await web.addClerk('pia.palvelu', ['customer_service']);
 * const { context, page } = await web.newPage('en');
 * await web.signIn(page, clerk);
 * ```
 */
export const CHROMIUM = process.env.LUPAUS_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.warn(
    `SKIPPED: the browser tests of the web application need Chromium at ${CHROMIUM} (apt-get install -y chromium)`,
  );
}
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SHOTS = join(WEB_ROOT, 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A member of staff who signs in with a password and a TOTP code. */
export interface Clerk {
  username: string;
  password: string;
  totpSecret: string;
}

export interface WebApp {
  reg: Register;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  base: string;
  browser: Browser;
  /** Console messages of every page that report a Content-Security-Policy violation, and page errors. */
  cspViolations: string[];
  /** A user with a TOTP second factor and the commitment signed. Use one clerk a test, so no test waits for the next 30-second step. */
  addClerk(username: string, roles: string[]): Promise<Clerk>;
  newPage(lang?: 'fi' | 'en' | 'sv'): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in on the sign-in page (password, then the TOTP code when the clerk has one). */
  signIn(
    page: Page,
    clerk: { username: string; password: string; totpSecret?: string | undefined },
  ): Promise<void>;
  close(): Promise<void>;
}

/** Builds the app when stale, opens `example` (PGlite) with its demo persons, serves it and starts Chromium. */
export async function startWebApp(
  example = '003-auntie',
  opts: { demoPersons?: boolean } = {},
): Promise<WebApp> {
  await ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const reg = await openTestRegister(example);
  if (opts.demoPersons !== false) await loadDemoPersons(reg, TEST_ADMIN);
  const app = await buildApp({ register: reg, webDir: WEB_DIST });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const cspViolations: string[] = [];
  const web: WebApp = {
    reg,
    app,
    base,
    browser,
    cspViolations,
    addClerk: async (username, roles) => {
      const u = await addTestUser(reg, { username, roles, totp: true, signCommitment: true });
      return { username, password: TEST_PASSWORD, totpSecret: u.totpSecret! };
    },
    newPage: async (lang = 'fi') => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 820 },
        locale: lang === 'fi' ? 'fi-FI' : lang === 'sv' ? 'sv-FI' : 'en-GB',
        timezoneId: 'Europe/Helsinki',
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      page.on('pageerror', (e) => cspViolations.push(`page error: ${e.message}`));
      return { context, page };
    },
    signIn: async (page, clerk) => {
      await page.goto(`${base}/`);
      await page.getByLabel(/Käyttäjätunnus|Username|Användarnamn/).fill(clerk.username);
      await page.getByLabel(/^(Salasana|Password|Lösenord)$/).fill(clerk.password);
      await page.getByRole('button', { name: /^(Kirjaudu|Sign in|Logga in)$/ }).click();
      if (clerk.totpSecret) {
        await page
          .getByRole('heading', { name: /Toinen tunnistautumistapa|Second factor|Andra faktorn/ })
          .waitFor();
        await page.getByLabel(/^(Koodi|Code|Kod)$/).fill(await freshCode(clerk.totpSecret));
        await page.getByRole('button', { name: /^(Vahvista|Verify|Verifiera)$/ }).click();
        // Signed in only when the step is gone: a test that navigated on at once aborted the verification in
        // flight and found the sign-in page where it expected its own (a flaky timeout in CI).
        await page
          .getByRole('heading', { name: /Toinen tunnistautumistapa|Second factor|Andra faktorn/ })
          .waitFor({ state: 'detached' });
      } else {
        await page.getByLabel(/Käyttäjätunnus|Username|Användarnamn/).waitFor({ state: 'detached' });
      }
    },
    close: async () => {
      await browser.close();
      await app.close();
      await reg.close();
    },
  };
  return web;
}

/** Runs axe-core on the page (injected through the debugging protocol: the CSP allows no inline script). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(AXE);
  // Evaluated as text in the page (this file is typed for Node, without the DOM's types).
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as {
    id: string;
    impact: string;
    help: string;
    targets: string[];
  }[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** A full-page screenshot in packages/web/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A TOTP code for now that the server has not seen yet: waits for the next 30-second step if needed. */
const usedSteps = new Map<string, number>();
export async function freshCode(secret: string): Promise<string> {
  let step = Math.floor(Date.now() / 30_000);
  if (usedSteps.get(secret) === step) {
    await new Promise((r) => setTimeout(r, (step + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  usedSteps.set(secret, step);
  return totpCode(secret, new Date());
}
