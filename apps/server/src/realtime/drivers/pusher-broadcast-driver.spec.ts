import { FakePusherService, waitFor } from '@switchboard/testing';
import Echo from 'laravel-echo';
import PusherJs from 'pusher-js';
import { PusherBroadcastDriver } from './pusher-broadcast-driver';

const APP = { appId: '77', key: 'driver-key', secret: 'driver-secret' };

describe('PusherBroadcastDriver against the fake Pusher service', () => {
  let pusher: FakePusherService;
  let sut: PusherBroadcastDriver;
  const echoes: Array<Echo<'pusher'>> = [];

  beforeEach(async () => {
    pusher = new FakePusherService(APP);
    await pusher.start();
    sut = new PusherBroadcastDriver({
      ...APP,
      cluster: 'mt1',
      host: pusher.host,
      port: pusher.port,
      useTLS: false,
    });
  });

  afterEach(async () => {
    for (const echo of echoes.splice(0)) echo.disconnect();
    await pusher.stop();
  });

  /** A browser-like laravel-echo client on pusher-js, its channels signed by the driver. */
  async function connect(): Promise<{ echo: Echo<'pusher'>; socketId: string }> {
    const echo = new Echo({
      broadcaster: 'pusher',
      key: APP.key,
      Pusher: PusherJs,
      ...pusher.clientOptions,
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) =>
          callback(null, sut.authorizeChannel(socketId, channelName)),
      },
    });
    echoes.push(echo);
    const connection = echo.connector.pusher.connection;
    if (connection.state !== 'connected') {
      await new Promise((resolve) => connection.bind('connected', resolve));
    }
    return { echo, socketId: echo.socketId()! };
  }

  function nextEvent(echo: Echo<'pusher'>, channel: string, event: string): Promise<unknown> {
    return new Promise((resolve) => echo.private(channel).listen(`.${event}`, resolve));
  }

  /** Waits until the service has `count` subscribers on the channel (subscribing is async). */
  const subscribed = (channel: string, count = 1) =>
    waitFor(
      () => pusher.subscribers(channel).length >= count,
      `${count} subscribers on ${channel}`,
    );

  it('delivers an event to a private channel subscriber as laravel-echo expects', async () => {
    const { echo } = await connect();
    const received = nextEvent(echo, 'workspace.5', 'session-status-changed');
    await subscribed('private-workspace.5');
    await sut.publish({
      channels: ['private-workspace.5'],
      event: 'session-status-changed',
      payload: { status: 'connected' },
      exceptSocketId: null,
    });
    expect(await received).toEqual({ status: 'connected' });
  });

  it('leaves out the sender named by exceptSocketId, and only it', async () => {
    const sender = await connect();
    const other = await connect();
    const senderGot: unknown[] = [];
    sender.echo
      .private('workspace.6')
      .listen('.message.received', (p: unknown) => senderGot.push(p));
    const otherGot = nextEvent(other.echo, 'workspace.6', 'message.received');
    await subscribed('private-workspace.6', 2);
    await new Promise((r) => setImmediate(r));
    await sut.publish({
      channels: ['private-workspace.6'],
      event: 'message.received',
      payload: { n: 1 },
      exceptSocketId: sender.socketId,
    });
    expect(await otherGot).toEqual({ n: 1 });
    expect(pusher.publishedEvents.at(-1)?.deliveredTo).toEqual([other.socketId]);
    expect(senderGot).toEqual([]);
  });

  it('splits more than 100 channels into as few triggers as the API allows', async () => {
    const channels = Array.from({ length: 250 }, (_, i) => `private-user.${i + 1}`);
    await sut.publish({ channels, event: 'x.y', payload: {}, exceptSocketId: null });
    expect(pusher.publishedEvents.map((e) => e.channel).sort()).toEqual([...channels].sort());
    const triggers = pusher.httpRequests.filter((r) => r.path.endsWith('/events'));
    expect(triggers).toHaveLength(3);
  });

  it('rejects with the service answer when the credentials are wrong', async () => {
    const wrong = new PusherBroadcastDriver({
      ...APP,
      secret: 'not-the-secret',
      cluster: 'mt1',
      host: pusher.host,
      port: pusher.port,
      useTLS: false,
    });
    await expect(
      wrong.publish({
        channels: ['private-user.1'],
        event: 'x',
        payload: {},
        exceptSocketId: null,
      }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
