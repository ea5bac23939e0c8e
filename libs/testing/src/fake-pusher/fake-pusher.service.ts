import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { hmacSha256Hex, secureEquals, verifyRequestSignature } from './fake-pusher.signature';

/**
 * A local stand-in for the Pusher Channels service: the signed HTTP events API and the
 * websocket protocol 7 spoken by pusher-js, for one app, on 127.0.0.1 and a random port.
 */

export interface FakePusherOptions {
  appId: string;
  key: string;
  secret: string;
  /** The server clock in ms, used to check `auth_timestamp`. */
  now?: () => number;
}

/** One event published through the HTTP API, once per target channel. */
export interface FakePusherPublishedEvent {
  name: string;
  channel: string;
  data: string;
  /** The excluded socket, when the request named one. */
  socketId: string | null;
  endpoint: 'events' | 'batch_events';
  /** Socket ids the event was written to. */
  deliveredTo: string[];
}

export interface FakePusherConnection {
  socketId: string;
  protocol: string | null;
  client: string | null;
  version: string | null;
  /** Channels this connection is subscribed to now. */
  channels: string[];
  open: boolean;
}

export interface FakePusherClientEvent {
  socketId: string;
  channel: string;
  event: string;
  data: unknown;
  deliveredTo: string[];
}

export interface FakePusherRefusedSubscription {
  socketId: string;
  channel: string;
  error: string;
}

export interface FakePusherHttpRequest {
  method: string;
  path: string;
  status: number;
  /** The error text answered, for non-2xx responses. */
  error: string | null;
}

export interface FakePusherMember {
  id: string;
  info: unknown;
}

/** Options for the official `pusher` server library. */
export interface FakePusherServerLibraryOptions {
  appId: string;
  key: string;
  secret: string;
  host: string;
  port: string;
  useTLS: false;
}

/** Options for `pusher-js` (directly or through laravel-echo's `pusher` broadcaster). */
export interface FakePusherClientOptions {
  wsHost: string;
  wsPort: number;
  forceTLS: false;
  enabledTransports: ['ws'];
  disableStats: true;
  cluster: string;
}

const MAX_EVENT_DATA_BYTES = 10 * 1024;
const MAX_CHANNELS_PER_EVENT = 100;
const MAX_BATCH_SIZE = 10;
const MAX_EVENT_NAME_LENGTH = 200;
const MAX_CHANNEL_NAME_LENGTH = 164;
const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
const ACTIVITY_TIMEOUT_SECONDS = 120;
const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]+$/;
const SOCKET_ID = /^\d+\.\d+$/;

interface Subscriber {
  userId: string | null;
  userInfo: unknown;
}

interface Connection {
  socket: WebSocket;
  info: FakePusherConnection;
}

interface WireMessage {
  event: string;
  channel?: string;
  data?: unknown;
  user_id?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface EventToPublish {
  name: string;
  channels: string[];
  data: string;
  socketId: string | null;
  info: string[];
}

export class FakePusherService {
  readonly appId: string;
  readonly key: string;
  readonly secret: string;
  readonly host = '127.0.0.1';

  readonly publishedEvents: FakePusherPublishedEvent[] = [];
  readonly connections: FakePusherConnection[] = [];
  readonly clientEvents: FakePusherClientEvent[] = [];
  readonly refusedSubscriptions: FakePusherRefusedSubscription[] = [];
  readonly httpRequests: FakePusherHttpRequest[] = [];

  private readonly now: () => number;
  private readonly live = new Map<string, Connection>();
  private readonly closeWaiters = new Map<string, Array<() => void>>();
  /** channel → socket id → subscriber, in subscription order. */
  private readonly channels = new Map<string, Map<string, Subscriber>>();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private listeningPort: number | null = null;

  constructor(options: FakePusherOptions) {
    this.appId = options.appId;
    this.key = options.key;
    this.secret = options.secret;
    this.now = options.now ?? (() => Date.now());
  }

  get port(): number {
    if (this.listeningPort === null) throw new Error('FakePusherService is not started');
    return this.listeningPort;
  }

  get serverLibraryOptions(): FakePusherServerLibraryOptions {
    return {
      appId: this.appId,
      key: this.key,
      secret: this.secret,
      host: this.host,
      port: String(this.port),
      useTLS: false,
    };
  }

  get clientOptions(): FakePusherClientOptions {
    return {
      wsHost: this.host,
      wsPort: this.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
      cluster: 'mt1',
    };
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('FakePusherService is already started');
    const server = createServer((req, res) => void this.handleHttp(req, res));
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.handleUpgrade(wss, req, socket, head),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.wss = wss;
    this.listeningPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const { server, wss } = this;
    this.server = null;
    this.wss = null;
    for (const connection of this.live.values()) connection.socket.terminate();
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
  }

  /**
   * Cuts every client connection without a close handshake, as a network drop would; pusher-js
   * reconnects and subscribes again. Resolves once the server has handled every close.
   */
  async dropConnections(): Promise<void> {
    const ids = [...this.live.keys()];
    const closed = ids.map((id) => this.connectionClosed(id));
    for (const id of ids) this.live.get(id)?.socket.terminate();
    await Promise.all(closed);
  }

  /** Resolves once the server has handled the close of this connection (and its departures). */
  connectionClosed(socketId: string): Promise<void> {
    if (!this.live.has(socketId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.closeWaiters.get(socketId) ?? [];
      waiters.push(resolve);
      this.closeWaiters.set(socketId, waiters);
    });
  }

  /** Socket ids subscribed to a channel now. */
  subscribers(channel: string): string[] {
    return [...(this.channels.get(channel)?.keys() ?? [])];
  }

  /** Distinct members of a presence channel now. */
  members(channel: string): FakePusherMember[] {
    const byUser = new Map<string, unknown>();
    for (const subscriber of this.channels.get(channel)?.values() ?? []) {
      if (subscriber.userId !== null && !byUser.has(subscriber.userId)) {
        byUser.set(subscriber.userId, subscriber.userInfo);
      }
    }
    return [...byUser].map(([id, info]) => ({ id, info }));
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP API

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
    try {
      const rawBody = await readBody(req);
      const body = this.route(method, path, query, rawBody);
      this.httpRequests.push({ method, path, status: 200, error: null });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      this.httpRequests.push({ method, path, status, error: message });
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${message}\n`);
    }
  }

  private route(method: string, path: string, query: URLSearchParams, rawBody: string): unknown {
    const match = /^\/apps\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) throw new HttpError(404, 'Not found');
    if (decodeURIComponent(match[1]!) !== this.appId) throw new HttpError(404, 'Unknown app');

    const authError = verifyRequestSignature(
      { method, path, query, rawBody, nowMs: this.now() },
      { key: this.key, secret: this.secret },
    );
    if (authError !== null) throw new HttpError(401, authError);

    const resource = match[2] ?? '';
    const channelMatch = /^\/channels\/([^/]+)(\/users)?$/.exec(resource);
    if (resource === '/events' || resource === '/batch_events') {
      if (method !== 'POST') throw new HttpError(405, 'Method not allowed');
      const body = parseJsonObject(rawBody);
      return resource === '/events' ? this.handleEvents(body) : this.handleBatch(body);
    }
    if (resource === '/channels' || channelMatch) {
      if (method !== 'GET') throw new HttpError(405, 'Method not allowed');
      if (!channelMatch) return this.listChannels(query);
      const channel = decodeURIComponent(channelMatch[1]!);
      assertChannelName(channel);
      return channelMatch[2] ? this.listUsers(channel) : this.describeChannel(channel, query);
    }
    throw new HttpError(404, 'Not found');
  }

  private handleEvents(body: Record<string, unknown>): unknown {
    const hasChannel = body.channel !== undefined;
    const hasChannels = body.channels !== undefined;
    if (hasChannel === hasChannels) {
      throw new HttpError(400, 'Exactly one of channel or channels must be given');
    }
    let channels: string[];
    if (hasChannels) {
      if (!Array.isArray(body.channels) || body.channels.length === 0) {
        throw new HttpError(400, 'channels must be a non-empty array of channel names');
      }
      if (body.channels.length > MAX_CHANNELS_PER_EVENT) {
        throw new HttpError(
          400,
          `Too many channels: ${body.channels.length}, maximum is ${MAX_CHANNELS_PER_EVENT}`,
        );
      }
      channels = body.channels.map((channel) => {
        if (typeof channel !== 'string') throw new HttpError(400, 'Invalid channel name');
        return channel;
      });
    } else {
      if (typeof body.channel !== 'string') throw new HttpError(400, 'Invalid channel name');
      channels = [body.channel];
    }
    const event = parseEvent(body, channels);
    this.publish(event, 'events');
    if (event.info.length === 0) return {};
    return {
      channels: Object.fromEntries(channels.map((c) => [c, this.eventInfo(c, event.info)])),
    };
  }

  private handleBatch(body: Record<string, unknown>): unknown {
    const batch = body.batch;
    if (!Array.isArray(batch) || batch.length === 0) {
      throw new HttpError(400, 'batch must be a non-empty array of events');
    }
    if (batch.length > MAX_BATCH_SIZE) {
      throw new HttpError(
        400,
        `Batch too large: ${batch.length} events, maximum is ${MAX_BATCH_SIZE}`,
      );
    }
    // Validate the whole batch first: a bad event publishes nothing.
    const events = batch.map((item: unknown) => {
      if (!isObject(item)) throw new HttpError(400, 'Each batch event must be an object');
      if (typeof item.channel !== 'string') {
        throw new HttpError(400, 'Each batch event needs a single channel');
      }
      return parseEvent(item, [item.channel]);
    });
    for (const event of events) this.publish(event, 'batch_events');
    if (events.every((event) => event.info.length === 0)) return {};
    return { batch: events.map((event) => this.eventInfo(event.channels[0]!, event.info)) };
  }

  private eventInfo(channel: string, info: string[]): Record<string, number> {
    const result: Record<string, number> = {};
    if (info.includes('subscription_count'))
      result.subscription_count = this.subscribers(channel).length;
    if (info.includes('user_count') && channel.startsWith('presence-')) {
      result.user_count = this.members(channel).length;
    }
    return result;
  }

  private listChannels(query: URLSearchParams): unknown {
    const prefix = query.get('filter_by_prefix') ?? '';
    const info = parseInfo(query.get('info'));
    if (info.includes('user_count') && !prefix.startsWith('presence-')) {
      throw new HttpError(400, 'user_count may only be requested with filter_by_prefix=presence-');
    }
    const channels: Record<string, Record<string, number>> = {};
    for (const [name, subscribers] of this.channels) {
      if (subscribers.size === 0 || !name.startsWith(prefix)) continue;
      channels[name] = this.channelAttributes(name, info);
    }
    return { channels };
  }

  private describeChannel(channel: string, query: URLSearchParams): unknown {
    const info = parseInfo(query.get('info'));
    if (info.includes('user_count') && !channel.startsWith('presence-')) {
      throw new HttpError(400, 'user_count is only available for presence channels');
    }
    return {
      occupied: this.subscribers(channel).length > 0,
      ...this.channelAttributes(channel, info),
    };
  }

  private channelAttributes(channel: string, info: string[]): Record<string, number> {
    const attributes: Record<string, number> = {};
    if (info.includes('user_count')) attributes.user_count = this.members(channel).length;
    if (info.includes('subscription_count')) {
      attributes.subscription_count = this.subscribers(channel).length;
    }
    return attributes;
  }

  private listUsers(channel: string): unknown {
    if (!channel.startsWith('presence-')) {
      throw new HttpError(400, 'Users can only be listed for presence channels');
    }
    return { users: this.members(channel).map(({ id }) => ({ id })) };
  }

  private publish(event: EventToPublish, endpoint: FakePusherPublishedEvent['endpoint']): void {
    for (const channel of event.channels) {
      const deliveredTo: string[] = [];
      for (const socketId of this.subscribers(channel)) {
        if (socketId === event.socketId) continue;
        this.send(socketId, { event: event.name, channel, data: event.data });
        deliveredTo.push(socketId);
      }
      this.publishedEvents.push({
        name: event.name,
        channel,
        data: event.data,
        socketId: event.socketId,
        endpoint,
        deliveredTo,
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // WebSocket protocol

  private handleUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://fake-pusher');
    const match = /^\/app\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const key = decodeURIComponent(match[1]!);
      if (key !== this.key) {
        this.refuse(
          ws,
          4001,
          `App key ${key} not in this cluster. Did you forget to specify the cluster?`,
        );
        return;
      }
      const protocol = url.searchParams.get('protocol');
      const protocolVersion = Number(protocol);
      if (!Number.isInteger(protocolVersion) || protocolVersion < 5 || protocolVersion > 7) {
        this.refuse(ws, 4007, `Unsupported protocol version: ${protocol ?? 'none'}`);
        return;
      }
      this.accept(ws, url.searchParams);
    });
  }

  private refuse(ws: WebSocket, code: number, message: string): void {
    ws.send(JSON.stringify({ event: 'pusher:error', data: { code, message } }));
    ws.close(code, message);
  }

  private accept(ws: WebSocket, query: URLSearchParams): void {
    let socketId = newSocketId();
    while (this.live.has(socketId)) socketId = newSocketId();
    const info: FakePusherConnection = {
      socketId,
      protocol: query.get('protocol'),
      client: query.get('client'),
      version: query.get('version'),
      channels: [],
      open: true,
    };
    this.connections.push(info);
    this.live.set(socketId, { socket: ws, info });
    ws.on('message', (raw: RawData) => this.handleMessage(socketId, raw));
    ws.on('close', () => this.handleClose(socketId));
    ws.on('error', () => ws.terminate());
    this.send(socketId, {
      event: 'pusher:connection_established',
      data: JSON.stringify({ socket_id: socketId, activity_timeout: ACTIVITY_TIMEOUT_SECONDS }),
    });
  }

  private handleMessage(socketId: string, raw: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(rawDataToString(raw));
    } catch {
      this.sendError(socketId, null, 'Invalid JSON');
      return;
    }
    if (!isObject(message) || typeof message.event !== 'string') {
      this.sendError(socketId, null, 'Message must be an object with an event');
      return;
    }
    const data = decodeData(message.data);
    switch (message.event) {
      case 'pusher:ping':
        this.send(socketId, { event: 'pusher:pong', data: '{}' });
        return;
      case 'pusher:subscribe':
        this.subscribe(socketId, data);
        return;
      case 'pusher:unsubscribe':
        if (isObject(data) && typeof data.channel === 'string') {
          this.removeSubscription(socketId, data.channel);
        }
        return;
      default:
        if (message.event.startsWith('client-')) {
          this.relayClientEvent(socketId, message.event, message.channel, message.data);
        }
      // Other pusher:* events (signin, …) are not modelled and are ignored.
    }
  }

  private subscribe(socketId: string, data: unknown): void {
    if (!isObject(data) || typeof data.channel !== 'string') {
      this.sendError(socketId, null, 'Subscription request must name a channel');
      return;
    }
    const channel = data.channel;
    if (channel.length > MAX_CHANNEL_NAME_LENGTH || !CHANNEL_NAME.test(channel)) {
      this.refuseSubscription(socketId, channel, `Invalid channel name: ${channel}`);
      return;
    }
    let subscriber: Subscriber = { userId: null, userInfo: undefined };
    if (channel.startsWith('private-') || channel.startsWith('presence-')) {
      const channelData = typeof data.channel_data === 'string' ? data.channel_data : null;
      const authError = this.checkSubscriptionAuth(socketId, channel, data.auth, channelData);
      if (authError !== null) {
        this.refuseSubscription(socketId, channel, authError);
        return;
      }
      if (channel.startsWith('presence-')) {
        const member = parsePresenceData(channelData);
        if (typeof member === 'string') {
          this.refuseSubscription(socketId, channel, member);
          return;
        }
        subscriber = member;
      }
    }

    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = new Map();
      this.channels.set(channel, subscribers);
    }
    const isPresence = channel.startsWith('presence-');
    const alreadySubscribed = subscribers.has(socketId);
    const userWasPresent =
      subscriber.userId !== null &&
      [...subscribers].some(([id, other]) => id !== socketId && other.userId === subscriber.userId);
    subscribers.set(socketId, subscriber);
    const info = this.live.get(socketId)?.info;
    if (info && !alreadySubscribed) info.channels.push(channel);

    if (isPresence && !alreadySubscribed && !userWasPresent) {
      const added = JSON.stringify({ user_id: subscriber.userId, user_info: subscriber.userInfo });
      for (const other of subscribers.keys()) {
        if (other !== socketId) {
          this.send(other, { event: 'pusher_internal:member_added', channel, data: added });
        }
      }
    }
    this.send(socketId, {
      event: 'pusher_internal:subscription_succeeded',
      channel,
      data: JSON.stringify(isPresence ? { presence: this.presenceSnapshot(channel) } : {}),
    });
  }

  private checkSubscriptionAuth(
    socketId: string,
    channel: string,
    auth: unknown,
    channelData: string | null,
  ): string | null {
    if (typeof auth !== 'string' || auth.length === 0) {
      return `Auth info required to subscribe to ${channel}`;
    }
    const separator = auth.indexOf(':');
    const key = separator === -1 ? auth : auth.slice(0, separator);
    const signature = separator === -1 ? '' : auth.slice(separator + 1);
    if (key !== this.key) return `Invalid key in subscription auth data: '${key}'`;
    const signed = channel.startsWith('presence-')
      ? `${socketId}:${channel}:${channelData ?? ''}`
      : `${socketId}:${channel}`;
    if (!secureEquals(signature, hmacSha256Hex(this.secret, signed))) {
      return `Invalid signature: Expected HMAC SHA256 hex digest of ${signed}, but got ${signature}`;
    }
    return null;
  }

  private refuseSubscription(socketId: string, channel: string, error: string): void {
    this.refusedSubscriptions.push({ socketId, channel, error });
    this.send(socketId, {
      event: 'pusher:subscription_error',
      channel,
      data: JSON.stringify({ type: 'AuthError', error, status: 401 }),
    });
  }

  private presenceSnapshot(channel: string): {
    count: number;
    ids: string[];
    hash: Record<string, unknown>;
  } {
    const members = this.members(channel);
    return {
      count: members.length,
      ids: members.map(({ id }) => id),
      hash: Object.fromEntries(members.map(({ id, info }) => [id, info ?? null])),
    };
  }

  private removeSubscription(socketId: string, channel: string): void {
    const subscribers = this.channels.get(channel);
    const subscriber = subscribers?.get(socketId);
    if (!subscribers || !subscriber) return;
    subscribers.delete(socketId);
    const info = this.live.get(socketId)?.info;
    if (info) info.channels = info.channels.filter((name) => name !== channel);
    if (subscribers.size === 0) this.channels.delete(channel);

    const userLeft =
      subscriber.userId !== null &&
      ![...subscribers.values()].some((other) => other.userId === subscriber.userId);
    if (userLeft) {
      const removed = JSON.stringify({ user_id: subscriber.userId });
      for (const other of subscribers.keys()) {
        this.send(other, { event: 'pusher_internal:member_removed', channel, data: removed });
      }
    }
  }

  private relayClientEvent(socketId: string, event: string, channel: unknown, data: unknown): void {
    if (typeof channel !== 'string') {
      this.sendError(socketId, null, 'Client event rejected - no channel given');
      return;
    }
    if (!channel.startsWith('private-') && !channel.startsWith('presence-')) {
      this.sendError(
        socketId,
        null,
        'Client event rejected - only supported on private and presence channels',
      );
      return;
    }
    const subscribers = this.channels.get(channel);
    const sender = subscribers?.get(socketId);
    if (!subscribers || !sender) {
      this.sendError(socketId, null, `Client event rejected - not subscribed to ${channel}`);
      return;
    }
    if (event.length > MAX_EVENT_NAME_LENGTH) {
      this.sendError(socketId, null, 'Client event rejected - event name too long');
      return;
    }
    const message: WireMessage = { event, channel, data };
    if (sender.userId !== null) message.user_id = sender.userId;
    const deliveredTo: string[] = [];
    for (const other of subscribers.keys()) {
      if (other === socketId) continue;
      this.send(other, message);
      deliveredTo.push(other);
    }
    this.clientEvents.push({ socketId, channel, event, data, deliveredTo });
  }

  private handleClose(socketId: string): void {
    const connection = this.live.get(socketId);
    if (!connection) return;
    for (const channel of [...connection.info.channels]) this.removeSubscription(socketId, channel);
    connection.info.open = false;
    this.live.delete(socketId);
    for (const resolve of this.closeWaiters.get(socketId) ?? []) resolve();
    this.closeWaiters.delete(socketId);
  }

  private sendError(socketId: string, code: number | null, message: string): void {
    this.send(socketId, { event: 'pusher:error', data: { code, message } });
  }

  private send(socketId: string, message: WireMessage): void {
    const socket = this.live.get(socketId)?.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }
}

// -----------------------------------------------------------------------------------------------

function newSocketId(): string {
  return `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawDataToString(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

/** Protocol data may arrive as an object or as a JSON string of one. */
function decodeData(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        reject(new HttpError(413, 'Request Entity Too Large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonObject(rawBody: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
  if (!isObject(body)) throw new HttpError(400, 'Request body must be a JSON object');
  return body;
}

function parseInfo(info: string | null | undefined): string[] {
  if (!info) return [];
  return info
    .split(',')
    .map((attribute) => attribute.trim())
    .filter((attribute) => attribute.length > 0);
}

function assertChannelName(channel: string): void {
  if (channel.length > MAX_CHANNEL_NAME_LENGTH || !CHANNEL_NAME.test(channel)) {
    throw new HttpError(400, `Invalid channel name: ${channel}`);
  }
}

function parseEvent(body: Record<string, unknown>, channels: string[]): EventToPublish {
  const { name, data, socket_id: socketId, info } = body;
  if (typeof name !== 'string' || name.length === 0) throw new HttpError(400, 'Missing event name');
  if (name.length > MAX_EVENT_NAME_LENGTH) {
    throw new HttpError(400, `Event name too long: maximum is ${MAX_EVENT_NAME_LENGTH} characters`);
  }
  if (typeof data !== 'string') throw new HttpError(400, 'data must be a string');
  for (const channel of channels) assertChannelName(channel);
  if (socketId !== undefined && (typeof socketId !== 'string' || !SOCKET_ID.test(socketId))) {
    throw new HttpError(400, `Invalid socket id: ${JSON.stringify(socketId)}`);
  }
  if (info !== undefined && typeof info !== 'string')
    throw new HttpError(400, 'info must be a string');
  if (Buffer.byteLength(data, 'utf8') > MAX_EVENT_DATA_BYTES) {
    throw new HttpError(413, `Payload too large: event data exceeds ${MAX_EVENT_DATA_BYTES} bytes`);
  }
  return { name, channels, data, socketId: socketId ?? null, info: parseInfo(info) };
}

/** Returns the member, or the reason the presence data is refused. */
function parsePresenceData(channelData: string | null): Subscriber | string {
  if (channelData === null) return 'Presence channels require channel_data';
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    return 'channel_data must be a JSON string';
  }
  if (!isObject(parsed)) return 'channel_data must be a JSON object';
  const userId = parsed.user_id;
  if ((typeof userId !== 'string' || userId.length === 0) && typeof userId !== 'number') {
    return 'channel_data must contain a user_id';
  }
  return { userId: String(userId), userInfo: parsed.user_info };
}
