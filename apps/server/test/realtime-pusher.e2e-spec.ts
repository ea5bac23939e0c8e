import {
  echoChannelName,
  RealtimeEvent,
  userChannel,
  workspaceAgentsChannel,
  workspaceChannel,
  type AgentPresenceInfo,
  type SessionStatusChangedPayload,
} from '@switchboard/contracts';
import { FakePusherService, waitFor } from '@switchboard/testing';
import Echo from 'laravel-echo';
import PusherJs from 'pusher-js';
import { BroadcasterService } from '../src/realtime/broadcaster.service';
import {
  BROADCAST_DRIVER,
  type BroadcastDriverPort,
} from '../src/realtime/drivers/broadcast-driver.port';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';
import {
  listenOnLoopback,
  nextEvent,
  seedRealtimeWorld,
  type RealtimeWorld,
} from './realtime-test-kit';

const APP = { appId: '9001', key: 'core-key', secret: 'core-secret-value' };

type PusherEcho = Echo<'pusher'>;

/**
 * The same core cases as the socket.io gateway, with the `pusher` driver active: the real
 * laravel-echo `pusher` broadcaster on pusher-js, channels signed by the server's
 * `/broadcasting/auth`, events published through the fake Pusher's HTTP API.
 */
describe('realtime: laravel-echo over pusher-js with the pusher driver', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let pusher: FakePusherService;
  let broadcaster: BroadcasterService;
  let driver: BroadcastDriverPort;
  const echoes: PusherEcho[] = [];

  beforeAll(async () => {
    pusher = new FakePusherService(APP);
    await pusher.start();
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    broadcaster = t.app.get(BroadcasterService);
    driver = t.app.get<BroadcastDriverPort>(BROADCAST_DRIVER);
    const admin = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    await t
      .http()
      .put('/api/admin/settings/broadcast')
      .set({ authorization: `Bearer ${admin}` })
      .send({
        driver: 'pusher',
        pusher: {
          app_id: APP.appId,
          app_key: APP.key,
          app_secret: APP.secret,
          host: pusher.host,
          port: pusher.port,
          scheme: 'http',
        },
      })
      .expect(200);
  });

  afterEach(() => {
    for (const echo of echoes.splice(0)) echo.disconnect();
  });

  afterAll(async () => {
    await t.close();
    await pusher.stop();
  });

  /** A browser-like client: pusher-js, with `/broadcasting/auth` on the server signing channels. */
  async function connect(token?: string): Promise<{ echo: PusherEcho; socketId: string }> {
    const echo = new Echo({
      broadcaster: 'pusher',
      Pusher: PusherJs,
      key: APP.key,
      ...pusher.clientOptions,
      authEndpoint: `${url}/broadcasting/auth`,
      auth: { headers: token ? { authorization: `Bearer ${token}` } : {} },
    });
    echoes.push(echo);
    const connection = echo.connector.pusher.connection;
    if (connection.state !== 'connected')
      await new Promise((resolve) => connection.bind('connected', resolve));
    return { echo, socketId: echo.socketId()! };
  }

  const subscribed = (channel: string, count = 1) =>
    waitFor(() => pusher.subscribers(channel).length >= count, `${count} on ${channel}`);

  /** The status pusher-js reports when the server refuses to sign a channel. */
  function refusal(subscription: { error(callback: (error: unknown) => void): unknown }) {
    return new Promise<number>((resolve) =>
      subscription.error((error: unknown) => resolve((error as { status: number }).status)),
    );
  }

  const statusPayload = (status: 'connected' | 'disconnected'): SessionStatusChangedPayload => ({
    workspace_id: world.workspaceA,
    session_uuid: 'pusher-session',
    status,
    phone_number: null,
    at: new Date().toISOString(),
  });

  it('delivers events on public, private and presence channels', async () => {
    const { echo } = await connect(world.agentA.token);
    const publicEvent = nextEvent(echo.channel('lobby'), '.hello');
    const privateEvent = nextEvent(
      echo.private(echoChannelName(workspaceChannel(world.workspaceA))),
      `.${RealtimeEvent.SESSION_STATUS_CHANGED}`,
    );
    const presence = echo.join(echoChannelName(workspaceAgentsChannel(world.workspaceA)));
    const here = new Promise<AgentPresenceInfo[]>((resolve) => presence.here(resolve));
    await subscribed('lobby');
    await subscribed(workspaceChannel(world.workspaceA));

    await driver.publish({
      channels: ['lobby'],
      event: 'hello',
      payload: { n: 1 },
      exceptSocketId: null,
    });
    await broadcaster.broadcast(
      workspaceChannel(world.workspaceA),
      RealtimeEvent.SESSION_STATUS_CHANGED,
      statusPayload('connected'),
    );
    expect(await publicEvent).toEqual({ n: 1 });
    expect(await privateEvent).toMatchObject({ status: 'connected' });
    expect(await here).toEqual([{ id: world.agentA.id, name: world.agentA.name, role: 'agent' }]);
  });

  it('shows presence members with the server’s user info, and joining/leaving', async () => {
    const channel = echoChannelName(workspaceAgentsChannel(world.workspaceA));
    const { echo: owner } = await connect(world.ownerA.token);
    const ownerPresence = owner.join(channel);
    await new Promise((resolve) => ownerPresence.here(resolve));
    const joining = new Promise<AgentPresenceInfo>((resolve) => ownerPresence.joining(resolve));
    const leaving = new Promise<AgentPresenceInfo>((resolve) => ownerPresence.leaving(resolve));

    const { echo: agent } = await connect(world.agentA.token);
    const here = new Promise<AgentPresenceInfo[]>((resolve) => agent.join(channel).here(resolve));
    expect(await joining).toEqual({ id: world.agentA.id, name: world.agentA.name, role: 'agent' });
    expect((await here).map((m) => m.id).sort()).toEqual([world.ownerA.id, world.agentA.id].sort());
    agent.disconnect();
    expect(await leaving).toMatchObject({ id: world.agentA.id });
  });

  it('relays whispers to the other members only', async () => {
    const name = echoChannelName(workspaceChannel(world.workspaceA));
    const { echo: sender } = await connect(world.ownerA.token);
    const { echo: receiver } = await connect(world.agentA.token);
    const senderGot: unknown[] = [];
    sender.private(name).listenForWhisper('typing', (e: unknown) => senderGot.push(e));
    const got = new Promise((resolve) =>
      receiver.private(name).listenForWhisper('typing', resolve),
    );
    await subscribed(workspaceChannel(world.workspaceA), 2);
    sender.private(name).whisper('typing', { user: world.ownerA.id });
    expect(await got).toEqual({ user: world.ownerA.id });
    expect(pusher.clientEvents.at(-1)?.deliveredTo).toHaveLength(1);
    expect(senderGot).toEqual([]);
  });

  it('denies every channel of workspace B to a member of workspace A, and a stranger everything', async () => {
    const { echo } = await connect(world.ownerA.token);
    const statuses = await Promise.all([
      refusal(echo.private(echoChannelName(workspaceChannel(world.workspaceB)))),
      refusal(echo.join(echoChannelName(workspaceAgentsChannel(world.workspaceB)))),
      refusal(echo.private(echoChannelName(userChannel(world.ownerB.id)))),
    ]);
    expect(statuses).toEqual([403, 403, 403]);
    const { echo: stranger } = await connect();
    expect(
      await refusal(stranger.private(echoChannelName(workspaceChannel(world.workspaceA)))),
    ).toBe(401);
    expect(pusher.subscribers(workspaceChannel(world.workspaceB))).toEqual([]);
  });

  it('emits event names verbatim: listen("Foo") gets App\\Events\\Foo, ".foo" gets foo', async () => {
    const { echo } = await connect();
    const channel = echo.channel('orders');
    const namespaced = nextEvent(channel, 'OrderShipped');
    const dotted = nextEvent(channel, '.order.shipped');
    const undotted: unknown[] = [];
    channel.listen('order.shipped', (data: unknown) => undotted.push(data));
    await subscribed('orders');
    const publish = (event: string, payload: unknown) =>
      driver.publish({ channels: ['orders'], event, payload, exceptSocketId: null });
    await publish('App\\Events\\OrderShipped', { id: 1 });
    await publish('order.shipped', { id: 2 });
    expect(await namespaced).toEqual({ id: 1 });
    expect(await dotted).toEqual({ id: 2 });
    expect(undotted).toEqual([]);
  });

  it('leaves out the sender named by X-Socket-Id ("toOthers")', async () => {
    const name = echoChannelName(workspaceChannel(world.workspaceA));
    const sender = await connect(world.ownerA.token);
    const other = await connect(world.agentA.token);
    const senderGot: unknown[] = [];
    sender.echo
      .private(name)
      .listen(`.${RealtimeEvent.SESSION_STATUS_CHANGED}`, (p: unknown) => senderGot.push(p));
    const otherGot = nextEvent(
      other.echo.private(name),
      `.${RealtimeEvent.SESSION_STATUS_CHANGED}`,
    );
    await subscribed(workspaceChannel(world.workspaceA), 2);
    await broadcaster.broadcast(
      workspaceChannel(world.workspaceA),
      RealtimeEvent.SESSION_STATUS_CHANGED,
      statusPayload('disconnected'),
      {
        exceptSocketId: sender.socketId,
      },
    );
    expect(await otherGot).toMatchObject({ status: 'disconnected' });
    expect(pusher.publishedEvents.at(-1)?.deliveredTo).toEqual([other.socketId]);
    expect(senderGot).toEqual([]);
  });

  it('subscribes again after a network drop, and events arrive again', async () => {
    const name = echoChannelName(workspaceChannel(world.workspaceA));
    const { echo } = await connect(world.agentA.token);
    const received: unknown[] = [];
    echo
      .private(name)
      .listen(`.${RealtimeEvent.SESSION_STATUS_CHANGED}`, (p: unknown) => received.push(p));
    await subscribed(workspaceChannel(world.workspaceA));
    const first = echo.socketId();
    await pusher.dropConnections();
    await waitFor(
      () =>
        echo.socketId() !== first &&
        pusher.subscribers(workspaceChannel(world.workspaceA)).length === 1,
      'the client to reconnect and subscribe again',
    );
    await broadcaster.broadcast(
      workspaceChannel(world.workspaceA),
      RealtimeEvent.SESSION_STATUS_CHANGED,
      statusPayload('connected'),
    );
    await waitFor(() => received.length === 1, 'the event after the reconnect');
  });
});
