import { FakeMetaGraphApi } from '@switchboard/testing';
import { MetaWebhookFormatError, parseMetaWebhook } from './meta-webhook.mapper';

// Bodies built by the fake Meta Graph API, in Meta's documented webhook shapes.
describe('parseMetaWebhook', () => {
  const meta = new FakeMetaGraphApi({ appSecret: 'app-secret' });
  const phoneNumberId = '106540352242922';
  meta.addPhoneNumber({
    phoneNumberId,
    wabaId: '102290129340398',
    displayPhoneNumber: '+1 555-010-0001',
    verifiedName: 'Acme',
    accessToken: 'EAAtoken',
  });
  const parse = (body: string) => parseMetaWebhook(JSON.parse(body) as unknown);

  it('maps a text message with the profile name of its sender', () => {
    const { body, messageId } = meta.inboundWebhook({
      phoneNumberId,
      from: '16505551234',
      name: 'Sheena Nelson',
      text: 'Is the shop open today?',
      at: 1_764_000_000_000,
    });
    expect(parse(body)).toEqual([
      {
        phoneNumberId,
        statuses: [],
        messages: [
          {
            provider: 'meta',
            provider_message_id: messageId,
            direction: 'inbound',
            source: 'customer',
            conversation: { id: '16505551234', kind: 'phone', phone: '16505551234' },
            sender: { id: '16505551234', kind: 'phone', phone: '16505551234' },
            sender_name: 'Sheena Nelson',
            type: 'text',
            provider_type: 'text',
            body: 'Is the shop open today?',
            timestamp: 1_764_000_000,
            media: null,
            quoted_message_id: null,
            status: 'delivered',
            extra: null,
          },
        ],
      },
    ]);
  });

  it('maps an image to its media metadata and caption, and a reply to its quoted id', () => {
    const { body, mediaId } = meta.inboundWebhook({
      phoneNumberId,
      from: '16505551234',
      name: 'Sheena',
      media: {
        type: 'image',
        data: Buffer.from('fake-jpeg'),
        mimeType: 'image/jpeg',
        caption: 'the broken part',
      },
      replyTo: 'wamid.quoted',
    });
    const [message] = parse(body)[0]!.messages;
    expect(message).toMatchObject({
      type: 'image',
      body: 'the broken part',
      quoted_message_id: 'wamid.quoted',
      media: {
        provider_media_id: mediaId,
        mimetype: 'image/jpeg',
        filename: null,
        voice: false,
      },
    });
    expect(message!.media!.sha256).toMatch(/.+/);
  });

  it('maps sent, delivered, read and failed statuses, keeping the failure reason', () => {
    const statuses = (['sent', 'delivered', 'read', 'failed'] as const).map(
      (status) =>
        parse(
          meta.statusWebhook({
            phoneNumberId,
            messageId: 'wamid.out',
            status,
            recipientId: '16505551234',
            at: 1_764_000_100_000,
          }).body,
        )[0]!.statuses[0],
    );
    expect(statuses.map((s) => s?.status)).toEqual(['sent', 'delivered', 'read', 'failed']);
    expect(statuses[2]).toEqual({
      provider_message_id: 'wamid.out',
      status: 'read',
      timestamp: 1_764_000_100,
      error: null,
    });
    expect(statuses[3]!.error).toMatchObject({ code: 131026 });
    expect(statuses[3]!.error!.title).toMatch(/.+/);
  });

  it('ignores other webhook fields and unknown statuses', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'message_template_status_update', value: { event: 'APPROVED' } },
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: phoneNumberId },
                statuses: [{ id: 'wamid.x', status: 'deleted', timestamp: '1' }],
              },
            },
          ],
        },
      ],
    };
    expect(parseMetaWebhook(body)).toEqual([{ phoneNumberId, messages: [], statuses: [] }]);
  });

  it.each([
    ['not an object', 'hello', 'body'],
    ['another object type', { object: 'page', entry: [] }, 'object'],
    ['entry not a list', { object: 'whatsapp_business_account', entry: {} }, 'entry'],
    [
      'no phone_number_id',
      {
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'messages', value: { metadata: {} } }] }],
      },
      'entry.0.changes.0.value.metadata.phone_number_id',
    ],
    [
      'a message without id',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '1' },
                  messages: [{ from: '1555', type: 'text', text: { body: 'x' }, timestamp: '1' }],
                },
              },
            ],
          },
        ],
      },
      'entry.0.changes.0.value.messages.0.id',
    ],
    [
      'a text message without text',
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            changes: [
              {
                field: 'messages',
                value: {
                  metadata: { phone_number_id: '1' },
                  messages: [{ id: 'wamid.1', from: '1555', type: 'text', timestamp: '1' }],
                },
              },
            ],
          },
        ],
      },
      'entry.0.changes.0.value.messages.0.text',
    ],
  ])('refuses %s, naming the field', (_what, body, field) => {
    expect(() => parseMetaWebhook(body)).toThrow(MetaWebhookFormatError);
    try {
      parseMetaWebhook(body);
    } catch (error) {
      expect((error as MetaWebhookFormatError).field).toBe(field);
    }
  });
});
