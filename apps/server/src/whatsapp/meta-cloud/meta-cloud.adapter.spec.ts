import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { WhatsAppErrorCode, type OutboundContent } from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import { FakeMetaGraphApi } from '@switchboard/testing';
import type { StoredMetaCredentials } from '../../sessions/meta-credentials';
import { WhatsappSession } from '../../sessions/whatsapp-session.entity';
import type { Recipient, SendCommand } from '../whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp.exception';
import { MetaCloudAdapter } from './meta-cloud.adapter';
import { MetaGraphClient } from './meta-graph.client';

const PHONE = {
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  displayPhoneNumber: '+1 555-010-0001',
  verifiedName: 'Toko Maju',
  accessToken: 'EAAG-token-of-1065',
};
const OTHER_PHONE = { ...PHONE, phoneNumberId: '206540352242922', accessToken: 'EAAG-other' };
const CUSTOMER = '16505551234';
const customer: Recipient = { phone: CUSTOMER, whatsappId: `${CUSTOMER}@c.us` };
const PDF = Buffer.from('%PDF-1.4 an invoice');

const ORDER_UPDATE = {
  name: 'order_update',
  language: 'en_US',
  components: [
    { type: 'HEADER' as const, format: 'TEXT' as const, text: 'Order {{1}}' },
    { type: 'BODY' as const, text: 'Hi {{1}}, your order ships on {{2}}.' },
  ],
};

describe('MetaCloudAdapter', () => {
  let meta: FakeMetaGraphApi;
  let box: SecretBox;
  let sut: MetaCloudAdapter;

  beforeEach(async () => {
    meta = new FakeMetaGraphApi();
    meta.addPhoneNumber(PHONE);
    meta.addPhoneNumber(OTHER_PHONE);
    meta.addTemplate(ORDER_UPDATE);
    await meta.start();
    box = new SecretBox(randomBytes(32));
    sut = new MetaCloudAdapter(box, graphClient(meta.origin));
  });
  afterEach(() => meta.stop());

  function graphClient(baseUrl: string, defaultVersion = 'v21.0'): MetaGraphClient {
    return new MetaGraphClient({ baseUrl, defaultVersion, timeoutMs: 5_000 });
  }

  /** A Meta number as the numbers API stores it. */
  function metaNumber(credentials: Partial<StoredMetaCredentials> | null = {}): WhatsappSession {
    return Object.assign(new WhatsappSession(), {
      uuid: randomUUID(),
      providerType: 'meta',
      phoneNumber: '+15550100001',
      sessionData:
        credentials === null
          ? null
          : box.seal(
              JSON.stringify({
                access_token: PHONE.accessToken,
                phone_number_id: PHONE.phoneNumberId,
                waba_id: PHONE.wabaId,
                ...credentials,
              }),
            ),
    });
  }

  function command(content: OutboundContent, overrides: Partial<SendCommand> = {}): SendCommand {
    return {
      idempotencyKey: randomUUID(),
      to: customer,
      content,
      quotedProviderMessageId: null,
      ...overrides,
    };
  }

  /** The customer writes first: the 24-hour window opens. */
  async function customerWrites(text = 'hi'): Promise<string> {
    const { messageId } = await meta.receiveFromCustomer({
      phoneNumberId: PHONE.phoneNumberId,
      from: CUSTOMER,
      name: 'Sheena',
      text,
    });
    return messageId;
  }

  async function sendError(
    content: OutboundContent,
    overrides: Partial<SendCommand> = {},
    number = metaNumber(),
  ): Promise<WhatsAppException> {
    const error = await sut.send(number, command(content, overrides)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WhatsAppException);
    return error as WhatsAppException;
  }

  it('offers text, media, templates and read receipts, but not groups', () => {
    expect(sut.provider).toBe('meta');
    expect([...sut.capabilities].sort()).toEqual(['mark_read', 'media', 'template', 'text']);
  });

  describe('send', () => {
    it("sends a text inside the customer's window and answers Meta's message id", async () => {
      await customerWrites();

      const result = await sut.send(metaNumber(), command({ type: 'text', text: 'Hello Sheena' }));

      expect(meta.sentMessages).toHaveLength(1);
      const [sent] = meta.sentMessages;
      expect(result).toEqual({ providerMessageId: sent!.id, status: 'sent' });
      expect(sent).toMatchObject({
        phoneNumberId: PHONE.phoneNumberId,
        waId: CUSTOMER,
        type: 'text',
      });
      expect(sent!.payload).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: CUSTOMER,
        type: 'text',
        text: { body: 'Hello Sheena' },
      });
      const request = meta.requests.at(-1)!;
      expect(request.bearerTokenPresent).toBe(true);
      expect(request.query).toEqual({});
    });

    it('sends to the digits of a formatted phone', async () => {
      await customerWrites();

      await sut.send(
        metaNumber(),
        command(
          { type: 'text', text: 'hi' },
          { to: { phone: '+1 (650) 555-1234', whatsappId: null } },
        ),
      );

      expect(meta.sentMessages[0]!.to).toBe(CUSTOMER);
    });

    it('quotes the message it replies to', async () => {
      const inbound = await customerWrites('Where is my order?');

      await sut.send(
        metaNumber(),
        command({ type: 'text', text: 'On its way' }, { quotedProviderMessageId: inbound }),
      );

      expect(meta.sentMessages[0]!.replyTo).toBe(inbound);
      expect(meta.sentMessages[0]!.payload.context).toEqual({ message_id: inbound });
    });

    it('sends media by link with its caption', async () => {
      await customerWrites();

      await sut.send(
        metaNumber(),
        command({
          type: 'media',
          media: { kind: 'image', url: 'https://cdn.example.com/p.jpg', caption: 'Your item' },
        }),
      );

      expect(meta.sentMessages[0]).toMatchObject({
        type: 'image',
        payload: {
          type: 'image',
          image: { link: 'https://cdn.example.com/p.jpg', caption: 'Your item' },
        },
      });
    });

    it('uploads base64 media, then sends it by id with the document filename', async () => {
      await customerWrites();

      await sut.send(
        metaNumber(),
        command({
          type: 'media',
          media: {
            kind: 'document',
            base64: PDF.toString('base64'),
            mimetype: 'application/pdf',
            filename: 'invoice-42.pdf',
            caption: 'Your invoice',
          },
        }),
      );

      const upload = meta.requests.find((r) => r.path.endsWith('/media'))!;
      expect(upload).toMatchObject({
        method: 'POST',
        path: `/v21.0/${PHONE.phoneNumberId}/media`,
        status: 200,
        body: { messaging_product: 'whatsapp', type: 'application/pdf' },
      });
      const document = meta.sentMessages[0]!.payload.document as Record<string, unknown>;
      expect(document).toEqual({
        id: expect.any(String),
        filename: 'invoice-42.pdf',
        caption: 'Your invoice',
      });
      const stored = meta.getMedia(document.id as string)!;
      expect(stored.data.equals(PDF)).toBe(true);
      expect(stored).toMatchObject({ mimeType: 'application/pdf', filename: 'invoice-42.pdf' });
    });

    it('uploads media given as a data URL without a filename', async () => {
      await customerWrites();
      const png = Buffer.from('\x89PNG\r\n\x1a\n a picture', 'latin1');

      await sut.send(
        metaNumber(),
        command({
          type: 'media',
          media: {
            kind: 'image',
            base64: `data:image/png;base64,${png.toString('base64')}`,
            mimetype: 'image/png',
          },
        }),
      );

      const image = meta.sentMessages[0]!.payload.image as { id: string };
      expect(meta.getMedia(image.id)!.data.equals(png)).toBe(true);
    });

    it('sends a template with header and body parameters, outside the window', async () => {
      const result = await sut.send(
        metaNumber(),
        command({
          type: 'template',
          template: {
            name: 'order_update',
            language: 'en_US',
            header_parameters: ['#1042'],
            body_parameters: ['Sheena', 'Friday'],
          },
        }),
      );

      expect(result.providerMessageId).toBe(meta.sentMessages[0]!.id);
      expect(meta.sentMessages[0]!.payload.template).toEqual({
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '#1042' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Sheena' },
              { type: 'text', text: 'Friday' },
            ],
          },
        ],
      });
    });

    it('uses the API version stored with the credentials', async () => {
      await meta.stop();
      meta = new FakeMetaGraphApi({ version: 'v23.0' });
      meta.addPhoneNumber(PHONE);
      meta.addTemplate(ORDER_UPDATE);
      await meta.start();
      sut = new MetaCloudAdapter(box, graphClient(meta.origin, 'v21.0'));

      await sut.send(
        metaNumber({ api_version: 'v23.0' }),
        command({
          type: 'template',
          template: {
            name: 'order_update',
            language: 'en_US',
            header_parameters: ['#1'],
            body_parameters: ['a', 'b'],
          },
        }),
      );

      expect(meta.sentMessages).toHaveLength(1);
      expect(meta.requests[0]!.path).toBe(`/v23.0/${PHONE.phoneNumberId}/messages`);
    });

    it('reads a phone_number_id stored as a number (rows moved from Blazz)', async () => {
      await customerWrites();
      const number = metaNumber({
        phone_number_id: Number(PHONE.phoneNumberId) as unknown as string,
      });

      await sut.send(number, command({ type: 'text', text: 'hi' }));

      expect(meta.sentMessages).toHaveLength(1);
    });
  });

  describe('send failures', () => {
    it('refuses a free-form message outside the 24-hour window (131047)', async () => {
      const error = await sendError({ type: 'text', text: 'Hello?' });

      expect(error.code).toBe(WhatsAppErrorCode.OUTSIDE_CUSTOMER_WINDOW);
      expect(error.message).toContain('(#131047) Re-engagement message');
      expect(error.message).toContain('more than 24 hours have passed');
      expect(error.details).toMatchObject({ meta_code: 131047, http_status: 400 });
      expect(meta.sentMessages).toHaveLength(0);
    });

    it('is rate limited when the number is throttled (130429)', async () => {
      await customerWrites();
      meta.throttle(PHONE.phoneNumberId, 1, 60_000);
      await sut.send(metaNumber(), command({ type: 'text', text: 'first' }));

      const error = await sendError({ type: 'text', text: 'second' });

      expect(error.code).toBe(WhatsAppErrorCode.RATE_LIMITED);
      expect(error.message).toContain('(#130429) Rate limit hit');
      expect(error.retryable).toBe(true);
      expect(meta.sentMessages).toHaveLength(1);
    });

    it('refuses a recipient who is not on WhatsApp (131026)', async () => {
      await customerWrites();
      meta.markUndeliverable(CUSTOMER);

      const error = await sendError({ type: 'text', text: 'hi' });

      expect(error.code).toBe(WhatsAppErrorCode.INVALID_RECIPIENT);
      expect(error.message).toContain('(#131026) Message Undeliverable');
      expect(error.failover).toBe(false);
    });

    it('refuses a phone that is not a phone number (100 naming to)', async () => {
      const error = await sendError(
        { type: 'template', template: { name: 'order_update', language: 'en_US' } },
        { to: { phone: '12', whatsappId: null } },
      );

      expect(error.code).toBe(WhatsAppErrorCode.INVALID_RECIPIENT);
      expect(error.message).toContain('Param to must be a phone number');
    });

    it('refuses a template that does not exist in that language (132001)', async () => {
      const error = await sendError({
        type: 'template',
        template: { name: 'order_update', language: 'fr' },
      });

      expect(error.code).toBe(WhatsAppErrorCode.TEMPLATE_REJECTED);
      expect(error.message).toContain('(#132001) Template name does not exist in the translation');
      expect(error.message).toContain('template name (order_update) does not exist in fr');
    });

    it('refuses template parameters that do not fit (132000)', async () => {
      const error = await sendError({
        type: 'template',
        template: {
          name: 'order_update',
          language: 'en_US',
          header_parameters: ['#1'],
          body_parameters: ['only one'],
        },
      });

      expect(error.code).toBe(WhatsAppErrorCode.TEMPLATE_REJECTED);
      expect(error.message).toContain('number of localizable_params (1)');
    });

    it('refuses an upload of a type Meta does not take', async () => {
      await customerWrites();

      const error = await sendError({
        type: 'media',
        media: {
          kind: 'document',
          base64: Buffer.from('<html></html>').toString('base64'),
          mimetype: 'text/html',
          filename: 'page.html',
        },
      });

      expect(error.code).toBe(WhatsAppErrorCode.MEDIA_REJECTED);
      expect(error.message).toMatch(/^Meta refused the media upload: .*text\/html/);
      expect(meta.sentMessages).toHaveLength(0);
    });

    it('refuses media with neither url nor content, or a caption audio cannot carry', async () => {
      await expect(sendError({ type: 'media', media: { kind: 'image' } })).resolves.toMatchObject({
        code: WhatsAppErrorCode.MEDIA_REJECTED,
      });
      await expect(
        sendError({
          type: 'media',
          media: { kind: 'audio', url: 'https://cdn.example.com/a.ogg', caption: 'listen' },
        }),
      ).resolves.toMatchObject({ code: WhatsAppErrorCode.MEDIA_REJECTED });
      await expect(
        sendError({ type: 'media', media: { kind: 'image', base64: PDF.toString('base64') } }),
      ).resolves.toMatchObject({ code: WhatsAppErrorCode.MEDIA_REJECTED });
      expect(meta.requests).toHaveLength(0);
    });

    it('reports an expired access token as rejected credentials (190)', async () => {
      await customerWrites();
      meta.expireAccessToken(PHONE.phoneNumberId);

      const error = await sendError({ type: 'text', text: 'hi' });

      expect(error.code).toBe(WhatsAppErrorCode.CREDENTIALS_REJECTED);
      expect(error.message).toContain('Error validating access token: Session has expired');
      expect(error.details).toMatchObject({ meta_code: 190, meta_subcode: 463, http_status: 401 });
      expect(error.failover).toBe(true);
    });

    it('reports a token that cannot see the phone number as rejected credentials', async () => {
      const error = await sendError(
        { type: 'template', template: { name: 'order_update', language: 'en_US' } },
        {},
        metaNumber({ access_token: OTHER_PHONE.accessToken }),
      );

      expect(error.code).toBe(WhatsAppErrorCode.CREDENTIALS_REJECTED);
      expect(error.message).toContain(`Object with ID '${PHONE.phoneNumberId}' does not exist`);
    });

    it('is unavailable when Graph does not answer', async () => {
      await meta.stop();

      const error = await sendError({ type: 'text', text: 'hi' });

      expect(error.code).toBe(WhatsAppErrorCode.PROVIDER_UNAVAILABLE);
      expect(error.message).toMatch(/^The Meta Graph API did not answer: .*could not be reached/);
      expect(error.retryable).toBe(true);
    });

    it('cannot send to a group, and asks nothing of Graph', async () => {
      const error = await sendError(
        { type: 'text', text: 'hi all' },
        { to: { phone: null, whatsappId: '120363040000000000@g.us' } },
      );

      expect(error.code).toBe(WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED);
      expect(error.message).toMatch(/^Meta Cloud API numbers cannot .* groups$/);
      expect(error.details).toMatchObject({ provider_type: 'meta', capability: 'group' });
      expect(error.httpStatus).toBe(422);
      expect(meta.requests).toHaveLength(0);
    });

    it('cannot send to a contact known only by its @lid', async () => {
      const error = await sendError(
        { type: 'text', text: 'hi' },
        { to: { phone: null, whatsappId: '98765432101234@lid' } },
      );

      expect(error.code).toBe(WhatsAppErrorCode.CAPABILITY_NOT_SUPPORTED);
      expect(error.message).toContain('98765432101234@lid');
    });

    it('is not connected without stored credentials, or with credentials it cannot open', async () => {
      const none = await sendError({ type: 'text', text: 'hi' }, {}, metaNumber(null));
      const foreign = metaNumber();
      foreign.sessionData = new SecretBox(randomBytes(32)).seal('{}');
      const unreadable = await sendError({ type: 'text', text: 'hi' }, {}, foreign);
      const incomplete = await sendError(
        { type: 'text', text: 'hi' },
        {},
        metaNumber({ access_token: '' }),
      );

      for (const error of [none, unreadable, incomplete]) {
        expect(error.code).toBe(WhatsAppErrorCode.NUMBER_NOT_CONNECTED);
      }
      expect(none.message).toBe(
        'Meta number +15550100001 cannot send: it has no Meta credentials stored',
      );
      expect(meta.requests).toHaveLength(0);
    });
  });

  describe('markRead', () => {
    it("marks the customer's message read", async () => {
      const inbound = await customerWrites();

      await sut.markRead(metaNumber(), customer, inbound);

      expect(meta.readReceipts).toEqual([
        expect.objectContaining({ phoneNumberId: PHONE.phoneNumberId, messageId: inbound }),
      ]);
      expect(meta.requests.at(-1)!.body).toEqual({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: inbound,
      });
    });

    it("passes on Meta's refusal", async () => {
      const inbound = await customerWrites();
      meta.expireAccessToken(PHONE.phoneNumberId);

      const error = await sut.markRead(metaNumber(), customer, inbound).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WhatsAppException);
      expect(error).toMatchObject({ code: WhatsAppErrorCode.CREDENTIALS_REJECTED });
      expect(meta.readReceipts).toHaveLength(0);
    });
  });

  describe('probe', () => {
    it('is reachable when Graph answers for the number with its token', async () => {
      await expect(sut.probe(metaNumber())).resolves.toEqual({ reachable: true, detail: null });

      const request = meta.requests.at(-1)!;
      expect(request).toMatchObject({
        method: 'GET',
        path: `/v21.0/${PHONE.phoneNumberId}`,
        bearerTokenPresent: true,
        status: 200,
      });
      expect(request.query).toEqual({
        fields: 'display_phone_number,verified_name,quality_rating',
      });
    });

    it("is unreachable with Meta's words when the token has expired", async () => {
      meta.expireAccessToken(PHONE.phoneNumberId);

      const probe = await sut.probe(metaNumber());

      expect(probe.reachable).toBe(false);
      expect(probe.detail).toMatch(/^Error validating access token: Session has expired on /);
    });

    it('is unreachable when Graph does not answer, or the number has no credentials', async () => {
      await expect(sut.probe(metaNumber(null))).resolves.toEqual({
        reachable: false,
        detail: 'Meta number +15550100001 cannot send: it has no Meta credentials stored',
      });
      await meta.stop();

      const probe = await sut.probe(metaNumber());

      expect(probe.reachable).toBe(false);
      expect(probe.detail).toMatch(/could not be reached/);
    });
  });
});
