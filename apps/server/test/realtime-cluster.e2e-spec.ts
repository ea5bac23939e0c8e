import {
  echoChannelName,
  RealtimeEvent,
  workspaceAgentsChannel,
  workspaceChannel,
  type AgentPresenceInfo,
  type QrCodeGeneratedPayload,
} from '@switchboard/contracts';
import { BroadcasterService } from '../src/realtime/broadcaster.service';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { startTestApp, type TestApp } from './test-app';
import {
  deferred,
  disconnectAllEchoClients,
  joined,
  listenOnLoopback,
  seedRealtimeWorld,
  startPeerNode,
  waitFor,
  type EchoClient,
  connectEcho,
  type PeerNode,
  type RealtimeWorld,
} from './realtime-test-kit';

/**
 * Two server nodes on one database, joined by the fan-out driver of the run: Redis when
 * TEST_REDIS_URL is set, the in-memory cluster bus otherwise.
 */
describe('realtime: two server nodes', () => {
  let nodeA: TestApp;
  let urlA: string;
  let gatewayA: EchoGateway;
  let nodeB: PeerNode;
  let world: RealtimeWorld;

  beforeAll(async () => {
    nodeA = await startTestApp();
    urlA = await listenOnLoopback(nodeA.app);
    gatewayA = nodeA.app.get(EchoGateway);
    world = await seedRealtimeWorld(nodeA);
    nodeB = await startPeerNode(nodeA);
    for (const gateway of [gatewayA, nodeB.gateway]) {
      await waitFor(
        async () => (await gateway.server.of('/').adapter.serverCount()) === 2,
        'two nodes',
      );
    }
  });

  afterEach(() => disconnectAllEchoClients());
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  const qrPayload = (n: number): QrCodeGeneratedPayload => ({
    workspace_id: world.workspaceA,
    session_uuid: 'session-1',
    qr_code_base64: `data:image/png;base64,${n}`,
    expires_in_seconds: 60,
    window_ends_at: new Date(Date.now() + 60_000).toISOString(),
    at: new Date().toISOString(),
  });

  it('delivers a broadcast made on node A to a client connected to node B', async () => {
    const channel = workspaceChannel(world.workspaceA);
    const echo = connectEcho(nodeB.url, { token: world.ownerA.token });
    const received = deferred<unknown>();
    echo
      .private(echoChannelName(channel))
      .listen(`.${RealtimeEvent.QR_CODE_GENERATED}`, (data: unknown) => received.resolve(data));
    await joined(nodeB.gateway, echo, channel);

    const payload = qrPayload(1);
    await nodeA.app
      .get(BroadcasterService)
      .broadcast(channel, RealtimeEvent.QR_CODE_GENERATED, payload);
    expect(await received.promise).toEqual(payload);
  });

  it('shows the same presence members on both nodes, one entry per user across nodes', async () => {
    const channel = workspaceAgentsChannel(world.workspaceA);
    const name = echoChannelName(channel);
    const join = async (url: string, token: string) => {
      const echo = connectEcho(url, { token });
      const here = deferred<AgentPresenceInfo[]>();
      const joinings: AgentPresenceInfo[] = [];
      const leavings: AgentPresenceInfo[] = [];
      echo
        .join(name)
        .here((members: AgentPresenceInfo[]) => here.resolve(members))
        .joining((member: AgentPresenceInfo) => joinings.push(member))
        .leaving((member: AgentPresenceInfo) => leavings.push(member));
      return { echo, members: await here.promise, joinings, leavings };
    };
    const ids = (members: AgentPresenceInfo[]) => members.map((m) => m.id).sort((a, b) => a - b);
    const both = [world.ownerA.id, world.agentA.id].sort((a, b) => a - b);

    const owner = await join(urlA, world.ownerA.token);
    const agentOnB = await join(nodeB.url, world.agentA.token);
    const agentOnA = await join(urlA, world.agentA.token);
    expect(ids(agentOnB.members)).toEqual(both);
    expect(ids(agentOnA.members)).toEqual(both);
    expect(agentOnA.members).toContainEqual({
      id: world.agentA.id,
      name: world.agentA.name,
      role: 'agent',
    });

    // A newcomer on either node gets the same list.
    const watcherOnA = await join(urlA, world.ownerA.token);
    const watcherOnB = await join(nodeB.url, world.ownerA.token);
    expect(ids(watcherOnA.members)).toEqual(both);
    expect(ids(watcherOnB.members)).toEqual(both);
    await waitFor(() => owner.joinings.length >= 1, 'presence:joining');

    // The agent leaves node B but is still on node A: nobody sees them leave yet.
    agentOnB.echo.disconnect();
    await waitFor(
      async () => (await gatewayA.server.in(channel).fetchSockets()).length === 4,
      'the agent socket on node B to be gone',
    );
    await nodeB.gateway.idle();
    agentOnA.echo.leave(name);
    await waitFor(() => owner.leavings.length === 1, 'presence:leaving');
    await waitFor(() => watcherOnB.leavings.length === 1, 'presence:leaving on node B');
    expect(owner.joinings.map((m) => m.id)).toEqual([world.agentA.id]);
    expect(owner.leavings.map((m) => m.id)).toEqual([world.agentA.id]);
    expect(watcherOnB.leavings.map((m) => m.id)).toEqual([world.agentA.id]);
  });

  it('re-subscribes after its node restarts, and events arrive again', async () => {
    const channel = workspaceChannel(world.workspaceA);
    const echo: EchoClient = connectEcho(nodeB.url, { token: world.ownerA.token });
    const events: QrCodeGeneratedPayload[] = [];
    echo
      .private(echoChannelName(channel))
      .listen(`.${RealtimeEvent.QR_CODE_GENERATED}`, (data: QrCodeGeneratedPayload) =>
        events.push(data),
      );
    await joined(nodeB.gateway, echo, channel);
    const port = Number(new URL(nodeB.url).port);

    await nodeB.close();
    nodeB = await startPeerNode(nodeA, port);
    await joined(nodeB.gateway, echo, channel);
    // Pub/sub keeps nothing for a node that has not subscribed yet: wait until A counts it.
    await waitFor(
      async () => (await gatewayA.server.of('/').adapter.serverCount()) === 2,
      'B back',
    );

    const payload = qrPayload(2);
    await nodeA.app
      .get(BroadcasterService)
      .broadcast(channel, RealtimeEvent.QR_CODE_GENERATED, payload);
    await waitFor(() => events.length === 1, 'the event after the restart');
    expect(events).toEqual([payload]);
  });
});
