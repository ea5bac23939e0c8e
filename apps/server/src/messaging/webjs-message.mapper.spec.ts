import type { EngineMessage } from '@switchboard/contracts';
import { contactIdentity } from './inbound-pipeline.service';
import { MalformedEngineMessageError, fromAck, fromEngineMessage } from './webjs-message.mapper';

function engineMessage(overrides: Partial<EngineMessage> = {}): EngineMessage {
  return {
    provider_message_id: 'false_6281234567890@c.us_3EB0AAA',
    chat_id: '6281234567890@c.us',
    chat_kind: 'phone',
    from: { id: '6281234567890@c.us', kind: 'phone', phone: '6281234567890' },
    to: { id: '6289999999999@c.us', kind: 'phone', phone: '6289999999999' },
    from_me: false,
    is_group: false,
    author: null,
    type: 'chat',
    body: 'halo',
    timestamp: 1_764_000_000,
    media: null,
    quoted_message_id: null,
    status: 'delivered',
    ...overrides,
  };
}

describe('fromEngineMessage', () => {
  it('maps a private inbound message: the conversation is the sender', () => {
    const message = fromEngineMessage(engineMessage(), 'customer');
    expect(message).toMatchObject({
      provider: 'webjs',
      direction: 'inbound',
      source: 'customer',
      conversation: { id: '6281234567890@c.us', kind: 'phone', phone: '6281234567890' },
      type: 'text',
      provider_type: 'chat',
      body: 'halo',
    });
    expect(contactIdentity(message.conversation)).toEqual({
      phone: '+6281234567890',
      whatsappId: null,
      type: 'individual',
    });
  });

  it('maps a message sent from the phone as outbound to the recipient', () => {
    const message = fromEngineMessage(
      engineMessage({
        provider_message_id: 'true_6281234567890@c.us_3EB0BBB',
        from: { id: '6289999999999@c.us', kind: 'phone', phone: '6289999999999' },
        to: { id: '6281234567890@c.us', kind: 'phone', phone: '6281234567890' },
        from_me: true,
        status: 'sent',
      }),
      'phone',
    );
    expect(message).toMatchObject({
      direction: 'outbound',
      source: 'phone',
      conversation: { phone: '6281234567890' },
      sender: { phone: '6289999999999' },
    });
  });

  it('keeps a group as a group contact and its author as the sender', () => {
    const author = { id: '6281111111111@c.us', kind: 'phone' as const, phone: '6281111111111' };
    const message = fromEngineMessage(
      engineMessage({
        chat_id: '120363025555555555@g.us',
        chat_kind: 'group',
        from: { id: '120363025555555555@g.us', kind: 'group', phone: null },
        is_group: true,
        author,
      }),
      'customer',
    );
    expect(message.conversation).toEqual({
      id: '120363025555555555@g.us',
      kind: 'group',
      phone: null,
    });
    expect(message.sender).toEqual(author);
    expect(contactIdentity(message.conversation)).toEqual({
      phone: null,
      whatsappId: '120363025555555555@g.us',
      type: 'group',
    });
  });

  it('never turns an @lid id into a phone number', () => {
    const lid = { id: '204488239173651@lid', kind: 'lid' as const, phone: null };
    const message = fromEngineMessage(
      engineMessage({ chat_id: lid.id, chat_kind: 'lid', from: lid }),
      'customer',
    );
    expect(contactIdentity(message.conversation)).toEqual({
      phone: null,
      whatsappId: '204488239173651@lid',
      type: 'individual',
    });
  });

  it('skips broadcasts and channels', () => {
    expect(contactIdentity({ id: 'status@broadcast', kind: 'broadcast', phone: null })).toBeNull();
    expect(contactIdentity({ id: '1203@newsletter', kind: 'newsletter', phone: null })).toBeNull();
  });

  it('maps voice notes and media metadata', () => {
    const message = fromEngineMessage(
      engineMessage({
        type: 'ptt',
        body: '',
        media: { mimetype: 'audio/ogg; codecs=opus', filename: null, size: 4096 },
      }),
      'customer',
    );
    expect(message).toMatchObject({
      type: 'audio',
      media: { mimetype: 'audio/ogg; codecs=opus', size: 4096, voice: true },
    });
  });

  it('refuses a malformed message, naming the field', () => {
    expect(() =>
      fromEngineMessage({ ...engineMessage(), from: { id: 'x', kind: 'martian' } }, 'customer'),
    ).toThrow(new MalformedEngineMessageError('message.from.kind'));
    expect(() => fromEngineMessage(undefined, 'customer')).toThrow(MalformedEngineMessageError);
    expect(() => fromAck({ provider_message_id: 'x', status: 'seen' })).toThrow(
      new MalformedEngineMessageError('data.status'),
    );
  });
});
