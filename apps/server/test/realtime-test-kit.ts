// Helpers for the realtime e2e specs: server nodes on loopback ports and real laravel-echo clients.
import { waitFor } from '@switchboard/testing';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Echo from 'laravel-echo';
import pino from 'pino';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { REALTIME_FANOUT, type RealtimeFanout } from '../src/drivers/fanout/realtime-fanout.port';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, type TestApp } from './test-app';

export type EchoClient = Echo<'socket.io'>;

/** Listens on 127.0.0.1 (a random port unless given) and returns the base URL. */
export async function listenOnLoopback(app: INestApplication, port = 0): Promise<string> {
  await app.listen(port, '127.0.0.1');
  const address = (app.getHttpServer() as { address(): AddressInfo }).address();
  return `http://127.0.0.1:${address.port}`;
}

export interface PeerNode {
  app: INestApplication;
  url: string;
  gateway: EchoGateway;
  close(): Promise<void>;
}

/**
 * A second server node on the primary's database and drivers. With Redis both nodes meet through
 * Redis (same QUEUE_PREFIX); with the in-memory fan-out the peer joins the primary's bus, as a node
 * of a Redis cluster would, but leaves closing the bus to the primary.
 */
export async function startPeerNode(primary: TestApp, port = 0): Promise<PeerNode> {
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(primary.config, pino({ level: 'silent' }))],
  });
  const shared = primary.app.get<RealtimeFanout>(REALTIME_FANOUT);
  if (shared.driver === 'in-memory') {
    const peerFanout: RealtimeFanout = {
      driver: shared.driver,
      attach: (server) => shared.attach(server),
      close: () => Promise.resolve(),
    };
    builder.overrideProvider(REALTIME_FANOUT).useValue(peerFanout);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const url = await listenOnLoopback(app, port);
  return { app, url, gateway: app.get(EchoGateway), close: () => app.close() };
}

export interface EchoCredentials {
  token?: string;
  /** Sent as the handshake's Cookie header, as a browser would. */
  cookie?: string;
}

const clients = new Set<EchoClient>();

/** A real laravel-echo 2.5 client over socket.io-client 4.8 (websocket only, quick reconnects). */
export function connectEcho(url: string, credentials: EchoCredentials = {}): EchoClient {
  const echo = new Echo<'socket.io'>({
    broadcaster: 'socket.io',
    host: url,
    client: io,
    transports: ['websocket'],
    bearerToken: credentials.token ?? null,
    // Echo 2.5 writes the bearer into its static default `auth` object unless given its own, so
    // without this every later client (in one process) would send the previous client's token.
    auth: { headers: {} },
    ...(credentials.cookie ? { extraHeaders: { cookie: credentials.cookie } } : {}),
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    withoutInterceptors: true,
  });
  clients.add(echo);
  return echo;
}

export function disconnectAllEchoClients(): void {
  for (const echo of clients) echo.disconnect();
  clients.clear();
}

/** The socket.io-client socket under an Echo client. */
export function socketOf(echo: EchoClient): ClientSocket {
  return echo.connector.socket as unknown as ClientSocket;
}

/** Resolves with the socket id once the client is connected. */
export function connected(echo: EchoClient): Promise<string> {
  const socket = socketOf(echo);
  if (socket.connected && socket.id) return Promise.resolve(socket.id);
  return new Promise((resolve) => socket.once('connect', () => resolve(socket.id!)));
}

/** The next `subscription_error` status for one channel (Echo's `.error()` never fires on socket.io). */
export function subscriptionError(echo: EchoClient, channel: string): Promise<number> {
  return new Promise((resolve) => {
    const handler = (name: string, status: number): void => {
      if (name !== channel) return;
      socketOf(echo).off('subscription_error', handler);
      resolve(status);
    };
    socketOf(echo).on('subscription_error', handler);
  });
}

/** Waits until the node has put the client's current socket into the channel. */
export async function joined(
  gateway: EchoGateway,
  echo: EchoClient,
  channel: string,
): Promise<void> {
  await waitFor(async () => {
    const { id, connected: isConnected } = socketOf(echo);
    if (!id || !isConnected) return false;
    const sockets = await gateway.server.in(channel).fetchSockets();
    return sockets.some((socket) => socket.id === id);
  }, `${channel} to contain the client`);
}

/** Resolves with the next payload of one event on one channel. */
export function nextEvent<T = unknown>(
  channel: { listen(event: string, callback: (data: T) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => channel.listen(event, resolve));
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

export interface SeededUser {
  id: number;
  name: string;
  token: string;
}

export interface RealtimeWorld {
  workspaceA: number;
  workspaceB: number;
  ownerA: SeededUser;
  agentA: SeededUser;
  ownerB: SeededUser;
  contactA: number;
  contactB: number;
  campaignA: string;
  campaignB: string;
}

/** Two workspaces through the API: owner + agent in A, owner in B, a contact and a campaign in each. */
export async function seedRealtimeWorld(t: TestApp): Promise<RealtimeWorld> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const admin = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
  const createWorkspace = async (name: string): Promise<number> =>
    (await t.http().post('/api/workspaces').set(bearer(admin)).send({ name }).expect(201)).body
      .id as number;
  const workspaceA = await createWorkspace('Acme');
  const workspaceB = await createWorkspace('Beta');
  const member = async (
    workspaceId: number,
    email: string,
    role: string,
    firstName: string,
  ): Promise<SeededUser> => {
    await t
      .http()
      .post('/api/members')
      .set({ ...bearer(admin), 'x-workspace-id': String(workspaceId) })
      .send({ email, role, first_name: firstName, password: 'member-password' })
      .expect(201);
    const token = await loginToken(t, email, 'member-password');
    const me = (await t.http().get('/api/auth/me').set(bearer(token)).expect(200)).body as {
      user: { id: number; name: string };
    };
    return { id: me.user.id, name: me.user.name, token };
  };
  const ownerA = await member(workspaceA, 'owner-a@example.com', 'owner', 'Olga');
  const agentA = await member(workspaceA, 'agent-a@example.com', 'agent', 'Arif');
  const ownerB = await member(workspaceB, 'owner-b@example.com', 'owner', 'Bima');
  const contact = async (token: string, phone: string): Promise<number> => {
    const { uuid } = (
      await t
        .http()
        .post('/api/contacts')
        .set(bearer(token))
        .send({ first_name: 'Customer', phone })
        .expect(201)
    ).body as { uuid: string };
    const row = await t.app
      .get(DataSource)
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('contacts', 'c')
      .where('c.uuid = :uuid', { uuid })
      .getRawOne<{ id: number | string }>();
    return Number(row!.id);
  };
  const campaign = async (workspaceId: number): Promise<string> => {
    const uuid = randomUUID();
    await t.app
      .get(DataSource)
      .createQueryBuilder()
      .insert()
      .into('campaigns')
      .values({ uuid, workspace_id: workspaceId, name: 'Launch', created_by: 1 })
      .execute();
    return uuid;
  };
  return {
    workspaceA,
    workspaceB,
    ownerA,
    agentA,
    ownerB,
    contactA: await contact(ownerA.token, '+62 812-1111-2222'),
    contactB: await contact(ownerB.token, '+62 812-3333-4444'),
    campaignA: await campaign(workspaceA),
    campaignB: await campaign(workspaceB),
  };
}
export { waitFor };
