import { readFileSync } from 'node:fs';
import {
  addContactRole,
  createOrganisation,
  createPerson,
  getOrganisation,
  listConsents,
  type Register,
  receiveRequest,
  verifyIdentity,
} from '@lupaus/engine';
import { TEST_ADMIN } from '@lupaus/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clerk, expectAccessible, HAVE_CHROMIUM, shot, startWebApp, type WebApp } from './browser';

/**
 * Organisations created and edited, contact roles added and ended, a consent's evidence file uploaded and
 * downloaded back, and an erasure request's dry run shown before it is confirmed (issue 7, R2.2, R3.1, R4.4,
 * R7.1): Chromium against the real API on register 001 (Vitec Katrina: organisations with y-tunnus, contact roles
 * with a title), every page checked with axe-core and photographed.
 */
let web: WebApp;
let reg: Register;
const clerks: Clerk[] = [];
let pekka: string;
let eino: string;
let erasureRequest: string;
const sourceOf = (holder: string) => reg.catalogue.fieldsOf(holder as 'person')[0]!.sources[0]!.id;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  web = await startWebApp('001-vitec-katrina', { demoPersons: false });
  reg = web.reg;
  for (const u of ['olga.org', 'otto.org', 'oona.org']) {
    clerks.push(await web.addClerk(u, ['customer_service', 'privacy_officer']));
  }
  pekka = (
    await createPerson(reg, TEST_ADMIN, {
      source: sourceOf('person'),
      fields: { first_name: 'Pekka', last_name: 'Yhteyshenkilö', email: 'pekka.yhteys@example.fi' },
    })
  ).id;
  eino = (
    await createPerson(reg, TEST_ADMIN, {
      source: sourceOf('person'),
      fields: { first_name: 'Eino', last_name: 'Poistuja', email: 'eino.poistuja@example.fi' },
    })
  ).id;
  const org = await createOrganisation(reg, TEST_ADMIN, {
    source: sourceOf('organisation'),
    fields: { name: 'Poistuja Tmi', business_id: '1572860-0' },
  });
  await addContactRole(reg, TEST_ADMIN, {
    personId: eino,
    organisationId: org.id,
    startsOn: '2024-01-01',
    endsOn: '2027-06-30',
    title: 'Yrittäjä',
    source: sourceOf('contact_role'),
  });
  erasureRequest = (
    await receiveRequest(reg, TEST_ADMIN, { type: 'erasure', personId: eino, receivedVia: 'electronic' })
  ).id;
  await verifyIdentity(reg, TEST_ADMIN, erasureRequest, { method: 'strong_electronic_identification' });
}, 180_000);

afterAll(async () => {
  await web?.close();
});

async function signedIn(n: number, lang: 'fi' | 'en') {
  const { context, page } = await web.newPage(lang);
  await web.signIn(page, clerks[n]!);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  return { context, page };
}

describe.skipIf(!HAVE_CHROMIUM)(
  'organisations, consent evidence and the erasure dry run in Chromium (issue 7)',
  () => {
    it('R2.2, R7.1 an organisation is created (a wrong y-tunnus shown beside its field) and edited; a contact person is added from a search and the role ended', async () => {
      const { context, page } = await signedIn(0, 'fi');
      try {
        await page.getByRole('link', { name: 'Organisaatiot' }).click();
        await page.getByRole('heading', { name: 'Organisaatiot', level: 1 }).waitFor();
        await page.getByRole('link', { name: 'Uusi organisaatio' }).click();
        await page.getByRole('heading', { name: 'Uusi organisaatio', level: 1 }).waitFor();
        await page.getByLabel(/^Yhteisön nimi/).fill('Testaajat Oy');
        const yTunnus = page.getByLabel(/^Y-tunnus/);
        await yTunnus.fill('0245974-8');
        await page.getByRole('button', { name: 'Tallenna organisaatio' }).click();
        // The API's message, in Finnish, beside the y-tunnus field, which gets the focus.
        const fieldError = page.locator('.field.has-error', { has: yTunnus }).locator('.field-error');
        await fieldError.waitFor();
        expect(await fieldError.innerText()).toMatch(/tarkistenumero on väärä \(pitäisi olla 0245974-7\)/);
        expect(await yTunnus.getAttribute('aria-invalid')).toBe('true');
        const yTunnusId = await yTunnus.getAttribute('id');
        await expect
          .poll(() => page.evaluate('document.activeElement && document.activeElement.id'))
          .toBe(yTunnusId);
        await expectAccessible(page, 'new organisation with an error');
        await shot(page, 'organisation-new-error');
        await yTunnus.fill('0245974-7');
        await page.getByRole('button', { name: 'Tallenna organisaatio' }).click();
        await page.getByRole('heading', { name: 'Testaajat Oy', level: 1 }).waitFor();
        const orgId = /\/organisations\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
        expect(await page.getByTestId('business-id').textContent()).toContain('0245974-7');

        // Edited: the name changes and the change is saved with its provenance.
        await page.getByRole('button', { name: 'Muokkaa' }).click();
        await page.getByLabel(/^Yhteisön nimi/).fill('Testaajat ja Kumppanit Oy');
        await expectAccessible(page, 'organisation edit');
        await shot(page, 'organisation-edit');
        await page.getByRole('button', { name: 'Tallenna muutokset' }).click();
        await page.getByRole('heading', { name: 'Testaajat ja Kumppanit Oy', level: 1 }).waitFor();
        await page.getByText('Tallennettu. Muuttuneilla tiedoilla').waitFor();

        // A contact person from a search, with a title.
        await page.getByRole('button', { name: 'Lisää yhteyshenkilö' }).click();
        await page.getByRole('button', { name: 'Lisää yhteyshenkilö' }).last().click();
        await page
          .locator('.contact-form .field-error')
          .getByText('Hae henkilö ja valitse hänet ensin.')
          .waitFor();
        await page.getByLabel('Henkilö', { exact: true }).fill('Pekka');
        await page.locator('.contact-form').getByRole('button', { name: 'Hae' }).click();
        await page.getByRole('radio', { name: /Pekka Yhteyshenkilö/ }).check();
        await page.getByLabel('Tehtävänimike').fill('Hallituksen puheenjohtaja');
        await page.getByLabel(/^Yhteyshenkilönä alkaen/).fill('2025-01-01');
        await expectAccessible(page, 'add contact person');
        await shot(page, 'organisation-add-contact');
        await page.locator('.contact-form').getByRole('button', { name: 'Lisää yhteyshenkilö' }).click();
        await page.getByText('Yhteyshenkilö on lisätty.').waitFor();
        await page.getByRole('link', { name: 'Pekka Yhteyshenkilö' }).waitFor();
        await page.getByRole('cell', { name: 'Hallituksen puheenjohtaja' }).waitFor();

        // Ended: a date before its start is refused beside it; two days ago as its last day ends it (UTC and Helsinki agree).
        await page.getByRole('button', { name: 'Päätä rooli – Pekka Yhteyshenkilö' }).click();
        const endsOn = page.getByLabel(/^Roolin viimeinen päivä/);
        await endsOn.fill('2000-01-01');
        await page.locator('.contact-form').getByRole('button', { name: 'Päätä rooli' }).click();
        const endError = page.locator('.contact-form .field-error');
        expect(await endError.innerText()).toMatch(/Rooli alkoi 2025-01-01; se ei voi päättyä ennen sitä/);
        expect(await endsOn.getAttribute('aria-invalid')).toBe('true');
        await shot(page, 'organisation-end-role');
        const lastDay = new Date(Date.now() - 2 * 86_400_000).toLocaleDateString('sv-SE', {
          timeZone: 'Europe/Helsinki',
        });
        await endsOn.fill(lastDay);
        await page.locator('.contact-form').getByRole('button', { name: 'Päätä rooli' }).click();
        await page.getByText('Rooli on päätetty.').waitFor();
        await page.getByRole('heading', { name: 'Entiset yhteyshenkilöt' }).waitFor();
        await expectAccessible(page, 'organisation after the role ended');
        await shot(page, 'organisation-role-ended');

        const saved = await getOrganisation(reg, TEST_ADMIN, orgId);
        expect(saved.fields).toMatchObject({ name: 'Testaajat ja Kumppanit Oy', business_id: '0245974-7' });
        expect(saved.contactRoles).toEqual([
          expect.objectContaining({ personId: pekka, title: 'Hallituksen puheenjohtaja', endsOn: lastDay }),
        ]);
      } finally {
        await context.close();
      }
    });

    it('R3.1 a scanned consent form is uploaded as the evidence of a prohibition and downloaded back from the history', async () => {
      const { context, page } = await signedIn(1, 'fi');
      const pdf = Buffer.from('%PDF-1.4\n% Pekka kieltää suoramarkkinoinnin, allekirjoitettu\n%%EOF\n');
      try {
        await page.goto(`${web.base}/persons/${pekka}`);
        await page.getByRole('heading', { name: 'Pekka Yhteyshenkilö' }).waitFor();
        await page.getByRole('button', { name: 'Kirjaa muutos' }).click();
        await page.getByRole('radio', { name: /^Kieltää/ }).check();
        await page.getByLabel('Miten annettiin').selectOption({ label: 'Kirje' });
        await page.getByLabel(/Muistiinpano/).fill('Allekirjoitettu kieltolomake');
        await page.getByLabel(/Todistetiedosto/).setInputFiles({
          name: 'kieltolomake.pdf',
          mimeType: 'application/pdf',
          buffer: pdf,
        });
        await expectAccessible(page, 'consent form with a file');
        await shot(page, 'person-consent-evidence-form');
        await page.getByRole('button', { name: 'Kirjaa kielto' }).click();
        await page.getByText('Kielto on kirjattu todisteineen.').waitFor();
        const link = page.getByRole('button', { name: 'Todiste: kieltolomake.pdf' });
        await link.waitFor();
        await shot(page, 'person-consent-evidence-history');
        const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
        expect(download.suggestedFilename()).toBe('kieltolomake.pdf');
        expect(readFileSync((await download.path())!).equals(pdf)).toBe(true);
        const { history } = await listConsents(reg, TEST_ADMIN, pekka);
        expect(history[0]).toMatchObject({
          state: 'prohibited',
          evidenceText: 'Kirje: Allekirjoitettu kieltolomake',
          evidenceFile: { name: 'kieltolomake.pdf', mediaType: 'application/pdf', size: pdf.length },
        });
      } finally {
        await context.close();
      }
    });

    it('R4.4 the page of an erasure request shows the dry run before it is confirmed: the contact role as a blocker with its end, and what would go', async () => {
      const { context, page } = await signedIn(2, 'en');
      try {
        await page.goto(`${web.base}/requests/${erasureRequest}`);
        const plan = page.getByTestId('erasure-plan');
        await plan
          .getByRole('heading', { name: 'Before you confirm: what the erasure would do now' })
          .waitFor();
        const blocker = plan.locator('.blocker', { hasText: 'active contact person' });
        expect(await blocker.innerText()).toMatch(/until 30 Jun 2027/);
        expect(await plan.innerText()).toMatch(/Fields kept while blocked: .*First name/);
        await expectAccessible(page, 'erasure request with its dry run');
        await shot(page, 'request-erasure-plan');
        // Nothing has been erased by looking.
        expect(
          await reg.db.selectFrom('persons').select('id').where('id', '=', eino).executeTakeFirst(),
        ).toBeDefined();
        expect(await page.getByRole('button', { name: 'Erase the person’s data' }).isDisabled()).toBe(true);
      } finally {
        await context.close();
      }
    });
  },
);
