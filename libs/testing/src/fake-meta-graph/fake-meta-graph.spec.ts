import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CUSTOMER_SERVICE_WINDOW_MS, FakeMetaGraphApi, MEDIA_URL_TTL_MS } from './fake-meta-graph';

const APP_SECRET = 'app-secret-under-test';
const VERIFY_TOKEN = 'verify-token-under-test';
const PHONE_A = { id: '106540352242922', waba: '102290129340398', token: 'EAAtoken-a' };
const PHONE_B = { id: '206540352242922', waba: '202290129340398', token: 'EAAtoken-b' };
const CUSTOMER = '+1 (650) 555-1234';
const CUSTOMER_WA_ID = '16505551234';

/** What an adapter's webhook controller would do: check the signature over the raw body. */
interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method === 'GET') {
          const ok =
            url.searchParams.get('hub.mode') === 'subscribe' &&
            url.searchParams.get('hub.verify_token') === VERIFY_TOKEN;
          res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
          res.end(ok ? url.searchParams.get('hub.challenge') : 'Forbidden');
          return;
        }
        const body = Buffer.concat(chunks);
        this.received.push({ headers: req.headers, body: body.toString('utf8') });
        const genuine = signatureMatches(body, req.headers['x-hub-signature-256']);
        res.writeHead(genuine ? 200 : 401);
        res.end(genuine ? 'EVENT_RECEIVED' : 'bad signature');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/whatsapp`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A Graph API JSON answer: an error, or the fields each test reads. */
interface GraphBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data: { messaging_product: string; details: string };
    fbtrace_id: string;
  };
  id: string;
  url: string;
  messages: Array<{ id: string; message_status?: string }>;
  [field: string]: unknown;
}

function signatureMatches(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', APP_SECRET).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('FakeMetaGraphApi', () => {
  let now = Date.UTC(2026, 0, 15, 9, 0, 0);
  let sut: FakeMetaGraphApi;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 15, 9, 0, 0);
    receiver.received.length = 0;
    sut = new FakeMetaGraphApi({
      appSecret: APP_SECRET,
      webhookUrl: receiver.url,
      now: () => now,
    });
    sut.addPhoneNumber({
      phoneNumberId: PHONE_A.id,
      wabaId: PHONE_A.waba,
      displayPhoneNumber: '+1 555-078-3881',
      verifiedName: 'Lucky Shrub',
      accessToken: PHONE_A.token,
    });
    sut.addPhoneNumber({
      phoneNumberId: PHONE_B.id,
      wabaId: PHONE_B.waba,
      displayPhoneNumber: '+62 812-0000-0002',
      verifiedName: 'Toko Kedua',
      accessToken: PHONE_B.token,
      qualityRating: 'YELLOW',
    });
    await sut.start();
  });

  afterEach(async () => {
    await sut.stop();
  });

  async function graph(
    path: string,
    options: { method?: string; token?: string | null; json?: unknown; form?: FormData } = {},
  ): Promise<{ status: number; body: GraphBody; headers: Headers }> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? PHONE_A.token : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    const response = await fetch(`${sut.baseUrl}${path}`, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as GraphBody,
      headers: response.headers,
    };
  }

  function send(message: Record<string, unknown>, token = PHONE_A.token, phone = PHONE_A.id) {
    return graph(`/${phone}/messages`, {
      token,
      json: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        ...message,
      },
    });
  }

  async function openWindow(phoneNumberId = PHONE_A.id): Promise<string> {
    const inbound = await sut.receiveFromCustomer({
      phoneNumberId,
      from: CUSTOMER_WA_ID,
      name: 'Sheena Nelson',
      text: 'Hi, is my order ready?',
    });
    return inbound.messageId;
  }

  async function upload(bytes: Buffer, mimeType: string, filename: string, token = PHONE_A.token) {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    form.append('file', new Blob([bytes], { type: mimeType }), filename);
    return graph(`/${PHONE_A.id}/media`, { token, form });
  }

  function expectGraphError(
    response: { status: number; body: GraphBody },
    status: number,
    code: number,
    message?: string | RegExp,
  ): void {
    expect(response.status).toBe(status);
    expect(response.body.error).toEqual(
      expect.objectContaining({ code, type: expect.any(String), fbtrace_id: expect.any(String) }),
    );
    if (message !== undefined) expect(response.body.error.message).toMatch(message);
  }

  describe('phone numbers and tokens', () => {
    it('answers the credential check with the phone number node', async () => {
      const response = await graph(`/${PHONE_A.id}`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        verified_name: 'Lucky Shrub',
        code_verification_status: 'VERIFIED',
        display_phone_number: '+1 555-078-3881',
        quality_rating: 'GREEN',
        platform_type: 'CLOUD_API',
        throughput: { level: 'STANDARD' },
        id: PHONE_A.id,
      });
    });

    it('returns only the requested fields, and refuses unknown ones', async () => {
      const some = await graph(`/${PHONE_B.id}?fields=quality_rating,messaging_limit_tier`, {
        token: PHONE_B.token,
      });
      const unknown = await graph(`/${PHONE_A.id}?fields=colour`);

      expect(some.body).toEqual({
        quality_rating: 'YELLOW',
        messaging_limit_tier: 'TIER_1K',
        id: PHONE_B.id,
      });
      expectGraphError(unknown, 400, 100, /nonexisting field \(colour\)/);
    });

    it('answers an unknown object id with code 100, subcode 33', async () => {
      const response = await graph('/999999999');

      expectGraphError(response, 400, 100, /Object with ID '999999999' does not exist/);
      expect(response.body.error).toMatchObject({
        type: 'GraphMethodException',
        error_subcode: 33,
      });
    });

    it('does not let one number’s token reach another number', async () => {
      const response = await graph(`/${PHONE_B.id}`, { token: PHONE_A.token });

      expectGraphError(response, 400, 100, /Object with ID/);
    });

    it('answers a missing or wrong token with OAuthException 190 and HTTP 401', async () => {
      const missing = await graph(`/${PHONE_A.id}`, { token: null });
      const wrong = await graph(`/${PHONE_A.id}/messages`, {
        token: 'EAAnot-a-token',
        json: { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'hi' } },
      });

      expectGraphError(missing, 401, 190);
      expectGraphError(wrong, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      expect(wrong.body.error.type).toBe('OAuthException');
      expect(wrong.headers.get('www-authenticate')).toContain('invalid_token');
    });

    it('answers an expired token with 190 and subcode 463', async () => {
      sut.expireAccessToken(PHONE_A.id);

      const response = await graph(`/${PHONE_A.id}`);

      expectGraphError(response, 401, 190, /Session has expired/);
      expect(response.body.error.error_subcode).toBe(463);
    });

    it('refuses another Graph version than the configured one', async () => {
      const response = await fetch(`${sut.origin}/v1.0/${PHONE_A.id}`, {
        headers: { authorization: `Bearer ${PHONE_A.token}` },
      });

      expect(response.status).toBe(400);
      expect(((await response.json()) as GraphBody).error.code).toBe(2500);
    });

    it('records requests without the token', async () => {
      await send({ text: { body: 'hello' } });

      const [request] = sut.requests;
      expect(request).toMatchObject({
        method: 'POST',
        path: `/v21.0/${PHONE_A.id}/messages`,
        bearerTokenPresent: true,
        body: { messaging_product: 'whatsapp', text: { body: 'hello' } },
        status: 400,
      });
      expect(request!.headers.authorization).toBeUndefined();
      expect(JSON.stringify(sut.requests)).not.toContain(PHONE_A.token);
    });
  });

  describe('the 24-hour customer service window', () => {
    it('refuses a free-form message before the customer has written (131047)', async () => {
      const response = await send({ text: { body: 'Hello!' } });

      expectGraphError(response, 400, 131047, '(#131047) Re-engagement message');
      expect(response.body.error.error_data).toEqual({
        messaging_product: 'whatsapp',
        details: expect.stringContaining('more than 24 hours'),
      });
      expect(sut.sentMessages).toHaveLength(0);
    });

    it('opens when the customer writes, and closes 24 hours later', async () => {
      await openWindow();
      const inside = await send({ text: { body: 'Yes, it ships today.' } });
      now += CUSTOMER_SERVICE_WINDOW_MS + 1000;
      const after = await send({ text: { body: 'Anything else?' } });

      expect(inside.status).toBe(200);
      expect(inside.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: CUSTOMER, wa_id: CUSTOMER_WA_ID }],
        messages: [{ id: expect.stringMatching(/^wamid\./) }],
      });
      expectGraphError(after, 400, 131047);
    });

    it('is kept per business number', async () => {
      await openWindow(PHONE_A.id);

      const other = await send({ text: { body: 'hi' } }, PHONE_B.token, PHONE_B.id);

      expectGraphError(other, 400, 131047);
      expect(sut.lastInboundAt(PHONE_A.id, CUSTOMER)).toBe(now);
      expect(sut.lastInboundAt(PHONE_B.id, CUSTOMER)).toBeNull();
    });
  });

  describe('sending messages', () => {
    beforeEach(async () => {
      await openWindow();
    });

    it('sends text with a link preview, as a reply', async () => {
      const inboundId = await openWindow();

      const response = await send({
        type: 'text',
        context: { message_id: inboundId },
        text: { body: 'See https://example.com', preview_url: true },
      });

      expect(response.status).toBe(200);
      expect(sut.sentMessages).toEqual([
        expect.objectContaining({
          id: response.body.messages[0]!.id,
          phoneNumberId: PHONE_A.id,
          waId: CUSTOMER_WA_ID,
          type: 'text',
          replyTo: inboundId,
        }),
      ]);
    });

    it('sends image, video, audio and document by link, with caption and filename', async () => {
      const responses = await Promise.all([
        send({ type: 'image', image: { link: 'https://cdn.example.com/a.jpg', caption: 'A' } }),
        send({ type: 'video', video: { link: 'https://cdn.example.com/a.mp4', caption: 'V' } }),
        send({ type: 'audio', audio: { link: 'https://cdn.example.com/a.ogg' } }),
        send({
          type: 'document',
          document: { link: 'https://cdn.example.com/a.pdf', caption: 'D', filename: 'a.pdf' },
        }),
      ]);

      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(sut.sentMessages.map((m) => m.type).sort()).toEqual([
        'audio',
        'document',
        'image',
        'video',
      ]);
    });

    it('sends uploaded media by id: a document and a sticker', async () => {
      const pdf = await upload(Buffer.from('%PDF-1.4 fake'), 'application/pdf', 'invoice.pdf');
      const webp = await upload(Buffer.from('RIFF....WEBPVP8 '), 'image/webp', 'hi.webp');

      const document = await send({
        type: 'document',
        document: { id: pdf.body.id, filename: 'invoice.pdf' },
      });
      const sticker = await send({ type: 'sticker', sticker: { id: webp.body.id } });

      expect(document.status).toBe(200);
      expect(sticker.status).toBe(200);
    });

    it('sends a reaction to a customer message', async () => {
      const inboundId = await openWindow();

      const response = await send({
        type: 'reaction',
        reaction: { message_id: inboundId, emoji: '\u{1F44D}' },
      });

      expect(response.status).toBe(200);
      expect(sut.sentMessages[0]).toMatchObject({ type: 'reaction' });
    });

    it('marks a customer message as read', async () => {
      const inboundId = await openWindow();

      const read = await graph(`/${PHONE_A.id}/messages`, {
        json: { messaging_product: 'whatsapp', status: 'read', message_id: inboundId },
      });
      const unknown = await graph(`/${PHONE_A.id}/messages`, {
        json: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' },
      });

      expect(read.body).toEqual({ success: true });
      expect(sut.readReceipts).toEqual([
        { phoneNumberId: PHONE_A.id, messageId: inboundId, at: now },
      ]);
      expectGraphError(unknown, 400, 100, /message_id/);
    });

    it.each([
      [
        { messaging_product: undefined, text: { body: 'x' } },
        'The parameter messaging_product is required.',
      ],
      [
        { messaging_product: 'sms', text: { body: 'x' } },
        /Param messaging_product must be one of \{WHATSAPP\}/,
      ],
      [{ to: undefined, text: { body: 'x' } }, 'The parameter to is required.'],
      [{ to: 'not-a-number', text: { body: 'x' } }, /Param to must be a phone number/],
      [{ type: 'text', text: {} }, "The parameter text['body'] is required."],
      [{ type: 'text', text: { body: 42 } }, "Param text['body'] must be a string."],
      [
        { type: 'text', text: { body: 'x', colour: 'red' } },
        'Unexpected key "colour" on param "text".',
      ],
      [
        { type: 'text', text: { body: 'x', preview_url: 'yes' } },
        "Param text['preview_url'] must be a boolean.",
      ],
      [
        { type: 'audio', audio: { link: 'https://a.example/a.ogg', caption: 'no' } },
        'Unexpected key "caption" on param "audio".',
      ],
      [
        { type: 'image', image: { link: 'https://a.example/a.jpg', id: '1' } },
        /exactly one of image\['id'\] or image\['link'\]/,
      ],
      [{ type: 'image', image: { link: 'ftp://a.example/a.jpg' } }, /Param image\['link'\]/],
      [{ type: 'image', image: { id: '123' } }, /Param image\['id'\] is not a valid media id/],
      [{ type: 'carrier_pigeon' }, /Param type must be one of/],
      [
        { type: 'reaction', reaction: { emoji: 'x' } },
        "The parameter reaction['message_id'] is required.",
      ],
      [
        { type: 'text', text: { body: 'x' }, context: {} },
        "The parameter context['message_id'] is required.",
      ],
      [
        { type: 'text', text: { body: 'x' }, image: { link: 'https://a.example/a.jpg' } },
        /Param image is not allowed/,
      ],
    ])(
      'answers malformed params with code 100 naming the param (%#)',
      async (message, expected) => {
        const response = await send(message);

        expectGraphError(response, 400, 100, expected);
        expect(response.body.error.message.startsWith('(#100) ')).toBe(true);
        expect(response.body.error.error_data.details).toEqual(expect.any(String));
        expect(sut.sentMessages).toHaveLength(0);
      },
    );

    it('refuses an uploaded id whose type does not fit the message type', async () => {
      const pdf = await upload(Buffer.from('%PDF-1.4 fake'), 'application/pdf', 'a.pdf');

      const response = await send({ type: 'image', image: { id: pdf.body.id } });

      expectGraphError(response, 400, 100, /application\/pdf, which cannot be sent as image/);
    });

    it('answers an undeliverable recipient with 131026', async () => {
      sut.markUndeliverable(CUSTOMER_WA_ID);

      const response = await send({ text: { body: 'hi' } });

      expectGraphError(response, 400, 131026, '(#131026) Message Undeliverable');
    });

    it('throttles a number with 130429 and recovers after the window', async () => {
      sut.throttle(PHONE_A.id, 2, 1000);

      const first = await send({ text: { body: '1' } });
      const second = await send({ text: { body: '2' } });
      const third = await send({ text: { body: '3' } });
      now += 1001;
      const later = await send({ text: { body: '4' } });

      expect([first.status, second.status, later.status]).toEqual([200, 200, 200]);
      expectGraphError(third, 400, 130429, '(#130429) Rate limit hit');
      expect(sut.sentMessages).toHaveLength(3);
    });
  });

  describe('templates', () => {
    const orderUpdate = {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/box.png' } }],
        },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Sheena' },
            { type: 'text', text: '#1042' },
          ],
        },
        {
          type: 'button',
          sub_type: 'url',
          index: '0',
          parameters: [{ type: 'text', text: '1042' }],
        },
      ],
    };

    beforeEach(() => {
      sut.addTemplate({
        name: 'order_update',
        language: 'en_US',
        wabaId: PHONE_A.waba,
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'IMAGE' },
          { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
          { type: 'FOOTER', text: 'Lucky Shrub' },
          {
            type: 'BUTTONS',
            buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example/t/{{1}}' }],
          },
        ],
      });
    });

    it('sends a registered template outside the 24-hour window', async () => {
      const response = await send({ type: 'template', template: orderUpdate });

      expect(response.status).toBe(200);
      expect(response.body.messages).toEqual([
        { id: expect.stringMatching(/^wamid\./), message_status: 'accepted' },
      ]);
      expect(sut.sentMessages[0]).toMatchObject({ type: 'template', waId: CUSTOMER_WA_ID });
    });

    it('prices status webhooks of a template message by its category', async () => {
      const sent = await send({ type: 'template', template: orderUpdate });

      await sut.emitStatus({
        phoneNumberId: PHONE_A.id,
        messageId: sent.body.messages[0]!.id,
        status: 'delivered',
      });

      const status = JSON.parse(receiver.received[0]!.body).entry[0].changes[0].value.statuses[0];
      expect(status).toMatchObject({
        status: 'delivered',
        recipient_id: CUSTOMER_WA_ID,
        pricing: { billable: true, pricing_model: 'PMP', category: 'utility' },
      });
    });

    it('answers an unknown name or language with 132001', async () => {
      const wrongLanguage = await send({
        type: 'template',
        template: { ...orderUpdate, language: { code: 'id' } },
      });
      const wrongName = await send({
        type: 'template',
        template: { ...orderUpdate, name: 'order_updated' },
      });
      const otherWaba = await send(
        { type: 'template', template: orderUpdate },
        PHONE_B.token,
        PHONE_B.id,
      );

      expectGraphError(wrongLanguage, 400, 132001);
      expect(wrongLanguage.body.error.error_data.details).toBe(
        'template name (order_update) does not exist in id',
      );
      expectGraphError(wrongName, 400, 132001);
      expectGraphError(otherWaba, 400, 132001);
    });

    it('answers a wrong number of body parameters with 132000', async () => {
      const response = await send({
        type: 'template',
        template: {
          ...orderUpdate,
          components: [
            orderUpdate.components[0],
            { type: 'body', parameters: [{ type: 'text', text: 'Sheena' }] },
            orderUpdate.components[2],
          ],
        },
      });

      expectGraphError(response, 400, 132000);
      expect(response.body.error.error_data.details).toBe(
        'body: number of localizable_params (1) does not match the expected number of params (2)',
      );
    });

    it('answers a missing media header with 132012 and a missing URL suffix with 132000', async () => {
      const noHeader = await send({
        type: 'template',
        template: { ...orderUpdate, components: orderUpdate.components.slice(1) },
      });
      const noButton = await send({
        type: 'template',
        template: { ...orderUpdate, components: orderUpdate.components.slice(0, 2) },
      });

      expectGraphError(noHeader, 400, 132012, /Parameter format does not match/);
      expect(noHeader.body.error.error_data.details).toBe(
        'header: Format mismatch, expected IMAGE, received UNKNOWN',
      );
      expectGraphError(noButton, 400, 132000);
    });

    it('answers malformed template params with code 100', async () => {
      const noLanguage = await send({
        type: 'template',
        template: { name: 'order_update', components: [] },
      });
      const emptyText = await send({
        type: 'template',
        template: {
          ...orderUpdate,
          components: [
            orderUpdate.components[0],
            { type: 'body', parameters: [{ type: 'text' }, { type: 'text', text: 'x' }] },
          ],
        },
      });

      expectGraphError(noLanguage, 400, 100, "The parameter template['language'] is required.");
      expectGraphError(emptyText, 400, 100, /\['parameters'\]\[0\]\['text'\]/);
    });

    it('refuses paused templates with 132015', async () => {
      sut.addTemplate({
        name: 'promo',
        language: 'en_US',
        status: 'PAUSED',
        components: [{ type: 'BODY', text: 'Sale!' }],
      });

      const response = await send({
        type: 'template',
        template: { name: 'promo', language: { code: 'en_US' } },
      });

      expectGraphError(response, 400, 132015);
    });
  });

  describe('media', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

    it('uploads multipart media and serves its URL, then the bytes with the token', async () => {
      const uploaded = await upload(png, 'image/png', 'pixel.png');
      const info = await graph(`/${uploaded.body.id}`);
      const download = await fetch(info.body.url, {
        headers: { authorization: `Bearer ${PHONE_A.token}` },
      });

      expect(uploaded.status).toBe(200);
      expect(uploaded.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
      expect(info.body).toEqual({
        messaging_product: 'whatsapp',
        url: expect.stringContaining('/whatsapp_business/attachments/?mid='),
        mime_type: 'image/png',
        sha256: createHash('sha256').update(png).digest('hex'),
        file_size: png.length,
        id: uploaded.body.id,
      });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
      expect(sut.requests.find((r) => r.path.endsWith('/media'))?.body).toEqual({
        messaging_product: 'whatsapp',
        type: 'image/png',
        file: { filename: 'pixel.png', contentType: 'image/png', size: png.length },
      });
    });

    it('refuses a media download without the token, with another token, or once expired', async () => {
      const uploaded = await upload(png, 'image/png', 'pixel.png');
      const { url } = (await graph(`/${uploaded.body.id}`)).body;

      const anonymous = await fetch(url);
      const stranger = await fetch(url, { headers: { authorization: `Bearer ${PHONE_B.token}` } });
      now += MEDIA_URL_TTL_MS + 1000;
      const expired = await fetch(url, { headers: { authorization: `Bearer ${PHONE_A.token}` } });

      expect([anonymous.status, stranger.status, expired.status]).toEqual([401, 404, 404]);
    });

    it('validates uploads: messaging_product, file and type', async () => {
      const noProduct = new FormData();
      noProduct.append('file', new Blob([png], { type: 'image/png' }), 'a.png');
      const noFile = new FormData();
      noFile.append('messaging_product', 'whatsapp');
      noFile.append('type', 'image/png');

      const missingProduct = await graph(`/${PHONE_A.id}/media`, { form: noProduct });
      const missingFile = await graph(`/${PHONE_A.id}/media`, { form: noFile });
      const gif = await upload(Buffer.from('GIF89a'), 'image/gif', 'a.gif');
      const bigSticker = await upload(Buffer.alloc(600 * 1024), 'image/webp', 'big.webp');

      expectGraphError(missingProduct, 400, 100, 'The parameter messaging_product is required.');
      expectGraphError(missingFile, 400, 100, 'The parameter file is required.');
      expectGraphError(gif, 400, 100, /Param file must be a file with one of the following types/);
      expectGraphError(bigSticker, 400, 100, /Param file is 614400 bytes/);
    });

    it('deletes media', async () => {
      const uploaded = await upload(png, 'image/png', 'pixel.png');

      const deleted = await graph(`/${uploaded.body.id}`, { method: 'DELETE' });
      const after = await graph(`/${uploaded.body.id}`);

      expect(deleted.body).toEqual({ success: true });
      expectGraphError(after, 400, 100);
    });

    it('makes inbound media downloadable through its id', async () => {
      const inbound = await sut.receiveFromCustomer({
        phoneNumberId: PHONE_A.id,
        from: CUSTOMER_WA_ID,
        name: 'Sheena Nelson',
        media: { type: 'image', data: png, mimeType: 'image/png', caption: 'my plant' },
      });
      const payload = JSON.parse(receiver.received[0]!.body);
      const image = payload.entry[0].changes[0].value.messages[0].image;

      const info = await graph(`/${image.id}`);
      const download = await fetch(info.body.url, {
        headers: { authorization: `Bearer ${PHONE_A.token}` },
      });

      expect(image).toEqual({
        caption: 'my plant',
        mime_type: 'image/png',
        sha256: createHash('sha256').update(png).digest('hex'),
        id: inbound.mediaId,
      });
      expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    });
  });

  describe('webhooks', () => {
    it('delivers an inbound text message in Meta’s shape, signed with the app secret', async () => {
      const inbound = await sut.receiveFromCustomer({
        phoneNumberId: PHONE_A.id,
        from: CUSTOMER,
        name: 'Sheena Nelson',
        text: 'Hello!',
      });

      const [webhook] = receiver.received;
      expect(inbound.delivery).toMatchObject({ status: 200, responseBody: 'EVENT_RECEIVED' });
      expect(webhook!.headers['x-hub-signature-256']).toBe(
        `sha256=${createHmac('sha256', APP_SECRET).update(webhook!.body).digest('hex')}`,
      );
      expect(webhook!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(webhook!.body)).toEqual({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: PHONE_A.waba,
            changes: [
              {
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_A.id },
                  contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: CUSTOMER_WA_ID }],
                  messages: [
                    {
                      from: CUSTOMER_WA_ID,
                      id: inbound.messageId,
                      timestamp: String(Math.floor(now / 1000)),
                      type: 'text',
                      text: { body: 'Hello!' },
                    },
                  ],
                },
                field: 'messages',
              },
            ],
          },
        ],
      });
      expect(inbound.messageId).toMatch(/^wamid\./);
    });

    it('delivers replies and reactions with their context', async () => {
      await sut.receiveFromCustomer({
        phoneNumberId: PHONE_A.id,
        from: CUSTOMER_WA_ID,
        name: 'Sheena',
        text: 'this one',
        replyTo: 'wamid.business-message',
      });
      await sut.receiveFromCustomer({
        phoneNumberId: PHONE_A.id,
        from: CUSTOMER_WA_ID,
        name: 'Sheena',
        reaction: { messageId: 'wamid.business-message', emoji: '\u2764\uFE0F' },
      });

      const [reply, reaction] = receiver.received.map(
        (r) => JSON.parse(r.body).entry[0].changes[0].value.messages[0],
      );
      expect(reply.context).toEqual({ from: '15550783881', id: 'wamid.business-message' });
      expect(reaction).toMatchObject({
        type: 'reaction',
        reaction: { message_id: 'wamid.business-message', emoji: '\u2764\uFE0F' },
      });
    });

    it('delivers sent, delivered, read and failed statuses for a sent message', async () => {
      await openWindow();
      const sent = await send({ text: { body: 'Your order shipped' } });
      const messageId: string = sent.body.messages[0]!.id;
      receiver.received.length = 0;

      for (const status of ['sent', 'delivered', 'read'] as const) {
        await sut.emitStatus({ phoneNumberId: PHONE_A.id, messageId, status });
      }
      await sut.emitStatus({ phoneNumberId: PHONE_A.id, messageId, status: 'failed' });

      const statuses = receiver.received.map(
        (r) => JSON.parse(r.body).entry[0].changes[0].value.statuses[0],
      );
      expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read', 'failed']);
      expect(statuses[0]).toEqual({
        id: messageId,
        status: 'sent',
        timestamp: String(Math.floor(now / 1000)),
        recipient_id: CUSTOMER_WA_ID,
        pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
      });
      expect(statuses[3].errors).toEqual([
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: 'Message Undeliverable.' },
          href: expect.stringContaining('error-codes'),
        },
      ]);
      expect(
        receiver.received.every((r) =>
          signatureMatches(Buffer.from(r.body), r.headers['x-hub-signature-256']),
        ),
      ).toBe(true);
    });

    it('lets a test deliver tampered, unsigned and replayed bodies', async () => {
      const inbound = await sut.receiveFromCustomer({
        phoneNumberId: PHONE_A.id,
        from: CUSTOMER_WA_ID,
        name: 'Sheena',
        text: 'pay 10',
      });
      const original = inbound.delivery!;

      const tampered = await sut.deliverWebhook(original.body.replace('pay 10', 'pay 1000'), {
        signature: original.signature,
      });
      const unsigned = await sut.deliverWebhook(original.body, { signature: null });
      const replayed = await sut.deliverWebhook(original.body, { signature: original.signature });

      expect(tampered.status).toBe(401);
      expect(unsigned.status).toBe(401);
      expect(receiver.received[2]!.headers['x-hub-signature-256']).toBeUndefined();
      expect(replayed.status).toBe(200);
      expect(replayed.body).toBe(original.body);
      expect(sut.sign(original.body)).toBe(original.signature);
    });

    it('builds bodies without delivering them', () => {
      const built = sut.inboundWebhook({
        phoneNumberId: PHONE_B.id,
        from: '6281200000009',
        name: 'Budi',
        text: 'halo',
      });
      const custom = sut.webhookBody(PHONE_B.id, {
        errors: [{ code: 130429, title: 'Rate limit hit' }],
      });

      expect(JSON.parse(built.body).entry[0].changes[0].value.metadata).toEqual({
        display_phone_number: '6281200000002',
        phone_number_id: PHONE_B.id,
      });
      expect(JSON.parse(custom).entry[0].changes[0].value.errors).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
      expect(sut.lastInboundAt(PHONE_B.id, '6281200000009')).toBeNull();
    });

    it('performs the verification handshake against the callback URL', async () => {
      const good = await sut.verifyChallenge(receiver.url, VERIFY_TOKEN, '1158201444');
      const bad = await sut.verifyChallenge(receiver.url, 'wrong-token');

      expect(good).toEqual({
        status: 200,
        body: '1158201444',
        challenge: '1158201444',
        verified: true,
      });
      expect(bad).toMatchObject({ status: 403, verified: false });
    });
  });
});
