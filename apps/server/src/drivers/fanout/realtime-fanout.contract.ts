// The behaviour every RealtimeFanout must have; realtime-fanout.spec.ts runs it against each driver
// with two real socket.io servers ("nodes") on random ports and real socket.io clients.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { deferred, waitFor } from '../testing/driver-test-utils';
import type { RealtimeFanout, RealtimeFanoutDriver } from './realtime-fanout.port';

/** The nodes of one cluster: one shared in-memory fanout, or one Redis fanout per node. */
export interface FanoutCluster {
  fanoutForNode(): RealtimeFanout;
  close(): Promise<void>;
}

export interface RealtimeFanoutHarness {
  driver: RealtimeFanoutDriver;
  createCluster(): FanoutCluster;
}

interface Node {
  io: Server;
  url: string;
}

async function startNode(fanout: RealtimeFanout): Promise<Node> {
  const httpServer = createServer();
  const io = new Server(httpServer);
  fanout.attach(io);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { io, url: `http://127.0.0.1:${port}` };
}

async function connectClient(node: Node): Promise<ClientSocket> {
  const client = connect(node.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return client;
}

export function realtimeFanoutContract(harness: RealtimeFanoutHarness): void {
  let cluster: FanoutCluster;
  let fanouts: RealtimeFanout[];
  let nodeA: Node;
  let nodeB: Node;
  let nodes: Node[] = [];
  const clients: ClientSocket[] = [];

  beforeEach(async () => {
    cluster = harness.createCluster();
    fanouts = [cluster.fanoutForNode(), cluster.fanoutForNode()];
    nodeA = await startNode(fanouts[0]!);
    nodeB = await startNode(fanouts[1]!);
    nodes = [nodeA, nodeB];
    // A node only waits for answers from the nodes it knows of; wait until they found each other.
    for (const node of [nodeA, nodeB]) {
      await waitFor(async () => (await node.io.of('/').adapter.serverCount()) === 2, 'two nodes');
    }
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await Promise.all(nodes.splice(0).map((node) => node.io.close()));
    await Promise.all(fanouts.map((fanout) => fanout.close()));
    await cluster.close();
  });

  const clientOn = async (node: Node): Promise<ClientSocket> => {
    const client = await connectClient(node);
    clients.push(client);
    return client;
  };

  /** Joins a room on the node that owns the socket, as the Echo gateway does on `subscribe`. */
  const joinLocally = (node: Node, client: ClientSocket, room: string): void => {
    const socket = node.io.sockets.sockets.get(client.id!);
    expect(socket).toBeDefined();
    void socket!.join(room);
  };

  it('reports which driver it is', () => {
    expect(fanouts.map((fanout) => fanout.driver)).toEqual([harness.driver, harness.driver]);
  });

  it('delivers a room broadcast from node A to a client connected to node B', async () => {
    const client = await clientOn(nodeB);
    joinLocally(nodeB, client, 'private-workspace.1');
    const received = deferred<unknown[]>();
    client.on('message.created', (...args: unknown[]) => received.resolve(args));

    nodeA.io.to('private-workspace.1').emit('message.created', 'private-workspace.1', { id: 42 });
    expect(await received.promise).toEqual(['private-workspace.1', { id: 42 }]);
  });

  it('delivers binary payloads across nodes intact', async () => {
    const client = await clientOn(nodeB);
    joinLocally(nodeB, client, 'private-chat.1');
    const received = deferred<unknown>();
    client.on('media.thumbnail', (payload: unknown) => received.resolve(payload));

    nodeA.io.to('private-chat.1').emit('media.thumbnail', { bytes: Buffer.from([0, 1, 254, 255]) });
    const payload = (await received.promise) as { bytes: ArrayBuffer | Uint8Array };
    expect([...new Uint8Array(payload.bytes)]).toEqual([0, 1, 254, 255]);
  });

  it('lets node A fetch the sockets of both nodes, with their rooms and data (presence)', async () => {
    const onA = await clientOn(nodeA);
    const onB = await clientOn(nodeB);
    joinLocally(nodeB, onB, 'presence-chat.7');
    nodeB.io.sockets.sockets.get(onB.id!)!.data = { userId: 7, name: 'Ana' };

    const everyone = await nodeA.io.fetchSockets();
    expect(everyone.map((socket) => socket.id).sort()).toEqual([onA.id, onB.id].sort());

    const members = await nodeA.io.in('presence-chat.7').fetchSockets();
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ id: onB.id, data: { userId: 7, name: 'Ana' } });
    expect([...members[0]!.rooms]).toContain('presence-chat.7');
  });

  it('delivers serverSideEmit to the other node, and gathers its acknowledgement', async () => {
    const heard = deferred<unknown[]>();
    nodeB.io.on('session.rehome', (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (reply: string) => void)('node-b done');
      else heard.resolve(args);
    });

    nodeA.io.serverSideEmit('session.rehome', { sessionId: 3 });
    expect(await heard.promise).toEqual([{ sessionId: 3 }]);
    const replies: unknown = await nodeA.io.serverSideEmitWithAck('session.rehome', {
      sessionId: 4,
    });
    expect(replies).toEqual(['node-b done']);
  });

  it('stops delivering to a socket once it left the room, even when node A made it leave', async () => {
    const client = await clientOn(nodeB);
    joinLocally(nodeB, client, 'private-chat.9');
    const received: string[] = [];
    const first = deferred();
    const marker = deferred();
    client.on('chat.event', (n: string) => {
      received.push(n);
      first.resolve();
    });
    client.on('marker', () => marker.resolve());
    nodeA.io.to('private-chat.9').emit('chat.event', 'before');
    await first.promise;

    nodeA.io.in(client.id!).socketsLeave('private-chat.9');
    // Cluster messages from one node are handled in order, so this runs after the leave on B.
    expect(await nodeA.io.in('private-chat.9').fetchSockets()).toEqual([]);
    nodeA.io.to('private-chat.9').emit('chat.event', 'after');
    nodeA.io.to(client.id!).emit('marker');
    await marker.promise;
    expect(received).toEqual(['before']);
  });
}
