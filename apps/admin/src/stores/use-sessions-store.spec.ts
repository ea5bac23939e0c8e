import { ErrorCode } from '@switchboard/contracts';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/sessions';
import { ApiError } from '@/api/http';
import { aSession, limitsOf, qrEvent, statusEvent } from '@/test/session-factory';
import { useSessionsStore } from './use-sessions-store';

vi.mock('@/api/sessions');

const WS = 7;

function sut() {
  setActivePinia(createPinia());
  return useSessionsStore();
}

describe('useSessionsStore', () => {
  beforeEach(() => {
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(0, 5));
    vi.mocked(api.listSessions).mockResolvedValue([]);
  });

  it('lists the primary number first, then the newest', async () => {
    const old = aSession({ created_at: '2026-01-01T00:00:00.000Z' });
    const primary = aSession({ is_primary: true, created_at: '2025-06-01T00:00:00.000Z' });
    const newest = aSession({ created_at: '2026-03-01T00:00:00.000Z' });
    vi.mocked(api.listSessions).mockResolvedValue([old, newest, primary]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(3, 5));
    const store = sut();

    await store.load(WS);

    expect(store.sessions.map((s) => s.uuid)).toEqual([primary.uuid, newest.uuid, old.uuid]);
    expect(store.limits).toEqual(limitsOf(3, 5));
    expect(store.canAdd).toBe(true);
  });

  it('keeps the server’s message when the list cannot be loaded', async () => {
    vi.mocked(api.listSessions).mockRejectedValue(
      new ApiError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The database is down'),
    );
    const store = sut();

    await store.load(WS);

    expect(store.loadError).toBe('The database is down');
    expect(store.loaded).toBe(false);
  });

  it('keeps a QR that arrives before the create answer, and shows it once the number is known', async () => {
    const store = sut();
    await store.load(WS);
    const created = aSession();
    const ends = new Date(Date.now() + 60_000);
    let answer!: (value: typeof created) => void;
    vi.mocked(api.createWebJsSession).mockReturnValue(new Promise((r) => (answer = r)));
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(1, 5));

    const adding = store.addWebJsNumber();
    store.applyQrCode(qrEvent(WS, created.uuid, 'data:image/png;base64,QR1', ends));
    answer(created);
    await adding;

    expect(store.linkingOf(created.uuid)).toEqual({
      qrCode: 'data:image/png;base64,QR1',
      pairingCode: null,
      windowEndsAt: ends.toISOString(),
    });
    expect(store.byUuid(created.uuid)?.status).toBe('qr_scanning');
    expect(store.limits?.current_count).toBe(1);
  });

  it('marks a number connected with its phone when the phone links, and forgets its QR', async () => {
    const waiting = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([waiting]);
    const store = sut();
    await store.load(WS);
    store.applyQrCode(qrEvent(WS, waiting.uuid, 'data:qr', new Date(Date.now() + 60_000)));

    const linked = statusEvent(WS, waiting.uuid, 'connected', { phone_number: '+6281234567890' });
    store.applyStatus(linked);

    const row = store.byUuid(waiting.uuid)!;
    expect(row.status).toBe('connected');
    expect(row.phone_number).toBe('+6281234567890');
    expect(row.last_connected_at).toBe(linked.at);
    expect(store.linkingOf(waiting.uuid).qrCode).toBeNull();
  });

  it('ignores events of another workspace', async () => {
    const row = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([row]);
    const store = sut();
    await store.load(WS);

    store.applyStatus(statusEvent(WS + 1, row.uuid, 'connected'));
    store.applyQrCode(qrEvent(WS + 1, row.uuid, 'data:other', new Date()));

    expect(store.byUuid(row.uuid)?.status).toBe('qr_scanning');
    expect(store.linkingOf(row.uuid).qrCode).toBeNull();
  });

  it('reloads when an event names a number it does not know (added from another page)', async () => {
    const store = sut();
    await store.load(WS);
    const other = aSession({ status: 'initializing' });
    vi.mocked(api.listSessions).mockResolvedValue([other]);

    store.applyStatus(statusEvent(WS, other.uuid, 'initializing'));
    await store.refresh();

    expect(store.sessions.map((s) => s.uuid)).toEqual([other.uuid]);
  });

  it('moves the primary badge to the number made primary', async () => {
    const a = aSession({ is_primary: true });
    const b = aSession();
    vi.mocked(api.listSessions).mockResolvedValue([a, b]);
    vi.mocked(api.setPrimarySession).mockResolvedValue({ ...b, is_primary: true });
    const store = sut();
    await store.load(WS);

    await store.setPrimary(b.uuid);

    expect(store.sessions.map((s) => [s.uuid, s.is_primary])).toEqual([
      [b.uuid, true],
      [a.uuid, false],
    ]);
  });

  it('removes a deleted number and counts again', async () => {
    const a = aSession();
    vi.mocked(api.listSessions).mockResolvedValue([a]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(1, 1));
    const store = sut();
    await store.load(WS);
    expect(store.canAdd).toBe(false);
    vi.mocked(api.deleteSession).mockResolvedValue(undefined);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(0, 1));

    await store.remove(a.uuid);

    expect(store.sessions).toEqual([]);
    expect(store.canAdd).toBe(true);
    expect(store.pending[a.uuid]).toBeUndefined();
  });

  it('rethrows a failed command with the server’s message and leaves the row as it was', async () => {
    const a = aSession({ status: 'connected' });
    vi.mocked(api.listSessions).mockResolvedValue([a]);
    vi.mocked(api.disconnectSession).mockRejectedValue(
      new ApiError(
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'The WhatsApp engine is unavailable: refused',
      ),
    );
    const store = sut();
    await store.load(WS);

    await expect(store.disconnect(a.uuid)).rejects.toThrow('The WhatsApp engine is unavailable');
    expect(store.byUuid(a.uuid)?.status).toBe('connected');
    expect(store.pending[a.uuid]).toBeUndefined();
  });

  it('counts a number the engine could not start: the limit is read again after a failure', async () => {
    const store = sut();
    await store.load(WS);
    vi.mocked(api.createWebJsSession).mockRejectedValue(
      new ApiError(503, ErrorCode.SERVICE_UNAVAILABLE, 'engine down'),
    );
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(1, 5));

    await expect(store.addWebJsNumber()).rejects.toThrow('engine down');
    expect(store.limits?.current_count).toBe(1);
  });

  it('forgets a previous workspace’s numbers when loading another', async () => {
    vi.mocked(api.listSessions).mockResolvedValue([aSession()]);
    const store = sut();
    await store.load(WS);
    let answer!: (v: []) => void;
    vi.mocked(api.listSessions).mockReturnValue(new Promise((r) => (answer = r)));

    const loading = store.load(WS + 1);
    expect(store.sessions).toEqual([]);
    answer([]);
    await loading;
    expect(store.workspaceId).toBe(WS + 1);
  });
});
