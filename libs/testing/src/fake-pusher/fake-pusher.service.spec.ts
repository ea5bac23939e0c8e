import Echo from 'laravel-echo';
import PusherServer from 'pusher';
import PusherJs from 'pusher-js';
import { WebSocket } from 'ws';
import { FakePusherService, type FakePusherOptions } from './fake-pusher.service';

const APP: FakePusherOptions = { appId: '4242', key: 'fake-key', secret: 'fake-secret' };

interface Member {
  user_id: string;
  user_info: { name: string };
}

type EchoClient = Echo<'pusher'>;

/** One protocol frame as the server wrote it. */
interface Frame {
  event: string;
  channel?: string;
  data?: unknown;
}

/** Resolves with the first value `register` hands to its callback. */
function first<T = unknown>(register: (callback: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve) => register(resolve));
}

function collect<T = unknown>(): { values: T[]; push: (value: T) => void } {
  const values: T[] = [];
  return { values, push: (value: T) => values.push(value) };
}

describe('FakePusherService', () => {
  let sut: FakePusherService;
  let server: PusherServer;
  const echoes: EchoClient[] = [];
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    sut = new FakePusherService(APP);
    await sut.start();
    server = new PusherServer(sut.serverLibraryOptions);
  });

  afterEach(async () => {
    for (const echo of echoes.splice(0)) echo.disconnect();
    for (const socket of sockets.splice(0)) socket.terminate();
    await sut.stop();
  });

  /** A laravel-echo client on the real pusher-js, authorizing channels with the given secret. */
  async function connectEcho(
    options: { secret?: string; member?: Member } = {},
  ): Promise<{ echo: EchoClient; socketId: string }> {
    const signer = new PusherServer({
      ...sut.serverLibraryOptions,
      secret: options.secret ?? APP.secret,
    });
    const echo = new Echo({
      broadcaster: 'pusher',
      key: APP.key,
      Pusher: PusherJs,
      ...sut.clientOptions,
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          const presence = channelName.startsWith('presence-') ? options.member : undefined;
          callback(null, signer.authorizeChannel(socketId, channelName, presence));
        },
      },
    });
    echoes.push(echo);
    const pusher = echo.connector.pusher;
    if (pusher.connection.state !== 'connected') {
      await first((resolve) => pusher.connection.bind('connected', resolve));
    }
    return { echo, socketId: echo.socketId()! };
  }

  /** A raw websocket client, to assert the exact wire frames. */
  async function connectRaw(
    key = APP.key,
  ): Promise<{ socket: WebSocket; next: () => Promise<Frame> }> {
    const socket = new WebSocket(
      `ws://${sut.host}:${sut.port}/app/${key}?protocol=7&client=js&version=8.6.0`,
    );
    sockets.push(socket);
    const inbox: Frame[] = [];
    const waiting: Array<(message: Frame) => void> = [];
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as Frame;
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else inbox.push(message);
    });
    const next = () =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift()!)
        : new Promise<Frame>((resolve) => waiting.push(resolve));
    await first((resolve) => socket.once('open', resolve));
    return { socket, next };
  }

  describe('HTTP events API', () => {
    it('delivers a triggered event to a public-channel subscriber through laravel-echo', async () => {
      const { echo, socketId } = await connectEcho();
      const received = first((resolve) =>
        echo.channel('news').listen('.article.published', resolve),
      );
      await first((resolve) => echo.channel('news').subscribed(resolve));

      const response = await server.trigger('news', 'article.published', { id: 7 });

      expect(response.status).toBe(200);
      await expect(response.json()).resolves.toEqual({});
      await expect(received).resolves.toEqual({ id: 7 });
      expect(sut.publishedEvents).toEqual([
        {
          name: 'article.published',
          channel: 'news',
          data: '{"id":7}',
          socketId: null,
          endpoint: 'events',
          deliveredTo: [socketId],
        },
      ]);
      expect(sut.connections).toEqual([
        expect.objectContaining({ socketId, protocol: '7', client: 'js', version: '8.6.0' }),
      ]);
    });

    it('delivers a batch to each event’s channel', async () => {
      const { echo } = await connectEcho();
      const alpha = first((resolve) => echo.channel('alpha').listen('.one', resolve));
      const beta = first((resolve) => echo.channel('beta').listen('.two', resolve));
      await Promise.all([
        first((resolve) => echo.channel('alpha').subscribed(resolve)),
        first((resolve) => echo.channel('beta').subscribed(resolve)),
      ]);

      const response = await server.triggerBatch([
        { channel: 'alpha', name: 'one', data: { n: 1 } },
        { channel: 'beta', name: 'two', data: { n: 2 } },
      ]);

      expect(response.status).toBe(200);
      await expect(alpha).resolves.toEqual({ n: 1 });
      await expect(beta).resolves.toEqual({ n: 2 });
      expect(sut.publishedEvents.map((e) => [e.endpoint, e.channel, e.name])).toEqual([
        ['batch_events', 'alpha', 'one'],
        ['batch_events', 'beta', 'two'],
      ]);
    });

    it('does not deliver to the socket named in socket_id', async () => {
      const sender = await connectEcho();
      const other = await connectEcho();
      const senderSeen = collect<string>();
      const otherSeen = collect<string>();
      for (const [client, seen] of [
        [sender, senderSeen],
        [other, otherSeen],
      ] as const) {
        client.echo.channel('feed').listen('.first', () => seen.push('first'));
        await first((resolve) => client.echo.channel('feed').subscribed(resolve));
      }
      const senderGotSecond = first((resolve) =>
        sender.echo.channel('feed').listen('.second', resolve),
      );

      await server.trigger('feed', 'first', {}, { socket_id: sender.socketId });
      await server.trigger('feed', 'second', {});
      // Frames on one socket keep their order: once `second` arrived, `first` would have too.
      await senderGotSecond;

      expect(senderSeen.values).toEqual([]);
      expect(sut.publishedEvents[0]).toMatchObject({
        socketId: sender.socketId,
        deliveredTo: [other.socketId],
      });
    });

    it('rejects a request signed with the wrong secret with 401', async () => {
      const forger = new PusherServer({ ...sut.serverLibraryOptions, secret: 'not-the-secret' });

      await expect(forger.trigger('news', 'x', {})).rejects.toMatchObject({
        name: 'PusherRequestError',
        status: 401,
        body: expect.stringContaining('Invalid signature'),
      });
      await expect(forger.get({ path: '/channels' })).rejects.toMatchObject({ status: 401 });
      expect(sut.publishedEvents).toEqual([]);
    });

    it('rejects an unknown key, a stale timestamp and a tampered body with 401', async () => {
      const wrongKey = new PusherServer({ ...sut.serverLibraryOptions, key: 'other-key' });
      await expect(wrongKey.trigger('news', 'x', {})).rejects.toMatchObject({
        status: 401,
        body: expect.stringContaining('Unknown auth_key'),
      });

      const later = new FakePusherService({ ...APP, now: () => Date.now() + 601_000 });
      await later.start();
      try {
        const stale = new PusherServer(later.serverLibraryOptions);
        await expect(stale.trigger('news', 'x', {})).rejects.toMatchObject({
          status: 401,
          body: expect.stringContaining('Timestamp expired'),
        });
      } finally {
        await later.stop();
      }

      const path = `/apps/${APP.appId}/events`;
      const signedBody = JSON.stringify({ name: 'x', channel: 'news', data: '{}' });
      const query = server.createSignedQueryString({ method: 'POST', path, body: signedBody });
      const tampered = await fetch(`http://${sut.host}:${sut.port}${path}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: signedBody.replace('news', 'other'),
      });
      expect(tampered.status).toBe(401);
      expect(await tampered.text()).toContain('body_md5');
      expect(sut.publishedEvents).toEqual([]);
    });

    it('answers 404 for an unknown app and 400/413 for bodies over Pusher’s limits', async () => {
      const otherApp = new PusherServer({ ...sut.serverLibraryOptions, appId: '1' });
      await expect(otherApp.trigger('news', 'x', {})).rejects.toMatchObject({ status: 404 });

      await expect(server.trigger('news', 'big', 'x'.repeat(10 * 1024 + 1))).rejects.toMatchObject({
        status: 413,
      });
      const eleven = Array.from({ length: 11 }, (_, i) => ({
        channel: 'c',
        name: `e${i}`,
        data: {},
      }));
      await expect(server.triggerBatch(eleven)).rejects.toMatchObject({
        status: 400,
        body: expect.stringContaining('Batch too large'),
      });

      const post = async (body: unknown) => {
        const path = `/apps/${APP.appId}/events`;
        const raw = JSON.stringify(body);
        const query = server.createSignedQueryString({ method: 'POST', path, body: raw });
        return fetch(`http://${sut.host}:${sut.port}${path}?${query}`, {
          method: 'POST',
          body: raw,
        });
      };
      const channels = Array.from({ length: 101 }, (_, i) => `c${i}`);
      expect((await post({ name: 'x', channels, data: '{}' })).status).toBe(400);
      expect((await post({ name: 'x', channel: 'c' })).status).toBe(400);
      expect((await post({ name: 'x', channel: 'bad channel!', data: '{}' })).status).toBe(400);
      expect((await post({ name: 'x', channel: 'c', data: '{}', socket_id: 'abc' })).status).toBe(
        400,
      );
      expect(sut.publishedEvents).toEqual([]);
    });

    it('reports occupied channels, counts and presence users through pusher.get', async () => {
      const ann = await connectEcho({ member: { user_id: '1', user_info: { name: 'Ann' } } });
      const bob = await connectEcho({ member: { user_id: '2', user_info: { name: 'Bob' } } });
      const annAgain = await connectEcho({ member: { user_id: '1', user_info: { name: 'Ann' } } });
      for (const { echo } of [ann, bob, annAgain]) {
        await first((resolve) => echo.join('room.1').here(resolve));
      }
      await first((resolve) => ann.echo.channel('news').subscribed(resolve));

      const list = await server.get({ path: '/channels' });
      expect(await list.json()).toEqual({ channels: { 'presence-room.1': {}, news: {} } });

      const presence = await server.get({
        path: '/channels',
        params: { filter_by_prefix: 'presence-', info: 'user_count' },
      });
      expect(await presence.json()).toEqual({ channels: { 'presence-room.1': { user_count: 2 } } });

      const room = await server.get({
        path: '/channels/presence-room.1',
        params: { info: 'user_count,subscription_count' },
      });
      expect(await room.json()).toEqual({ occupied: true, user_count: 2, subscription_count: 3 });

      const empty = await server.get({ path: '/channels/nobody-here' });
      expect(await empty.json()).toEqual({ occupied: false });

      const users = await server.get({ path: '/channels/presence-room.1/users' });
      expect(await users.json()).toEqual({ users: [{ id: '1' }, { id: '2' }] });

      await expect(
        server.get({ path: '/channels/news', params: { info: 'user_count' } }),
      ).rejects.toMatchObject({ status: 400 });
    });
  });

  describe('WebSocket protocol', () => {
    it('greets with connection_established, answers pings and acknowledges public subscriptions', async () => {
      const { socket, next } = await connectRaw();

      const established = await next();
      expect(established.event).toBe('pusher:connection_established');
      expect(typeof established.data).toBe('string');
      expect(JSON.parse(established.data as string)).toEqual({
        socket_id: expect.stringMatching(/^\d+\.\d+$/),
        activity_timeout: 120,
      });

      socket.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
      expect(await next()).toEqual({ event: 'pusher:pong', data: '{}' });

      socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'news' } }));
      expect(await next()).toEqual({
        event: 'pusher_internal:subscription_succeeded',
        channel: 'news',
        data: '{}',
      });

      await server.trigger('news', 'hello', { a: 1 });
      expect(await next()).toEqual({ event: 'hello', channel: 'news', data: '{"a":1}' });

      socket.send(JSON.stringify({ event: 'pusher:unsubscribe', data: { channel: 'news' } }));
      socket.send(JSON.stringify({ event: 'pusher:ping', data: {} }));
      await next();
      expect(sut.subscribers('news')).toEqual([]);
    });

    it('refuses an unknown app key with pusher:error 4001 and closes', async () => {
      const { socket, next } = await connectRaw('unknown-key');
      const closed = first<number>((resolve) => socket.once('close', resolve));

      expect(await next()).toEqual({
        event: 'pusher:error',
        data: { code: 4001, message: expect.stringContaining('unknown-key') },
      });
      await expect(closed).resolves.toBe(4001);
      expect(sut.connections).toEqual([]);
    });

    it('subscribes to a private channel with a valid signature', async () => {
      const { echo, socketId } = await connectEcho();
      const received = first((resolve) => echo.private('orders.1').listen('.order.paid', resolve));
      await first((resolve) => echo.private('orders.1').subscribed(resolve));

      await server.trigger('private-orders.1', 'order.paid', { total: 12 });

      await expect(received).resolves.toEqual({ total: 12 });
      expect(sut.subscribers('private-orders.1')).toEqual([socketId]);
    });

    it('refuses a private subscription signed with the wrong secret', async () => {
      const { echo, socketId } = await connectEcho({ secret: 'not-the-secret' });
      const channel = echo.private('orders.1');

      const outcome = await Promise.race([
        first((resolve) => channel.error(resolve)),
        first((resolve) => channel.subscribed(resolve)).then(() => 'subscribed'),
      ]);

      expect(outcome).toEqual({
        type: 'AuthError',
        error: expect.stringContaining('Invalid signature'),
        status: 401,
      });
      expect(sut.subscribers('private-orders.1')).toEqual([]);
      expect(sut.refusedSubscriptions).toEqual([
        expect.objectContaining({ socketId, channel: 'private-orders.1' }),
      ]);
      await server.trigger('private-orders.1', 'order.paid', {});
      expect(sut.publishedEvents[0]!.deliveredTo).toEqual([]);
    });

    it('refuses a private subscription without auth on the raw protocol', async () => {
      const { socket, next } = await connectRaw();
      await next();

      socket.send(
        JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: '' } }),
      );

      expect(await next()).toEqual({
        event: 'pusher:subscription_error',
        channel: 'private-x',
        data: expect.any(String),
      });
      expect(sut.subscribers('private-x')).toEqual([]);
    });

    it('tracks presence: here, joining, leaving, one member per user across connections', async () => {
      const annInfo = { name: 'Ann' };
      const bobInfo = { name: 'Bob' };
      const ann = await connectEcho({ member: { user_id: '1', user_info: annInfo } });
      const annRoom = ann.echo.join('room.1');
      const joined = collect();
      const left = collect();
      annRoom.joining(joined.push).leaving(left.push);
      await expect(first((resolve) => annRoom.here(resolve))).resolves.toEqual([annInfo]);

      const bob = await connectEcho({ member: { user_id: '2', user_info: bobInfo } });
      const bobHere = first<unknown[]>((resolve) => bob.echo.join('room.1').here(resolve));
      const annSawBob = first((resolve) => annRoom.joining(resolve));
      expect(await bobHere).toEqual([annInfo, bobInfo]);
      await expect(annSawBob).resolves.toEqual(bobInfo);

      // Bob again on a second connection: no new member for the others.
      const bobTwice = await connectEcho({ member: { user_id: '2', user_info: bobInfo } });
      expect(await first((resolve) => bobTwice.echo.join('room.1').here(resolve))).toEqual([
        annInfo,
        bobInfo,
      ]);
      const fence = async () => {
        const seen = first((resolve) => annRoom.listen('.fence', resolve));
        await server.trigger('presence-room.1', 'fence', {});
        await seen;
      };
      await fence();
      expect(joined.values).toEqual([bobInfo]);

      // One of Bob's connections leaves: Bob is still there.
      bobTwice.echo.disconnect();
      await sut.connectionClosed(bobTwice.socketId);
      await fence();
      expect(left.values).toEqual([]);

      const annSawBobLeave = first((resolve) => annRoom.leaving(resolve));
      bob.echo.leave('room.1');
      await expect(annSawBobLeave).resolves.toEqual(bobInfo);
      expect(sut.members('presence-room.1')).toEqual([{ id: '1', info: annInfo }]);
    });

    it('speaks the presence frames pusher-js expects on the wire', async () => {
      const join = async (member: Member) => {
        const client = await connectRaw();
        const established = await client.next();
        const socketId = (JSON.parse(established.data as string) as { socket_id: string })
          .socket_id;
        const auth = server.authorizeChannel(socketId, 'presence-lobby', member);
        client.socket.send(
          JSON.stringify({
            event: 'pusher:subscribe',
            data: { channel: 'presence-lobby', ...auth },
          }),
        );
        return { ...client, socketId, succeeded: await client.next() };
      };

      const ann = await join({ user_id: '1', user_info: { name: 'Ann' } });
      expect(ann.succeeded).toEqual({
        event: 'pusher_internal:subscription_succeeded',
        channel: 'presence-lobby',
        data: expect.any(String),
      });
      expect(JSON.parse(ann.succeeded.data as string)).toEqual({
        presence: { count: 1, ids: ['1'], hash: { '1': { name: 'Ann' } } },
      });

      const bob = await join({ user_id: '2', user_info: { name: 'Bob' } });
      expect(JSON.parse(bob.succeeded.data as string)).toEqual({
        presence: {
          count: 2,
          ids: ['1', '2'],
          hash: { '1': { name: 'Ann' }, '2': { name: 'Bob' } },
        },
      });
      expect(await ann.next()).toEqual({
        event: 'pusher_internal:member_added',
        channel: 'presence-lobby',
        data: '{"user_id":"2","user_info":{"name":"Bob"}}',
      });

      bob.socket.send(
        JSON.stringify({ event: 'client-wave', channel: 'presence-lobby', data: { hi: true } }),
      );
      expect(await ann.next()).toEqual({
        event: 'client-wave',
        channel: 'presence-lobby',
        data: { hi: true },
        user_id: '2',
      });

      bob.socket.close();
      expect(await ann.next()).toEqual({
        event: 'pusher_internal:member_removed',
        channel: 'presence-lobby',
        data: '{"user_id":"2"}',
      });
    });

    it('relays a whisper to the other subscribers and not to the sender', async () => {
      const alice = await connectEcho();
      const bob = await connectEcho();
      const aliceChannel = alice.echo.private('chat.9');
      const bobChannel = bob.echo.private('chat.9');
      await first((resolve) => aliceChannel.subscribed(resolve));
      await first((resolve) => bobChannel.subscribed(resolve));
      const aliceHeardTyping = collect();
      aliceChannel.listenForWhisper('typing', aliceHeardTyping.push);
      const bobHeard = first((resolve) => bobChannel.listenForWhisper('typing', resolve));
      const aliceGotAck = first((resolve) => aliceChannel.listenForWhisper('ack', resolve));

      aliceChannel.whisper('typing', { who: 'alice' });
      await expect(bobHeard).resolves.toEqual({ who: 'alice' });
      bobChannel.whisper('ack', {});
      // Alice's own whisper would have reached her before Bob's answer.
      await aliceGotAck;

      expect(aliceHeardTyping.values).toEqual([]);
      expect(sut.clientEvents[0]).toMatchObject({
        socketId: alice.socketId,
        event: 'client-typing',
        deliveredTo: [bob.socketId],
      });
    });

    it('rejects client events on public channels and on channels the sender has not joined', async () => {
      const { socket, next } = await connectRaw();
      await next();
      socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'news' } }));
      await next();

      socket.send(JSON.stringify({ event: 'client-x', channel: 'news', data: {} }));
      expect(await next()).toMatchObject({
        event: 'pusher:error',
        data: { message: expect.stringContaining('private and presence') },
      });
      socket.send(JSON.stringify({ event: 'client-x', channel: 'private-y', data: {} }));
      expect(await next()).toMatchObject({ event: 'pusher:error' });
      expect(sut.clientEvents).toEqual([]);
    });
  });
});
