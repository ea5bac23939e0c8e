import {
  campaignChannel,
  echoChannelName,
  RealtimeEvent,
  userChannel,
  workspaceAgentsChannel,
  workspaceChannel,
  workspaceChatChannel,
  type AgentPresenceInfo,
  type SessionStatusChangedPayload,
} from '@switchboard/contracts';
import { io as connectSocket } from 'socket.io-client';
import { BroadcasterService } from '../src/realtime/broadcaster.service';
import {
  BROADCAST_DRIVER,
  type BroadcastDriverPort,
} from '../src/realtime/drivers/broadcast-driver.port';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { startTestApp, type TestApp } from './test-app';
import {
  connectEcho,
  connected,
  deferred,
  disconnectAllEchoClients,
  joined,
  listenOnLoopback,
  nextEvent,
  seedRealtimeWorld,
  socketOf,
  subscriptionError,
  waitFor,
  type EchoClient,
  type RealtimeWorld,
} from './realtime-test-kit';

/** The Echo gateway on one node, driven by the real laravel-echo 2.5 + socket.io-client 4.8. */
describe('realtime: Echo protocol gateway', () => {
  let t: TestApp;
  let url: string;
  let world: RealtimeWorld;
  let gateway: EchoGateway;
  let broadcaster: BroadcasterService;
  let driver: BroadcastDriverPort;

  beforeAll(async () => {
    t = await startTestApp();
    url = await listenOnLoopback(t.app);
    world = await seedRealtimeWorld(t);
    gateway = t.app.get(EchoGateway);
    broadcaster = t.app.get(BroadcasterService);
    driver = t.app.get<BroadcastDriverPort>(BROADCAST_DRIVER);
  });

  afterEach(() => disconnectAllEchoClients());
  afterAll(() => t.close());

  const statusPayload = (status: 'connected' | 'disconnected'): SessionStatusChangedPayload => ({
    workspace_id: world.workspaceA,
    session_uuid: 'session-1',
    status,
    phone_number: '+6281200000000',
    at: new Date().toISOString(),
  });

  /** Broadcast on a channel the client has joined; everything sent before it has arrived first. */
  const marker = async (echo: EchoClient, channel: string): Promise<void> => {
    const name = channel.replace(/^(private|presence)-/, '');
    const target = channel.startsWith('presence-')
      ? echo.join(name)
      : channel.startsWith('private-')
        ? echo.private(name)
        : echo.channel(name);
    const seen = nextEvent(target, '.test.marker');
    await driver.publish({
      channels: [channel],
      event: 'test.marker',
      payload: {},
      exceptSocketId: null,
    });
    await seen;
  };

  it('delivers events on public, private and presence channels', async () => {
    const echo = connectEcho(url, { token: world.ownerA.token });
    const lobby = echo.channel('lobby');
    const workspace = echo.private(echoChannelName(workspaceChannel(world.workspaceA)));
    const agents = echo.join(echoChannelName(workspaceAgentsChannel(world.workspaceA)));
    const publicEvent = nextEvent(lobby, '.lobby.opened');
    const privateEvent = nextEvent(workspace, `.${RealtimeEvent.SESSION_STATUS_CHANGED}`);
    const presenceEvent = nextEvent(agents, '.agents.note');
    for (const channel of [
      'lobby',
      workspaceChannel(world.workspaceA),
      workspaceAgentsChannel(world.workspaceA),
    ]) {
      await joined(gateway, echo, channel);
    }

    await driver.publish({
      channels: ['lobby'],
      event: 'lobby.opened',
      payload: { n: 1 },
      exceptSocketId: null,
    });
    const payload = statusPayload('connected');
    await broadcaster.broadcast(
      workspaceChannel(world.workspaceA),
      RealtimeEvent.SESSION_STATUS_CHANGED,
      payload,
    );
    await driver.publish({
      channels: [workspaceAgentsChannel(world.workspaceA)],
      event: 'agents.note',
      payload: { n: 3 },
      exceptSocketId: null,
    });

    expect(await publicEvent).toEqual({ n: 1 });
    expect(await privateEvent).toEqual(payload);
    expect(await presenceEvent).toEqual({ n: 3 });
  });

  it('authorizes with the sb_session cookie of the handshake, as a browser sends it', async () => {
    const echo = connectEcho(url, { cookie: `other=1; sb_session=${world.agentA.token}` });
    const channel = echo.private(echoChannelName(userChannel(world.agentA.id)));
    const received = nextEvent(channel, `.${RealtimeEvent.DRIVER_CHANGED}`);
    await joined(gateway, echo, userChannel(world.agentA.id));
    await broadcaster.broadcast(userChannel(world.agentA.id), RealtimeEvent.DRIVER_CHANGED, {
      driver: 'socketio',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(await received).toEqual({ driver: 'socketio', at: '2026-01-01T00:00:00.000Z' });
  });

  it('keeps one presence entry per user across sockets, with joining/leaving only for the first and last', async () => {
    const channel = workspaceAgentsChannel(world.workspaceA);
    const name = echoChannelName(channel);
    const owner = connectEcho(url, { token: world.ownerA.token });
    const joinings: AgentPresenceInfo[] = [];
    const leavings: AgentPresenceInfo[] = [];
    const ownerHere = deferred<AgentPresenceInfo[]>();
    owner
      .join(name)
      .here((members: AgentPresenceInfo[]) => ownerHere.resolve(members))
      .joining((member: AgentPresenceInfo) => joinings.push(member))
      .leaving((member: AgentPresenceInfo) => leavings.push(member));
    const ownerInfo: AgentPresenceInfo = {
      id: world.ownerA.id,
      name: world.ownerA.name,
      role: 'owner',
    };
    const agentInfo: AgentPresenceInfo = {
      id: world.agentA.id,
      name: world.agentA.name,
      role: 'agent',
    };
    expect(await ownerHere.promise).toEqual([ownerInfo]);

    const agentHere = async (echo: EchoClient): Promise<AgentPresenceInfo[]> => {
      const here = deferred<AgentPresenceInfo[]>();
      echo.join(name).here((members: AgentPresenceInfo[]) => here.resolve(members));
      return here.promise;
    };
    const byId = (members: AgentPresenceInfo[]) => [...members].sort((a, b) => a.id - b.id);
    const agent1 = connectEcho(url, { token: world.agentA.token });
    expect(byId(await agentHere(agent1))).toEqual(byId([ownerInfo, agentInfo]));
    const agent2 = connectEcho(url, { token: world.agentA.token });
    expect(byId(await agentHere(agent2))).toEqual(byId([ownerInfo, agentInfo]));
    await marker(owner, channel);
    expect(joinings).toEqual([agentInfo]);

    agent1.disconnect();
    await waitFor(async () => (await gateway.server.in(channel).fetchSockets()).length === 2);
    await gateway.idle();
    await marker(owner, channel);
    expect(leavings).toEqual([]);

    agent2.leave(name);
    await waitFor(() => leavings.length === 1, 'presence:leaving');
    expect(leavings).toEqual([agentInfo]);
  });

  it('relays whispers to the other members only, never on public or unjoined channels', async () => {
    const channel = workspaceChatChannel(world.workspaceA, world.contactA);
    const name = echoChannelName(channel);
    const sender = connectEcho(url, { token: world.ownerA.token });
    const other = connectEcho(url, { token: world.agentA.token });
    const heardBySender: unknown[] = [];
    const heardByOther: unknown[] = [];
    sender.private(name).listenForWhisper('typing', (data: unknown) => heardBySender.push(data));
    other.private(name).listenForWhisper('typing', (data: unknown) => heardByOther.push(data));
    other.channel('lobby').listenForWhisper('typing', (data: unknown) => heardByOther.push(data));
    sender.channel('lobby');
    for (const echo of [sender, other]) {
      await joined(gateway, echo, channel);
      await joined(gateway, echo, 'lobby');
    }
    // A channel the sender never joined.
    const unjoined = workspaceChannel(world.workspaceA);
    other
      .private(echoChannelName(unjoined))
      .listenForWhisper('typing', (data: unknown) => heardByOther.push(data));
    await joined(gateway, other, unjoined);

    const socket = socketOf(sender);
    socket.emit('client event', {
      channel: 'lobby',
      event: 'client-typing',
      data: { on: 'public' },
    });
    socket.emit('client event', {
      channel: unjoined,
      event: 'client-typing',
      data: { on: 'unjoined' },
    });
    socket.emit('client event', { channel, event: 'typing', data: { on: 'not-client-prefixed' } });
    sender.private(name).whisper('typing', { on: 'private' });

    await waitFor(() => heardByOther.length > 0, 'the whisper');
    await marker(sender, channel);
    expect(heardByOther).toEqual([{ on: 'private' }]);
    expect(heardBySender).toEqual([]);
  });

  it('limits whispers per socket: size and rate; excess is dropped and counted', async () => {
    const channel = workspaceChannel(world.workspaceA);
    const sender = connectEcho(url, { token: world.ownerA.token });
    const other = connectEcho(url, { token: world.agentA.token });
    const heard: Array<{ i: number }> = [];
    other
      .private(echoChannelName(channel))
      .listenForWhisper('burst', (data: { i: number }) => heard.push(data));
    sender.private(echoChannelName(channel));
    await joined(gateway, sender, channel);
    await joined(gateway, other, channel);
    const before = { ...gateway.dropped };

    sender.private(echoChannelName(channel)).whisper('burst', { i: -1, pad: 'x'.repeat(20_000) });
    for (let i = 0; i < 30; i += 1)
      sender.private(echoChannelName(channel)).whisper('burst', { i });
    await waitFor(
      () => gateway.dropped.rate_limited - before.rate_limited >= 15,
      'rate-limited whispers',
    );
    await marker(other, channel);

    expect(gateway.dropped.too_large - before.too_large).toBe(1);
    expect(heard.length).toBeGreaterThanOrEqual(10);
    expect(heard.length).toBeLessThanOrEqual(15);
    expect(heard.slice(0, 10).map((h) => h.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('denies every channel of workspace B to a member of workspace A with 403, and joins nothing', async () => {
    const echo = connectEcho(url, { token: world.ownerA.token });
    await connected(echo);
    const denied = [
      workspaceChannel(world.workspaceB),
      workspaceChatChannel(world.workspaceB, world.contactB),
      // A's workspace, B's contact: the contact must belong to the channel's workspace.
      workspaceChatChannel(world.workspaceA, world.contactB),
      workspaceAgentsChannel(world.workspaceB),
      userChannel(world.ownerB.id),
      campaignChannel(world.campaignB),
    ];
    const statuses = denied.map((channel) => subscriptionError(echo, channel));
    for (const channel of denied) {
      if (channel.startsWith('presence-')) echo.join(echoChannelName(channel));
      else echo.private(echoChannelName(channel));
    }
    expect(await Promise.all(statuses)).toEqual(denied.map(() => 403));
    for (const channel of denied) {
      expect(await gateway.server.in(channel).fetchSockets()).toEqual([]);
    }

    // Its own campaign channel works, and an undeclared private pattern is unknown (404).
    const own = echo.private(echoChannelName(campaignChannel(world.campaignA)));
    const stats = nextEvent(own, `.${RealtimeEvent.CAMPAIGN_STATISTICS_UPDATED}`);
    const unknown = subscriptionError(echo, 'private-orders.1');
    echo.private('orders.1');
    expect(await unknown).toBe(404);
    await joined(gateway, echo, campaignChannel(world.campaignA));
    const payload = {
      workspace_id: world.workspaceA,
      campaign_uuid: world.campaignA,
      statistics: { total: 2, pending: 1, sent: 1, delivered: 0, read: 0, failed: 0 },
      at: new Date().toISOString(),
    };
    await broadcaster.broadcast(
      campaignChannel(world.campaignA),
      RealtimeEvent.CAMPAIGN_STATISTICS_UPDATED,
      payload,
    );
    expect(await stats).toEqual(payload);
  });

  it('denies an unauthenticated socket (401) on every private and presence channel', async () => {
    const echo = connectEcho(url);
    const forged = connectEcho(url, { token: 'forged-token' });
    const channels = [
      workspaceChannel(world.workspaceA),
      workspaceChatChannel(world.workspaceA, world.contactA),
      workspaceAgentsChannel(world.workspaceA),
      userChannel(world.ownerA.id),
      campaignChannel(world.campaignA),
    ];
    for (const client of [echo, forged]) {
      const statuses = channels.map((channel) => subscriptionError(client, channel));
      for (const channel of channels) {
        if (channel.startsWith('presence-')) client.join(echoChannelName(channel));
        else client.private(echoChannelName(channel));
      }
      expect(await Promise.all(statuses)).toEqual(channels.map(() => 401));
    }
    for (const channel of channels) {
      expect(await gateway.server.in(channel).fetchSockets()).toEqual([]);
    }
  });

  it('emits event names verbatim: listen("Foo") gets App\\Events\\Foo, ".foo" gets foo', async () => {
    const echo = connectEcho(url);
    const channel = echo.channel('orders');
    const namespaced = nextEvent(channel, 'OrderShipped');
    const dotted = nextEvent(channel, '.order.shipped');
    const undotted: unknown[] = [];
    channel.listen('order.shipped', (data: unknown) => undotted.push(data));
    await joined(gateway, echo, 'orders');

    const publish = (event: string, payload: unknown) =>
      driver.publish({ channels: ['orders'], event, payload, exceptSocketId: null });
    await publish('App\\Events\\OrderShipped', { id: 1 });
    await publish('order.shipped', { id: 2 });
    expect(await namespaced).toEqual({ id: 1 });
    expect(await dotted).toEqual({ id: 2 });
    await marker(echo, 'orders');
    expect(undotted).toEqual([]);
  });

  it('leaves out exactly the socket named by exceptSocketId (X-Socket-Id, toOthers)', async () => {
    const channel = workspaceChannel(world.workspaceA);
    const name = echoChannelName(channel);
    const clients = [
      connectEcho(url, { token: world.ownerA.token }),
      connectEcho(url, { token: world.ownerA.token }),
      connectEcho(url, { token: world.agentA.token }),
    ];
    const received = clients.map(() => [] as unknown[]);
    clients.forEach((echo, i) =>
      echo
        .private(name)
        .listen(`.${RealtimeEvent.SESSION_STATUS_CHANGED}`, (data: unknown) =>
          received[i]!.push(data),
        ),
    );
    for (const echo of clients) await joined(gateway, echo, channel);

    const payload = statusPayload('disconnected');
    await broadcaster.broadcast(channel, RealtimeEvent.SESSION_STATUS_CHANGED, payload, {
      exceptSocketId: clients[0]!.socketId(),
    });
    await waitFor(() => received[1]!.length === 1 && received[2]!.length === 1, 'the others');
    await marker(clients[0]!, channel);
    expect(received).toEqual([[], [payload], [payload]]);
  });

  it('subscribes again after the connection drops, and events arrive again', async () => {
    const channel = workspaceChannel(world.workspaceA);
    const echo = connectEcho(url, { token: world.ownerA.token });
    const events: unknown[] = [];
    echo
      .private(echoChannelName(channel))
      .listen(`.${RealtimeEvent.SESSION_STATUS_CHANGED}`, (data: unknown) => events.push(data));
    await joined(gateway, echo, channel);
    const firstId = echo.socketId();

    // A network drop as the server sees it: the transport closes without a DISCONNECT packet.
    gateway.server.of('/').sockets.get(firstId!)!.conn.close();
    await waitFor(() => socketOf(echo).connected && echo.socketId() !== firstId, 'reconnect');
    await joined(gateway, echo, channel);
    const payload = statusPayload('connected');
    await broadcaster.broadcast(channel, RealtimeEvent.SESSION_STATUS_CHANGED, payload);
    await waitFor(() => events.length === 1, 'the event after reconnecting');
    expect(events).toEqual([payload]);
  });

  it('survives malformed packets and keeps serving the socket', async () => {
    const socket = connectSocket(url, { transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.emit('subscribe');
      socket.emit('subscribe', null);
      socket.emit('subscribe', 'lobby');
      socket.emit('subscribe', { channel: 42 });
      socket.emit('subscribe', { channel: 'x'.repeat(5_000) });
      socket.emit('unsubscribe', [1, 2]);
      socket.emit('client event', 'not json');
      socket.emit('client event', { channel: 'lobby' });
      socket.emit('client event', null);
      const errors: unknown[][] = [];
      socket.on('subscription_error', (...args: unknown[]) => errors.push(args));
      socket.emit('subscribe', { channel: 'private-nope', auth: 'junk' });
      socket.emit('subscribe', { channel: 'lobby' });
      socket.emit('subscribe', { channel: 'lobby' }); // idempotent
      const received = new Promise<unknown[]>((resolve) =>
        socket.on('still.alive', (...args: unknown[]) => resolve(args)),
      );
      await waitFor(async () => (await gateway.server.in('lobby').fetchSockets()).length === 1);
      await driver.publish({
        channels: ['lobby'],
        event: 'still.alive',
        payload: { ok: true },
        exceptSocketId: null,
      });
      expect(await received).toEqual(['lobby', { ok: true }]);
      expect(errors).toEqual([['private-nope', 404]]);
    } finally {
      socket.disconnect();
    }
  });

  it('refuses to broadcast a contract event on a channel it is not declared for', async () => {
    await expect(
      broadcaster.broadcast(
        // Deliberately wrong at runtime: status events belong on workspace channels only.
        userChannel(world.ownerA.id) as unknown as ReturnType<typeof workspaceChannel>,
        RealtimeEvent.SESSION_STATUS_CHANGED,
        statusPayload('connected'),
      ),
    ).rejects.toThrow('may not be broadcast');
  });
});
