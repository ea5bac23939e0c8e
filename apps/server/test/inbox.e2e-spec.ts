import {
  echoChannelName,
  RealtimeEvent,
  workspaceChannel,
  type ConversationReadPayload,
  type ContactNumberView,
  type ContactView,
  type ConversationView,
  type InboxMessageView,
  type MarkConversationReadResult,
  type NumberUnreadView,
  type Page,
} from '@switchboard/contracts';
import type { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  createWebjsSession,
  customerMessage,
  engineEvent,
  phoneParty,
  postEngineEvent,
  rows,
} from './messaging-test-kit';
import {
  connectEcho,
  disconnectAllEchoClients,
  joined,
  listenOnLoopback,
  nextEvent,
  seedRealtimeWorld,
  type RealtimeWorld,
} from './realtime-test-kit';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { startTestApp, type TestApp } from './test-app';

/** The inbox API over messages stored by the real inbound pipeline from signed engine events. */
describe('inbox API: conversations, threads, mark read, a contact’s numbers', () => {
  let t: TestApp;
  let world: RealtimeWorld;
  let numberA1: WhatsappSession;
  let numberA2: WhatsappSession;
  let numberB: WhatsappSession;
  let agentA: Record<string, string>;
  let ownerB: Record<string, string>;
  let budi: ContactView;
  /** Message times: one second apart, well in the past, in the order they are posted. */
  let clock = Math.floor(Date.now() / 1000) - 3600;

  const BUDI = '6281300000001';
  const CITRA = '6281300000002';
  const DEWI = '6281300000003';
  const paging = (i: number) => `62813000001${String(i).padStart(2, '0')}`;

  const receive = async (number: WhatsappSession, digits: string, body: string) => {
    clock += 1;
    const message = customerMessage(phoneParty(digits), { body, timestamp: clock });
    const res = await postEngineEvent(
      t,
      engineEvent(number, 'message.received', { message }),
    ).expect(202);
    expect(res.body).toEqual({ stored: true, processed: true });
    return message;
  };

  const replyFromPhone = async (number: WhatsappSession, digits: string, body: string) => {
    clock += 1;
    const customer = phoneParty(digits);
    const message = customerMessage(phoneParty('6289999999999'), {
      provider_message_id: `true_${customer.id}_${clock}`,
      chat_id: customer.id,
      to: customer,
      from_me: true,
      body,
      status: 'sent',
      timestamp: clock,
    });
    await postEngineEvent(t, engineEvent(number, 'message.sent_from_phone', { message })).expect(
      202,
    );
    return message;
  };

  const get = async <T>(auth: Record<string, string>, path: string): Promise<T> =>
    (await t.http().get(path).set(auth).expect(200)).body as T;
  const list = (query = '', auth = agentA) =>
    get<Page<ConversationView>>(auth, `/api/conversations${query ? `?${query}` : ''}`);
  const labels = (page: Page<ConversationView>) =>
    page.data.map((c) => `${c.contact.phone}@${c.session.phone_number}`);
  const unreadOf = async (contactPhone: string) =>
    (
      await rows<{ unread_messages: number }>(
        t,
        'SELECT unread_messages FROM contacts WHERE workspace_id = ? AND phone = ?',
        [world.workspaceA, contactPhone],
        ['unread_messages'],
      )
    )[0]!.unread_messages;
  const expectFieldError = async (
    request: ReturnType<ReturnType<TestApp['http']>['get']>,
    field: string,
  ) => {
    const res = await request.expect(400);
    const body = res.body as {
      error: { code: string; details: { fields: Array<{ field: string }> } };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.fields.map((f) => f.field)).toContain(field);
  };

  beforeAll(async () => {
    t = await startTestApp();
    world = await seedRealtimeWorld(t);
    agentA = { authorization: `Bearer ${world.agentA.token}` };
    ownerB = { authorization: `Bearer ${world.ownerB.token}` };
    numberA1 = await createWebjsSession(t, world.workspaceA, { phoneNumber: '+6281111111111' });
    numberA2 = await createWebjsSession(t, world.workspaceA, {
      phoneNumber: '+6282222222222',
      status: 'disconnected',
    });
    numberB = await createWebjsSession(t, world.workspaceB, { phoneNumber: '+6283333333333' });

    budi = (
      await t
        .http()
        .post('/api/contacts')
        .set(agentA)
        .send({ first_name: 'Budi', last_name: 'Santoso', phone: `+${BUDI}` })
        .expect(201)
    ).body as ContactView;
    await t
      .http()
      .post('/api/contacts')
      .set(agentA)
      .send({ first_name: 'Citra Lestari', phone: `+${CITRA}` })
      .expect(201);

    await receive(numberA1, BUDI, 'Halo, ada stok?');
    await receive(numberA1, CITRA, 'Pesanan saya sudah dikirim?');
    await receive(numberA2, BUDI, 'Ini nomor yang lain');
    await receive(numberA2, DEWI, 'Minta katalog');
    await replyFromPhone(numberA2, DEWI, 'Siap, kak');
    await receive(numberA1, BUDI, 'Halo lagi');
    for (let i = 1; i <= 7; i += 1) await receive(numberA1, paging(i), `Pesan ${i}`);
    await receive(numberB, '6281399999999', 'Pesan untuk workspace lain');
  });
  afterAll(() => t.close());

  const ALL_IN_ORDER = () => [
    ...[7, 6, 5, 4, 3, 2, 1].map((i) => `+${paging(i)}@+6281111111111`),
    `+${BUDI}@+6281111111111`,
    `+${DEWI}@+6282222222222`,
    `+${BUDI}@+6282222222222`,
    `+${CITRA}@+6281111111111`,
  ];

  it('lists one conversation per contact and number, newest activity first, across all numbers', async () => {
    const page = await list('limit=100');
    expect(labels(page)).toEqual(ALL_IN_ORDER());
    expect(page.next_cursor).toBeNull();

    const budiOnA1 = page.data.find(
      (c) => c.contact.uuid === budi.uuid && c.session.uuid === numberA1.uuid,
    );
    expect(budiOnA1).toEqual({
      contact: {
        uuid: budi.uuid,
        name: 'Budi Santoso',
        phone: `+${BUDI}`,
        whatsapp_id: null,
        type: 'individual',
      },
      session: {
        uuid: numberA1.uuid,
        phone_number: '+6281111111111',
        provider_type: 'webjs',
        status: 'connected',
      },
      last_message: {
        uuid: expect.any(String) as string,
        direction: 'inbound',
        type: 'text',
        body_preview: 'Halo lagi',
        status: 'delivered',
        created_at: expect.any(String) as string,
      },
      unread_count: 2,
      last_activity_at: budiOnA1!.last_message!.created_at,
    });
    // Each number's conversation counts only its own messages.
    const budiOnA2 = page.data.find(
      (c) => c.contact.uuid === budi.uuid && c.session.uuid === numberA2.uuid,
    );
    expect(budiOnA2).toMatchObject({
      unread_count: 1,
      last_message: { body_preview: 'Ini nomor yang lain' },
      session: { status: 'disconnected' },
    });
    // The number's own reply is the latest message; it leaves the customer's message unread.
    const dewi = page.data.find((c) => c.contact.phone === `+${DEWI}`);
    expect(dewi).toMatchObject({
      contact: { name: null },
      unread_count: 1,
      last_message: { direction: 'outbound', body_preview: 'Siap, kak', status: 'sent' },
    });
  });

  it('lists one number’s conversations only', async () => {
    expect(labels(await list(`session=${numberA2.uuid}`))).toEqual([
      `+${DEWI}@+6282222222222`,
      `+${BUDI}@+6282222222222`,
    ]);
    expect(labels(await list(`session=${numberA1.uuid}&limit=100`))).toEqual(
      ALL_IN_ORDER().filter((label) => label.endsWith('@+6281111111111')),
    );
  });

  it('gives unread totals per number, every number of the workspace listed', async () => {
    const totals = await get<NumberUnreadView[]>(agentA, '/api/conversations/unread');
    expect(totals).toEqual([
      { session_uuid: numberA1.uuid, unread: 2 + 1 + 7 },
      { session_uuid: numberA2.uuid, unread: 2 },
    ]);
  });

  it('searches by name and by a phone number typed the way people write it', async () => {
    expect(labels(await list('search=santoso'))).toEqual([
      `+${BUDI}@+6281111111111`,
      `+${BUDI}@+6282222222222`,
    ]);
    expect(labels(await list(`search=${encodeURIComponent('+62 813-0000-0002')}`))).toEqual([
      `+${CITRA}@+6281111111111`,
    ]);
    expect(labels(await list(`search=Budi&session=${numberA2.uuid}`))).toEqual([
      `+${BUDI}@+6282222222222`,
    ]);
    expect(labels(await list('search=100%25'))).toEqual([]);
    // Search results page like the list.
    const first = await list('search=8130000010&limit=4');
    expect(first.data).toHaveLength(4);
    const second = await list(`search=8130000010&limit=4&cursor=${first.next_cursor!}`);
    expect([...labels(first), ...labels(second)]).toEqual(
      [7, 6, 5, 4, 3, 2, 1].map((i) => `+${paging(i)}@+6281111111111`),
    );
    expect(second.next_cursor).toBeNull();
  });

  it('searches from the start of a name or number: full names, national numbers, not mid-word', async () => {
    expect(labels(await list(`search=${encodeURIComponent('budi sant')}`))).toEqual([
      `+${BUDI}@+6281111111111`,
      `+${BUDI}@+6282222222222`,
    ]);
    // Typed without the country code, with the trunk 0: the country of the workspace's numbers.
    expect(labels(await list(`search=${encodeURIComponent('0813-0000-0002')}`))).toEqual([
      `+${CITRA}@+6281111111111`,
    ]);
    expect(labels(await list('search=81300000'))).toEqual(ALL_IN_ORDER());
    // Prefixes only: the middle of a name or of a number finds nothing.
    expect(labels(await list('search=antoso'))).toEqual([]);
    expect(labels(await list('search=1300000002'))).toEqual([]);
  });

  it('pages with a cursor: every conversation once, no gaps, also while new messages arrive', async () => {
    const expected = ALL_IN_ORDER();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<ConversationView> = await list(
        `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...labels(page));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);

    // New arrivals between pages: a new customer, and a customer already seen writing again.
    const page1 = await list('limit=3');
    await receive(numberA1, '6281300000099', 'Saya pelanggan baru');
    await receive(numberA1, paging(7), 'Satu lagi');
    const rest: string[] = [];
    cursor = page1.next_cursor;
    while (cursor !== null) {
      const page: Page<ConversationView> = await list(`limit=3&cursor=${cursor}`);
      rest.push(...labels(page));
      cursor = page.next_cursor;
    }
    expect([...labels(page1), ...rest]).toEqual(expected);
    // …and both are at the top of a fresh first page.
    expect(labels(await list('limit=2'))).toEqual([
      `+${paging(7)}@+6281111111111`,
      '+6281300000099@+6281111111111',
    ]);
  });

  it('pages a thread newest first, per number or across the contact’s numbers', async () => {
    const path = `/api/conversations/${budi.uuid}/messages`;
    const first = await get<Page<InboxMessageView>>(
      agentA,
      `${path}?session=${numberA1.uuid}&limit=1`,
    );
    expect(first.data).toEqual([
      {
        id: expect.any(Number) as number,
        uuid: expect.any(String) as string,
        direction: 'inbound',
        type: 'text',
        body: 'Halo lagi',
        media: null,
        status: 'delivered',
        is_read: false,
        provider_message_id: expect.stringMatching(/^false_6281300000001@c\.us_/) as string,
        session_uuid: numberA1.uuid,
        sender_name: null,
        edited: false,
        revoked: false,
        created_at: expect.any(String) as string,
        // A customer's message: no send of Switchboard's to tell about.
        delivery: null,
      },
    ]);
    const second = await get<Page<InboxMessageView>>(
      agentA,
      `${path}?session=${numberA1.uuid}&limit=1&cursor=${first.next_cursor!}`,
    );
    expect(second.data.map((m) => m.body)).toEqual(['Halo, ada stok?']);
    expect(second.next_cursor).toBeNull();

    const all = await get<Page<InboxMessageView>>(agentA, `${path}?limit=50`);
    expect(all.data.map((m) => [m.body, m.session_uuid])).toEqual([
      ['Halo lagi', numberA1.uuid],
      ['Ini nomor yang lain', numberA2.uuid],
      ['Halo, ada stok?', numberA1.uuid],
    ]);
    expect(new Set(all.data.map((m) => m.id)).size).toBe(3);

    const dewi = (await list(`session=${numberA2.uuid}&search=${DEWI}`)).data[0]!;
    const thread = await get<Page<InboxMessageView>>(
      agentA,
      `/api/conversations/${dewi.contact.uuid}/messages`,
    );
    expect(thread.data.map((m) => [m.direction, m.body, m.is_read])).toEqual([
      ['outbound', 'Siap, kak', true],
      ['inbound', 'Minta katalog', false],
    ]);
  });

  it('marks a conversation read on one number, then on all, and does nothing the second time', async () => {
    const read = (body: object) =>
      t.http().post(`/api/conversations/${budi.uuid}/read`).set(agentA).send(body).expect(200);
    const budiRows = async () =>
      (await list('search=santoso')).data.map((c) => [c.session.uuid, c.unread_count]);
    const totals = async () =>
      (await get<NumberUnreadView[]>(agentA, '/api/conversations/unread')).map((n) => n.unread);
    const [onA1, onA2] = await totals();

    expect(await unreadOf(`+${BUDI}`)).toBe(3);
    expect((await read({ session_uuid: numberA2.uuid })).body).toEqual({
      marked_read: 1,
      unread_messages: 2,
    } satisfies MarkConversationReadResult);
    expect(await budiRows()).toEqual([
      [numberA1.uuid, 2],
      [numberA2.uuid, 0],
    ]);
    expect((await read({ session_uuid: numberA2.uuid })).body).toEqual({
      marked_read: 0,
      unread_messages: 2,
    });
    expect(await unreadOf(`+${BUDI}`)).toBe(2);
    // The numbers' badges drop by what was read on each, once.
    expect(await totals()).toEqual([onA1, onA2! - 1]);

    expect((await read({})).body).toEqual({ marked_read: 2, unread_messages: 0 });
    expect((await read({})).body).toEqual({ marked_read: 0, unread_messages: 0 });
    expect(await totals()).toEqual([onA1! - 2, onA2! - 1]);
    expect(await budiRows()).toEqual([
      [numberA1.uuid, 0],
      [numberA2.uuid, 0],
    ]);
    expect(await unreadOf(`+${BUDI}`)).toBe(0);
    const thread = await get<Page<InboxMessageView>>(
      agentA,
      `/api/conversations/${budi.uuid}/messages`,
    );
    expect(thread.data.every((m) => m.is_read)).toBe(true);

    // A new message after reading counts again, on its number only.
    await receive(numberA2, BUDI, 'Masih ada?');
    expect(await budiRows()).toEqual([
      [numberA2.uuid, 1],
      [numberA1.uuid, 0],
    ]);
    expect(await unreadOf(`+${BUDI}`)).toBe(1);
    expect(await totals()).toEqual([onA1! - 2, onA2]);
  });

  it('lists the numbers a contact has talked to, most recent first', async () => {
    const numbers = await get<ContactNumberView[]>(agentA, `/api/contacts/${budi.uuid}/sessions`);
    expect(numbers).toEqual([
      {
        session_uuid: numberA2.uuid,
        phone_number: '+6282222222222',
        provider_type: 'webjs',
        status: 'disconnected',
        first_interaction_at: expect.any(String) as string,
        last_interaction_at: expect.any(String) as string,
        total_messages: 2,
      },
      {
        session_uuid: numberA1.uuid,
        phone_number: '+6281111111111',
        provider_type: 'webjs',
        status: 'connected',
        first_interaction_at: expect.any(String) as string,
        last_interaction_at: expect.any(String) as string,
        total_messages: 2,
      },
    ]);
    expect(Date.parse(numbers[1]!.first_interaction_at!)).toBeLessThan(
      Date.parse(numbers[1]!.last_interaction_at!),
    );
    const silent = (await get<Page<ContactView>>(agentA, '/api/contacts?q=Customer')).data[0]!;
    expect(await get(agentA, `/api/contacts/${silent.uuid}/sessions`)).toEqual([]);
  });

  it('keeps each workspace’s conversations, numbers and contacts to itself', async () => {
    expect(labels(await list('', ownerB))).toEqual(['+6281399999999@+6283333333333']);
    expect(await get(ownerB, '/api/conversations/unread')).toEqual([
      { session_uuid: numberB.uuid, unread: 1 },
    ]);
    await t.http().get(`/api/conversations?session=${numberA1.uuid}`).set(ownerB).expect(404);
    await t.http().get(`/api/conversations/${budi.uuid}/messages`).set(ownerB).expect(404);
    await t.http().post(`/api/conversations/${budi.uuid}/read`).set(ownerB).send({}).expect(404);
    await t.http().get(`/api/contacts/${budi.uuid}/sessions`).set(ownerB).expect(404);
    // Nor can A name B's number for its own contact.
    await t
      .http()
      .get(`/api/conversations/${budi.uuid}/messages?session=${numberB.uuid}`)
      .set(agentA)
      .expect(404);
    await t
      .http()
      .post(`/api/conversations/${budi.uuid}/read`)
      .set(agentA)
      .send({ session_uuid: numberB.uuid })
      .expect(404);
    // B's conversation stays unread after all that.
    expect(await get(ownerB, '/api/conversations/unread')).toEqual([
      { session_uuid: numberB.uuid, unread: 1 },
    ]);
  });

  it('breaks ties within the same second by row, so pages neither repeat nor skip', async () => {
    clock += 1;
    const group = { id: '120363025555555555@g.us', kind: 'group' as const, phone: null };
    const sameSecond = [
      customerMessage(group, { is_group: true, author: phoneParty(CITRA), timestamp: clock }),
      customerMessage(phoneParty('6281300000201'), { timestamp: clock }),
      customerMessage(phoneParty('6281300000202'), { timestamp: clock }),
    ];
    for (const message of sameSecond) {
      await postEngineEvent(t, engineEvent(numberA2, 'message.received', { message })).expect(202);
    }
    const seen: ConversationView[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<ConversationView> = await list(
        `session=${numberA2.uuid}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen.map((c) => c.contact.phone ?? c.contact.whatsapp_id)).toEqual([
      '+6281300000202',
      '+6281300000201',
      group.id,
      `+${BUDI}`,
      `+${DEWI}`,
    ]);
    expect(seen[2]!.contact).toMatchObject({ type: 'group', phone: null, name: null });
    expect(seen[2]!.last_message).toMatchObject({ direction: 'inbound' });
  });

  it('answers bad input with 400 naming the field, and a malformed contact id with 404', async () => {
    const http = () => t.http();
    await expectFieldError(
      http().get('/api/conversations?cursor=not-a-cursor').set(agentA),
      'cursor',
    );
    const forged = Buffer.from(JSON.stringify(['yesterday', 1])).toString('base64url');
    await expectFieldError(http().get(`/api/conversations?cursor=${forged}`).set(agentA), 'cursor');
    await expectFieldError(http().get('/api/conversations?session=123').set(agentA), 'session');
    await expectFieldError(http().get('/api/conversations?limit=0').set(agentA), 'limit');
    await expectFieldError(http().get('/api/conversations?limit=101').set(agentA), 'limit');
    await expectFieldError(http().get('/api/conversations?limit=ten').set(agentA), 'limit');
    await expectFieldError(
      http().get(`/api/conversations/${budi.uuid}/messages?cursor=%25%25`).set(agentA),
      'cursor',
    );
    await expectFieldError(
      http().get(`/api/conversations/${budi.uuid}/messages?limit=201`).set(agentA),
      'limit',
    );
    await expectFieldError(
      http().get(`/api/conversations/${budi.uuid}/messages?session=nope`).set(agentA),
      'session',
    );
    const badRead = await http()
      .post(`/api/conversations/${budi.uuid}/read`)
      .set(agentA)
      .send({ session_uuid: 'nope' })
      .expect(400);
    expect(JSON.stringify(badRead.body)).toContain('session_uuid');
    await http().get('/api/conversations/not-a-uuid/messages').set(agentA).expect(404);
    await http().post('/api/conversations/not-a-uuid/read').set(agentA).send({}).expect(404);
    await http().get('/api/contacts/not-a-uuid/sessions').set(agentA).expect(404);
    await http().get('/api/conversations').expect(401);
  });

  it('tells every agent of the workspace when a conversation is read', async () => {
    await receive(numberA1, BUDI, 'Halo lagi');
    const url = await listenOnLoopback(t.app);
    const owner = connectEcho(url, { token: world.ownerA.token });
    const read = nextEvent<ConversationReadPayload>(
      owner.private(echoChannelName(workspaceChannel(world.workspaceA))),
      `.${RealtimeEvent.CONVERSATION_READ}`,
    );
    await joined(t.app.get(EchoGateway), owner, workspaceChannel(world.workspaceA));
    try {
      await t
        .http()
        .post(`/api/conversations/${budi.uuid}/read`)
        .set(agentA)
        .send({ session_uuid: numberA1.uuid })
        .expect(200);
      expect(await read).toMatchObject({
        workspace_id: world.workspaceA,
        contact_uuid: budi.uuid,
        session_uuid: numberA1.uuid,
        marked_read: 1,
        unread_messages: await unreadOf(`+${BUDI}`),
      });
    } finally {
      disconnectAllEchoClients();
    }
  });
  it('keeps each number’s unread total equal to its unread messages while messages arrive during reads', async () => {
    const phone = paging(3);
    const [contact] = await rows<{ uuid: string }>(
      t,
      'SELECT uuid FROM contacts WHERE workspace_id = ? AND phone = ?',
      [world.workspaceA, `+${phone}`],
    );
    const uuid = contact!.uuid;
    const read = () =>
      t.http().post(`/api/conversations/${uuid}/read`).set(agentA).send({}).expect(200);
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) =>
        receive(i % 2 === 0 ? numberA1 : numberA2, phone, `Masih ada stok? (${i})`),
      ),
      read(),
      read(),
      read(),
    ]);
    const unreadMessages = await rows<{ uuid: string; n: number }>(
      t,
      'SELECT s.uuid AS uuid, (SELECT COUNT(*) FROM chats ch WHERE ch.whatsapp_session_id = s.id ' +
        "AND ch.type = 'inbound' AND ch.is_read = 0) AS n FROM whatsapp_sessions s " +
        'WHERE s.workspace_id = ? AND s.deleted_at IS NULL ORDER BY s.id',
      [world.workspaceA],
      ['n'],
    );
    expect(await get<NumberUnreadView[]>(agentA, '/api/conversations/unread')).toEqual(
      unreadMessages.map((row) => ({ session_uuid: row.uuid, unread: row.n })),
    );
  });
});
