import { revealHetu } from '@lupaus/engine';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clerk, expectAccessible, HAVE_CHROMIUM, shot, startWebApp, type WebApp } from './browser';

/**
 * The administration in a real browser (issue 7 item 5): users and roles (R6.1, R6.2), commitments (R6.3), the
 * audit viewer with the check of the hash chain (R6.4), the notice's versions and the definition (R1.1, R1.2),
 * processors and transfers (R1.6) and breaches with their 72-hour clock. One administrator signs in once and
 * goes through the pages; axe-core on each, a screenshot of each.
 */
let web: WebApp;
let admin: Clerk;
let adminId: string;
let page: Page;
let cspViolations: string[] = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  web = await startWebApp('003-auntie');
  cspViolations = web.cspViolations;
  admin = await web.addClerk('anna.admin', ['administrator']);
  adminId = (
    await web.reg.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'anna.admin')
      .executeTakeFirstOrThrow()
  ).id;
  ({ page } = await web.newPage('en'));
  await web.signIn(page, admin);
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
}, 180_000);

afterAll(async () => {
  await web?.close();
});

async function go(path: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${web.base}${path}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)('the administration in Chromium (issue 7 item 5)', () => {
  it('R6.1 R6.2 an administrator creates a user, sees the one-time password once, and changes their roles', async () => {
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await page.getByRole('row', { name: /anna\.admin/ }).waitFor();
    await expectAccessible(page, 'admin users');
    await shot(page, 'admin-users');

    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username').fill('ville.virtanen');
    await page.getByLabel(/^Name/).fill('Ville Virtanen');
    await page.getByRole('checkbox', { name: /Customer service/ }).check();
    await expectAccessible(page, 'admin new user');
    await shot(page, 'admin-user-new');
    await page.getByRole('button', { name: 'Create the user' }).click();

    const otp = page.getByTestId('one-time-password');
    await otp.waitFor();
    const password = (await otp.textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(12);
    await expectAccessible(page, 'admin one-time password');
    await shot(page, 'admin-user-otp');
    const row = page.getByRole('row', { name: /ville\.virtanen/ });
    await expect.poll(() => row.textContent()).toMatch(/Customer service/);
    expect(await row.textContent()).toMatch(/Not signed/);
    expect(await row.textContent()).toMatch(/Never/);
    const stored = await web.reg.db
      .selectFrom('users')
      .select(['roles', 'must_change_password'])
      .where('username', '=', 'ville.virtanen')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ roles: ['customer_service'], must_change_password: true });

    // The password is shown once: handed over, it is gone from the page.
    await page.getByRole('button', { name: 'I have handed it over' }).click();
    expect(await page.getByTestId('one-time-password').count()).toBe(0);
    expect(await page.content()).not.toContain(password);

    await page.getByRole('button', { name: 'Manage Ville Virtanen' }).click();
    const manage = page.getByRole('region', { name: 'Manage Ville Virtanen' });
    await manage.getByRole('checkbox', { name: /Marketing/ }).check();
    await manage.getByRole('checkbox', { name: /Customer service/ }).uncheck();
    await manage.getByRole('button', { name: 'Save roles' }).click();
    await manage.getByText('The roles were saved.').waitFor();
    await expectAccessible(page, 'admin manage user');
    await shot(page, 'admin-user-manage');
    const after = await web.reg.db
      .selectFrom('users')
      .select('roles')
      .where('username', '=', 'ville.virtanen')
      .executeTakeFirstOrThrow();
    expect(after.roles).toEqual(['marketing']);
    await expect.poll(() => row.textContent()).toMatch(/Marketing/);

    // A reset gives a new one-time password; disabling shows in the list and in the database.
    await manage.getByRole('button', { name: 'Reset password and second factor' }).click();
    await page.getByTestId('one-time-password').waitFor();
    const second = (await page.getByTestId('one-time-password').textContent())?.trim();
    expect(second).not.toBe(password);
    await page.getByRole('button', { name: 'I have handed it over' }).click();
    await page.getByRole('button', { name: 'Manage Ville Virtanen' }).click();
    await manage.getByRole('button', { name: 'Disable account' }).click();
    await manage.getByText('The account was disabled; its sessions ended.').waitFor();
    await expect.poll(() => row.textContent()).toMatch(/Disabled/);
    const disabled = await web.reg.db
      .selectFrom('users')
      .select('disabled_at')
      .where('username', '=', 'ville.virtanen')
      .executeTakeFirstOrThrow();
    expect(disabled.disabled_at).not.toBeNull();
    await manage.getByRole('button', { name: 'Enable account' }).click();
    await expect.poll(() => row.textContent()).toMatch(/Active/);

    // Roles: the matrix; commitments: Ville has not signed.
    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    const reveal = page.getByRole('row', { name: /persons\.reveal/ });
    await reveal.waitFor();
    expect(await reveal.getByRole('img', { name: 'allowed' }).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'admin roles');
    await shot(page, 'admin-roles');

    await page.getByRole('link', { name: 'Commitments' }).click();
    await page.getByRole('heading', { level: 1, name: 'Confidentiality commitments' }).waitFor();
    const unsigned = page.getByRole('region', { name: 'Not signed the version in force' });
    await unsigned.getByText('ville.virtanen').waitFor();
    expect(await unsigned.getByText('anna.admin').count()).toBe(0);
    expect(
      await page.getByRole('region', { name: 'Signatures' }).getByText('anna.admin').count(),
    ).toBeGreaterThan(0);
    await expectAccessible(page, 'admin commitments');
    await shot(page, 'admin-commitments');
  }, 120_000);

  it('R6.4 the audit viewer finds the row of a hetu reveal and shows the chain intact', async () => {
    const maija = await web.reg.db
      .selectFrom('persons')
      .select('id')
      .where('first_name', '=', 'Maija')
      .executeTakeFirstOrThrow();
    await revealHetu(web.reg, { id: adminId, roles: ['administrator'], commitmentSigned: true }, maija.id);
    const revealRow = await web.reg.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'reveal')
      .where('person_id', '=', maija.id)
      .executeTakeFirstOrThrow();

    await go('/admin/audit', 'Audit trail');
    const status = page.getByTestId('chain-status');
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/Intact up to row \d+/);
    await page.getByLabel('Person (id)').fill(maija.id);
    await page.getByLabel('Action').fill('reveal');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.locator(`tr[data-row="${revealRow.id}"]`);
    await row.waitFor();
    expect(await page.locator('tr[data-row]').count()).toBe(1);
    expect(await row.textContent()).toContain('anna.admin');
    await row.getByRole('button', { name: /Details/ }).click();
    await page.locator('.audit-json').waitFor();
    expect(await page.locator('.audit-detail').textContent()).toContain(maija.id);
    await expectAccessible(page, 'admin audit');
    await shot(page, 'admin-audit');
  }, 60_000);

  it('R6.4 after an audit row is changed in the database the viewer names the broken row and how', async () => {
    const victim = await web.reg.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'reveal')
      .executeTakeFirstOrThrow();
    // The append-only trigger refuses UPDATE; a tamperer with the database owner's rights disables it.
    await web.reg.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
      await sql`update audit_log set purpose = 'marketing' where id = ${victim.id}`.execute(tx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
    });
    await go('/admin/audit', 'Audit trail');
    const status = page.getByTestId('chain-status');
    await expect
      .poll(() => status.textContent(), { timeout: 20_000 })
      .toContain(`Broken at row ${victim.id}: changed.`);
    await status.getByRole('button', { name: `row ${victim.id}` }).click();
    await page.locator(`tr.selected[data-row="${victim.id}"]`).waitFor();
    await expectAccessible(page, 'admin audit broken');
    await shot(page, 'admin-audit-broken');
  }, 60_000);

  it('R6.4 a breach is recorded and shows its 72-hour clock; the notification stops it', async () => {
    await go('/admin/breaches', 'Personal data breaches');
    await expectAccessible(page, 'admin breaches empty');
    await page.getByRole('button', { name: 'Record a breach' }).click();
    await page.getByLabel('Title').fill('Lost laptop with a customer export');
    await page.getByLabel('What happened').fill('A laptop holding a CSV export of 40 customers was stolen.');
    const categories = page.getByRole('group', { name: 'Data categories concerned' }).getByRole('checkbox');
    await categories.first().check();
    await page.getByRole('radio', { name: /^Risk/ }).check();
    await expectAccessible(page, 'admin breach form');
    await shot(page, 'admin-breach-new');
    await page.getByRole('button', { name: 'Record the breach' }).click();

    await page.getByRole('heading', { level: 1, name: 'Lost laptop with a customer export' }).waitFor();
    const clock = page.getByTestId('breach-clock');
    await expect.poll(() => clock.textContent()).toMatch(/^(71|72) h left/);
    const stored = await web.reg.db
      .selectFrom('breaches')
      .select(['id', 'risk'])
      .where('title', '=', 'Lost laptop with a customer export')
      .executeTakeFirstOrThrow();
    expect(stored.risk).toBe('risk');

    // Persons affected, found by name.
    await page.getByRole('textbox', { name: 'Find persons to list' }).fill('Maija');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('checkbox', { name: /Maija/ }).check();
    await page.getByRole('button', { name: 'List 1 as affected' }).click();
    await page.getByText('1 persons listed as affected.').waitFor();
    await expect.poll(() => page.getByText('1 listed, 0 told').count()).toBe(1);
    // The affected person is named (the API reads the name as the roles allow, audited) and links to the person.
    const affected = page.locator('.people-list').getByRole('link', { name: 'Maija Virtanen' });
    await affected.waitFor();
    const maijaId = (
      await web.reg.db
        .selectFrom('breach_persons')
        .select('person_id')
        .where('breach_id', '=', stored.id)
        .executeTakeFirstOrThrow()
    ).person_id;
    expect(await affected.getAttribute('href')).toBe(`/persons/${maijaId}`);
    const read = await web.reg.db
      .selectFrom('audit_log')
      .select(['person_ids', 'details'])
      .where('action', '=', 'breach_read')
      .where('entity_id', '=', stored.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(read.person_ids).toEqual([maijaId]);
    expect(read.details).toEqual({ fields: ['first_name', 'last_name'] });
    await expectAccessible(page, 'admin breach');
    await shot(page, 'admin-breach');

    await page.getByLabel("Authority's reference").fill('TSV/1234/2026');
    await page.getByRole('button', { name: 'Record the notification' }).click();
    await page.getByText('The notification to the authority was recorded.').waitFor();
    expect(await page.getByTestId('breach-clock').count()).toBe(0);

    // One found four days late is overdue.
    const discovered = new Date(Date.now() - 4 * 86_400_000);
    await page.goto(`${web.base}/admin/breaches`);
    await page.getByRole('button', { name: 'Record a breach' }).click();
    await page.getByLabel('Title').fill('Misdirected email');
    await page.getByLabel('What happened').fill('An invoice was emailed to the wrong customer.');
    await page.getByLabel('Discovered').fill(localInput(discovered));
    // Without a category the API refuses, and the form says so beside the categories.
    await page.getByRole('button', { name: 'Record the breach' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await page.locator('fieldset.has-error').count()).toBe(1);
    await page
      .getByRole('group', { name: 'Data categories concerned' })
      .getByRole('checkbox')
      .first()
      .check();
    await page.getByRole('button', { name: 'Record the breach' }).click();
    await page.getByRole('heading', { level: 1, name: 'Misdirected email' }).waitFor();
    await expect.poll(() => page.getByTestId('breach-clock').textContent()).toMatch(/^Overdue by 2[45] h/);

    await page.getByRole('link', { name: 'Personal data breaches' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal data breaches' }).waitFor();
    const list = page.getByRole('table', { name: 'Breaches' });
    await expect
      .poll(() => list.getByRole('row', { name: /Lost laptop/ }).textContent())
      .toContain('Authority notified');
    expect(await list.getByRole('row', { name: /Misdirected email/ }).textContent()).toMatch(/Overdue by/);
    await expectAccessible(page, 'admin breaches');
    await shot(page, 'admin-breaches');
  }, 90_000);

  it('R1.2 R1.6 the notice versions, a version itself, the definition, processors and transfers render', async () => {
    await go('/admin/register', 'Register and notice');
    const versions = page.getByRole('table', { name: 'Versions of the privacy notice' });
    await versions.getByRole('row', { name: /Version 1/ }).waitFor();
    await versions.getByRole('button', { name: /View/ }).first().click();
    const notice = page.locator('article.notice-doc');
    await notice.locator('h1, h2').first().waitFor();
    expect((await notice.textContent())?.length ?? 0).toBeGreaterThan(500);
    await page.getByRole('table', { name: 'Purposes' }).waitFor();
    expect(
      await page.getByRole('table', { name: 'Retention rules' }).getByRole('row').count(),
    ).toBeGreaterThan(1);
    await expectAccessible(page, 'admin register');
    await shot(page, 'admin-register');

    await page.getByRole('link', { name: 'Processors & transfers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Processors and transfers' }).waitFor();
    const processors = page.getByRole('table', { name: 'Processors' });
    expect(await processors.getByRole('row').count()).toBeGreaterThan(1);
    const transfers = page.getByRole('table', { name: 'Transfers outside the EU/EEA' });
    expect(await transfers.textContent()).toContain('Standard contractual clauses');
    await expectAccessible(page, 'admin processors');
    await shot(page, 'admin-processors');
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('R7.1 in Swedish the administration speaks Swedish: users, roles, breaches and a breach naming its persons', async () => {
    await page.getByLabel('Language').first().selectOption('sv');
    try {
      await go('/admin/users', 'Användare');
      const tabs = page.getByRole('navigation', { name: 'Administrationens delar' }).getByRole('link');
      expect(await tabs.allTextContents()).toEqual([
        'Användare',
        'Roller',
        'Förbindelser',
        'Logg',
        'Register och beskrivning',
        'Biträden och överföringar',
        'Personuppgiftsincidenter',
      ]);
      await page.getByRole('row', { name: /anna\.admin/ }).waitFor();
      expect(await page.getByRole('row', { name: /anna\.admin/ }).textContent()).toContain('Administratör');
      await expectAccessible(page, 'admin users sv');
      await shot(page, 'sv-admin-users');

      await go('/admin/roles', 'Roller');
      await page.getByRole('table', { name: 'Behörigheter per roll' }).waitFor();
      await page.getByText('Visa personbeteckningen').first().waitFor();
      await expectAccessible(page, 'admin roles sv');
      await shot(page, 'sv-admin-roles');

      await go('/admin/breaches', 'Personuppgiftsincidenter');
      const list = page.getByRole('table', { name: 'Incidenter' });
      await expect
        .poll(() => list.getByRole('row', { name: /Lost laptop/ }).textContent())
        .toContain('Myndigheten underrättad');
      expect(await list.getByRole('row', { name: /Misdirected email/ }).textContent()).toMatch(/Försenad/);
      await expectAccessible(page, 'admin breaches sv');
      await shot(page, 'sv-admin-breaches');
      await list.getByRole('link', { name: /Lost laptop/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Lost laptop with a customer export' }).waitFor();
      await page.getByText('1 registrerade, 0 informerade').waitFor();
      await page.locator('.people-list').getByRole('link', { name: 'Maija Virtanen' }).waitFor();
      await expectAccessible(page, 'admin breach sv');
      await shot(page, 'sv-admin-breach');
      expect(cspViolations).toEqual([]);
    } finally {
      await page
        .getByLabel(/^(Språk|Language|Kieli)$/)
        .first()
        .selectOption('en');
    }
  }, 60_000);

  it('R6.2 a clerk without the permissions sees only the register pages, in Finnish', async () => {
    const clerk = await web.addClerk('pia.palvelu', ['customer_service']);
    const { context, page: p } = await web.newPage('fi');
    try {
      await web.signIn(p, clerk);
      await p.getByRole('link', { name: 'Ylläpito' }).click();
      await p.getByRole('heading', { level: 1, name: 'Rekisteri ja seloste' }).waitFor();
      const tabs = p.getByRole('navigation', { name: 'Ylläpidon osiot' }).getByRole('link');
      expect(await tabs.allTextContents()).toEqual(['Rekisteri ja seloste', 'Käsittelijät ja siirrot']);
      await p.goto(`${web.base}/admin/users`);
      await p.getByText('Roolisi ei salli tätä.').waitFor();
      await expectAccessible(p, 'admin forbidden fi');
    } finally {
      await context.close();
    }
  }, 60_000);
});

/** A time as the value of a datetime-local input (local time of the browser: Helsinki). */
function localInput(d: Date): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Helsinki',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
  return parts.replace(' ', 'T');
}
