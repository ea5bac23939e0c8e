import { randomUUID } from 'node:crypto';
import {
  echoChannelName,
  RealtimeEvent,
  WhatsAppErrorCode,
  workspaceChannel,
  type ConversationView,
  type MessageStatusUpdatedPayload,
  type OutboundMessageView,
  type Page,
  type WhatsappSessionDetailView,
} from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { OutboundMessagesService } from '../src/sending/outbound-messages.service';
import { count, dataSourceOf, rows, workspaceIdentifier } from './messaging-test-kit';
import {
  connectEcho,
  disconnectAllEchoClients,
  joined,
  seedRealtimeWorld,
  type RealtimeWorld,
} from './realtime-test-kit';
import {
  adminWorkspace,
  bearer,
  sessionRow,
  startSessionsWorld,
  subscribeToPlan,
  type SessionsWorld,
} from './sessions-test-kit';

/** Engine round trips on a loaded 2-core machine. */
const WAIT_MS = 20_000;
jest.setTimeout(120_000);

const META_A = {
  phoneNumberId: '106540352240001',
  wabaId: '102290129340001',
  displayPhoneNumber: '+1 555-010-0101',
  verifiedName: 'Acme Support',
  accessToken: 'EAAG-acme-sending-token',
};
const META_C = {
  phoneNumberId: '106540352240003',
  wabaId: '102290129340003',
  displayPhoneNumber: '+1 555-010-0103',
  verifiedName: 'Cargo Support',
  accessToken: 'EAAG-cargo-sending-token',
};

/**
 * Replies and sends through the real server, a real engine on the fast fake WhatsApp client and
 * the fake Meta Graph API: the number a reply leaves from, sending once, failover, retries.
 */
describe('sending: replies from the number the customer wrote to', () => {
  let w: SessionsWorld;
  let world: RealtimeWorld;
  let ownerA: Record<string, string>;
  let agentA: Record<string, string>;
  let ownerB: Record<string, string>;
  let first: LinkedNumber;
  let second: LinkedNumber;

  interface LinkedNumber {
    uuid: string;
    sessionId: string;
    phone: string;
  }

  beforeAll(async () => {
    w = await startSessionsWorld();
    w.meta.addPhoneNumber(META_A);
    w.meta.addPhoneNumber(META_C);
    w.meta.addTemplate({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
    });
    world = await seedRealtimeWorld(w.t);
    await subscribeToPlan(w.t, world.workspaceA, 10);
    ownerA = bearer(world.ownerA.token);
    agentA = bearer(world.agentA.token);
    ownerB = bearer(world.ownerB.token);
    first = await linkWebjs(ownerA, '6281200000001');
    second = await linkWebjs(ownerA, '6281200000002');
  });

  afterEach(() => disconnectAllEchoClients());
  afterAll(() => w.close());

  const http = () => w.t.http();

  async function linkWebjs(headers: Record<string, string>, phone: string): Promise<LinkedNumber> {
    const created = (
      await http().post('/api/sessions').set(headers).send({ provider_type: 'webjs' }).expect(201)
    ).body as WhatsappSessionDetailView;
    const sessionId = (await sessionRow(w.t, created.uuid))!.sessionId;
    await waitFor(
      async () => (await show(created.uuid, headers)).qr_code !== null,
      'the QR',
      WAIT_MS,
    );
    w.clients.latest(sessionId).link(phone);
    await waitFor(
      async () => (await show(created.uuid, headers)).status === 'connected',
      `${phone} to connect`,
      WAIT_MS,
    );
    return { uuid: created.uuid, sessionId, phone };
  }

  async function show(uuid: string, headers: Record<string, string>) {
    return (await http().get(`/api/sessions/${uuid}`).set(headers).expect(200))
      .body as WhatsappSessionDetailView;
  }

  async function addMetaNumber(headers: Record<string, string>, phone: typeof META_A) {
    const res = await http()
      .post('/api/sessions')
      .set(headers)
      .send({
        provider_type: 'meta',
        meta: {
          access_token: phone.accessToken,
          phone_number_id: phone.phoneNumberId,
          waba_id: phone.wabaId,
          app_secret: w.meta.webhookSecret,
        },
      })
      .expect(201);
    return res.body as WhatsappSessionDetailView;
  }

  /** The customer writes to a WhatsApp Web number; resolves with the conversation's contact uuid. */
  async function customerWritesTo(
    number: LinkedNumber,
    customer: string,
    headers = ownerA,
  ): Promise<string> {
    const message = w.clients
      .latest(number.sessionId)
      .receive({ from: `${customer}@c.us`, body: `Hello from ${customer}` });
    return conversationWith(number.uuid, customer, message.id._serialized, headers);
  }

  /** The customer writes to a Meta number through a signed webhook. */
  async function customerWritesToMeta(
    workspaceId: number,
    numberUuid: string,
    phone: typeof META_A,
    customer: string,
    headers: Record<string, string>,
  ): Promise<string> {
    w.meta.webhookUrl = `${w.serverUrl}/webhook/whatsapp/${await workspaceIdentifier(w.t, workspaceId)}`;
    const { messageId, delivery } = await w.meta.receiveFromCustomer({
      phoneNumberId: phone.phoneNumberId,
      from: customer,
      name: 'Customer',
      text: 'Is my order on its way?',
    });
    expect(delivery!.status).toBe(200);
    return conversationWith(numberUuid, customer, messageId, headers);
  }

  async function conversationWith(
    numberUuid: string,
    customer: string,
    providerMessageId: string,
    headers: Record<string, string>,
  ): Promise<string> {
    let found: ConversationView | undefined;
    await waitFor(
      async () => {
        const page = (
          await http().get(`/api/conversations?session=${numberUuid}`).set(headers).expect(200)
        ).body as Page<ConversationView>;
        found = page.data.find((c) => c.contact.phone === `+${customer}`);
        if (!found) return false;
        const stored = await count(w.t, 'chats', 'wam_id = ?', [providerMessageId]);
        return stored === 1;
      },
      `the message of ${customer} in the inbox`,
      WAIT_MS,
    );
    return found!.contact.uuid;
  }

  function reply(contactUuid: string, body: Record<string, unknown>, headers = agentA) {
    return http()
      .post(`/api/conversations/${contactUuid}/messages`)
      .set(headers)
      .send({ idempotency_key: randomUUID(), type: 'text', text: 'We are open until 9.', ...body });
  }

  async function settled(
    contactUuid: string,
    messageUuid: string,
    headers = agentA,
  ): Promise<OutboundMessageView> {
    let view: OutboundMessageView | null = null;
    await waitFor(
      async () => {
        view = (
          await http()
            .get(`/api/conversations/${contactUuid}/messages/${messageUuid}`)
            .set(headers)
            .expect(200)
        ).body as OutboundMessageView;
        return view.status !== 'pending';
      },
      `message ${messageUuid} to leave pending`,
      WAIT_MS,
      () => JSON.stringify(view),
    );
    return view!;
  }

  function sentBy(number: LinkedNumber, text: string) {
    return w.clients
      .clientsOf(number.sessionId)
      .flatMap((client) => client.sent)
      .filter((send) => send.content === text);
  }

  it('writes the reply pending, sends it from the number the customer wrote to, and tells the browser', async () => {
    const customer = '6281311110001';
    const contact = await customerWritesTo(second, customer);
    const echo = connectEcho(w.serverUrl, { token: world.agentA.token });
    const statuses: MessageStatusUpdatedPayload[] = [];
    echo
      .private(echoChannelName(workspaceChannel(world.workspaceA)))
      .listen(`.${RealtimeEvent.MESSAGE_STATUS_UPDATED}`, (p: MessageStatusUpdatedPayload) =>
        statuses.push(p),
      );
    await joined(w.t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

    const text = 'Yes, we are open until 9.';
    const res = await reply(contact, { text }).expect(202);
    const pending = res.body as OutboundMessageView;
    expect(pending).toMatchObject({
      direction: 'outbound',
      status: 'pending',
      body: text,
      session_uuid: second.uuid,
      provider_message_id: null,
    });

    const sent = await settled(contact, pending.uuid);
    expect(sent).toMatchObject({ status: 'sent', session_uuid: second.uuid });
    expect(sent.provider_message_id).toEqual(expect.any(String));
    expect(sent.delivery).toMatchObject({
      failed_over_from: null,
      error: null,
      attempts: [{ session_uuid: second.uuid, provider_type: 'webjs', error: null }],
    });
    expect(sentBy(second, text)).toEqual([expect.objectContaining({ chatId: `${customer}@c.us` })]);
    expect(sentBy(first, text)).toEqual([]);
    await waitFor(
      () => statuses.some((s) => s.message_id === sent.id && s.status === 'sent'),
      'the sent status in the browser',
      WAIT_MS,
    );

    // The phone's acks move it forward from there, as for any message.
    const client = w.clients.latest(second.sessionId);
    client.ack(sent.provider_message_id!, 3);
    await waitFor(
      async () => (await settled(contact, pending.uuid)).status === 'read',
      'the read ack on the message',
      WAIT_MS,
    );
  });

  it("sends the read receipt to the customer's chat when an agent marks the conversation read", async () => {
    const customer = '6281311110012';
    const contact = await customerWritesTo(second, customer);
    const read = await http()
      .post(`/api/conversations/${contact}/read`)
      .set(agentA)
      .send({})
      .expect(200);
    expect(read.body.marked_read).toBe(1);
    await waitFor(
      () => w.clients.latest(second.sessionId).seen.includes(`${customer}@c.us`),
      'the chat marked seen on WhatsApp Web',
      WAIT_MS,
    );
    expect(w.clients.latest(first.sessionId).seen).not.toContain(`${customer}@c.us`);
  });

  it('stores replies and customer messages written at the same moment, each once', async () => {
    const customer = '6281311110013';
    const contact = await customerWritesTo(second, customer);
    const client = w.clients.latest(second.sessionId);
    const burst = Array.from({ length: 6 }, (_, i) => i);
    const replies = burst.map((i) => reply(contact, { text: `burst reply ${i}` }));
    for (const i of burst) client.receive({ from: `${customer}@c.us`, body: `burst inbound ${i}` });
    const answers = await Promise.all(replies);
    expect(answers.map((a) => a.status)).toEqual(burst.map(() => 202));
    const id = Number(
      (await rows<{ id: number }>(w.t, 'SELECT id FROM contacts WHERE uuid = ?', [contact]))[0]!.id,
    );
    await waitFor(
      async () => (await count(w.t, 'chats', 'contact_id = ?', [id])) === 1 + 12,
      'every message of the burst stored',
      WAIT_MS,
    );
    for (const answer of answers) {
      expect((await settled(contact, (answer.body as OutboundMessageView).uuid)).status).toBe(
        'sent',
      );
    }
    const [unread] = await rows<{ unread: number }>(
      w.t,
      'SELECT unread_messages AS unread FROM contacts WHERE id = ?',
      [id],
      ['unread'],
    );
    expect(unread!.unread).toBe(1 + 6);
  });

  it('sends once when the same request arrives twice, also at the same moment', async () => {
    const customer = '6281311110002';
    const contact = await customerWritesTo(second, customer);
    const key = `reply-${randomUUID()}`;
    const text = 'Your parcel left this morning.';
    const [a, b] = await Promise.all([
      reply(contact, { idempotency_key: key, text }),
      reply(contact, { idempotency_key: key, text }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    expect((a.body as OutboundMessageView).uuid).toBe((b.body as OutboundMessageView).uuid);
    const uuid = (a.body as OutboundMessageView).uuid;
    await settled(contact, uuid);
    const again = await reply(contact, { idempotency_key: key, text }).expect(200);
    expect(again.body).toMatchObject({ uuid, status: 'sent' });
    expect(sentBy(second, text)).toHaveLength(1);
    expect(await count(w.t, 'chats', 'idempotency_key = ?', [key])).toBe(1);

    // A key is one message: used for another conversation, it is refused.
    const other = await customerWritesTo(second, '6281311110003');
    const reused = await reply(other, { idempotency_key: key, text }).expect(409);
    expect(reused.body.error.details.reason).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('fails over to another number when the one the customer wrote to is down, and says so on the message', async () => {
    const customer = '6281311110004';
    const number = await linkWebjs(ownerA, '6281200000004');
    const contact = await customerWritesTo(number, customer);
    w.clients.latest(number.sessionId).phoneLogout();
    await waitFor(
      async () => (await show(number.uuid, ownerA)).status !== 'connected',
      'the number to drop',
      WAIT_MS,
    );

    const text = 'Sorry for the wait, here is your invoice.';
    const res = await reply(contact, { text }).expect(202);
    const view = await settled(contact, (res.body as OutboundMessageView).uuid);
    // The primary carries it.
    expect(view).toMatchObject({ status: 'sent', session_uuid: first.uuid });
    expect(view.delivery.failed_over_from).toBe(number.uuid);
    expect(view.delivery.attempts).toEqual([
      expect.objectContaining({
        session_uuid: number.uuid,
        error: expect.objectContaining({ code: WhatsAppErrorCode.NUMBER_NOT_CONNECTED }),
      }),
      expect.objectContaining({ session_uuid: first.uuid, error: null }),
    ]);
    expect(sentBy(first, text)).toEqual([expect.objectContaining({ chatId: `${customer}@c.us` })]);
    // The thread shows the same, for the agent scrolling past it.
    const thread = (
      await http().get(`/api/conversations/${contact}/messages`).set(agentA).expect(200)
    ).body as Page<OutboundMessageView>;
    expect(thread.data.find((m) => m.uuid === view.uuid)?.delivery).toEqual(view.delivery);

    // Without failover the message fails with the reason, and nothing goes out.
    const strict = await reply(contact, { text: 'only from that number', allow_failover: false });
    const failed = await settled(contact, (strict.body as OutboundMessageView).uuid);
    expect(failed.status).toBe('failed');
    expect(failed.delivery.error).toMatchObject({ code: WhatsAppErrorCode.NUMBER_NOT_CONNECTED });
    expect(sentBy(first, 'only from that number')).toEqual([]);
  });

  it('keeps the reason of a failed send and sends it again on retry', async () => {
    const customer = '6281311110005';
    const contact = await customerWritesTo(first, customer);
    w.clients.latest(first.sessionId).failNextSend(new Error('Evaluation failed: chat not found'));
    const text = 'Trying again works.';
    const res = await reply(contact, { text }).expect(202);
    const uuid = (res.body as OutboundMessageView).uuid;
    const failed = await settled(contact, uuid);
    expect(failed.status).toBe('failed');
    expect(failed.delivery.error).toMatchObject({ code: WhatsAppErrorCode.PROVIDER_ERROR });
    // WhatsApp Web refused the message itself: another number would fail the same way.
    expect(failed.delivery.attempts).toHaveLength(1);

    const retried = await http()
      .post(`/api/conversations/${contact}/messages/${uuid}/retry`)
      .set(agentA)
      .expect(202);
    expect(retried.body).toMatchObject({ uuid, status: 'pending', delivery: { retries: 1 } });
    const sent = await settled(contact, uuid);
    expect(sent).toMatchObject({ status: 'sent', session_uuid: first.uuid });
    expect(sent.delivery).toMatchObject({ error: null, retries: 1 });
    expect(sentBy(first, text)).toHaveLength(1);

    const twice = await http()
      .post(`/api/conversations/${contact}/messages/${uuid}/retry`)
      .set(agentA)
      .expect(409);
    expect(twice.body.error.details.reason).toBe('NOT_FAILED');
  });

  it('refuses at once what no number of the workspace can carry', async () => {
    const { workspaceId, headers } = await adminWorkspace(w.t, 'Only Web', 5);
    const number = await linkWebjs(headers, '6281200000006');
    const contact = await customerWritesTo(number, '6281311110006', headers);
    const before = await count(w.t, 'chats', 'workspace_id = ?', [workspaceId]);
    const res = await reply(
      contact,
      { type: 'template', text: undefined, template: { name: 'order_update', language: 'en_US' } },
      headers,
    ).expect(422);
    expect(res.body.error.message).toMatch(/WhatsApp Web numbers cannot send templates/);
    expect(res.body.error.details).toMatchObject({
      reason: WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED,
    });
    expect(await count(w.t, 'chats', 'workspace_id = ?', [workspaceId])).toBe(before);
  });

  describe('Meta Cloud API numbers', () => {
    it('replies through the Graph API inside the 24-hour window, and sends a template with its values', async () => {
      const meta = await addMetaNumber(ownerA, META_A);
      const customer = '16505550001';
      const contact = await customerWritesToMeta(
        world.workspaceA,
        meta.uuid,
        META_A,
        customer,
        ownerA,
      );

      await http().post(`/api/conversations/${contact}/read`).set(agentA).send({}).expect(200);
      await waitFor(
        () => w.meta.readReceipts.some((r) => r.phoneNumberId === META_A.phoneNumberId),
        'the read receipt at Meta',
        WAIT_MS,
      );

      const res = await reply(contact, { text: 'Your order ships today.' }).expect(202);
      const sent = await settled(contact, (res.body as OutboundMessageView).uuid);
      expect(sent).toMatchObject({ status: 'sent', session_uuid: meta.uuid });
      const graph = w.meta.sentMessages.find((m) => m.id === sent.provider_message_id);
      expect(graph).toMatchObject({
        phoneNumberId: META_A.phoneNumberId,
        waId: customer,
        type: 'text',
      });
      expect(graph!.payload).toMatchObject({ text: { body: 'Your order ships today.' } });
      // Meta's status webhooks for the reply move it forward.
      for (const status of ['delivered', 'read'] as const) {
        const delivery = await w.meta.emitStatus({
          phoneNumberId: META_A.phoneNumberId,
          messageId: sent.provider_message_id!,
          status,
        });
        expect(delivery.status).toBe(200);
      }
      expect((await settled(contact, sent.uuid)).status).toBe('read');

      const template = await reply(contact, {
        type: 'template',
        text: undefined,
        template: { name: 'order_update', language: 'en_US', body_parameters: ['Ana', '#1042'] },
      }).expect(202);
      const templated = await settled(contact, (template.body as OutboundMessageView).uuid);
      expect(templated.status).toBe('sent');
      const graphTemplate = w.meta.sentMessages.find((m) => m.id === templated.provider_message_id);
      expect(graphTemplate!.payload).toMatchObject({
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ana' },
                { type: 'text', text: '#1042' },
              ],
            },
          ],
        },
      });
    });

    it('fails over from WhatsApp Web to Meta only where the customer wrote to Meta in the last 24 hours', async () => {
      const { workspaceId, headers } = await adminWorkspace(w.t, 'Cargo', 5);
      const web = await linkWebjs(headers, '6281200000007');
      const meta = await addMetaNumber(headers, META_C);
      const both = '6281311110007';
      const webOnly = '6281311110008';
      // Last to the WhatsApp Web number, so that is the conversation's number.
      await customerWritesToMeta(workspaceId, meta.uuid, META_C, both, headers);
      const contact = await customerWritesTo(web, both, headers);
      const webOnlyContact = await customerWritesTo(web, webOnly, headers);
      w.clients.latest(web.sessionId).phoneLogout();
      await waitFor(
        async () => (await show(web.uuid, headers)).status !== 'connected',
        'the WhatsApp Web number to drop',
        WAIT_MS,
      );

      const carried = await reply(contact, { text: 'Carried by Meta.' }, headers).expect(202);
      const view = await settled(contact, (carried.body as OutboundMessageView).uuid, headers);
      expect(view).toMatchObject({ status: 'sent', session_uuid: meta.uuid });
      expect(view.delivery.failed_over_from).toBe(web.uuid);
      expect(w.meta.sentMessages.some((m) => m.id === view.provider_message_id)).toBe(true);

      const stuck = await reply(webOnlyContact, { text: 'Nobody can carry this.' }, headers);
      const failed = await settled(
        webOnlyContact,
        (stuck.body as OutboundMessageView).uuid,
        headers,
      );
      expect(failed.status).toBe('failed');
      expect(failed.delivery.error).toMatchObject({ code: WhatsAppErrorCode.NUMBER_NOT_CONNECTED });
      expect(w.meta.sentMessages.some((m) => m.waId === webOnly)).toBe(false);
    });
  });

  it('sends on boot what was left pending when the server stopped', async () => {
    const customer = '6281311110009';
    const contact = await customerWritesTo(first, customer);
    const res = await reply(contact, { text: 'Left behind.' }).expect(202);
    const uuid = (res.body as OutboundMessageView).uuid;
    await settled(contact, uuid);
    // As if the server had stopped between writing a message and handing it to the queue: a
    // pending row no job knows about.
    const [row] = await rows<Record<string, unknown>>(w.t, 'SELECT * FROM chats WHERE uuid = ?', [
      uuid,
    ]);
    const lost = randomUUID();
    const copy = row!;
    const columns = Object.keys(copy).filter((column) => column !== 'id');
    await dataSourceOf(w.t).query(
      `INSERT INTO chats (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((column) =>
        column === 'uuid'
          ? lost
          : column === 'idempotency_key'
            ? `lost-${lost}`
            : column === 'wam_id' || column === 'sent_at'
              ? null
              : column === 'message_status' || column === 'status'
                ? 'pending'
                : copy[column],
      ),
    );
    const before = sentBy(first, 'Left behind.').length;
    expect(await w.t.app.get(OutboundMessagesService).recoverPending()).toBe(1);
    await waitFor(
      async () => (await settled(contact, lost)).status === 'sent',
      'the recovered send',
      WAIT_MS,
    );
    expect(sentBy(first, 'Left behind.').length).toBe(before + 1);
  });

  describe('workspaces and bad input', () => {
    let contact: string;
    let message: string;

    beforeAll(async () => {
      contact = await customerWritesTo(first, '6281311110010');
      message = ((await reply(contact, {}).expect(202)).body as OutboundMessageView).uuid;
    });

    it('keeps every endpoint to its own workspace', async () => {
      await reply(contact, {}, ownerB).expect(404);
      await http().get(`/api/conversations/${contact}/messages/${message}`).set(ownerB).expect(404);
      await http()
        .post(`/api/conversations/${contact}/messages/${message}/retry`)
        .set(ownerB)
        .expect(404);
      // Workspace A's number named from workspace B's own conversation.
      const { headers } = await adminWorkspace(w.t, 'Gamma', 5);
      const gammaNumber = await linkWebjs(headers, '6281200000011');
      const gammaContact = await customerWritesTo(gammaNumber, '6281311110011', headers);
      const res = await reply(gammaContact, { session_uuid: first.uuid }, headers).expect(404);
      expect(res.body.error.message).toMatch(/WhatsApp number not found/);
    });

    it('answers malformed and hostile input with 4xx naming the problem, storing nothing', async () => {
      const before = await count(w.t, 'chats', 'contact_id = ?', [await contactId(contact)]);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ idempotency_key: undefined }, /idempotency_key/],
        [{ idempotency_key: 'short' }, /idempotency_key/],
        [{ text: undefined }, /text/],
        [{ text: '' }, /text/],
        [{ text: 'x'.repeat(4097) }, /text/],
        [{ media: { kind: 'image', url: 'https://cdn.example/a.jpg' } }, /media: is not accepted/],
        [
          { type: 'media', text: undefined, media: { kind: 'image', url: 'file:///etc/passwd' } },
          /url/,
        ],
        [{ type: 'sticker' }, /type/],
        [{ session_uuid: 'not-a-uuid' }, /session_uuid/],
        [{ role: 'admin' }, /role/],
      ];
      for (const [body, problem] of cases) {
        const res = await reply(contact, body);
        expect([400, 422]).toContain(res.status);
        expect(res.body.error.message).toMatch(problem);
      }
      await http()
        .post(`/api/conversations/${contact}/messages`)
        .set({ ...agentA, 'content-type': 'application/json' })
        .send('{"type":')
        .expect(400);
      await reply(randomUUID(), {}).expect(404);
      expect(await count(w.t, 'chats', 'contact_id = ?', [await contactId(contact)])).toBe(before);
    });

    async function contactId(uuid: string): Promise<number> {
      const [row] = await rows<{ id: number }>(w.t, 'SELECT id FROM contacts WHERE uuid = ?', [
        uuid,
      ]);
      return Number(row!.id);
    }
  });
});
