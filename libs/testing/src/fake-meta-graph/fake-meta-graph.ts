import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphApiError, graphErrors, statusErrors } from './fake-meta-graph.errors';
import { SUPPORTED_MIME_TYPES, baseMimeType, maxBytesFor } from './fake-meta-graph.media';
import { validateMessagesRequest } from './fake-meta-graph.messages';
import { multipartBoundary, parseMultipart } from './fake-meta-graph.multipart';
import { isRecord } from './fake-meta-graph.templates';
import type {
  FakeMetaChallengeResult,
  FakeMetaGraphApiOptions,
  FakeMetaInboundInput,
  FakeMetaInboundResult,
  FakeMetaMedia,
  FakeMetaPhoneNumber,
  FakeMetaReadReceipt,
  FakeMetaRequest,
  FakeMetaSentMessage,
  FakeMetaStatusInput,
  FakeMetaTemplate,
  FakeMetaWebhook,
  FakeMetaWebhookDelivery,
} from './fake-meta-graph.types';
import {
  newWamid,
  sha1SignatureFor,
  signatureFor,
  statusEntry,
  unixSeconds,
  webhookEnvelope,
  type WebhookValue,
} from './fake-meta-graph.webhooks';

/**
 * A local stand-in for the WhatsApp Cloud API on the Graph API: phone numbers, messages, media
 * and the `messages` webhook, on 127.0.0.1 and a random port. It validates requests and answers
 * with the shapes and error codes Meta documents, and applies the business rules an adapter must
 * map: the 24-hour customer service window (131047), throttling (130429), undeliverable
 * recipients (131026) and template checks (132xxx).
 *
 * ```ts
 * const meta = new FakeMetaGraphApi({ appSecret: 'secret', webhookUrl: 'http://127.0.0.1:3000/webhook' });
 * meta.addPhoneNumber({ phoneNumberId: '1065', wabaId: '1022', displayPhoneNumber: '+1 555-010-0001',
 *   verifiedName: 'Shop', accessToken: 'EAA…' });
 * await meta.start();
 * // point the adapter at meta.baseUrl (`http://127.0.0.1:<port>/v21.0`) with the token, then:
 * const { messageId } = await meta.receiveFromCustomer({ phoneNumberId: '1065', from: '16505551234',
 *   name: 'Sheena', text: 'hi' }); // opens the 24-hour window and posts the signed webhook
 * // …adapter replies…  expect(meta.sentMessages).toHaveLength(1);
 * await meta.emitStatus({ phoneNumberId: '1065', messageId: meta.sentMessages[0].id, status: 'read' });
 * ```
 *
 * Simplifications: a token registered for another number gets Graph's "object does not exist or
 * missing permissions" (100 / subcode 33) rather than 190; undeliverable recipients are refused
 * synchronously (Meta may also accept and report 131026 later in a `failed` status, which
 * `emitStatus` reproduces); only the message types above are modelled.
 */

/** How long a free-form message may follow the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** How long a media URL from `GET /{media-id}` stays valid. */
export const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

const MAX_REQUEST_BYTES = 110 * 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 10_000;
const DEFAULT_PHONE_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'id',
];

interface RouteResult {
  json?: unknown;
  binary?: { data: Buffer; mimeType: string; filename: string | null };
}

interface Throttle {
  limit: number;
  windowMs: number;
}

export class FakeMetaGraphApi {
  readonly host = '127.0.0.1';
  readonly version: string;
  /** The app secret: webhook deliveries are signed with it. */
  readonly webhookSecret: string;
  /** Default target of the webhook helpers. */
  webhookUrl: string | null;

  readonly requests: FakeMetaRequest[] = [];
  readonly sentMessages: FakeMetaSentMessage[] = [];
  readonly readReceipts: FakeMetaReadReceipt[] = [];
  readonly webhookDeliveries: FakeMetaWebhookDelivery[] = [];

  private readonly now: () => number;
  private readonly phones = new Map<string, FakeMetaPhoneNumber>();
  private readonly expiredTokens = new Map<string, number>();
  private readonly templates: FakeMetaTemplate[] = [];
  private readonly media = new Map<string, FakeMetaMedia>();
  /** Inbound message id → the business number and customer it came through. */
  private readonly inbound = new Map<string, { phoneNumberId: string; waId: string }>();
  /** `${phoneNumberId}:${waId}` → time of the customer's last message. */
  private readonly lastInbound = new Map<string, number>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly sendTimes = new Map<string, number[]>();
  private readonly undeliverable = new Set<string>();
  private readonly urlSecret = randomBytes(16).toString('hex');
  private server: Server | null = null;
  private listeningPort: number | null = null;

  constructor(options: FakeMetaGraphApiOptions = {}) {
    this.version = options.version ?? 'v21.0';
    this.webhookSecret = options.appSecret ?? randomBytes(16).toString('hex');
    this.webhookUrl = options.webhookUrl ?? null;
    this.now = options.now ?? (() => Date.now());
  }

  get port(): number {
    if (this.listeningPort === null) throw new Error('FakeMetaGraphApi is not started');
    return this.listeningPort;
  }

  /** `http://127.0.0.1:<port>`, the stand-in for `https://graph.facebook.com`. */
  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The Graph base with the version segment, e.g. `http://127.0.0.1:<port>/v21.0`. */
  get baseUrl(): string {
    return `${this.origin}/${this.version}`;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('FakeMetaGraphApi is already started');
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listeningPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const { server } = this;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up and business rules

  addPhoneNumber(phone: FakeMetaPhoneNumber): void {
    if (this.phones.has(phone.phoneNumberId)) {
      throw new Error(`Phone number ${phone.phoneNumberId} is already registered`);
    }
    this.phones.set(phone.phoneNumberId, { ...phone });
  }

  /** Registers a template as the template management API would hold it (APPROVED by default). */
  addTemplate(template: FakeMetaTemplate): void {
    const index = this.templates.findIndex(
      (t) =>
        t.name === template.name &&
        t.language === template.language &&
        t.wabaId === template.wabaId,
    );
    if (index >= 0) this.templates.splice(index, 1);
    this.templates.push({ status: 'APPROVED', category: 'UTILITY', ...template });
  }

  /** At most `limit` messages per `windowMs` from this number; more fail with 130429. */
  throttle(phoneNumberId: string, limit: number, windowMs = 1000): void {
    this.throttles.set(phoneNumberId, { limit, windowMs });
  }

  unthrottle(phoneNumberId: string): void {
    this.throttles.delete(phoneNumberId);
  }

  /** Sends to these numbers fail with 131026, as for numbers that are not on WhatsApp. */
  markUndeliverable(...waIds: string[]): void {
    for (const waId of waIds) this.undeliverable.add(digits(waId));
  }

  markDeliverable(...waIds: string[]): void {
    for (const waId of waIds) this.undeliverable.delete(digits(waId));
  }

  /** The phone number's access token now fails with 190 / subcode 463 (session expired). */
  expireAccessToken(phoneNumberId: string): void {
    this.expiredTokens.set(this.phone(phoneNumberId).accessToken, this.now());
  }

  /** When the customer last wrote to this number (ms), or null: the 24-hour window's start. */
  lastInboundAt(phoneNumberId: string, waId: string): number | null {
    return this.lastInbound.get(windowKey(phoneNumberId, digits(waId))) ?? null;
  }

  /** A stored media object (uploaded or received), e.g. to assert on what an adapter uploaded. */
  getMedia(mediaId: string): FakeMetaMedia | null {
    return this.media.get(mediaId) ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Webhooks

  /**
   * The customer writes to the business number: opens the 24-hour window and, when there is a
   * webhook URL, delivers the signed `messages` webhook.
   */
  async receiveFromCustomer(input: FakeMetaInboundInput): Promise<FakeMetaInboundResult> {
    const webhook = this.inboundWebhook(input);
    const at = input.at ?? this.now();
    const key = windowKey(input.phoneNumberId, digits(input.from));
    this.lastInbound.set(key, Math.max(at, this.lastInbound.get(key) ?? 0));
    const url = input.url ?? this.webhookUrl;
    const delivery = url ? await this.deliverWebhook(webhook.body, { url }) : null;
    return { ...webhook, delivery };
  }

  /** Delivers a signed status webhook (`sent`, `delivered`, `read` or `failed`) for a message. */
  async emitStatus(input: FakeMetaStatusInput): Promise<FakeMetaWebhookDelivery> {
    const webhook = this.statusWebhook(input);
    return this.deliverWebhook(webhook.body, input.url === undefined ? {} : { url: input.url });
  }

  /**
   * Builds (without delivering or opening the window) the webhook body of an inbound message.
   * Inbound media is stored and downloadable through `GET /{media-id}`.
   */
  inboundWebhook(input: FakeMetaInboundInput): FakeMetaInboundResult {
    const phone = this.phone(input.phoneNumberId);
    const from = digits(input.from);
    const id = newWamid(from);
    const message: Record<string, unknown> = {
      from,
      id,
      timestamp: unixSeconds(input.at ?? this.now()),
    };
    if (input.replyTo) {
      message.context = { from: digits(phone.displayPhoneNumber), id: input.replyTo };
    }
    let mediaId: string | null = null;
    if (input.media) {
      const { type, data, mimeType, caption, filename, voice } = input.media;
      const stored = this.storeMedia(phone.phoneNumberId, data, mimeType, filename ?? null);
      mediaId = stored.id;
      message.type = type;
      message[type] = {
        ...(caption !== undefined && type !== 'audio' && type !== 'sticker' ? { caption } : {}),
        ...(type === 'document' ? { filename: filename ?? 'file' } : {}),
        mime_type: stored.mimeType,
        sha256: stored.sha256,
        id: stored.id,
        ...(type === 'audio' ? { voice: voice ?? false } : {}),
        ...(type === 'sticker' ? { animated: false } : {}),
      };
    } else if (input.reaction) {
      message.type = 'reaction';
      message.reaction = { message_id: input.reaction.messageId, emoji: input.reaction.emoji };
    } else if (input.text !== undefined) {
      message.type = 'text';
      message.text = { body: input.text };
    } else {
      throw new Error('receiveFromCustomer needs text, media or reaction');
    }
    this.inbound.set(id, { phoneNumberId: phone.phoneNumberId, waId: from });
    const body = this.webhookBody(phone.phoneNumberId, {
      contacts: [{ profile: { name: input.name }, wa_id: from }],
      messages: [message],
    });
    return { body, messageId: id, mediaId, delivery: null };
  }

  /** Builds (without delivering) the webhook body of a status update. */
  statusWebhook(input: FakeMetaStatusInput): FakeMetaWebhook {
    const sent = this.sentMessages.find((message) => message.id === input.messageId);
    const recipientId = input.recipientId ?? sent?.waId;
    if (recipientId === undefined) {
      throw new Error(`Unknown message ${input.messageId}: pass recipientId`);
    }
    const templateCategory = sent?.type === 'template' ? this.templateCategoryOf(sent) : null;
    const status = statusEntry({
      messageId: input.messageId,
      status: input.status,
      recipientId: digits(recipientId),
      at: input.at ?? this.now(),
      category: templateCategory ?? 'service',
      ...(input.status === 'failed' ? { error: input.error ?? statusErrors.undeliverable() } : {}),
    });
    return {
      body: this.webhookBody(input.phoneNumberId, { statuses: [status] }),
      messageId: input.messageId,
    };
  }

  /** Wraps a `value` (contacts, messages, statuses, errors) in Meta's webhook envelope. */
  webhookBody(phoneNumberId: string, value: WebhookValue): string {
    return webhookEnvelope(this.phone(phoneNumberId), value);
  }

  /** `sha256=<hex>`: the `X-Hub-Signature-256` value Meta sends for this raw body. */
  sign(body: string | Buffer): string {
    return signatureFor(this.webhookSecret, body);
  }

  /**
   * POSTs a raw webhook body as Meta does. `signature` overrides the header (for tampered
   * deliveries); `null` sends no signature headers at all.
   */
  async deliverWebhook(
    body: string,
    options: { url?: string; signature?: string | null } = {},
  ): Promise<FakeMetaWebhookDelivery> {
    const url = options.url ?? this.webhookUrl;
    if (!url) throw new Error('No webhook URL: pass url or set webhookUrl');
    const signature = options.signature === undefined ? this.sign(body) : options.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
    };
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    if (options.signature === undefined) {
      headers['x-hub-signature'] = sha1SignatureFor(this.webhookSecret, body);
    }
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const delivery: FakeMetaWebhookDelivery = {
      url,
      body,
      signature,
      status: response.status,
      responseBody: await response.text(),
    };
    this.webhookDeliveries.push(delivery);
    return delivery;
  }

  /** Meta's verification request: `GET url?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`. */
  async verifyChallenge(
    url: string,
    verifyToken: string,
    challenge = String(randomInt(1_000_000_000, 2_000_000_000)),
  ): Promise<FakeMetaChallengeResult> {
    const target = new URL(url);
    target.searchParams.set('hub.mode', 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', verifyToken);
    const response = await fetch(target, {
      headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const body = await response.text();
    return {
      status: response.status,
      body,
      challenge,
      verified: response.status === 200 && body === challenge,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = (req.method ?? 'GET').toUpperCase();
    const record: FakeMetaRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'access_token')),
      headers: redactedHeaders(req.headers),
      bearerTokenPresent: bearerToken(req.headers, url) !== null,
      body: null,
      status: 200,
      response: null,
    };
    let result: RouteResult;
    try {
      const raw = await readBody(req);
      result = this.route(method, url, req, raw, record);
    } catch (error) {
      const graphError =
        error instanceof GraphApiError
          ? error
          : new GraphApiError(500, 1, `An unknown error occurred: ${String(error)}`);
      record.status = graphError.status;
      result = { json: graphError.toBody() };
    }
    record.response = result.binary ? { bytes: result.binary.data.length } : result.json;
    this.requests.push(record);

    const headers: Record<string, string | number> = {
      'facebook-api-version': this.version,
      'x-fb-trace-id': randomBytes(8).toString('base64url'),
    };
    if (result.binary) {
      headers['content-type'] = result.binary.mimeType;
      headers['content-length'] = result.binary.data.length;
      if (result.binary.filename) {
        headers['content-disposition'] = `attachment; filename=${result.binary.filename}`;
      }
      res.writeHead(record.status, headers);
      res.end(result.binary.data);
      return;
    }
    const text = JSON.stringify(result.json);
    headers['content-type'] = 'application/json; charset=UTF-8';
    if (record.status === 401) {
      const message = (result.json as { error: { message: string } }).error.message;
      headers['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${message}"`;
    }
    res.writeHead(record.status, headers);
    res.end(text);
  }

  private route(
    method: string,
    url: URL,
    req: IncomingMessage,
    raw: Buffer,
    record: FakeMetaRequest,
  ): RouteResult {
    const segments = url.pathname.split('/').filter(Boolean);
    if (method === 'GET' && segments[0] === 'whatsapp_business' && segments[1] === 'attachments') {
      return this.download(url, req);
    }
    if (segments[0] !== this.version) throw graphErrors.unknownPath(url.pathname);
    const token = this.authenticate(req.headers, url);
    const [, id, edge] = segments;
    if (id === undefined) throw graphErrors.unknownPath(url.pathname);
    if (segments.length === 2 && method === 'GET') return this.readObject(id, token, url);
    if (segments.length === 2 && method === 'DELETE') return this.deleteMedia(id, token);
    if (segments.length === 3 && method === 'POST' && (edge === 'messages' || edge === 'media')) {
      const phone = this.phones.get(id);
      if (!phone || phone.accessToken !== token) throw graphErrors.unknownObject(method, id);
      return edge === 'messages'
        ? this.sendMessage(phone, parseBody(req.headers['content-type'], raw, record))
        : this.uploadMedia(phone, req.headers['content-type'], raw, record);
    }
    if (segments.length === 2) throw graphErrors.unknownObject(method, id);
    throw graphErrors.unknownPath(`/${segments.slice(2).join('/')}`);
  }

  /** The bearer token, if it belongs to a registered number and has not expired. */
  private authenticate(headers: IncomingHttpHeaders, url: URL): string {
    const token = bearerToken(headers, url);
    if (token === null) throw graphErrors.missingToken();
    if (![...this.phones.values()].some((phone) => phone.accessToken === token)) {
      throw graphErrors.invalidToken();
    }
    const expiredAt = this.expiredTokens.get(token);
    if (expiredAt !== undefined) throw graphErrors.expiredToken(new Date(expiredAt));
    return token;
  }

  private readObject(id: string, token: string, url: URL): RouteResult {
    const phone = this.phones.get(id);
    if (phone && phone.accessToken === token) return { json: this.phoneFields(phone, url) };
    const media = this.media.get(id);
    if (media && this.phone(media.phoneNumberId).accessToken === token) {
      const scope = url.searchParams.get('phone_number_id');
      if (scope !== null && scope !== media.phoneNumberId) {
        throw graphErrors.param(`Param phone_number_id does not own media ${id}.`);
      }
      return { json: this.mediaInfo(media) };
    }
    throw graphErrors.unknownObject('GET', id);
  }

  private phoneFields(phone: FakeMetaPhoneNumber, url: URL): Record<string, unknown> {
    const all: Record<string, unknown> = {
      verified_name: phone.verifiedName,
      code_verification_status: 'VERIFIED',
      display_phone_number: phone.displayPhoneNumber,
      quality_rating: phone.qualityRating ?? 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      id: phone.phoneNumberId,
      name_status: 'APPROVED',
      status: 'CONNECTED',
      account_mode: 'LIVE',
      is_official_business_account: false,
      messaging_limit_tier: 'TIER_1K',
    };
    const requested = url.searchParams.get('fields');
    const fields = requested
      ? requested
          .split(',')
          .map((field) => field.trim())
          .filter(Boolean)
      : DEFAULT_PHONE_FIELDS;
    const answer: Record<string, unknown> = {};
    for (const field of fields) {
      if (!(field in all)) {
        throw graphErrors.param(
          `Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessPhoneNumber)`,
        );
      }
      answer[field] = all[field];
    }
    // Graph always answers with the node id.
    answer.id = phone.phoneNumberId;
    return answer;
  }

  private sendMessage(phone: FakeMetaPhoneNumber, body: unknown): RouteResult {
    const request = validateMessagesRequest(body, {
      findMedia: (mediaId) => {
        const media = this.media.get(mediaId);
        return media?.phoneNumberId === phone.phoneNumberId ? media : undefined;
      },
      templates: () =>
        this.templates.filter((t) => t.wabaId === undefined || t.wabaId === phone.wabaId),
    });
    if (request.kind === 'read') {
      const inbound = this.inbound.get(request.messageId);
      if (inbound?.phoneNumberId !== phone.phoneNumberId) {
        throw graphErrors.param(
          `Invalid value for parameter message_id: ${request.messageId} is not a message received by this phone number.`,
        );
      }
      this.readReceipts.push({
        phoneNumberId: phone.phoneNumberId,
        messageId: request.messageId,
        at: this.now(),
      });
      return { json: { success: true } };
    }

    const now = this.now();
    const throttle = this.throttles.get(phone.phoneNumberId);
    const recent = (this.sendTimes.get(phone.phoneNumberId) ?? []).filter(
      (at) => throttle && at > now - throttle.windowMs,
    );
    if (throttle && recent.length >= throttle.limit) throw graphErrors.rateLimit();
    if (this.undeliverable.has(request.waId)) throw graphErrors.undeliverable();
    if (request.type !== 'template') {
      const last = this.lastInboundAt(phone.phoneNumberId, request.waId);
      if (last === null || now - last > CUSTOMER_SERVICE_WINDOW_MS) {
        throw graphErrors.reengagement();
      }
    }

    this.sendTimes.set(phone.phoneNumberId, [...recent, now]);
    const id = newWamid(request.waId);
    this.sentMessages.push({
      id,
      phoneNumberId: phone.phoneNumberId,
      to: request.to,
      waId: request.waId,
      type: request.type,
      payload: body as Record<string, unknown>,
      replyTo: request.replyTo,
      sentAt: now,
    });
    return {
      json: {
        messaging_product: 'whatsapp',
        contacts: [{ input: request.to, wa_id: request.waId }],
        messages: [request.type === 'template' ? { id, message_status: 'accepted' } : { id }],
      },
    };
  }

  private uploadMedia(
    phone: FakeMetaPhoneNumber,
    contentType: string | undefined,
    raw: Buffer,
    record: FakeMetaRequest,
  ): RouteResult {
    const boundary = multipartBoundary(contentType);
    if (boundary === null) throw graphErrors.required('file');
    const parts = parseMultipart(raw, boundary);
    if (parts === null)
      throw graphErrors.param('Param file could not be read: malformed multipart/form-data body.');
    const field = (name: string) => parts.find((part) => part.name === name);
    const file = field('file');
    const messagingProduct = field('messaging_product')?.data.toString('utf8');
    const typeField = field('type')?.data.toString('utf8');
    record.body = {
      messaging_product: messagingProduct ?? null,
      type: typeField ?? null,
      file: file
        ? { filename: file.filename, contentType: file.contentType, size: file.data.length }
        : null,
    };
    if (messagingProduct === undefined) throw graphErrors.required('messaging_product');
    if (messagingProduct !== 'whatsapp') {
      throw graphErrors.param(
        `Param messaging_product must be one of {WHATSAPP} - got ${JSON.stringify(messagingProduct)}.`,
      );
    }
    if (!file || file.filename === null) throw graphErrors.required('file');
    const mimeType = typeField ?? file.contentType;
    if (!mimeType) throw graphErrors.required('type');
    if (!SUPPORTED_MIME_TYPES.includes(baseMimeType(mimeType))) {
      throw graphErrors.param(
        `Param file must be a file with one of the following types: ${SUPPORTED_MIME_TYPES.join(', ')}. Received file of type '${mimeType}'.`,
      );
    }
    if (file.data.length === 0) throw graphErrors.param('Param file must not be empty.');
    if (file.data.length > maxBytesFor(mimeType)) {
      throw graphErrors.param(
        `Param file is ${file.data.length} bytes, more than the ${maxBytesFor(mimeType)} bytes allowed for ${mimeType}.`,
      );
    }
    const stored = this.storeMedia(
      phone.phoneNumberId,
      Buffer.from(file.data),
      mimeType,
      file.filename,
    );
    return { json: { id: stored.id } };
  }

  private deleteMedia(id: string, token: string): RouteResult {
    const media = this.media.get(id);
    if (!media || this.phone(media.phoneNumberId).accessToken !== token) {
      throw graphErrors.unknownObject('DELETE', id);
    }
    this.media.delete(id);
    return { json: { success: true } };
  }

  private download(url: URL, req: IncomingMessage): RouteResult {
    const token = this.authenticate(req.headers, url);
    const id = url.searchParams.get('mid') ?? '';
    const ext = url.searchParams.get('ext') ?? '';
    const media = this.media.get(id);
    const genuine = url.searchParams.get('hash') === this.urlHash(id, ext);
    const fresh = Number(ext) * 1000 >= this.now();
    if (!media || !genuine || !fresh || this.phone(media.phoneNumberId).accessToken !== token) {
      throw new GraphApiError(404, 100, 'The media URL is invalid or has expired.', {
        type: 'GraphMethodException',
      });
    }
    return { binary: { data: media.data, mimeType: media.mimeType, filename: media.filename } };
  }

  private mediaInfo(media: FakeMetaMedia): Record<string, unknown> {
    const ext = unixSeconds(this.now() + MEDIA_URL_TTL_MS);
    const url =
      `${this.origin}/whatsapp_business/attachments/?mid=${media.id}&ext=${ext}` +
      `&hash=${this.urlHash(media.id, ext)}`;
    return {
      messaging_product: 'whatsapp',
      url,
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.data.length,
      id: media.id,
    };
  }

  private urlHash(id: string, ext: string): string {
    return createHmac('sha256', this.urlSecret).update(`${id}:${ext}`).digest('base64url');
  }

  private storeMedia(
    phoneNumberId: string,
    data: Buffer,
    mimeType: string,
    filename: string | null,
  ): FakeMetaMedia {
    let id: string;
    do id = String(randomInt(1, 10 ** 9)) + String(randomInt(10 ** 6, 10 ** 7));
    while (this.media.has(id) || this.phones.has(id));
    const media: FakeMetaMedia = {
      id,
      phoneNumberId,
      mimeType,
      sha256: createHash('sha256').update(data).digest('hex'),
      data,
      filename,
      createdAt: this.now(),
    };
    this.media.set(id, media);
    return media;
  }

  private templateCategoryOf(sent: FakeMetaSentMessage): string | null {
    const template = sent.payload.template;
    if (!isRecord(template) || !isRecord(template.language)) return null;
    const phone = this.phone(sent.phoneNumberId);
    const match = this.templates.find(
      (t) =>
        t.name === template.name &&
        t.language === (template.language as Record<string, unknown>).code &&
        (t.wabaId === undefined || t.wabaId === phone.wabaId),
    );
    return match?.category?.toLowerCase() ?? null;
  }

  private phone(phoneNumberId: string): FakeMetaPhoneNumber {
    const phone = this.phones.get(phoneNumberId);
    if (!phone)
      throw new Error(`Unknown phone number id ${phoneNumberId}: call addPhoneNumber first`);
    return phone;
  }
}

function windowKey(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}:${waId}`;
}

function digits(phone: string): string {
  return phone.replace(/\D/g, '');
}

function bearerToken(headers: IncomingHttpHeaders, url: URL): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? url.searchParams.get('access_token');
}

function redactedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'authorization' || value === undefined) continue;
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw graphErrors.param('Request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** JSON bodies, or form-encoded ones whose object values are JSON, as Graph accepts both. */
function parseBody(contentType: string | undefined, raw: Buffer, record: FakeMetaRequest): unknown {
  const text = raw.toString('utf8');
  if (/^application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    const body: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      body[key] = /^[[{]/.test(value) ? tryJson(value) : value;
    }
    record.body = body;
    return body;
  }
  if (text.trim() === '') return null;
  const body = tryJson(text);
  if (body === undefined) throw graphErrors.param('The request body is not valid JSON.');
  record.body = body;
  return body;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
