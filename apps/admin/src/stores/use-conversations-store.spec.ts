import { ErrorCode, type ConversationView, type Page } from '@switchboard/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/conversations';
import { ApiError } from '@/api/http';
import {
  aConversation,
  anOutbound,
  NUMBER_UUID,
  receivedEvent,
  statusUpdatedEvent,
  uuid,
} from '@/test/inbox-factory';
import { conversationKey, keyOf, useConversationsStore } from './use-conversations-store';

vi.mock('@/api/conversations');

const WS = 3;

function sut() {
  setActivePinia(createPinia());
  return useConversationsStore();
}

function page<T>(data: T[], next: string | null = null) {
  return { data, next_cursor: next };
}

describe('useConversationsStore', () => {
  beforeEach(() => {
    vi.mocked(api.listConversations).mockResolvedValue(page([]));
    vi.mocked(api.listUnreadCounts).mockResolvedValue([]);
  });

  it('loads the first page and the unread count of every number', async () => {
    const a = aConversation({ unread_count: 2 });
    const b = aConversation();
    vi.mocked(api.listConversations).mockResolvedValue(page([a, b], 'next-1'));
    vi.mocked(api.listUnreadCounts).mockResolvedValue([{ session_uuid: NUMBER_UUID, unread: 2 }]);
    const store = sut();

    await store.load(WS);

    expect(store.items.map(keyOf)).toEqual([keyOf(a), keyOf(b)]);
    expect(store.hasMore).toBe(true);
    expect(store.unread).toEqual({ [NUMBER_UUID]: 2 });
    expect(store.totalUnread).toBe(2);
  });

  it('asks for one number and a search when filtered, and pages on with the cursor', async () => {
    const first = aConversation();
    const second = aConversation();
    vi.mocked(api.listConversations).mockResolvedValueOnce(page([first], 'c1'));
    const store = sut();
    store.filter = { session: NUMBER_UUID, search: ' ana ' };
    await store.load(WS);
    vi.mocked(api.listConversations).mockResolvedValueOnce(page([first, second], null));

    await store.loadMore();

    expect(api.listConversations).toHaveBeenNthCalledWith(1, {
      session: NUMBER_UUID,
      search: 'ana',
      cursor: undefined,
      limit: 30,
    });
    expect(vi.mocked(api.listConversations).mock.calls[1]![0]).toMatchObject({ cursor: 'c1' });
    expect(store.items.map(keyOf)).toEqual([keyOf(first), keyOf(second)]);
    expect(store.hasMore).toBe(false);
  });

  it('drops the answer of a filter the user already changed', async () => {
    const stale = aConversation();
    const fresh = aConversation();
    let answerStale!: (value: Page<ConversationView>) => void;
    vi.mocked(api.listConversations)
      .mockReturnValueOnce(new Promise((r) => (answerStale = r)))
      .mockResolvedValueOnce(page([fresh]));
    const store = sut();

    const first = store.load(WS);
    await store.setFilter({ search: 'bo' });
    answerStale(page([stale]));
    await first;

    expect(store.items.map(keyOf)).toEqual([keyOf(fresh)]);
  });

  it('puts a conversation with a new customer message on top, with one more unread', async () => {
    const older = aConversation();
    const writer = aConversation({ contact: { phone: '+628111' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([older, writer]));
    vi.mocked(api.listUnreadCounts).mockResolvedValue([{ session_uuid: NUMBER_UUID, unread: 0 }]);
    const store = sut();
    await store.load(WS);

    const event = receivedEvent(WS, { id: 42, phone: '+628111' }, { body: 'Is it in stock?' });
    store.applyMessageReceived(event);

    expect(store.items.map(keyOf)).toEqual([keyOf(writer), keyOf(older)]);
    expect(store.items[0]!.last_message).toMatchObject({
      body_preview: 'Is it in stock?',
      direction: 'inbound',
    });
    expect(store.items[0]!.unread_count).toBe(1);
    expect(store.unread[NUMBER_UUID]).toBe(1);
    expect(store.resolveContact(event.contact)).toBe(writer.contact.uuid);
  });

  it('ignores the same event delivered twice', async () => {
    const writer = aConversation({ contact: { phone: '+628112' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([writer]));
    const store = sut();
    await store.load(WS);

    const event = receivedEvent(WS, { id: 43, phone: '+628112' });
    store.applyMessageReceived(event);
    store.applyMessageReceived(structuredClone(event));

    expect(store.items[0]!.unread_count).toBe(1);
    expect(store.unread[NUMBER_UUID]).toBe(1);
  });

  it('does not count a message of the conversation open in the thread', async () => {
    const open = aConversation({ contact: { phone: '+628113' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([open]));
    const store = sut();
    await store.load(WS);
    store.setActive(keyOf(open));

    store.applyMessageReceived(receivedEvent(WS, { id: 44, phone: '+628113' }));

    expect(store.items[0]!.unread_count).toBe(0);
    expect(store.unread[NUMBER_UUID] ?? 0).toBe(0);
  });

  it('reads the first page again for a conversation it has not listed, and puts it on top', async () => {
    const listed = aConversation();
    const newcomer = aConversation({ contact: { phone: null, whatsapp_id: '1203@g.us' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([listed], 'c1'));
    const store = sut();
    await store.load(WS);
    vi.mocked(api.listConversations).mockResolvedValue(page([newcomer, listed], 'c9'));

    store.applyMessageReceived(receivedEvent(WS, { id: 77, phone: null }));
    await store.refreshTop();

    expect(store.items.map(keyOf)).toEqual([keyOf(newcomer), keyOf(listed)]);
    expect(store.hasMore).toBe(true);
  });

  it('leaves out a message of another number when filtered to one, but counts it on its number', async () => {
    const store = sut();
    store.filter = { session: NUMBER_UUID, search: '' };
    await store.load(WS);
    vi.mocked(api.listConversations).mockClear();

    const other = 'ffffffff-0000-4000-8000-000000000009';
    store.applyMessageReceived(
      receivedEvent(WS, { id: 45, phone: '+628114' }, { session_uuid: other }),
    );

    expect(api.listConversations).not.toHaveBeenCalled();
    expect(store.unread[other]).toBe(1);
  });

  it('ignores events of another workspace', async () => {
    const writer = aConversation({ contact: { phone: '+628115' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([writer]));
    const store = sut();
    await store.load(WS);

    store.applyMessageReceived(receivedEvent(WS + 1, { id: 46, phone: '+628115' }));

    expect(store.items[0]!.unread_count).toBe(0);
    expect(store.unread).toEqual({});
  });

  it('moves the last message’s ticks forward only', async () => {
    const writer = aConversation({ contact: { phone: '+628116' } });
    vi.mocked(api.listConversations).mockResolvedValue(page([writer]));
    const store = sut();
    await store.load(WS);
    const reply = anOutbound({ status: 'pending', session_uuid: NUMBER_UUID });
    store.applySent(reply, writer.contact.uuid);

    store.applyStatusUpdated(statusUpdatedEvent(WS, 1, reply.id, 'read'));
    store.applyStatusUpdated(statusUpdatedEvent(WS, 1, reply.id, 'delivered'));

    expect(store.items[0]!.last_message).toMatchObject({ direction: 'outbound', status: 'read' });
  });

  it('clears a conversation’s count when it is marked read, and reads the numbers’ counts again', async () => {
    const writer = aConversation({ unread_count: 3 });
    vi.mocked(api.listConversations).mockResolvedValue(page([writer]));
    vi.mocked(api.listUnreadCounts).mockResolvedValue([{ session_uuid: NUMBER_UUID, unread: 3 }]);
    const store = sut();
    await store.load(WS);
    vi.mocked(api.listUnreadCounts).mockResolvedValue([{ session_uuid: NUMBER_UUID, unread: 0 }]);

    await store.markedRead(conversationKey(writer.contact.uuid, writer.session.uuid));

    expect(store.items[0]!.unread_count).toBe(0);
    expect(store.unread[NUMBER_UUID]).toBe(0);
  });

  it('clears the counts of a conversation another agent read, on that number or on all', async () => {
    const other = uuid(2, '5e55');
    const onFirst = aConversation({ unread_count: 2 });
    const onSecond = aConversation({
      contact: onFirst.contact,
      session: { uuid: other },
      unread_count: 1,
    });
    const stranger = aConversation({ unread_count: 4 });
    vi.mocked(api.listConversations).mockResolvedValue(page([onFirst, onSecond, stranger]));
    const store = sut();
    await store.load(WS);
    vi.mocked(api.listUnreadCounts).mockResolvedValue([
      { session_uuid: NUMBER_UUID, unread: 4 },
      { session_uuid: other, unread: 1 },
    ]);
    const read = (session_uuid: string | null, workspace_id = WS) =>
      store.applyConversationRead({
        workspace_id,
        contact_id: 41,
        contact_uuid: onFirst.contact.uuid,
        session_uuid,
        marked_read: 2,
        unread_messages: 1,
        at: new Date().toISOString(),
      });

    read(NUMBER_UUID, WS + 1);
    expect(store.items.map((row) => row.unread_count)).toEqual([2, 1, 4]);

    read(NUMBER_UUID);
    expect(store.items.map((row) => row.unread_count)).toEqual([0, 1, 4]);
    await vi.waitFor(() => expect(store.unread).toEqual({ [NUMBER_UUID]: 4, [other]: 1 }));

    read(null);
    expect(store.items.map((row) => row.unread_count)).toEqual([0, 0, 4]);
  });

  it('keeps the server’s message when the list cannot be loaded', async () => {
    vi.mocked(api.listConversations).mockRejectedValue(
      new ApiError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The database is down'),
    );
    const store = sut();

    await store.load(WS);

    expect(store.loadError).toBe('The database is down');
    expect(store.loaded).toBe(false);
  });
});
