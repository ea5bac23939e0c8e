import {
  isForwardStatus,
  MESSAGE_PREVIEW_LENGTH,
  type ConversationView,
  type MessageReceivedPayload,
  type MessageStatus,
  type MessageStatusUpdatedPayload,
  type ConversationReadPayload,
  type NumberUnreadView,
  type OutboundMessageView,
  type RealtimeContact,
} from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as conversationsApi from '@/api/conversations';
import { messageOf } from '@/api/http';

export const CONVERSATIONS_PAGE_SIZE = 30;
/** How many message ids are remembered to drop a repeated event. */
const SEEN_MESSAGES_KEPT = 500;

export interface ConversationFilter {
  /** One number's uuid; null for every number. */
  session: string | null;
  search: string;
}

/** A conversation is one contact on one number. */
export function conversationKey(contactUuid: string, sessionUuid: string): string {
  return `${contactUuid}/${sessionUuid}`;
}

export function keyOf(conversation: ConversationView): string {
  return conversationKey(conversation.contact.uuid, conversation.session.uuid);
}

/**
 * The inbox's conversation list and unread counts per number, kept live by `message.received`
 * and `message.status.updated`. Realtime payloads name a contact by its numeric id while the API
 * names it by uuid; the store learns which is which as it goes (see `resolveContact`).
 */
export const useConversationsStore = defineStore('conversations', () => {
  const items = ref<ConversationView[]>([]);
  const nextCursor = ref<string | null>(null);
  const filter = ref<ConversationFilter>({ session: null, search: '' });
  const unread = ref<Record<string, number>>({});
  const loaded = ref(false);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loadError = ref<string | null>(null);
  const loadMoreError = ref<string | null>(null);
  /** The conversation open in the thread: its new messages are read, not counted. */
  const activeKey = ref<string | null>(null);
  const workspaceId = ref<number | null>(null);
  /** Realtime contact id → contact uuid. */
  const contactUuids = new Map<number, string>();
  /** The id of each conversation's newest message, when an event or a send told it. */
  const lastMessageIds = new Map<string, number>();
  const seen = new Set<number>();
  /** Bumped by every (re)load: an answer for an older filter or workspace is dropped. */
  let generation = 0;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;

  const hasMore = computed(() => nextCursor.value !== null);
  const totalUnread = computed(() => Object.values(unread.value).reduce((sum, n) => sum + n, 0));

  function find(key: string): ConversationView | undefined {
    return items.value.find((c) => keyOf(c) === key);
  }

  function reset(forWorkspace: number | null): void {
    generation += 1;
    workspaceId.value = forWorkspace;
    items.value = [];
    nextCursor.value = null;
    unread.value = {};
    loaded.value = false;
    loadError.value = null;
    loadMoreError.value = null;
    activeKey.value = null;
    contactUuids.clear();
    lastMessageIds.clear();
    seen.clear();
  }

  function queryOf(cursor?: string): conversationsApi.ConversationsQuery {
    const search = filter.value.search.trim();
    return {
      session: filter.value.session ?? undefined,
      search: search || undefined,
      cursor,
      limit: CONVERSATIONS_PAGE_SIZE,
    };
  }

  function setUnread(rows: NumberUnreadView[]): void {
    unread.value = Object.fromEntries(rows.map((row) => [row.session_uuid, row.unread]));
  }

  /** The first page for the current filter, and the unread counts, of `forWorkspace`. */
  async function load(forWorkspace: number | null): Promise<void> {
    if (workspaceId.value !== forWorkspace) reset(forWorkspace);
    const own = ++generation;
    loading.value = true;
    loadError.value = null;
    loadMoreError.value = null;
    try {
      const [page, counts] = await Promise.all([
        conversationsApi.listConversations(queryOf()),
        conversationsApi.listUnreadCounts(),
      ]);
      if (own !== generation) return;
      items.value = page.data;
      nextCursor.value = page.next_cursor;
      setUnread(counts);
      loaded.value = true;
    } catch (error) {
      if (own === generation) loadError.value = messageOf(error);
    } finally {
      if (own === generation) loading.value = false;
    }
  }

  async function setFilter(next: Partial<ConversationFilter>): Promise<void> {
    filter.value = { ...filter.value, ...next };
    await load(workspaceId.value);
  }

  /** The next page (infinite scroll); rows already listed are not repeated. */
  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value;
    if (!cursor || loadingMore.value || loading.value) return;
    const own = generation;
    loadingMore.value = true;
    loadMoreError.value = null;
    try {
      const page = await conversationsApi.listConversations(queryOf(cursor));
      if (own !== generation) return;
      const known = new Set(items.value.map(keyOf));
      items.value.push(...page.data.filter((c) => !known.has(keyOf(c))));
      nextCursor.value = page.next_cursor;
    } catch (error) {
      if (own === generation) loadMoreError.value = messageOf(error);
    } finally {
      loadingMore.value = false;
    }
  }

  /**
   * Reads the first page again and puts its rows on top: how a conversation this page has not
   * listed yet (or cannot match to an event) appears. One request at a time; a call during one
   * runs once more after it, so the newest message is always covered.
   */
  function refreshTop(): Promise<void> {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    const own = generation;
    refreshing = conversationsApi
      .listConversations(queryOf())
      .then((page) => {
        if (own !== generation) return;
        const fresh = new Set(page.data.map(keyOf));
        const wasEmpty = items.value.length === 0;
        items.value = [...page.data, ...items.value.filter((c) => !fresh.has(keyOf(c)))];
        if (wasEmpty) nextCursor.value = page.next_cursor;
      })
      .catch(() => undefined) // the list stays as it was; the next event tries again
      .finally(() => {
        refreshing = null;
        if (refreshAgain) {
          refreshAgain = false;
          void refreshTop();
        }
      });
    return refreshing;
  }

  async function refreshUnread(): Promise<void> {
    const own = generation;
    try {
      const counts = await conversationsApi.listUnreadCounts();
      if (own === generation) setUnread(counts);
    } catch {
      // Counts stay as they were until the next event or load.
    }
  }

  function learnContact(contactId: number, contactUuid: string): void {
    contactUuids.set(contactId, contactUuid);
  }

  /** The uuid of a realtime contact: learned before, or the listed contact with its phone. */
  function resolveContact(contact: RealtimeContact): string | null {
    const known = contactUuids.get(contact.id);
    if (known) return known;
    if (!contact.phone) return null;
    const match = items.value.find((c) => c.contact.phone === contact.phone);
    if (!match) return null;
    learnContact(contact.id, match.contact.uuid);
    return match.contact.uuid;
  }

  function firstSeen(messageId: number): boolean {
    if (seen.has(messageId)) return false;
    seen.add(messageId);
    if (seen.size > SEEN_MESSAGES_KEPT) seen.delete(seen.values().next().value!);
    return true;
  }

  function moveToTop(row: ConversationView): void {
    items.value = [row, ...items.value.filter((c) => c !== row)];
  }

  // --- realtime (fed by the workspace event map) ------------------------------------------

  function ours(payload: { workspace_id: number }): boolean {
    return workspaceId.value !== null && payload.workspace_id === workspaceId.value;
  }

  function applyMessageReceived(payload: MessageReceivedPayload): void {
    if (!ours(payload) || !firstSeen(payload.message.id)) return;
    const { message } = payload;
    const sessionUuid = message.session_uuid;
    const contactUuid = resolveContact(payload.contact);
    const key = contactUuid && sessionUuid ? conversationKey(contactUuid, sessionUuid) : null;
    const counts = message.direction === 'inbound' && (key === null || key !== activeKey.value);
    if (counts && sessionUuid) unread.value[sessionUuid] = (unread.value[sessionUuid] ?? 0) + 1;
    if (!loaded.value) return;
    if (filter.value.session && sessionUuid !== filter.value.session) return;

    const row = key ? find(key) : undefined;
    // Not listed, or not matched to a row: the server puts it on top of the first page.
    if (!row || !key) {
      void refreshTop();
      return;
    }
    row.last_message = {
      // Realtime messages carry no uuid; the id is kept beside the row for status updates.
      uuid: '',
      direction: message.direction,
      type: message.type,
      body_preview: (message.body ?? '').slice(0, MESSAGE_PREVIEW_LENGTH),
      status: message.status,
      created_at: message.created_at,
    };
    lastMessageIds.set(key, message.id);
    if (message.created_at > row.last_activity_at) row.last_activity_at = message.created_at;
    if (counts) row.unread_count += 1;
    if (payload.contact.name && !row.contact.name) row.contact.name = payload.contact.name;
    moveToTop(row);
  }

  /**
   * Someone (this agent or another) read a conversation: its rows drop their count, and the
   * numbers' counts are read again (rows off the page may have held some of them).
   */
  function applyConversationRead(payload: ConversationReadPayload): void {
    if (!ours(payload)) return;
    learnContact(payload.contact_id, payload.contact_uuid);
    for (const row of items.value) {
      if (row.contact.uuid !== payload.contact_uuid) continue;
      if (payload.session_uuid === null || row.session.uuid === payload.session_uuid) {
        row.unread_count = 0;
      }
    }
    void refreshUnread();
  }

  /** `messageUuid`: the message's uuid when the open thread knows it. */
  function applyStatusUpdated(payload: MessageStatusUpdatedPayload, messageUuid?: string): void {
    if (!ours(payload)) return;
    for (const row of items.value) {
      const last = row.last_message;
      if (!last) continue;
      const same =
        lastMessageIds.get(keyOf(row)) === payload.message_id ||
        (messageUuid !== undefined && messageUuid !== '' && last.uuid === messageUuid);
      if (same) moveStatus(last, payload.status);
    }
  }

  function moveStatus(target: { status: MessageStatus | null }, next: MessageStatus): void {
    if (target.status === null || isForwardStatus(target.status, next)) target.status = next;
  }

  /** The agent's own reply, from the send's answer (its event may come before or after). */
  function applySent(view: OutboundMessageView, contactUuid: string): void {
    if (!view.session_uuid) return;
    const key = conversationKey(contactUuid, view.session_uuid);
    const row = find(key);
    firstSeen(view.id);
    if (!row) {
      void refreshTop();
      return;
    }
    if (lastMessageIds.get(key) !== view.id && row.last_message?.uuid !== view.uuid) {
      row.last_message = {
        uuid: view.uuid,
        direction: view.direction,
        type: view.type,
        body_preview: view.body.slice(0, MESSAGE_PREVIEW_LENGTH),
        status: view.status,
        created_at: view.created_at,
      };
      lastMessageIds.set(key, view.id);
      if (view.created_at > row.last_activity_at) row.last_activity_at = view.created_at;
      moveToTop(row);
    } else if (row.last_message && view.status) {
      row.last_message.uuid = view.uuid;
      moveStatus(row.last_message, view.status);
    }
  }

  /** The open conversation was marked read: its count goes, and the numbers' are read again. */
  async function markedRead(key: string): Promise<void> {
    const row = find(key);
    if (row) row.unread_count = 0;
    await refreshUnread();
  }

  function setActive(key: string | null): void {
    activeKey.value = key;
  }

  return {
    items,
    filter,
    unread,
    totalUnread,
    loaded,
    loading,
    loadingMore,
    loadError,
    loadMoreError,
    hasMore,
    activeKey,
    workspaceId,
    find,
    load,
    reset,
    setFilter,
    loadMore,
    refreshTop,
    refreshUnread,
    learnContact,
    resolveContact,
    setActive,
    markedRead,
    applyMessageReceived,
    applyStatusUpdated,
    applyConversationRead,
    applySent,
  };
});
