import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

/** Bad input gets a clear 4xx naming the problem, never a 500, and nothing is written. */
describe('bad input', () => {
  let t: TestApp;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '4096' });
    auth = { authorization: `Bearer ${await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD)}` };
  });
  afterAll(() => t.close());

  const contactCount = async () =>
    ((await t.http().get('/api/contacts?limit=200').set(auth).expect(200)).body.data as unknown[])
      .length;

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"phone": "+62812');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'INVALID_JSON',
      message: 'The request body is not valid JSON',
    });
  });

  it('rejects unknown fields, naming each one', async () => {
    const res = await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .send({ phone: '+6281234567890', is_admin: true, colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['colour', 'is_admin']);
    expect(res.body.error.message).toContain('is_admin: is not an accepted field');
  });

  it('rejects wrong types, naming each bad field', async () => {
    const res = await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .send({ phone: 6281234567890, email: 'not-an-email', first_name: ['x'] });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(['email', 'first_name', 'phone']);
  });

  it('rejects a body that is not an object', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send('["a"]');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects an oversize body with 413', async () => {
    const res = await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .send({ phone: '+6281234567890', first_name: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toContain('4096');
  });

  it('rejects an unusable phone number and a bad cursor with the field named', async () => {
    const phone = await t.http().post('/api/contacts').set(auth).send({ phone: '12' });
    expect(phone.status).toBe(400);
    expect(phone.body.error.details.fields[0].field).toBe('phone');
    const cursor = await t.http().get('/api/contacts?cursor=!!&limit=0').set(auth);
    expect(cursor.status).toBe(400);
    expect(cursor.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(
      'limit',
    );
  });

  it('wrote nothing for any of the rejected requests', async () => {
    expect(await contactCount()).toBe(0);
  });

  it('answers a duplicate with 409 and keeps the first', async () => {
    await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .send({ first_name: 'One', phone: '+62 812 0000 0001' })
      .expect(201);
    const dup = await t
      .http()
      .post('/api/contacts')
      .set(auth)
      .send({ first_name: 'Two', phone: '6281200000001' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const list = (await t.http().get('/api/contacts').set(auth).expect(200)).body.data;
    expect(list.map((c: { first_name: string }) => c.first_name)).toEqual(['One']);
  });

  it('answers an unknown API route with 404 in the error shape, and a bad uuid as not found', async () => {
    const res = await t.http().get('/api/nope').set(auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await t.http().get('/api/contacts/not-a-uuid').set(auth).expect(404);
  });
});
