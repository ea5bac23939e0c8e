import {
  isForwardStatus,
  type InboxMessageView,
  type MessageDeliveryView,
  type MessageReceivedPayload,
  type MessageStatusUpdatedPayload,
  type OutboundMessageView,
  type RealtimeMessage,
} from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as conversationsApi from '@/api/conversations';
import { ApiError, messageOf } from '@/api/http';
import { conversationKey, useConversationsStore } from './use-conversations-store';

export const THREAD_PAGE_SIZE = 50;
/** The newest messages read again to fill in what an event leaves out (uuid, media). */
const RECONCILE_PAGE_SIZE = 20;

export interface OpenConversation {
  contactUuid: string;
  sessionUuid: string;
}

/** Where a reply goes: the conversation's number, another one, or any that can carry it. */
export interface SendTarget {
  sessionUuid: string;
  allowFailover: boolean;
}

/** A send that may have reached the server: its key is used again if it is sent again as is. */
interface PendingSend {
  conversation: string;
  text: string;
  target: SendTarget;
  idempotencyKey: string;
}

export type DeliveryError = NonNullable<MessageDeliveryView['error']>;

/** Oldest first, as the thread shows them; ties by id, as the API orders them. */
function chronological(a: InboxMessageView, b: InboxMessageView): number {
  return a.created_at === b.created_at ? a.id - b.id : a.created_at < b.created_at ? -1 : 1;
}

/** The answer may never have come back: the message may exist, so the same key is kept. */
function mayHaveReachedServer(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.code === 'UNEXPECTED_RESPONSE' || error.status >= 500;
}

function fromRealtime(message: RealtimeMessage): InboxMessageView {
  return {
    id: message.id,
    // Realtime messages carry no uuid; the next read of the thread fills it in.
    uuid: '',
    direction: message.direction,
    type: message.type,
    body: message.body ?? '',
    media: null,
    status: message.status,
    is_read: message.direction === 'outbound',
    provider_message_id: message.provider_message_id,
    session_uuid: message.session_uuid,
    sender_name: null,
    edited: false,
    revoked: false,
    created_at: message.created_at,
    // The next read of the thread (or of the message) brings how a send went.
    delivery: null,
  };
}

/**
 * The open conversation: its messages (oldest first, acks only moving forward), older pages,
 * the reply being written per conversation, sending and retrying, and marking it read.
 */
export const useThreadStore = defineStore('thread', () => {
  const open = ref<OpenConversation | null>(null);
  const messages = ref<InboxMessageView[]>([]);
  const olderCursor = ref<string | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  const loadingOlder = ref(false);
  const loadError = ref<string | null>(null);
  /** The API said there is no such conversation (another workspace's, or a typo in the URL). */
  const notFound = ref(false);
  /** Why each failed message failed, by message uuid. */
  const failures = ref<Record<string, DeliveryError>>({});
  const retrying = ref<Record<string, boolean>>({});
  const retryErrors = ref<Record<string, string>>({});
  /** What the agent is writing, per conversation key; kept until the server took it. */
  const drafts = ref<Record<string, string>>({});
  const sending = ref(false);
  const sendError = ref<string | null>(null);
  const workspaceId = ref<number | null>(null);
  /** The open contact's realtime id, once an event of it was matched. */
  let contactId: number | null = null;
  let pendingSend: PendingSend | null = null;
  let generation = 0;
  let reconciling: Promise<void> | null = null;
  let reconcileAgain = false;
  /** Realtime messages shown before their contact was known to be this one. */
  let unmatched: { contactId: number; messageId: number }[] = [];
  let marking: Promise<void> | null = null;
  let markAgain = false;

  const key = computed(() =>
    open.value ? conversationKey(open.value.contactUuid, open.value.sessionUuid) : null,
  );
  const hasOlder = computed(() => olderCursor.value !== null);
  const draft = computed({
    get: () => (key.value ? (drafts.value[key.value] ?? '') : ''),
    set: (text: string) => {
      if (key.value) drafts.value[key.value] = text;
    },
  });

  function byId(id: number): InboxMessageView | undefined {
    return messages.value.find((m) => m.id === id);
  }

  function uuidOf(id: number): string | undefined {
    return byId(id)?.uuid || undefined;
  }

  /** Adds or updates messages; a known message keeps the furthest status it reached. */
  function merge(incoming: InboxMessageView[]): void {
    let added = false;
    for (const message of incoming) {
      const known = byId(message.id);
      if (!known) {
        messages.value.push({ ...message });
        added = true;
        continue;
      }
      const status = known.status;
      Object.assign(known, { ...message, uuid: message.uuid || known.uuid });
      if (status && message.status && !isForwardStatus(status, message.status)) {
        known.status = status;
      }
    }
    if (added) messages.value.sort(chronological);
  }

  /** Opens a conversation: its newest page, then marks it read. */
  async function openConversation(
    forWorkspace: number | null,
    target: OpenConversation,
  ): Promise<void> {
    const own = ++generation;
    workspaceId.value = forWorkspace;
    open.value = target;
    messages.value = [];
    olderCursor.value = null;
    loaded.value = false;
    notFound.value = false;
    loadError.value = null;
    sendError.value = null;
    failures.value = {};
    retrying.value = {};
    retryErrors.value = {};
    contactId = null;
    unmatched = [];
    loading.value = true;
    try {
      const page = await conversationsApi.listConversationMessages(target.contactUuid, {
        session: target.sessionUuid,
        limit: THREAD_PAGE_SIZE,
      });
      if (own !== generation) return;
      merge(page.data);
      olderCursor.value = page.next_cursor;
      loaded.value = true;
      void loadFailures(page.data);
      void markRead();
    } catch (error) {
      if (own !== generation) return;
      if (error instanceof ApiError && error.status === 404) notFound.value = true;
      else loadError.value = messageOf(error);
    } finally {
      if (own === generation) loading.value = false;
    }
  }

  function close(): void {
    generation += 1;
    open.value = null;
    messages.value = [];
    olderCursor.value = null;
    loaded.value = false;
    notFound.value = false;
    loadError.value = null;
    contactId = null;
    unmatched = [];
  }

  async function loadOlder(): Promise<void> {
    const target = open.value;
    const cursor = olderCursor.value;
    if (!target || !cursor || loadingOlder.value) return;
    const own = generation;
    loadingOlder.value = true;
    try {
      const page = await conversationsApi.listConversationMessages(target.contactUuid, {
        session: target.sessionUuid,
        cursor,
        limit: THREAD_PAGE_SIZE,
      });
      if (own !== generation) return;
      merge(page.data);
      olderCursor.value = page.next_cursor;
      void loadFailures(page.data);
    } catch (error) {
      if (own === generation) loadError.value = messageOf(error);
    } finally {
      if (own === generation) loadingOlder.value = false;
    }
  }

  /** The reason of each failed reply. */
  async function loadFailures(list: InboxMessageView[]): Promise<void> {
    const target = open.value;
    if (!target) return;
    const failed = list.filter(
      (m) =>
        m.direction === 'outbound' && m.status === 'failed' && m.uuid && !failures.value[m.uuid],
    );
    // A row that carries its delivery says why; older servers' rows are asked one by one.
    for (const m of failed) if (m.delivery?.error) failures.value[m.uuid] = m.delivery.error;
    const unexplained = failed.filter((m) => !m.delivery?.error);
    await Promise.all(unexplained.map((m) => loadFailure(target.contactUuid, m.uuid)));
  }

  async function loadFailure(contactUuid: string, messageUuid: string): Promise<void> {
    const own = generation;
    try {
      const view = await conversationsApi.getMessage(contactUuid, messageUuid);
      if (own === generation && view.delivery.error) {
        failures.value[messageUuid] = view.delivery.error;
      }
    } catch {
      // The message still shows as failed, with retry; only the reason is missing.
    }
  }

  /**
   * Reads the newest page again: fills in the uuid and media an event leaves out, and tells
   * whether an event's unknown contact is this conversation's. One at a time, plus one more.
   */
  function reconcile(): Promise<void> {
    if (reconciling) {
      reconcileAgain = true;
      return reconciling;
    }
    const target = open.value;
    if (!target) return Promise.resolve();
    const own = generation;
    reconciling = conversationsApi
      .listConversationMessages(target.contactUuid, {
        session: target.sessionUuid,
        limit: RECONCILE_PAGE_SIZE,
      })
      .then((page) => {
        if (own !== generation) return;
        const ids = new Set(page.data.map((m) => m.id));
        const mine = unmatched.find((u) => ids.has(u.messageId));
        if (mine) {
          contactId = mine.contactId;
          useConversationsStore().learnContact(mine.contactId, target.contactUuid);
        }
        unmatched = [];
        merge(page.data);
        void loadFailures(page.data);
        if (mine && page.data.some((m) => m.direction === 'inbound' && !m.is_read)) {
          void markRead();
        }
      })
      .catch(() => undefined) // what the event said stays shown; the next event tries again
      .finally(() => {
        reconciling = null;
        if (reconcileAgain) {
          reconcileAgain = false;
          void reconcile();
        }
      });
    return reconciling;
  }

  /** Marks the open conversation read while the page is visible; one request at a time. */
  function markRead(): Promise<void> {
    const target = open.value;
    if (!target || !loaded.value) return Promise.resolve();
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      return Promise.resolve();
    }
    if (marking) {
      markAgain = true;
      return marking;
    }
    const readKey = conversationKey(target.contactUuid, target.sessionUuid);
    marking = conversationsApi
      .markConversationRead(target.contactUuid, target.sessionUuid)
      .then(() => {
        for (const m of messages.value) if (m.direction === 'inbound') m.is_read = true;
        return useConversationsStore().markedRead(readKey);
      })
      .catch(() => undefined) // stays unread; the next open or message marks it again
      .finally(() => {
        marking = null;
        if (markAgain) {
          markAgain = false;
          void markRead();
        }
      });
    return marking;
  }

  // --- sending ---------------------------------------------------------------------------

  /**
   * Sends the draft. It is cleared only once the server took it; after a network error the same
   * text to the same number goes with the same idempotency key, so it is never sent twice.
   */
  async function send(target: SendTarget): Promise<boolean> {
    const conversation = open.value;
    const convKey = key.value;
    const text = draft.value.trim();
    if (!conversation || !convKey || !text || sending.value) return false;
    const same =
      pendingSend?.conversation === convKey &&
      pendingSend.text === text &&
      pendingSend.target.sessionUuid === target.sessionUuid &&
      pendingSend.target.allowFailover === target.allowFailover;
    if (!same || !pendingSend) {
      pendingSend = { conversation: convKey, text, target, idempotencyKey: crypto.randomUUID() };
    }
    const attempt = pendingSend;
    sending.value = true;
    sendError.value = null;
    try {
      const view = await conversationsApi.sendMessage(conversation.contactUuid, {
        idempotency_key: attempt.idempotencyKey,
        type: 'text',
        text,
        session_uuid: target.sessionUuid,
        allow_failover: target.allowFailover,
      });
      pendingSend = null;
      // Only what was sent is cleared: text typed meanwhile stays.
      if ((drafts.value[convKey] ?? '').trim() === text) drafts.value[convKey] = '';
      if (key.value === convKey) applyOwn(view);
      useConversationsStore().applySent(view, conversation.contactUuid);
      return true;
    } catch (error) {
      if (!mayHaveReachedServer(error)) pendingSend = null;
      if (key.value === convKey) sendError.value = messageOf(error);
      return false;
    } finally {
      sending.value = false;
    }
  }

  function applyOwn(view: OutboundMessageView): void {
    merge([view]);
    if (view.status === 'failed' && view.delivery.error) {
      failures.value[view.uuid] = view.delivery.error;
    }
  }

  async function retry(messageUuid: string): Promise<void> {
    const target = open.value;
    if (!target || retrying.value[messageUuid]) return;
    retrying.value[messageUuid] = true;
    delete retryErrors.value[messageUuid];
    try {
      const view = await conversationsApi.retryMessage(target.contactUuid, messageUuid);
      const known = messages.value.find((m) => m.uuid === messageUuid);
      // A retry starts the message over: the one step back a status may take.
      if (known) known.status = view.status;
      delete failures.value[messageUuid];
      applyOwn(view);
    } catch (error) {
      retryErrors.value[messageUuid] = messageOf(error);
    } finally {
      delete retrying.value[messageUuid];
    }
  }

  // --- realtime (fed by the workspace event map) ------------------------------------------

  function ours(payload: { workspace_id: number }): boolean {
    return workspaceId.value !== null && payload.workspace_id === workspaceId.value;
  }

  function applyMessageReceived(payload: MessageReceivedPayload): void {
    const target = open.value;
    if (!target || !loaded.value || !ours(payload)) return;
    const { message } = payload;
    if (message.session_uuid !== target.sessionUuid) return;
    let matched: boolean | null = contactId === null ? null : contactId === payload.contact.id;
    if (matched === null) {
      const uuid = useConversationsStore().resolveContact(payload.contact);
      if (uuid !== null) matched = uuid === target.contactUuid;
      if (matched) contactId = payload.contact.id;
    }
    if (matched === false) return;
    if (matched === null) {
      // A contact this page cannot name yet: the thread's newest page says if it is this one.
      unmatched.push({ contactId: payload.contact.id, messageId: message.id });
      void reconcile();
      return;
    }
    const known = byId(message.id);
    if (known) {
      if (known.status && isForwardStatus(known.status, message.status)) {
        known.status = message.status;
      }
      return;
    }
    merge([fromRealtime(message)]);
    // Inbound text is complete as the event tells it; anything else is read back for its
    // uuid (replies: retry, failure reason) or its media.
    if (message.direction === 'outbound' || message.type !== 'text') void reconcile();
    if (message.direction === 'inbound') void markRead();
  }

  function applyStatusUpdated(payload: MessageStatusUpdatedPayload): void {
    if (!open.value || !ours(payload)) return;
    const known = byId(payload.message_id);
    if (!known?.status || !isForwardStatus(known.status, payload.status)) return;
    known.status = payload.status;
    if (payload.status === 'failed') {
      if (known.uuid) void loadFailure(open.value.contactUuid, known.uuid);
      else void reconcile();
    }
  }

  return {
    open,
    key,
    messages,
    hasOlder,
    loaded,
    loading,
    loadingOlder,
    loadError,
    notFound,
    failures,
    retrying,
    retryErrors,
    drafts,
    draft,
    sending,
    sendError,
    byId,
    uuidOf,
    openConversation,
    close,
    loadOlder,
    markRead,
    send,
    retry,
    applyMessageReceived,
    applyStatusUpdated,
  };
});
