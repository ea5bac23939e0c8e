import { describeParty, toEngineMessage } from './webjs-message.mapper';
import type { WebJsMessage } from './whatsapp-client.port';

function message(overrides: Partial<WebJsMessage>): WebJsMessage {
  return {
    id: { fromMe: false, remote: '6281@c.us', id: 'ABC', _serialized: 'false_6281@c.us_ABC' },
    from: '6281@c.us',
    to: '6285@c.us',
    body: 'hi',
    type: 'chat',
    timestamp: 1,
    fromMe: false,
    hasMedia: false,
    ...overrides,
  };
}

describe('webjs message mapper', () => {
  it('tells phones, lids, groups and broadcasts apart', () => {
    expect(describeParty('6281234@c.us')).toEqual({
      id: '6281234@c.us',
      kind: 'phone',
      phone: '6281234',
    });
    expect(describeParty('6281234:12@c.us').phone).toBe('6281234');
    expect(describeParty('6281234@lid')).toEqual({ id: '6281234@lid', kind: 'lid', phone: null });
    expect(describeParty('1203@g.us').kind).toBe('group');
    expect(describeParty('status@broadcast').kind).toBe('broadcast');
    expect(describeParty('1@newsletter').kind).toBe('newsletter');
  });

  it('drops system records and status updates', () => {
    expect(toEngineMessage(message({ type: 'e2e_notification' }))).toBeNull();
    expect(toEngineMessage(message({ type: 'ciphertext' }))).toBeNull();
    expect(toEngineMessage(message({ from: 'status@broadcast', isStatus: true }))).toBeNull();
    expect(toEngineMessage(message({ type: 'ptt' }))).not.toBeNull();
  });

  it('uses the recipient as the chat of an own message', () => {
    const own = toEngineMessage(
      message({ fromMe: true, from: '6285@c.us', to: '1203@g.us', ack: 2 }),
    );
    expect(own).toMatchObject({
      chat_id: '1203@g.us',
      is_group: true,
      from_me: true,
      status: 'delivered',
    });
  });
});
