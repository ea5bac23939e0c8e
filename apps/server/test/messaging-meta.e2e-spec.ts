import {
  echoChannelName,
  RealtimeEvent,
  workspaceChannel,
  type MessageReceivedPayload,
  type MessageStatusUpdatedPayload,
} from '@switchboard/contracts';
import { FakeMetaGraphApi, waitFor } from '@switchboard/testing';
import { randomUUID } from 'node:crypto';
import { SecretBox } from '@switchboard/contracts/node';
import { Chat } from '../src/messaging/chat.entity';
import { META_TARGET_TTL_MS, MetaWebhookTargets } from '../src/messaging/meta-webhook-targets';
import { Setting } from '../src/settings/setting.entity';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import {
  count,
  createMetaNumber,
  dataSourceOf,
  rows,
  workspaceIdentifier,
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

const APP_SECRET = 'meta-app-secret-0123456789abcdef';
const VERIFY_TOKEN = 'verify-me-please';
const NUMBER_A = { phoneNumberId: '106540352242922', wabaId: '102290129340398' };
const NUMBER_B = { phoneNumberId: '106540352249999', wabaId: '102290129349999' };
const CUSTOMER = '16505551234';

/** Meta Cloud API webhooks in Meta's real payload shapes, signed by the fake Graph API. */
describe('messaging: the Meta webhook through the inbound pipeline', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let meta: FakeMetaGraphApi;
  let numberA: WhatsappSession;
  let webhookA: string;
  let webhookB: string;

  beforeAll(async () => {
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    meta = new FakeMetaGraphApi({ appSecret: APP_SECRET });
    for (const { phoneNumberId, wabaId } of [NUMBER_A, NUMBER_B]) {
      meta.addPhoneNumber({
        phoneNumberId,
        wabaId,
        displayPhoneNumber: '+1 555-010-0001',
        verifiedName: 'Acme',
        accessToken: `EAA${phoneNumberId}`,
      });
    }
    numberA = await createMetaNumber(t, world.workspaceA, {
      access_token: 'EAAnumberA',
      phone_number_id: NUMBER_A.phoneNumberId,
      waba_id: NUMBER_A.wabaId,
      app_secret: APP_SECRET,
    });
    await createMetaNumber(t, world.workspaceB, {
      access_token: 'EAAnumberB',
      phone_number_id: NUMBER_B.phoneNumberId,
      waba_id: NUMBER_B.wabaId,
      app_secret: APP_SECRET,
    });
    webhookA = `${url}/webhook/whatsapp/${await workspaceIdentifier(t, world.workspaceA)}`;
    webhookB = `${url}/webhook/whatsapp/${await workspaceIdentifier(t, world.workspaceB)}`;
    meta.webhookUrl = webhookA;
    await dataSourceOf(t)
      .getRepository(Setting)
      .save({ key: 'whatsapp_callback_token', value: VERIFY_TOKEN });
  });
  afterEach(() => disconnectAllEchoClients());
  afterAll(() => t.close());

  const chatOf = async (wamId: string) =>
    (
      await rows<{
        id: number;
        contact_id: number;
        workspace_id: number;
        whatsapp_session_id: number;
        type: string;
        message_status: string;
        provider_type: string;
        metadata: string;
      }>(
        t,
        'SELECT id, contact_id, workspace_id, whatsapp_session_id, type, message_status, provider_type, metadata ' +
          'FROM chats WHERE wam_id = ?',
        [wamId],
        ['id', 'contact_id', 'workspace_id', 'whatsapp_session_id'],
      )
    )[0];

  const contactOf = async (workspaceId: number, phone: string) =>
    (
      await rows<{ id: number; first_name: string | null; unread_messages: number }>(
        t,
        'SELECT id, first_name, unread_messages FROM contacts WHERE workspace_id = ? AND phone = ?',
        [workspaceId, phone],
        ['id', 'unread_messages'],
      )
    )[0];

  const everything = async () => ({
    chats: await count(t, 'chats'),
    contacts: await count(t, 'contacts'),
    links: await count(t, 'contact_sessions'),
  });

  describe('the subscription handshake', () => {
    it('answers the challenge when the verify token matches, and 403 otherwise', async () => {
      const ok = await meta.verifyChallenge(webhookA, VERIFY_TOKEN);
      expect(ok).toMatchObject({ status: 200, verified: true });
      const wrong = await meta.verifyChallenge(webhookA, 'not-the-token');
      expect(wrong).toMatchObject({ status: 403, verified: false });
      const elsewhere = await meta.verifyChallenge(
        `${url}/webhook/whatsapp/no-such-ws`,
        VERIFY_TOKEN,
      );
      expect(elsewhere.status).toBe(404);
      const notSubscribe = await t.http().get(new URL(webhookA).pathname).query({
        'hub.mode': 'unsubscribe',
        'hub.verify_token': VERIFY_TOKEN,
        'hub.challenge': '1',
      });
      expect(notSubscribe.status).toBe(403);
    });
  });

  describe('messages', () => {
    it('stores a text message with the profile name, links the number and tells the workspace', async () => {
      const echo = connectEcho(url, { token: world.agentA.token });
      const received = nextEvent<MessageReceivedPayload>(
        echo.private(echoChannelName(workspaceChannel(world.workspaceA))),
        `.${RealtimeEvent.MESSAGE_RECEIVED}`,
      );
      await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

      const { messageId, delivery } = await meta.receiveFromCustomer({
        phoneNumberId: NUMBER_A.phoneNumberId,
        from: CUSTOMER,
        name: 'Sheena Nelson',
        text: 'Do you ship to Oakland?',
      });
      expect(delivery!.status).toBe(200);

      const contact = await contactOf(world.workspaceA, `+${CUSTOMER}`);
      expect(contact).toMatchObject({ first_name: 'Sheena Nelson', unread_messages: 1 });
      const chat = await chatOf(messageId);
      expect(chat).toMatchObject({
        contact_id: contact!.id,
        workspace_id: world.workspaceA,
        whatsapp_session_id: numberA.id,
        type: 'inbound',
        provider_type: 'meta',
      });
      expect(JSON.parse(chat!.metadata)).toMatchObject({
        body: 'Do you ship to Oakland?',
        type: 'text',
        has_media: false,
        from: CUSTOMER,
        sender_name: 'Sheena Nelson',
        sender_phone: `+${CUSTOMER}`,
      });
      const [link] = await rows<{ total_messages: number }>(
        t,
        'SELECT total_messages FROM contact_sessions WHERE contact_id = ? AND whatsapp_session_id = ?',
        [contact!.id, numberA.id],
        ['total_messages'],
      );
      expect(link).toEqual({ total_messages: 1 });

      expect(await received).toMatchObject({
        workspace_id: world.workspaceA,
        contact: {
          id: contact!.id,
          name: 'Sheena Nelson',
          phone: `+${CUSTOMER}`,
          unread_messages: 1,
        },
        message: {
          id: chat!.id,
          session_uuid: numberA.uuid,
          provider_message_id: messageId,
          direction: 'inbound',
          type: 'text',
          body: 'Do you ship to Oakland?',
        },
      });
    });

    it('stores the same delivery only once', async () => {
      const webhook = meta.inboundWebhook({
        phoneNumberId: NUMBER_A.phoneNumberId,
        from: '16505550002',
        name: 'Twice',
        text: 'hello?',
      });
      const first = await meta.deliverWebhook(webhook.body);
      const again = await meta.deliverWebhook(webhook.body);
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(JSON.parse(again.responseBody)).toMatchObject({
        messages: { stored: 0, duplicate: 1 },
      });
      expect(await count(t, 'chats', 'wam_id = ?', [webhook.messageId])).toBe(1);
      expect(await contactOf(world.workspaceA, '+16505550002')).toMatchObject({
        unread_messages: 1,
      });
    });

    it('keeps one contact and exact counts when a new customer’s messages and retries arrive at once', async () => {
      const webhooks = ['one', 'two', 'three', 'four'].map((text) =>
        meta.inboundWebhook({
          phoneNumberId: NUMBER_A.phoneNumberId,
          from: '16505550010',
          name: 'Burst',
          text,
        }),
      );
      const deliveries = await Promise.all(
        [...webhooks, ...webhooks].map((webhook) => meta.deliverWebhook(webhook.body)),
      );
      expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
      expect(
        await count(t, 'contacts', 'workspace_id = ? AND phone = ?', [
          world.workspaceA,
          '+16505550010',
        ]),
      ).toBe(1);
      const contact = await contactOf(world.workspaceA, '+16505550010');
      expect(contact!.unread_messages).toBe(4);
      expect(await count(t, 'chats', 'contact_id = ?', [contact!.id])).toBe(4);
      const [link] = await rows<{ total_messages: number }>(
        t,
        'SELECT total_messages FROM contact_sessions WHERE contact_id = ?',
        [contact!.id],
        ['total_messages'],
      );
      expect(link).toEqual({ total_messages: 4 });
    });

    it('stores a delivery of many messages in one go: each once, exact counts, each announced after commit', async () => {
      const echo = connectEcho(url, { token: world.agentA.token });
      const heard: MessageReceivedPayload[] = [];
      echo
        .private(echoChannelName(workspaceChannel(world.workspaceA)))
        .listen(`.${RealtimeEvent.MESSAGE_RECEIVED}`, (payload: MessageReceivedPayload) =>
          heard.push(payload),
        );
      await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

      // Meta may batch: two new customers and a known one, one message repeated in the delivery.
      const parts = [
        { from: '16505550101', name: 'Batch One', text: 'first' },
        { from: '16505550102', name: 'Batch Two', text: 'second' },
        { from: '16505550101', name: 'Batch One', text: 'third' },
        { from: '16505550010', name: 'Burst', text: 'fourth' },
      ].map((part) => meta.inboundWebhook({ phoneNumberId: NUMBER_A.phoneNumberId, ...part }));
      const values = parts.map(
        (part) =>
          (
            JSON.parse(part.body) as {
              entry: Array<{ changes: Array<{ value: Record<string, unknown[]> }> }>;
            }
          ).entry[0]!.changes[0]!.value,
      );
      const body = meta.webhookBody(NUMBER_A.phoneNumberId, {
        contacts: values.flatMap((value) => value.contacts as never[]),
        messages: [
          ...values.flatMap((value) => value.messages as never[]),
          values[0]!.messages![0] as never,
        ],
      });
      const burstBefore = (await contactOf(world.workspaceA, '+16505550010'))!;
      const delivery = await meta.deliverWebhook(body);
      expect(delivery.status).toBe(200);
      expect(JSON.parse(delivery.responseBody)).toMatchObject({
        messages: { stored: 4, duplicate: 1, ignored: 0 },
      });

      const one = (await contactOf(world.workspaceA, '+16505550101'))!;
      const two = (await contactOf(world.workspaceA, '+16505550102'))!;
      const burst = (await contactOf(world.workspaceA, '+16505550010'))!;
      expect(one).toMatchObject({ first_name: 'Batch One', unread_messages: 2 });
      expect(two).toMatchObject({ first_name: 'Batch Two', unread_messages: 1 });
      expect(burst.unread_messages).toBe(burstBefore.unread_messages + 1);
      for (const part of parts) expect(await chatOf(part.messageId)).toBeDefined();
      expect(await count(t, 'chats', 'contact_id = ?', [one.id])).toBe(2);
      const links = await rows<{ contact_id: number; total_messages: number }>(
        t,
        'SELECT contact_id, total_messages FROM contact_sessions WHERE contact_id IN (?, ?) ORDER BY contact_id',
        [one.id, two.id],
        ['contact_id', 'total_messages'],
      );
      expect(links).toEqual([
        { contact_id: one.id, total_messages: 2 },
        { contact_id: two.id, total_messages: 1 },
      ]);

      await waitFor(() => heard.length >= 4, 'four message.received events');
      expect(heard.map((payload) => payload.message.body)).toEqual([
        'first',
        'second',
        'third',
        'fourth',
      ]);
      // Announced after commit: each carries its stored row and its contact's count by then.
      expect(heard[0]!.message.id).toBe((await chatOf(parts[0]!.messageId))!.id);
      expect(heard[2]!.contact).toMatchObject({ id: one.id, unread_messages: 2 });
    });

    it('stores an image with its media metadata and caption', async () => {
      const { messageId, mediaId } = await meta.receiveFromCustomer({
        phoneNumberId: NUMBER_A.phoneNumberId,
        from: CUSTOMER,
        name: 'Sheena Nelson',
        media: {
          type: 'image',
          data: Buffer.from('not really a jpeg'),
          mimeType: 'image/jpeg',
          caption: 'this one',
        },
      });
      const metadata = JSON.parse((await chatOf(messageId))!.metadata);
      expect(metadata).toMatchObject({
        type: 'image',
        body: 'this one',
        has_media: true,
        media: { provider_media_id: mediaId, mimetype: 'image/jpeg' },
      });
      expect((await contactOf(world.workspaceA, `+${CUSTOMER}`))!.unread_messages).toBe(2);
    });
  });

  describe('statuses', () => {
    /** A message the number sent, as the send path (item 5) stores it before Meta reports on it. */
    async function sentMessage(wamId: string): Promise<{ id: number; contactId: number }> {
      const contact = await contactOf(world.workspaceA, `+${CUSTOMER}`);
      const now = new Date();
      await dataSourceOf(t)
        .getRepository(Chat)
        .insert({
          uuid: randomUUID(),
          workspaceId: world.workspaceA,
          whatsappSessionId: numberA.id,
          wamId,
          contactId: contact!.id,
          type: 'outbound',
          metadata: JSON.stringify({ body: 'We do!', type: 'text' }),
          messageStatus: 'pending',
          providerType: 'meta',
          createdAt: now,
          updatedAt: now,
        });
      return { id: (await chatOf(wamId))!.id, contactId: contact!.id };
    }

    const emit = (messageId: string, status: 'sent' | 'delivered' | 'read' | 'failed') =>
      meta.emitStatus({
        phoneNumberId: NUMBER_A.phoneNumberId,
        messageId,
        status,
        recipientId: CUSTOMER,
      });

    it('moves sent → delivered → read, never back, and tells the workspace', async () => {
      const wamId = `wamid.${randomUUID()}`;
      const sent = await sentMessage(wamId);
      const echo = connectEcho(url, { token: world.ownerA.token });
      const updates: MessageStatusUpdatedPayload[] = [];
      echo
        .private(echoChannelName(workspaceChannel(world.workspaceA)))
        .listen(`.${RealtimeEvent.MESSAGE_STATUS_UPDATED}`, (p: MessageStatusUpdatedPayload) =>
          updates.push(p),
        );
      await joined(t.app.get(EchoGateway), echo, workspaceChannel(world.workspaceA));

      for (const status of ['sent', 'delivered', 'read'] as const) {
        expect((await emit(wamId, status)).status).toBe(200);
        expect((await chatOf(wamId))!.message_status).toBe(status);
      }
      // Late and out-of-order reports change nothing.
      expect(JSON.parse((await emit(wamId, 'delivered')).responseBody)).toMatchObject({
        statuses: { applied: 0, skipped: 1 },
      });
      await emit(wamId, 'failed');
      expect((await chatOf(wamId))!.message_status).toBe('read');
      const [stamps] = await rows<Record<string, unknown>>(
        t,
        'SELECT sent_at, delivered_at, read_at FROM chats WHERE id = ?',
        [sent.id],
      );
      expect(Object.values(stamps!).every((value) => value !== null)).toBe(true);

      await waitFor(() => updates.length >= 3, 'three status updates');
      expect(updates.map((u) => u.status)).toEqual(['sent', 'delivered', 'read']);
      expect(updates[2]).toMatchObject({
        contact_id: sent.contactId,
        message_id: sent.id,
        provider_message_id: wamId,
      });
    });

    it('records a failure with Meta’s reason', async () => {
      const wamId = `wamid.${randomUUID()}`;
      await sentMessage(wamId);
      expect((await emit(wamId, 'failed')).status).toBe(200);
      const chat = await chatOf(wamId);
      expect(chat!.message_status).toBe('failed');
      expect(JSON.parse(chat!.metadata)).toMatchObject({
        body: 'We do!',
        error: { code: 131026 },
      });
      // Failed is final.
      await emit(wamId, 'delivered');
      expect((await chatOf(wamId))!.message_status).toBe('failed');
    });
  });

  describe('refusals: nothing is stored', () => {
    it('refuses a wrong or missing signature with 401', async () => {
      const before = await everything();
      const { body } = meta.inboundWebhook({
        phoneNumberId: NUMBER_A.phoneNumberId,
        from: '16505550003',
        name: 'Mallory',
        text: 'transfer the money',
      });
      const forged = await meta.deliverWebhook(body, {
        signature: `sha256=${'0'.repeat(64)}`,
      });
      expect(forged.status).toBe(401);
      expect(JSON.parse(forged.responseBody)).toMatchObject({
        error: { code: 'UNAUTHENTICATED', details: { reason: 'bad_signature' } },
      });
      const tampered = await meta.deliverWebhook(body.replace('transfer', 'TRANSFER'), {
        signature: meta.sign(body),
      });
      expect(tampered.status).toBe(401);
      expect((await meta.deliverWebhook(body, { signature: null })).status).toBe(401);
      const otherSecret = new FakeMetaGraphApi({ appSecret: 'someone-elses-app' });
      otherSecret.addPhoneNumber({
        ...NUMBER_A,
        displayPhoneNumber: '+1 555',
        verifiedName: 'x',
        accessToken: 'x',
      });
      expect((await otherSecret.deliverWebhook(body, { url: webhookA })).status).toBe(401);
      // A delivery that names no number (other webhook fields only) is still Meta's to send.
      const empty = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
      expect((await meta.deliverWebhook(empty)).status).toBe(200);
      expect((await meta.deliverWebhook(empty, { signature: null })).status).toBe(401);
      expect(await everything()).toEqual(before);
    });

    it('refuses a number that has no app secret to verify with', async () => {
      const workspace = world.workspaceA;
      const phoneNumberId = '106540352240000';
      await createMetaNumber(t, workspace, {
        access_token: 'EAAnosecret',
        phone_number_id: phoneNumberId,
        waba_id: '1',
      });
      meta.addPhoneNumber({
        phoneNumberId,
        wabaId: '1',
        displayPhoneNumber: '+1 555-010-0009',
        verifiedName: 'No secret',
        accessToken: 'EAAnosecret',
      });
      const before = await everything();
      const { delivery } = await meta.receiveFromCustomer({
        phoneNumberId,
        from: '16505550004',
        name: 'Nobody',
        text: 'hi',
      });
      expect(delivery!.status).toBe(401);
      expect(JSON.parse(delivery!.responseBody)).toMatchObject({
        error: { details: { reason: 'no_app_secret' } },
      });
      expect(await everything()).toEqual(before);
    });

    it('answers 404 for a phone_number_id that is no number of the workspace', async () => {
      const before = await everything();
      meta.addPhoneNumber({
        phoneNumberId: '999000111',
        wabaId: '9',
        displayPhoneNumber: '+1 555-010-0099',
        verifiedName: 'Stranger',
        accessToken: 'EAAstranger',
      });
      const { delivery } = await meta.receiveFromCustomer({
        phoneNumberId: '999000111',
        from: '16505550005',
        name: 'Lost',
        text: 'anyone?',
      });
      expect(delivery!.status).toBe(404);
      // Workspace B's number posted to workspace A's URL, correctly signed: not A's number.
      const { delivery: crossed } = await meta.receiveFromCustomer({
        phoneNumberId: NUMBER_B.phoneNumberId,
        from: '16505550006',
        name: 'Crossed',
        text: 'wrong door',
      });
      expect(crossed!.status).toBe(404);
      expect(await everything()).toEqual(before);
      // Through B's own URL it is B's.
      const { delivery: right, messageId } = await meta.receiveFromCustomer({
        phoneNumberId: NUMBER_B.phoneNumberId,
        from: '16505550006',
        name: 'Crossed',
        text: 'right door',
        url: webhookB,
      });
      expect(right!.status).toBe(200);
      expect((await chatOf(messageId))!.workspace_id).toBe(world.workspaceB);
      expect(await contactOf(world.workspaceA, '+16505550006')).toBeUndefined();
    });

    it('refuses malformed bodies with 4xx', async () => {
      const before = await everything();
      const post = (body: string, contentType = 'application/json') =>
        t
          .http()
          .post(new URL(webhookA).pathname)
          .set('content-type', contentType)
          .set('x-hub-signature-256', meta.sign(body))
          .send(body);
      const valid = JSON.parse(
        meta.inboundWebhook({
          phoneNumberId: NUMBER_A.phoneNumberId,
          from: '16505550007',
          name: 'Broken',
          text: 'x',
        }).body,
      ) as {
        entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }>;
      };
      const withoutId = structuredClone(valid);
      delete withoutId.entry[0]!.changes[0]!.value.messages[0]!.id;
      const withHugeId = structuredClone(valid);
      withHugeId.entry[0]!.changes[0]!.value.messages[0]!.id = 'w'.repeat(5000);

      for (const body of [
        '{"object":"whatsapp_business_account","entry":[',
        '"just a string"',
        '{"object":"page","entry":[]}',
        '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{}}}]}]}',
        JSON.stringify(withoutId),
        JSON.stringify(withHugeId),
      ]) {
        const res = await post(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      expect((await post('object=whatsapp_business_account', 'text/plain')).status).toBe(415);
      expect(await everything()).toEqual(before);
    });
  });
  describe('the workspace’s numbers, remembered between webhooks', () => {
    const phoneNumberId = '106540352241111';
    const rotatedSecret = 'meta-app-secret-rotated-fedcba9876';
    let number: WhatsappSession;

    beforeAll(() => {
      meta.addPhoneNumber({
        phoneNumberId,
        wabaId: '3',
        displayPhoneNumber: '+1 555-010-0011',
        verifiedName: 'Late',
        accessToken: 'EAAlate',
      });
    });
    afterAll(() => t.app.get(MetaWebhookTargets).useClock(() => Date.now()));

    it('takes a number added after the workspace’s webhooks started, from its first delivery', async () => {
      const warm = await meta.receiveFromCustomer({
        phoneNumberId: NUMBER_A.phoneNumberId,
        from: '16505550020',
        name: 'Warm',
        text: 'numbers now remembered',
      });
      expect(warm.delivery!.status).toBe(200);
      number = await createMetaNumber(t, world.workspaceA, {
        access_token: 'EAAlate',
        phone_number_id: phoneNumberId,
        waba_id: '3',
        app_secret: APP_SECRET,
      });

      const { delivery, messageId } = await meta.receiveFromCustomer({
        phoneNumberId,
        from: '16505550021',
        name: 'First',
        text: 'to the new number',
      });
      expect(delivery!.status).toBe(200);
      expect((await chatOf(messageId))!.whatsapp_session_id).toBe(number.id);
    });

    it('verifies with a re-keyed app secret at once, and no longer with the old one', async () => {
      await dataSourceOf(t)
        .getRepository(WhatsappSession)
        .update(number.id, {
          sessionData: t.app.get(SecretBox).seal(
            JSON.stringify({
              access_token: 'EAAlate',
              phone_number_id: phoneNumberId,
              waba_id: '3',
              app_secret: rotatedSecret,
            }),
          ),
        });
      const rotated = new FakeMetaGraphApi({ appSecret: rotatedSecret, webhookUrl: webhookA });
      rotated.addPhoneNumber({
        phoneNumberId,
        wabaId: '3',
        displayPhoneNumber: '+1 555-010-0011',
        verifiedName: 'Late',
        accessToken: 'EAAlate',
      });

      const fresh = await rotated.receiveFromCustomer({
        phoneNumberId,
        from: '16505550022',
        name: 'Rotated',
        text: 'signed with the new secret',
      });
      expect(fresh.delivery!.status).toBe(200);
      const before = await everything();
      const stale = await meta.receiveFromCustomer({
        phoneNumberId,
        from: '16505550023',
        name: 'Stale',
        text: 'signed with the old secret',
      });
      expect(stale.delivery!.status).toBe(401);
      expect(await everything()).toEqual(before);
    });

    it('stops taking a deleted number’s messages once the remembered numbers expire', async () => {
      let now = Date.now();
      t.app.get(MetaWebhookTargets).useClock(() => now);
      const resend = () =>
        meta.receiveFromCustomer({
          phoneNumberId: NUMBER_A.phoneNumberId,
          from: '16505550024',
          name: 'Gone',
          text: 'anyone there?',
        });
      expect((await resend()).delivery!.status).toBe(200);
      await dataSourceOf(t).getRepository(WhatsappSession).softDelete(numberA.id);
      try {
        now += META_TARGET_TTL_MS;
        const before = await everything();
        expect((await resend()).delivery!.status).toBe(404);
        expect(await everything()).toEqual(before);
      } finally {
        await dataSourceOf(t).getRepository(WhatsappSession).restore(numberA.id);
      }
    });
  });
});
