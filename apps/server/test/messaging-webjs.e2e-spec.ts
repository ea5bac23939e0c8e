import {
  echoChannelName,
  RealtimeEvent,
  workspaceChannel,
  workspaceChatChannel,
  type MessageReceivedPayload,
  type MessageStatusUpdatedPayload,
} from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { TransactionRunner } from '../src/database/transaction-runner';
import { InboundPipelineService } from '../src/messaging/inbound-pipeline.service';
import { fromEngineMessage } from '../src/messaging/webjs-message.mapper';
import { EchoGateway } from '../src/realtime/echo.gateway';
import type { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  count,
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
import { startTestApp, type TestApp } from './test-app';

/** WhatsApp Web messages through the inbound pipeline, posted as a signed engine would. */
describe('messaging: WhatsApp Web events through the inbound pipeline', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let sessionA: WhatsappSession;
  let sessionB: WhatsappSession;

  beforeAll(async () => {
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    sessionA = await createWebjsSession(t, world.workspaceA);
    sessionB = await createWebjsSession(t, world.workspaceB);
  });
  afterEach(() => disconnectAllEchoClients());
  afterAll(() => t.close());

  const contactByPhone = async (workspaceId: number, phone: string) =>
    (
      await rows<{
        id: number;
        first_name: string | null;
        type: string | null;
        whatsapp_id: string | null;
        unread_messages: number;
        last_message_at: unknown;
      }>(
        t,
        'SELECT id, first_name, type, whatsapp_id, unread_messages, last_message_at FROM contacts ' +
          'WHERE workspace_id = ? AND phone = ?',
        [workspaceId, phone],
        ['id', 'unread_messages'],
      )
    )[0];

  const chatOf = async (session: WhatsappSession, wamId: string) =>
    (
      await rows<{
        id: number;
        contact_id: number;
        workspace_id: number;
        type: string;
        message_status: string;
        status: string;
        is_read: number | boolean;
        provider_type: string;
        chat_type: string;
        metadata: string;
      }>(
        t,
        'SELECT id, contact_id, workspace_id, type, message_status, status, is_read, provider_type, chat_type, metadata ' +
          'FROM chats WHERE whatsapp_session_id = ? AND wam_id = ?',
        [session.id, wamId],
        ['id', 'contact_id', 'workspace_id', 'is_read'],
      )
    )[0];

  const link = async (contactId: number, session: WhatsappSession) =>
    (
      await rows<{ total_messages: number; first_interaction_at: unknown }>(
        t,
        'SELECT total_messages, first_interaction_at FROM contact_sessions ' +
          'WHERE contact_id = ? AND whatsapp_session_id = ?',
        [contactId, session.id],
        ['total_messages'],
      )
    )[0];

  it('stores a customer message once, with its contact, number link and unread count, and tells the workspace and the chat', async () => {
    const customer = phoneParty('6281300000001');
    const message = customerMessage(customer, { body: 'Halo, ada stok?' });

    const echo = connectEcho(url, { token: world.agentA.token });
    const onWorkspace = nextEvent<MessageReceivedPayload>(
      echo.private(echoChannelName(workspaceChannel(world.workspaceA))),
      `.${RealtimeEvent.MESSAGE_RECEIVED}`,
    );
    await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

    const first = await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.received', { message }),
    ).expect(202);
    expect(first.body).toEqual({ stored: true, processed: true });

    const contact = await contactByPhone(world.workspaceA, '+6281300000001');
    expect(contact).toMatchObject({ type: 'individual', whatsapp_id: null, unread_messages: 1 });
    expect(contact!.last_message_at).not.toBeNull();
    const chat = await chatOf(sessionA, message.provider_message_id);
    expect(chat).toMatchObject({
      contact_id: contact!.id,
      workspace_id: world.workspaceA,
      type: 'inbound',
      message_status: 'delivered',
      status: 'received',
      is_read: 0,
      provider_type: 'webjs',
      chat_type: 'private',
    });
    expect(JSON.parse(chat!.metadata)).toMatchObject({
      body: 'Halo, ada stok?',
      type: 'text',
      has_media: false,
      from: '6281300000001@c.us',
      timestamp: message.timestamp,
      sender_phone: '+6281300000001',
      is_group: false,
    });
    expect(await link(contact!.id, sessionA)).toMatchObject({ total_messages: 1 });

    const payload = await onWorkspace;
    expect(payload).toMatchObject({
      workspace_id: world.workspaceA,
      contact: { id: contact!.id, phone: '+6281300000001', unread_messages: 1 },
      message: {
        id: chat!.id,
        contact_id: contact!.id,
        session_uuid: sessionA.uuid,
        provider_message_id: message.provider_message_id,
        direction: 'inbound',
        type: 'text',
        status: 'delivered',
        body: 'Halo, ada stok?',
        from_me: false,
      },
    });

    // The chat's own channel hears the next message of the conversation.
    const chatChannel = workspaceChatChannel(world.workspaceA, contact!.id);
    const onChat = nextEvent<MessageReceivedPayload>(
      echo.private(echoChannelName(chatChannel)),
      `.${RealtimeEvent.MESSAGE_RECEIVED}`,
    );
    await joined(t.app.get(EchoGateway), echo, chatChannel);
    const second = customerMessage(customer, { body: 'Dan harganya?' });
    await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message: second })).expect(
      202,
    );
    expect(await onChat).toMatchObject({
      contact: { id: contact!.id, unread_messages: 2 },
      message: { provider_message_id: second.provider_message_id, body: 'Dan harganya?' },
    });
    expect(await link(contact!.id, sessionA)).toMatchObject({ total_messages: 2 });
  });

  it('stores a message delivered twice or replayed under a new event id only once', async () => {
    const message = customerMessage(phoneParty('6281300000002'));
    const event = engineEvent(sessionA, 'message.received', { message });
    await postEngineEvent(t, event).expect(202);
    expect((await postEngineEvent(t, event).expect(202)).body).toEqual({
      stored: false,
      processed: false,
    });
    // The engine restarted and reported the same message again.
    expect(
      (await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message })).expect(202))
        .body,
    ).toEqual({ stored: true, processed: true });

    expect(await count(t, 'chats', 'wam_id = ?', [message.provider_message_id])).toBe(1);
    const contact = await contactByPhone(world.workspaceA, '+6281300000002');
    expect(contact!.unread_messages).toBe(1);
    expect(await link(contact!.id, sessionA)).toMatchObject({ total_messages: 1 });
  });

  it('adds messages to an existing contact instead of creating another', async () => {
    const before = await count(t, 'contacts', 'workspace_id = ?', [world.workspaceA]);
    const message = customerMessage(phoneParty('6281211112222'));
    await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message })).expect(202);
    expect(await count(t, 'contacts', 'workspace_id = ?', [world.workspaceA])).toBe(before);
    const chat = await chatOf(sessionA, message.provider_message_id);
    expect(chat!.contact_id).toBe(world.contactA);
  });

  it('keeps groups as group contacts and @lid senders apart from phone numbers', async () => {
    const group = { id: '120363025555555555@g.us', kind: 'group' as const, phone: null };
    const author = phoneParty('6281300000003');
    const inGroup = customerMessage(group, { is_group: true, author, body: 'rapat jam 3' });
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.received', { message: inGroup }),
    ).expect(202);
    const [groupContact] = await rows<{ id: number; phone: string | null; type: string }>(
      t,
      'SELECT id, phone, type FROM contacts WHERE workspace_id = ? AND whatsapp_id = ?',
      [world.workspaceA, group.id],
      ['id'],
    );
    expect(groupContact).toMatchObject({ phone: null, type: 'group' });
    const groupChat = await chatOf(sessionA, inGroup.provider_message_id);
    expect(groupChat).toMatchObject({ contact_id: groupContact!.id, chat_type: 'group' });
    expect(JSON.parse(groupChat!.metadata)).toMatchObject({
      from: author.id,
      sender_phone: '+6281300000003',
      is_group: true,
    });
    // The participant wrote in the group, not to the business: no contact of their own.
    expect(await contactByPhone(world.workspaceA, '+6281300000003')).toBeUndefined();

    const lid = { id: '204488239173651@lid', kind: 'lid' as const, phone: null };
    const fromLid = customerMessage(lid);
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.received', { message: fromLid }),
    ).expect(202);
    const lidContacts = await rows<{ phone: string | null; whatsapp_id: string }>(
      t,
      'SELECT phone, whatsapp_id FROM contacts WHERE workspace_id = ? AND (whatsapp_id = ? OR phone LIKE ?)',
      [world.workspaceA, lid.id, '%204488239173651%'],
    );
    expect(lidContacts).toEqual([{ phone: null, whatsapp_id: lid.id }]);

    const broadcast = { id: 'status@broadcast', kind: 'broadcast' as const, phone: null };
    const story = customerMessage(broadcast);
    await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message: story })).expect(
      202,
    );
    expect(await count(t, 'chats', 'wam_id = ?', [story.provider_message_id])).toBe(0);
  });

  it('stores what the owner typed on the phone as outbound, read, without raising the unread count', async () => {
    const customer = phoneParty('6281300000004');
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.received', { message: customerMessage(customer) }),
    ).expect(202);
    const reply = customerMessage(phoneParty('6289999999999'), {
      provider_message_id: `true_${customer.id}_3EB0REPLY`,
      chat_id: customer.id,
      to: customer,
      from_me: true,
      body: 'Ada, kak',
      status: 'sent',
    });
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.sent_from_phone', { message: reply }),
    ).expect(202);
    const contact = await contactByPhone(world.workspaceA, '+6281300000004');
    expect(contact!.unread_messages).toBe(1);
    const chat = await chatOf(sessionA, reply.provider_message_id);
    expect(chat).toMatchObject({
      contact_id: contact!.id,
      type: 'outbound',
      message_status: 'sent',
      is_read: 1,
    });
    expect(JSON.parse(chat!.metadata)).toMatchObject({ body: 'Ada, kak', device_source: 'mobile' });
    expect(await link(contact!.id, sessionA)).toMatchObject({ total_messages: 2 });
  });

  it('moves a status only forward and tells the chat', async () => {
    const customer = phoneParty('6281300000005');
    const reply = customerMessage(phoneParty('6289999999999'), {
      provider_message_id: `true_${customer.id}_3EB0ACKS`,
      chat_id: customer.id,
      to: customer,
      from_me: true,
      status: 'pending',
    });
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.sent_from_phone', { message: reply }),
    ).expect(202);
    const chat = await chatOf(sessionA, reply.provider_message_id);

    const echo = connectEcho(url, { token: world.ownerA.token });
    const updates: MessageStatusUpdatedPayload[] = [];
    const chatChannel = workspaceChatChannel(world.workspaceA, chat!.contact_id);
    echo
      .private(echoChannelName(chatChannel))
      .listen(`.${RealtimeEvent.MESSAGE_STATUS_UPDATED}`, (p: MessageStatusUpdatedPayload) =>
        updates.push(p),
      );
    await joined(t.app.get(EchoGateway), echo, chatChannel);

    const ack = (status: 'sent' | 'delivered' | 'read' | 'failed') =>
      postEngineEvent(
        t,
        engineEvent(sessionA, 'message.ack', {
          provider_message_id: reply.provider_message_id,
          chat_id: customer.id,
          status,
        }),
      ).expect(202);
    await ack('delivered');
    expect((await chatOf(sessionA, reply.provider_message_id))!.message_status).toBe('delivered');
    await ack('sent');
    expect((await chatOf(sessionA, reply.provider_message_id))!.message_status).toBe('delivered');
    await ack('read');
    await ack('failed');
    await ack('delivered');
    expect((await chatOf(sessionA, reply.provider_message_id))!.message_status).toBe('read');

    await waitFor(() => updates.length >= 2, 'two status updates');
    expect(updates.map((u) => u.status)).toEqual(['delivered', 'read']);
    expect(updates[1]).toMatchObject({
      workspace_id: world.workspaceA,
      contact_id: chat!.contact_id,
      message_id: chat!.id,
      provider_message_id: reply.provider_message_id,
    });
  });

  it('applies edits and revokes to the stored message', async () => {
    const customer = phoneParty('6281300000006');
    const message = customerMessage(customer, { body: 'pesan 2 kotak' });
    await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message })).expect(202);
    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.edited', {
        provider_message_id: message.provider_message_id,
        chat_id: customer.id,
        body: 'pesan 3 kotak',
      }),
    ).expect(202);
    let metadata = JSON.parse((await chatOf(sessionA, message.provider_message_id))!.metadata);
    expect(metadata).toMatchObject({ body: 'pesan 3 kotak' });
    expect(metadata.edited_at).toEqual(expect.any(String));

    await postEngineEvent(
      t,
      engineEvent(sessionA, 'message.revoked', {
        provider_message_id: message.provider_message_id,
        chat_id: customer.id,
      }),
    ).expect(202);
    metadata = JSON.parse((await chatOf(sessionA, message.provider_message_id))!.metadata);
    expect(metadata).toMatchObject({ body: '', revoked: true });
  });

  it('keeps a malformed message event in the inbox, unprocessed, storing nothing', async () => {
    const before = await count(t, 'chats');
    const event = engineEvent(sessionA, 'message.received', {
      message: { ...customerMessage(phoneParty('6281300000007')), from: null } as never,
    });
    expect((await postEngineEvent(t, event).expect(202)).body).toEqual({
      stored: true,
      processed: false,
    });
    expect(await count(t, 'chats')).toBe(before);
    const [row] = await rows<{ processed_at: unknown; last_error: string }>(
      t,
      'SELECT processed_at, last_error FROM engine_events WHERE event_id = ?',
      [event.event_id],
    );
    expect(row).toMatchObject({ processed_at: null });
    expect(row!.last_error).toContain('message.from');
  });

  it('stores messages arriving together through two numbers in shared transactions, each once, counts exact', async () => {
    const sessionA2 = await createWebjsSession(t, world.workspaceA, {
      phoneNumber: '+6282200000002',
    });
    const pipeline = t.app.get(InboundPipelineService);
    const transactions = jest.spyOn(t.app.get(TransactionRunner), 'run');
    const ref = (session: WhatsappSession) => ({
      id: session.id,
      uuid: session.uuid,
      workspaceId: session.workspaceId,
      providerType: session.providerType,
    });
    const inbound = (digits: string, body: string) =>
      fromEngineMessage(customerMessage(phoneParty(digits), { body }), 'customer');
    const twice = inbound('6281277700001', 'Halo dari nomor satu');
    const deliveries: Array<[WhatsappSession, ReturnType<typeof inbound>[]]> = [
      [sessionA2, [inbound('6281277700001', 'Ini ke nomor dua')]],
      [sessionA2, [inbound('6281277700002', 'Minta katalog')]],
      [sessionA, [twice]],
      [sessionA, [inbound('6281277700001', 'Masih buka?'), twice]],
      [sessionA, [twice]],
    ];
    const unreadBefore = await rows<{ id: number; unread_messages: number }>(
      t,
      'SELECT id, unread_messages FROM whatsapp_sessions WHERE id IN (?, ?) ORDER BY id',
      [sessionA.id, sessionA2.id],
      ['id', 'unread_messages'],
    );
    try {
      const outcomes = await Promise.all(
        deliveries.map(([session, messages]) => pipeline.ingestMany(ref(session), messages)),
      );
      // The first two went at once; the three that arrived meanwhile shared the next transaction.
      expect(transactions).toHaveBeenCalledTimes(3);
      expect(outcomes.map((delivery) => delivery.map((o) => o.outcome))).toEqual([
        ['stored'],
        ['stored'],
        ['stored'],
        ['stored', 'duplicate'],
        ['duplicate'],
      ]);
    } finally {
      transactions.mockRestore();
    }
    expect(await count(t, 'chats', 'wam_id = ?', [twice.provider_message_id])).toBe(1);
    const first = await contactByPhone(world.workspaceA, '+6281277700001');
    expect(first?.unread_messages).toBe(3);
    expect(
      await rows(
        t,
        'SELECT whatsapp_session_id AS session, total_messages FROM contact_sessions ' +
          'WHERE contact_id = ? ORDER BY whatsapp_session_id',
        [first!.id],
        ['session', 'total_messages'],
      ),
    ).toEqual([
      { session: sessionA.id, total_messages: 2 },
      { session: sessionA2.id, total_messages: 1 },
    ]);
    expect(
      await rows(
        t,
        'SELECT id, unread_messages FROM whatsapp_sessions WHERE id IN (?, ?) ORDER BY id',
        [sessionA.id, sessionA2.id],
        ['id', 'unread_messages'],
      ),
    ).toEqual(
      // Two new customer messages on each number.
      unreadBefore.map((row) => ({ id: row.id, unread_messages: row.unread_messages + 2 })),
    );
  });

  it("keeps each workspace's messages, contacts and events to itself", async () => {
    const phone = phoneParty('6281300000008');
    const echoA = connectEcho(url, { token: world.agentA.token });
    const echoB = connectEcho(url, { token: world.ownerB.token });
    const seenByA: MessageReceivedPayload[] = [];
    echoA
      .private(echoChannelName(workspaceChannel(world.workspaceA)))
      .listen(`.${RealtimeEvent.MESSAGE_RECEIVED}`, (p: MessageReceivedPayload) => seenByA.push(p));
    const seenByB = nextEvent<MessageReceivedPayload>(
      echoB.private(echoChannelName(workspaceChannel(world.workspaceB))),
      `.${RealtimeEvent.MESSAGE_RECEIVED}`,
    );
    await joined(t.app.get(EchoGateway), echoA, workspaceChannel(world.workspaceA));
    await joined(t.app.get(EchoGateway), echoB, workspaceChannel(world.workspaceB));

    const toB = customerMessage(phone, { body: 'for B' });
    await postEngineEvent(t, engineEvent(sessionB, 'message.received', { message: toB })).expect(
      202,
    );
    expect((await seenByB).message.body).toBe('for B');
    const toA = customerMessage(phone, { body: 'for A' });
    await postEngineEvent(t, engineEvent(sessionA, 'message.received', { message: toA })).expect(
      202,
    );
    await waitFor(() => seenByA.length >= 1, 'A to hear its own message');
    expect(seenByA.map((p) => p.message.body)).toEqual(['for A']);

    const contactA = await contactByPhone(world.workspaceA, '+6281300000008');
    const contactB = await contactByPhone(world.workspaceB, '+6281300000008');
    expect(contactA!.id).not.toBe(contactB!.id);
    expect((await chatOf(sessionB, toB.provider_message_id))!.workspace_id).toBe(world.workspaceB);
    expect(await link(contactB!.id, sessionA)).toBeUndefined();
  });
});
