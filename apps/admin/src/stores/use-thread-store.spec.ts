import { ErrorCode, WhatsAppErrorCode } from '@switchboard/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/conversations';
import { ApiError } from '@/api/http';
import {
  aConversation,
  aMessage,
  anOutbound,
  NUMBER_UUID,
  receivedEvent,
  statusUpdatedEvent,
} from '@/test/inbox-factory';
import { useConversationsStore } from './use-conversations-store';
import { useThreadStore } from './use-thread-store';

vi.mock('@/api/conversations');

const WS = 5;
const CONTACT_ID = 900;
const PHONE = '+6281100009999';

function page<T>(data: T[], next: string | null = null) {
  return { data, next_cursor: next };
}

/** A thread open on a listed conversation whose customer has `PHONE`. */
async function sut(newestFirst = [aMessage(), aMessage()], next: string | null = null) {
  setActivePinia(createPinia());
  const conversation = aConversation({ contact: { phone: PHONE } });
  vi.mocked(api.listConversations).mockResolvedValue(page([conversation]));
  const conversations = useConversationsStore();
  await conversations.load(WS);
  vi.mocked(api.listConversationMessages).mockResolvedValueOnce(page(newestFirst, next));
  const thread = useThreadStore();
  await thread.openConversation(WS, {
    contactUuid: conversation.contact.uuid,
    sessionUuid: NUMBER_UUID,
  });
  return { thread, conversations, conversation };
}

const ids = (thread: ReturnType<typeof useThreadStore>) => thread.messages.map((m) => m.id);

describe('useThreadStore', () => {
  beforeEach(() => {
    vi.mocked(api.listUnreadCounts).mockResolvedValue([]);
    vi.mocked(api.markConversationRead).mockResolvedValue({ marked_read: 1, unread_messages: 0 });
  });

  it('shows the newest page oldest first and marks the conversation read on its number', async () => {
    const older = aMessage();
    const newer = aMessage();
    const { thread, conversation } = await sut([newer, older], 'older-cursor');
    await vi.waitFor(() => expect(api.markConversationRead).toHaveBeenCalled());

    expect(ids(thread)).toEqual([older.id, newer.id]);
    expect(thread.hasOlder).toBe(true);
    expect(api.listConversationMessages).toHaveBeenCalledWith(conversation.contact.uuid, {
      session: NUMBER_UUID,
      limit: 50,
    });
    expect(api.markConversationRead).toHaveBeenCalledWith(conversation.contact.uuid, NUMBER_UUID);
  });

  it('puts older messages before the ones shown', async () => {
    const shown = aMessage();
    const { thread } = await sut([shown], 'c1');
    const oldest = aMessage({ created_at: '2020-01-01T00:00:00.000Z' });
    vi.mocked(api.listConversationMessages).mockResolvedValueOnce(page([oldest]));

    await thread.loadOlder();

    expect(ids(thread)).toEqual([oldest.id, shown.id]);
    expect(thread.hasOlder).toBe(false);
  });

  it('says "not found" for a conversation the API does not know (another workspace’s)', async () => {
    setActivePinia(createPinia());
    vi.mocked(api.listConversationMessages).mockRejectedValue(
      new ApiError(404, ErrorCode.NOT_FOUND, 'Contact not found'),
    );
    const thread = useThreadStore();

    await thread.openConversation(WS, { contactUuid: 'x', sessionUuid: NUMBER_UUID });

    expect(thread.notFound).toBe(true);
    expect(thread.messages).toEqual([]);
  });

  it('appends a new customer message live, once, and marks it read', async () => {
    const { thread, conversations } = await sut();
    vi.mocked(api.markConversationRead).mockClear();
    const event = receivedEvent(WS, { id: CONTACT_ID, phone: PHONE }, { body: 'Still there?' });

    conversations.applyMessageReceived(event);
    thread.applyMessageReceived(event);
    thread.applyMessageReceived(structuredClone(event));

    expect(thread.messages.at(-1)).toMatchObject({ id: event.message.id, body: 'Still there?' });
    expect(thread.messages.filter((m) => m.id === event.message.id)).toHaveLength(1);
    await vi.waitFor(() => expect(api.markConversationRead).toHaveBeenCalledTimes(1));
  });

  it('leaves out messages of another contact and of another number', async () => {
    const { thread, conversations } = await sut();
    const before = ids(thread);
    const otherContact = receivedEvent(WS, { id: 901, phone: '+6281100000001' });
    const otherNumber = receivedEvent(
      WS,
      { id: CONTACT_ID, phone: PHONE },
      { session_uuid: 'ffffffff-0000-4000-8000-000000000009' },
    );
    conversations.learnContact(901, 'someone-else');

    thread.applyMessageReceived(otherContact);
    thread.applyMessageReceived(otherNumber);

    expect(ids(thread)).toEqual(before);
  });

  it('recognises a contact it cannot match by phone by reading its newest page', async () => {
    const { thread } = await sut();
    const event = receivedEvent(WS, { id: 902, phone: null }, { body: 'from a group' });
    const stored = aMessage({ id: event.message.id, body: 'from a group', uuid: 'u-902' });
    vi.mocked(api.listConversationMessages).mockResolvedValueOnce(page([stored]));

    thread.applyMessageReceived(event);

    await vi.waitFor(() => expect(thread.byId(event.message.id)?.uuid).toBe('u-902'));
    expect(useConversationsStore().resolveContact(event.contact)).toBe(thread.open!.contactUuid);
  });

  it('moves acks forward only: pending → sent → delivered → read, never back', async () => {
    const reply = aMessage({ direction: 'outbound', status: 'pending' });
    const { thread } = await sut([reply]);
    const status = () => thread.byId(reply.id)?.status;

    thread.applyStatusUpdated(statusUpdatedEvent(WS, CONTACT_ID, reply.id, 'sent'));
    expect(status()).toBe('sent');
    thread.applyStatusUpdated(statusUpdatedEvent(WS, CONTACT_ID, reply.id, 'read'));
    thread.applyStatusUpdated(statusUpdatedEvent(WS, CONTACT_ID, reply.id, 'delivered'));
    thread.applyStatusUpdated(statusUpdatedEvent(WS, CONTACT_ID, reply.id, 'sent'));

    expect(status()).toBe('read');
  });

  it('sends the draft from the chosen number with a fresh idempotency key, then clears it', async () => {
    const { thread, conversation } = await sut();
    const answer = anOutbound({ body: 'We open at 9.', session_uuid: NUMBER_UUID });
    vi.mocked(api.sendMessage).mockResolvedValue(answer);
    thread.draft = 'We open at 9.';

    expect(await thread.send({ sessionUuid: NUMBER_UUID, allowFailover: false })).toBe(true);

    const [contactUuid, body] = vi.mocked(api.sendMessage).mock.calls[0]!;
    expect(contactUuid).toBe(conversation.contact.uuid);
    expect(body).toMatchObject({
      type: 'text',
      text: 'We open at 9.',
      session_uuid: NUMBER_UUID,
      allow_failover: false,
    });
    expect(body.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(thread.draft).toBe('');
    expect(thread.byId(answer.id)?.status).toBe('pending');
  });

  it('keeps the draft on an error and sends it again with the same key after a network error', async () => {
    const { thread } = await sut();
    vi.mocked(api.sendMessage).mockRejectedValueOnce(
      new ApiError(0, 'NETWORK_ERROR', 'Could not reach the server'),
    );
    thread.draft = 'Your order shipped.';
    const target = { sessionUuid: NUMBER_UUID, allowFailover: false };

    expect(await thread.send(target)).toBe(false);
    expect(thread.draft).toBe('Your order shipped.');
    expect(thread.sendError).toBe('Could not reach the server');

    vi.mocked(api.sendMessage).mockResolvedValueOnce(anOutbound({ body: 'Your order shipped.' }));
    expect(await thread.send(target)).toBe(true);
    const keys = vi.mocked(api.sendMessage).mock.calls.map(([, body]) => body.idempotency_key);
    expect(keys[1]).toBe(keys[0]);

    // The next message is a new send.
    vi.mocked(api.sendMessage).mockResolvedValueOnce(anOutbound({ body: 'Anything else?' }));
    thread.draft = 'Anything else?';
    await thread.send(target);
    expect(vi.mocked(api.sendMessage).mock.calls[2]![1].idempotency_key).not.toBe(keys[0]);
  });

  it('uses a new key when the server refused the request, or the text changed', async () => {
    const { thread } = await sut();
    vi.mocked(api.sendMessage).mockRejectedValueOnce(
      new ApiError(422, ErrorCode.VALIDATION_FAILED, 'text is too long'),
    );
    thread.draft = 'Hi';
    const target = { sessionUuid: NUMBER_UUID, allowFailover: true };
    await thread.send(target);
    vi.mocked(api.sendMessage).mockRejectedValueOnce(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    await thread.send(target);
    thread.draft = 'Hi!';
    vi.mocked(api.sendMessage).mockRejectedValueOnce(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    await thread.send(target);

    const keys = vi.mocked(api.sendMessage).mock.calls.map(([, body]) => body.idempotency_key);
    expect(new Set(keys).size).toBe(3);
    expect(thread.draft).toBe('Hi!');
  });

  it('takes a failed reply’s reason from its row when the row carries it', async () => {
    const error = { code: WhatsAppErrorCode.INVALID_RECIPIENT, message: 'not on WhatsApp' };
    const failed = aMessage({
      direction: 'outbound',
      status: 'failed',
      uuid: 'f-2',
      delivery: { idempotency_key: 'k', error, attempts: [], failed_over_from: null, retries: 0 },
    });
    const { thread } = await sut([failed]);

    expect(thread.failures['f-2']).toEqual(error);
    expect(api.getMessage).not.toHaveBeenCalled();
  });

  it('shows why a reply failed and sends it again on retry', async () => {
    const failed = aMessage({ direction: 'outbound', status: 'failed', uuid: 'f-1' });
    vi.mocked(api.getMessage).mockResolvedValue({
      ...anOutbound({ ...failed }),
      delivery: {
        idempotency_key: 'k',
        error: { code: WhatsAppErrorCode.NUMBER_NOT_CONNECTED, message: 'number is offline' },
        attempts: [],
        failed_over_from: null,
        retries: 0,
      },
    });
    const { thread, conversation } = await sut([failed]);
    await vi.waitFor(() =>
      expect(thread.failures['f-1']).toEqual({
        code: WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
        message: 'number is offline',
      }),
    );
    vi.mocked(api.retryMessage).mockResolvedValue(anOutbound({ ...failed, status: 'pending' }));

    await thread.retry('f-1');

    expect(api.retryMessage).toHaveBeenCalledWith(conversation.contact.uuid, 'f-1');
    expect(thread.byId(failed.id)?.status).toBe('pending');
    expect(thread.failures['f-1']).toBeUndefined();
  });
});
