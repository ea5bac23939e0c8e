import type { ContactView, Page } from '@switchboard/contracts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

describe('contacts API', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    auth = { authorization: `Bearer ${await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD)}` };
    for (let i = 1; i <= 7; i += 1) {
      await t
        .http()
        .post('/api/contacts')
        .set(auth)
        .send({
          first_name: i === 3 ? 'Siti 100%' : `Customer ${i}`,
          phone: `+62 812-3456-700${i}`,
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  const list = async (query: string): Promise<Page<ContactView>> =>
    (await t.http().get(`/api/contacts?${query}`).set(auth).expect(200)).body;

  it('pages newest first with a cursor, every contact once', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(`limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((c) => c.phone!));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1].map((i) => `+628123456700${i}`));
  });

  it('finds by name and by a phone number typed the way people write it', async () => {
    expect((await list('q=Customer%205')).data.map((c) => c.first_name)).toEqual(['Customer 5']);
    expect(
      (await list(`q=${encodeURIComponent('+62 812-3456-7002')}`)).data.map((c) => c.first_name),
    ).toEqual(['Customer 2']);
  });

  it('treats % and _ in a search as plain characters', async () => {
    expect((await list('q=100%25')).data.map((c) => c.first_name)).toEqual(['Siti 100%']);
    expect((await list('q=%25')).data.map((c) => c.first_name)).toEqual(['Siti 100%']);
    expect((await list('q=_')).data).toEqual([]);
  });

  it('updates, and soft-deletes so the contact disappears but its phone stays taken', async () => {
    const [first] = (await list('q=Customer%201')).data;
    const updated = (
      await t
        .http()
        .patch(`/api/contacts/${first!.uuid}`)
        .set(auth)
        .send({ last_name: 'Santoso' })
        .expect(200)
    ).body;
    expect(updated).toMatchObject({ first_name: 'Customer 1', last_name: 'Santoso' });
    await t.http().delete(`/api/contacts/${first!.uuid}`).set(auth).expect(204);
    await t.http().get(`/api/contacts/${first!.uuid}`).set(auth).expect(404);
    await t.http().post('/api/contacts').set(auth).send({ phone: '+6281234567001' }).expect(409);
  });
});
