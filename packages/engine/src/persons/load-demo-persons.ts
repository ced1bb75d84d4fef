import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import { createPerson } from './create-person';

/**
 * A few demo persons for a fresh register (`npm start`). Their hetus are from the test range (individual
 * number 900–999) and never belong to a real person. Only fields the register declares are written.
 */
const DEMO = [
  {
    first_name: 'Maija',
    last_name: 'Virtanen',
    nickname: 'Maikki',
    email: 'maija.virtanen@example.fi',
    phone: '040 123 4567',
    hetu: '010594Y9021',
    customer_number: 'A-1001',
    address: { street: 'Mannerheimintie 12 B 7', postalCode: '00100', city: 'Helsinki' },
  },
  {
    first_name: 'Matti',
    last_name: 'Korhonen',
    email: 'matti.korhonen@example.fi',
    phone: '050 765 4321',
    hetu: '131052-9085',
    customer_number: 'A-1002',
    address: { street: 'Hämeenkatu 5', postalCode: '33100', city: 'Tampere' },
  },
  {
    first_name: 'Aino',
    last_name: 'Mäkinen',
    email: 'aino.makinen@example.fi',
    phone: '044 222 3344',
    customer_number: 'A-1003',
    address: { street: 'Aurakatu 1', postalCode: '20100', city: 'Turku' },
  },
  {
    first_name: 'Juhani',
    last_name: 'Nieminen',
    email: 'juhani.nieminen@example.fi',
    phone: '045 111 2233',
    customer_number: 'A-1004',
    address: { street: 'Kauppakatu 20', postalCode: '40100', city: 'Jyväskylä' },
  },
  {
    first_name: 'Helmi',
    last_name: 'Lahtinen',
    nickname: 'Helka',
    email: 'helmi.lahtinen@example.fi',
    customer_number: 'A-1005',
    hetu: '250301A9360',
    address: { street: 'Isokatu 3', postalCode: '90100', city: 'Oulu' },
  },
];

export async function loadDemoPersons(reg: Register, actor: Actor): Promise<number> {
  authorize(reg, actor, 'persons.write');
  const source =
    reg.definition.sources.find((s) => s.kind === 'subject')?.id ?? reg.definition.sources[0]?.id;
  if (!source) return 0;
  let n = 0;
  for (const demo of DEMO) {
    const fields = Object.fromEntries(Object.entries(demo).filter(([k]) => reg.catalogue.field('person', k)));
    await createPerson(reg, actor, { source, fields });
    n++;
  }
  return n;
}
