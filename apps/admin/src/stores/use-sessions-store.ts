import type {
  MetaCredentialsInput,
  PairingCodeGeneratedPayload,
  QrCodeGeneratedPayload,
  SessionStatusChangedPayload,
  WhatsappSessionDetailView,
  WhatsappSessionLimitsView,
  WhatsappSessionView,
} from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as sessionsApi from '@/api/sessions';
import { messageOf } from '@/api/http';

/** What a number waiting to be linked shows: the QR as it rotates, or the pairing code. */
export interface LinkingState {
  qrCode: string | null;
  pairingCode: string | null;
  /** When the engine stops waiting for a scan (ISO-8601). */
  windowEndsAt: string | null;
}

export type SessionAction =
  'primary' | 'reconnect' | 'regenerate' | 'pairing' | 'disconnect' | 'delete';

/** Primary first, then newest, as the API lists them. */
function byPrimaryThenNewest(a: WhatsappSessionView, b: WhatsappSessionView): number {
  if (a.is_primary !== b.is_primary) return a.is_primary ? -1 : 1;
  return b.created_at.localeCompare(a.created_at);
}

/** Fields of the list view, so a detail view stored in the list does not carry its QR around. */
function listView(view: WhatsappSessionDetailView | WhatsappSessionView): WhatsappSessionView {
  const row: WhatsappSessionView & Partial<WhatsappSessionDetailView> = { ...view };
  delete row.qr_code;
  delete row.pairing_code;
  delete row.qr_window_ends_at;
  return row;
}

function isDetail(
  view: WhatsappSessionDetailView | WhatsappSessionView,
): view is WhatsappSessionDetailView {
  return 'qr_code' in view;
}

/**
 * The WhatsApp numbers of the current workspace, kept live: requests update it with the server's
 * answer, and the workspace's realtime events (status, QR, pairing code) update it as they come.
 */
export const useSessionsStore = defineStore('sessions', () => {
  const items = ref<WhatsappSessionView[]>([]);
  const limits = ref<WhatsappSessionLimitsView | null>(null);
  const loaded = ref(false);
  const loading = ref(false);
  /** User-facing message of the last failed load. */
  const loadError = ref<string | null>(null);
  const linking = ref<Record<string, LinkingState>>({});
  const pending = ref<Record<string, SessionAction | undefined>>({});
  /** The workspace the data belongs to; events for another one are ignored. */
  const workspaceId = ref<number | null>(null);
  let refreshing: Promise<void> | null = null;

  const sessions = computed(() => [...items.value].sort(byPrimaryThenNewest));
  const canAdd = computed(() => limits.value?.can_add_number ?? false);

  function byUuid(uuid: string): WhatsappSessionView | undefined {
    return items.value.find((s) => s.uuid === uuid);
  }

  function upsert(view: WhatsappSessionView | WhatsappSessionDetailView): void {
    const row = listView(view);
    // A command's answer says `initializing`, but the QR event may have overtaken it.
    if (row.status === 'initializing' && linking.value[row.uuid]?.qrCode)
      row.status = 'qr_scanning';
    if (row.is_primary) {
      for (const other of items.value) if (other.uuid !== row.uuid) other.is_primary = false;
    }
    const index = items.value.findIndex((s) => s.uuid === row.uuid);
    if (index >= 0) items.value[index] = row;
    else items.value.push(row);
    // A page opened in the middle of a scan: the detail view has what the events would have said.
    if (isDetail(view) && (view.qr_code || view.pairing_code)) {
      const known = linkingOf(row.uuid);
      linking.value[row.uuid] = {
        qrCode: view.qr_code ?? known.qrCode,
        pairingCode: view.pairing_code ?? known.pairingCode,
        windowEndsAt: view.qr_window_ends_at ?? known.windowEndsAt,
      };
    }
  }

  function linkingOf(uuid: string): LinkingState {
    return linking.value[uuid] ?? { qrCode: null, pairingCode: null, windowEndsAt: null };
  }

  /** Loads the list and the plan limit of `forWorkspace`, forgetting another workspace's data. */
  async function load(forWorkspace: number | null): Promise<void> {
    if (workspaceId.value !== forWorkspace) reset(forWorkspace);
    loading.value = true;
    loadError.value = null;
    try {
      const [list, limit] = await Promise.all([
        sessionsApi.listSessions(),
        sessionsApi.getSessionLimits(),
      ]);
      if (workspaceId.value !== forWorkspace) return;
      items.value = list;
      limits.value = limit;
      loaded.value = true;
    } catch (error) {
      if (workspaceId.value === forWorkspace) loadError.value = messageOf(error);
    } finally {
      loading.value = false;
    }
  }

  /** Reloads quietly (an event named a number this page does not know yet); one at a time. */
  function refresh(): Promise<void> {
    refreshing ??= Promise.all([sessionsApi.listSessions(), sessionsApi.getSessionLimits()])
      .then(([list, limit]) => {
        items.value = list;
        limits.value = limit;
      })
      .catch(() => undefined) // the list stays as it was; the next event or action tries again
      .finally(() => (refreshing = null));
    return refreshing;
  }

  async function refreshLimits(): Promise<void> {
    try {
      limits.value = await sessionsApi.getSessionLimits();
    } catch {
      // The count is stale until the next load; the server still enforces the limit.
    }
  }

  function reset(forWorkspace: number | null = null): void {
    workspaceId.value = forWorkspace;
    items.value = [];
    limits.value = null;
    loaded.value = false;
    loadError.value = null;
    linking.value = {};
    pending.value = {};
  }

  async function addWebJsNumber(): Promise<WhatsappSessionDetailView> {
    try {
      const created = await sessionsApi.createWebJsSession();
      upsert(created);
      return created;
    } finally {
      // Also after a failure: a number the engine could not start still counts.
      await refreshLimits();
    }
  }

  async function addMetaNumber(meta: MetaCredentialsInput): Promise<WhatsappSessionDetailView> {
    const created = await sessionsApi.createMetaSession(meta);
    upsert(created);
    await refreshLimits();
    return created;
  }

  async function run(
    uuid: string,
    action: SessionAction,
    call: () => Promise<WhatsappSessionDetailView | void>,
  ): Promise<void> {
    pending.value[uuid] = action;
    try {
      const view = await call();
      if (view) upsert(view);
    } finally {
      delete pending.value[uuid];
    }
  }

  const setPrimary = (uuid: string) =>
    run(uuid, 'primary', () => sessionsApi.setPrimarySession(uuid));
  const reconnect = (uuid: string) =>
    run(uuid, 'reconnect', () => sessionsApi.reconnectSession(uuid));
  const disconnect = (uuid: string) =>
    run(uuid, 'disconnect', () => sessionsApi.disconnectSession(uuid));

  async function regenerateQr(uuid: string): Promise<void> {
    // The old QR and its window are gone the moment the engine is asked.
    delete linking.value[uuid];
    await run(uuid, 'regenerate', () => sessionsApi.regenerateSessionQr(uuid));
  }

  /** Link by a code typed on the phone; the code arrives as `pairing-code-generated`. */
  async function requestPairingCode(uuid: string, phoneNumber: string): Promise<void> {
    delete linking.value[uuid];
    await run(uuid, 'pairing', () => sessionsApi.requestSessionPairingCode(uuid, phoneNumber));
  }

  /** A number opened in the middle of its scan: its current QR or code and window. */
  async function fetchOne(uuid: string): Promise<void> {
    upsert(await sessionsApi.getSession(uuid));
  }

  async function remove(uuid: string): Promise<void> {
    await run(uuid, 'delete', async () => {
      await sessionsApi.deleteSession(uuid);
      items.value = items.value.filter((s) => s.uuid !== uuid);
      delete linking.value[uuid];
    });
    await refreshLimits();
  }

  // --- realtime (fed by the workspace event map) ------------------------------------------

  function ours(payload: { workspace_id: number }): boolean {
    return workspaceId.value !== null && payload.workspace_id === workspaceId.value;
  }

  function applyStatus(payload: SessionStatusChangedPayload): void {
    if (!ours(payload)) return;
    const row = byUuid(payload.session_uuid);
    if (!row) {
      // Created elsewhere (or its creation's answer is still on its way).
      if (loaded.value) void refresh();
      return;
    }
    row.status = payload.status;
    row.disconnect_reason = payload.reason ?? null;
    if (payload.phone_number) row.phone_number = payload.phone_number;
    if (payload.status === 'connected') row.last_connected_at = payload.at;
    if (payload.status !== 'qr_scanning') delete linking.value[payload.session_uuid];
  }

  function applyQrCode(payload: QrCodeGeneratedPayload): void {
    if (!ours(payload)) return;
    // Kept even for a number not listed yet: the QR can arrive before the create answer does.
    linking.value[payload.session_uuid] = {
      ...linkingOf(payload.session_uuid),
      qrCode: payload.qr_code_base64,
      windowEndsAt: payload.window_ends_at,
    };
    const row = byUuid(payload.session_uuid);
    if (row) row.status = 'qr_scanning';
  }

  function applyPairingCode(payload: PairingCodeGeneratedPayload): void {
    if (!ours(payload)) return;
    linking.value[payload.session_uuid] = {
      ...linkingOf(payload.session_uuid),
      pairingCode: payload.code,
      windowEndsAt: payload.window_ends_at,
    };
    const row = byUuid(payload.session_uuid);
    if (row) row.status = 'qr_scanning';
  }

  return {
    sessions,
    limits,
    loaded,
    loading,
    loadError,
    linking,
    pending,
    workspaceId,
    canAdd,
    byUuid,
    linkingOf,
    load,
    refresh,
    reset,
    addWebJsNumber,
    addMetaNumber,
    setPrimary,
    reconnect,
    regenerateQr,
    requestPairingCode,
    fetchOne,
    disconnect,
    remove,
    applyStatus,
    applyQrCode,
    applyPairingCode,
  };
});
