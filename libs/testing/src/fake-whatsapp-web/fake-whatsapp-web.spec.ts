import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { Client, LocalAuth, type Message, type Reaction } from 'whatsapp-web.js';
import { waitFor } from '../wait-for';
import { FakeWhatsAppWeb } from './fake-whatsapp-web';
import {
  FAKE_WHATSAPP_CHROMIUM_PATH,
  fakeWhatsAppClientOptions,
} from './fake-whatsapp-web.options';

// The real whatsapp-web.js, puppeteer and Chromium against the fake: CI always has Chromium.
const describeWithChromium = existsSync(FAKE_WHATSAPP_CHROMIUM_PATH) ? describe : describe.skip;

const ME = '15550001111@c.us';
const PEER = '15550002222@c.us';
const LID_PEER = '99887766554433@lid';
const LID_PEER_PHONE = '15550004444@c.us';
const GROUP = '120363000000000001@g.us';
const OTHER = '15550003333@c.us';
// whatsapp-web.js 1.34.7 answers UNPAIRED_IDLE by calling `window.require` in Node.
const LIBRARY_IDLE_BUG = 'ReferenceError: window is not defined';
// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

type Args = unknown[];

/** Resolves with the arguments of the client's next matching event; register before acting. */
function nextEvent(
  client: Client,
  event: string,
  matches: (...args: Args) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<Args> {
  const emitter = client as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for the client's '${event}'`));
    }, timeoutMs);
    const listener = (...args: Args): void => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}

/** Records every event name a client emits, to assert what did not happen. */
function recordEvents(client: Client): string[] {
  const seen: string[] = [];
  const emit = client.emit.bind(client);
  client.emit = (event: string | symbol, ...args: Args): boolean => {
    seen.push(String(event));
    return emit(event, ...args);
  };
  return seen;
}

describe('FakeWhatsAppWeb without a browser', () => {
  const fake = new FakeWhatsAppWeb({ mode: 'lenient', webVersion: '2.3000.1' });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('serves the page for the version the library asks for, with the runtime inlined', async () => {
    const response = await fetch(fake.remotePath.replace('{version}', '2.3000.7'));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('"version":"2.3000.7"');
    expect(html).toContain('"strict":false');
    expect(html).toContain('WAWebSocketModel');
  });

  it('points the library at itself, with the flags Chromium needs', () => {
    expect(fakeWhatsAppClientOptions(fake, { args: ['--lang=en'] })).toEqual({
      webVersion: '2.3000.1',
      webVersionCache: { type: 'remote', remotePath: fake.remotePath, strict: true },
      puppeteer: {
        executablePath: FAKE_WHATSAPP_CHROMIUM_PATH,
        headless: true,
        args: expect.arrayContaining([
          '--no-sandbox',
          '--disable-features=LocalNetworkAccessChecks',
          '--lang=en',
        ]),
      },
    });
  });

  it('refuses phone actions on a QR or a number no page shows', async () => {
    await expect(fake.scanQr('2@nope,a,b,c,Chrome', { phone: ME })).rejects.toThrow(/not shown/);
    await expect(fake.receiveMessage(ME, { from: PEER, body: 'x' })).rejects.toThrow(
      /no open page is linked to 15550001111@c.us/,
    );
    await expect(fake.rotateQr()).rejects.toThrow(/exactly one waiting page/);
    expect(fake.pendingQrs()).toEqual([]);
  });
});

describeWithChromium('FakeWhatsAppWeb driven by the real whatsapp-web.js', () => {
  const fake = new FakeWhatsAppWeb();
  const clients: Client[] = [];
  let dataPath: string;

  function newClient(clientId: string): Client {
    const client = new Client({
      ...fakeWhatsAppClientOptions(fake),
      authStrategy: new LocalAuth({ clientId, dataPath }),
    });
    clients.push(client);
    return client;
  }

  async function linkNewClient(clientId: string, phone: string): Promise<Client> {
    const client = newClient(clientId);
    const qr = nextEvent(client, 'qr');
    const ready = nextEvent(client, 'ready');
    await client.initialize();
    const [code] = (await qr) as [string];
    await fake.scanQr(code, { phone });
    await ready;
    return client;
  }

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'fake-whatsapp-web-'));
    await fake.start();
  });

  afterAll(async () => {
    // A client the library already destroyed (after a disconnect) closes again harmlessly.
    await Promise.all(clients.map((client) => client.destroy().catch(() => undefined)));
    await fake.stop();
    rmSync(dataPath, { recursive: true, force: true });
  });

  describe('one session from QR to unlink', () => {
    let client: Client;
    let inboundId: string;

    it('emits a QR, a rotated QR, then authenticated and ready once the phone scans it', async () => {
      client = newClient('main');
      const firstQr = nextEvent(client, 'qr');
      await client.initialize();
      const [qr1] = (await firstQr) as [string];
      expect(qr1).toMatch(/^2@[^,]+,[^,]+,[^,]+,[^,]+,Chrome$/);
      expect(await fake.waitForQr()).toBe(qr1);

      const secondQr = nextEvent(client, 'qr');
      const rotated = await fake.rotateQr(qr1);
      const [qr2] = (await secondQr) as [string];
      expect(qr2).toBe(rotated);
      expect(qr2).not.toBe(qr1);
      await expect(fake.scanQr(qr1, { phone: ME })).rejects.toThrow(/not shown/);

      const authenticated = nextEvent(client, 'authenticated');
      const ready = nextEvent(client, 'ready');
      const early = nextEvent(client, 'message');
      await fake.scanQr(qr2, { phone: '15550001111', pushname: 'Bot One' });
      // Delivered while the client syncs: held until the library listens, as WhatsApp Web does.
      const earlyId = fake.receiveMessage(ME, { from: PEER, body: 'sent while syncing' });
      await authenticated;
      await ready;
      const [earlyMessage] = (await early) as [Message];
      expect(earlyMessage.id._serialized).toBe(await earlyId);
      expect(client.info.wid._serialized).toBe(ME);
      expect(client.info.pushname).toBe('Bot One');
      expect(await client.getState()).toBe('CONNECTED');
    });

    it('delivers an inbound message as a message event', async () => {
      const received = nextEvent(client, 'message');
      inboundId = await fake.receiveMessage(ME, { from: PEER, body: 'hello', notifyName: 'Peer' });
      const [message] = (await received) as [Message];
      expect(message.id._serialized).toBe(inboundId);
      expect(message).toMatchObject({ body: 'hello', from: PEER, to: ME, fromMe: false });
      expect((await message.getContact()).pushname).toBe('Peer');
      expect(await message.getChat()).toMatchObject({ isGroup: false, name: 'Peer' });
    });

    it('sends a message, reports its acks moving forward and a reaction to it', async () => {
      const serverAck = nextEvent(client, 'message_ack', (_m, ack) => ack === 1);
      const sent = await client.sendMessage(PEER, 'hi back');
      expect(sent.id._serialized).toMatch(new RegExp(`^true_${PEER}_`));
      await serverAck;
      expect(await fake.waitForSentMessage((m) => m.id === sent.id._serialized)).toMatchObject({
        account: ME,
        to: PEER,
        body: 'hi back',
      });

      const read = nextEvent(client, 'message_ack', (m, ack) => ack === 3);
      await fake.ackMessage(ME, sent.id._serialized, 3);
      const [readMessage] = (await read) as [Message];
      expect(readMessage.id._serialized).toBe(sent.id._serialized);
      await expect(fake.ackMessage(ME, sent.id._serialized, 2)).rejects.toThrow(/forward/);

      const reacted = nextEvent(client, 'message_reaction');
      await fake.reactToMessage(ME, sent.id._serialized, { from: PEER, reaction: '👍' });
      const [reaction] = (await reacted) as [Reaction];
      expect(reaction).toMatchObject({ reaction: '👍', senderId: PEER });
      expect(reaction.msgId._serialized).toBe(sent.id._serialized);
    });

    it("applies a phone's receipt only after the server's answer it follows, however late", async () => {
      const acks: Array<[string, number]> = [];
      const onAck = (message: Message, ack: number): void => {
        acks.push([message.id._serialized, ack]);
      };
      client.on('message_ack', onAck);
      const release = fake.holdServerAnswers();
      const sent = await client.sendMessage(PEER, 'sent on a slow network');
      await fake.waitForSentMessage((m) => m.id === sent.id._serialized);
      const receipt = fake.ackMessage(ME, sent.id._serialized, 2);
      // A round trip through the page, so the receipt has reached it while the answer is held.
      await client.getState();
      release();
      await receipt;
      const ofSent = (): number[] =>
        acks.filter(([id]) => id === sent.id._serialized).map(([, ack]) => ack);
      await waitFor(() => ofSent().length >= 2, 'the server ack and the receipt');
      client.off('message_ack', onAck);
      expect(ofSent()).toEqual([1, 2]);
      expect(fake.pageErrors()).toEqual([]);
    });

    it('sends a reply that quotes the inbound message', async () => {
      const inbound = await client.getMessageById(inboundId);
      const reply = await inbound.reply('a reply');
      expect(reply).toMatchObject({ hasQuotedMsg: true, fromMe: true, to: PEER });
      const sent = await fake.waitForSentMessage((m) => m.id === reply.id._serialized);
      expect(sent.quotedMessageId).toBe(inboundId);
    });

    it('flags a group message with its author', async () => {
      const received = nextEvent(client, 'message');
      await fake.receiveMessage(ME, {
        from: GROUP,
        author: PEER,
        body: 'hello group',
        groupSubject: 'Team',
      });
      const [message] = (await received) as [Message];
      expect(message).toMatchObject({ from: GROUP, author: PEER, body: 'hello group' });
      const chat = await message.getChat();
      expect(chat.isGroup).toBe(true);
      expect(chat.name).toBe('Team');
    });

    it('shows a message sent from the phone as message_create only', async () => {
      const seen = recordEvents(client);
      const created = nextEvent(client, 'message_create', (m) => (m as Message).fromMe);
      const id = await fake.sendFromPhone(ME, { to: PEER, body: 'from the phone' });
      const [message] = (await created) as [Message];
      expect(message).toMatchObject({ body: 'from the phone', from: ME, to: PEER, fromMe: true });
      expect(message.id._serialized).toBe(id);
      expect(seen).not.toContain('message');
    });

    it('reports an edit, then a revoke, of the inbound message', async () => {
      const edited = nextEvent(client, 'message_edit');
      await fake.editMessage(ME, inboundId, 'hello, edited');
      const [message, newBody, previousBody] = (await edited) as [Message, string, string];
      expect(message.id._serialized).toBe(inboundId);
      expect([newBody, previousBody]).toEqual(['hello, edited', 'hello']);

      const revoked = nextEvent(client, 'message_revoke_everyone');
      await fake.revokeMessage(ME, inboundId);
      const [after, before] = (await revoked) as [Message, Message | undefined];
      expect(after.type).toBe('revoked');
      expect(before?.body).toBe('hello, edited');
    });

    it('serves inbound media to message.downloadMedia()', async () => {
      const received = nextEvent(client, 'message');
      await fake.receiveMessage(ME, {
        from: PEER,
        body: 'a picture',
        media: { mimetype: 'image/png', filename: 'dot.png', data: PNG },
      });
      const [message] = (await received) as [Message];
      expect(message).toMatchObject({ hasMedia: true, type: 'image', body: 'a picture' });
      const media = await message.downloadMedia();
      expect(media).toMatchObject({ mimetype: 'image/png', filename: 'dot.png' });
      expect(Buffer.from(media.data, 'base64').equals(PNG)).toBe(true);
    });

    it('delivers from an @lid sender and maps it to a phone number', async () => {
      const received = nextEvent(client, 'message');
      await fake.receiveMessage(ME, {
        from: LID_PEER,
        senderPhone: LID_PEER_PHONE,
        body: 'via lid',
      });
      const [message] = (await received) as [Message];
      expect(message.from).toBe(LID_PEER);
      expect((await message.getContact()).id._serialized).toBe(LID_PEER_PHONE);
      expect(await client.getContactLidAndPhone([LID_PEER])).toEqual([
        { lid: LID_PEER, pn: LID_PEER_PHONE },
      ]);
    });

    it('answers the everyday chat calls', async () => {
      const chats = await client.getChats();
      expect(chats.map((c) => c.id._serialized)).toEqual(
        expect.arrayContaining([PEER, GROUP, LID_PEER]),
      );
      expect(chats.find((c) => c.id._serialized === GROUP)?.isGroup).toBe(true);
      const chat = await client.getChatById(PEER);
      const messages = await chat.fetchMessages({});
      expect(messages.map((m) => m.body)).toEqual(
        expect.arrayContaining(['sent while syncing', 'hi back', 'from the phone', 'a picture']),
      );
      expect(await client.getProfilePicUrl(PEER)).toBeUndefined();
      await chat.sendStateTyping();
      await waitFor(
        () =>
          fake
            .chatStates()
            .some((s) => s.account === ME && s.chat === PEER && s.state === 'typing'),
        'the typing state',
      );
    });

    it('restores the session from LocalAuth without a new QR', async () => {
      await client.destroy();
      client = newClient('main');
      const seen = recordEvents(client);
      const ready = nextEvent(client, 'ready');
      await client.initialize();
      await ready;
      expect(seen).toContain('authenticated');
      expect(seen).not.toContain('qr');
      expect(client.info.wid._serialized).toBe(ME);
    });

    it('reports socket state changes', async () => {
      const timeout = nextEvent(client, 'change_state', (state) => state === 'TIMEOUT');
      await fake.setSocketState(ME, 'TIMEOUT');
      await timeout;
      expect(await client.getState()).toBe('TIMEOUT');
      const connected = nextEvent(client, 'change_state', (state) => state === 'CONNECTED');
      await fake.setSocketState(ME, 'CONNECTED');
      await connected;
    });

    it('hangs the page: the browser stays up but getState() no longer answers', async () => {
      await fake.hangPage(ME);
      const state = client.getState();
      const outcome = await Promise.race([
        state.then(() => 'answered'),
        new Promise((resolve) => setTimeout(() => resolve('no answer'), 300)),
      ]);
      expect(outcome).toBe('no answer');
      expect(client.pupBrowser?.connected).toBe(true);
      fake.releasePage(ME);
      expect(await state).toBe('CONNECTED');
    });

    it('disconnects with LOGOUT when the phone unlinks the device, then shows a QR that can expire', async () => {
      const disconnected = nextEvent(client, 'disconnected');
      const qr = nextEvent(client, 'qr');
      await fake.unlink(ME);
      expect(await disconnected).toEqual(['LOGOUT']);
      const [newQr] = (await qr) as [string];
      expect(fake.isLinked(ME)).toBe(false);

      await fake.expireQr(newQr);
      expect(await client.getState()).toBe('UNPAIRED_IDLE');
      // whatsapp-web.js 1.34.7 reacts by calling `window.require` in Node: no new QR comes.
      await waitFor(
        () => fake.pageErrors().some((e) => e.includes(LIBRARY_IDLE_BUG)),
        'the library to fail on UNPAIRED_IDLE',
      );
      await expect(fake.scanQr(newQr, { phone: ME })).rejects.toThrow(/not shown/);
      // The session manager refreshes it itself: the page shows a live QR again.
      const refreshed = nextEvent(client, 'qr');
      const fresh = await fake.rotateQr(newQr);
      expect(await refreshed).toEqual([fresh]);
      expect(await client.getState()).toBe('UNPAIRED');
      // unlink() resolved after the library re-injected: closing now cuts nothing short.
      await client.destroy();
    });
  });

  it('tells concurrent clients apart by their QR, then by their number', async () => {
    const [first, second] = await Promise.all([
      linkNewClient('first', '15550005555'),
      linkNewClient('second', OTHER),
    ]);
    expect(first.info.wid._serialized).toBe('15550005555@c.us');
    expect(second.info.wid._serialized).toBe(OTHER);

    const firstSeen = recordEvents(first);
    const received = nextEvent(second, 'message');
    await fake.receiveMessage(OTHER, { from: PEER, body: 'only for the second' });
    expect(((await received)[0] as Message).to).toBe(OTHER);
    expect(firstSeen).not.toContain('message');

    const disconnected = nextEvent(first, 'disconnected');
    await fake.setSocketState('15550005555', 'CONFLICT');
    expect(await disconnected).toEqual(['CONFLICT']);

    await second.logout();
    expect(fake.isLinked(OTHER)).toBe(false);
  });

  it('needed no module the fake lacks (strict mode) and raised no error in a page', () => {
    expect(fake.mode).toBe('strict');
    expect(() => fake.assertNoUnknownModules()).not.toThrow();
    expect(fake.unknownModules()).toEqual([]);
    expect(fake.pageErrors().filter((e) => !e.includes(LIBRARY_IDLE_BUG))).toEqual([]);
  });
});
