import { platformChannel, RealtimeEvent, type SessionStatus } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/platform';
import { setLocale } from '@/i18n/use-i18n';
import AllSessionsPage from './AllSessionsPage.vue';
import { aPlatformSession, platformAdminSignedIn, type PlatformWorld } from './platform-spec-kit';

vi.mock('@/api/platform');

async function mountPage() {
  const world = platformAdminSignedIn();
  const page = mount(AllSessionsPage, {
    global: { plugins: [world.pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return { page, world };
}

function status(
  world: PlatformWorld,
  uuid: string,
  next: SessionStatus,
  extra: { engine_id?: string; phone_number?: string | null } = {},
): void {
  world.emit(platformChannel(), RealtimeEvent.SESSION_STATUS_CHANGED, {
    workspace_id: 2,
    session_uuid: uuid,
    status: next,
    phone_number: extra.phone_number ?? null,
    ...(extra.engine_id ? { engine_id: extra.engine_id } : {}),
    at: '2026-11-25T10:00:00.000Z',
  });
}

describe('AllSessionsPage', () => {
  const acme = aPlatformSession({ workspace_name: 'Acme', phone_number: '+6281234567890' });
  const beta = aPlatformSession({
    workspace_id: 2,
    workspace_name: 'Beta',
    phone_number: null,
    provider_type: 'meta',
    status: 'qr_scanning',
    engine_id: null,
    last_connected_at: null,
  });

  beforeEach(() => {
    setLocale('en');
    // Fresh rows per read, as the server sends them: the store updates its rows in place.
    vi.mocked(api.listAllSessions).mockImplementation(() =>
      Promise.resolve([{ ...beta }, { ...acme }]),
    );
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists every workspace’s numbers with workspace, phone, provider, status and engine', async () => {
    const { page } = await mountPage();
    const rows = page.findAll('[data-testid="all-sessions-row"]');
    const cell = (i: number, name: string) =>
      rows[i]!.get(`[data-testid="all-sessions-${name}"]`).text();
    expect(rows).toHaveLength(2);
    expect([cell(0, 'workspace'), cell(0, 'phone'), cell(0, 'provider')]).toEqual([
      'Acme',
      '+62 812-3456-7890',
      'WhatsApp Web',
    ]);
    expect(cell(0, 'status')).toContain('Connected');
    expect(cell(0, 'engine')).toBe('engine-1');
    expect([cell(1, 'workspace'), cell(1, 'phone'), cell(1, 'provider')]).toEqual([
      'Beta',
      'Not linked yet',
      'Meta',
    ]);
    expect(cell(1, 'engine')).toBe('—');
    expect(page.get('[data-testid="all-sessions-count"]').text()).toBe('2 numbers');
  });

  it('moves a row live when its status changes, with the phone and engine it reports', async () => {
    const { page, world } = await mountPage();
    status(world, beta.uuid, 'connected', {
      engine_id: 'engine-2',
      phone_number: '+6285550001111',
    });
    await flushPromises();

    const row = page.get(`[data-session-uuid="${beta.uuid}"]`);
    expect(row.attributes('data-status')).toBe('connected');
    expect(row.get('[data-testid="all-sessions-status"]').text()).toContain('Connected');
    expect(row.get('[data-testid="all-sessions-phone"]').text()).toBe('+62 855-5000-1111');
    expect(row.get('[data-testid="all-sessions-engine"]').text()).toBe('engine-2');
    expect(api.listAllSessions).toHaveBeenCalledTimes(1);
  });

  it('reads the list again for a number it does not know yet, once per burst', async () => {
    const { page, world } = await mountPage();
    const fresh = aPlatformSession({ workspace_name: 'Citra', status: 'initializing' });
    vi.mocked(api.listAllSessions).mockResolvedValue([beta, acme, fresh]);

    status(world, fresh.uuid, 'initializing');
    status(world, fresh.uuid, 'initializing');
    await flushPromises();

    expect(page.findAll('[data-testid="all-sessions-row"]')).toHaveLength(3);
    expect(page.get(`[data-session-uuid="${fresh.uuid}"]`).text()).toContain('Citra');
    // The first read, one for the burst, and one more for the event that came during it.
    expect(vi.mocked(api.listAllSessions).mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('drops a number deleted in its workspace', async () => {
    const { page, world } = await mountPage();
    vi.mocked(api.listAllSessions).mockResolvedValue([acme]);
    world.emit(platformChannel(), RealtimeEvent.SESSION_STATUS_CHANGED, {
      workspace_id: 2,
      session_uuid: beta.uuid,
      status: 'disconnected',
      phone_number: null,
      reason: 'user_initiated',
      at: '2026-11-25T10:00:00.000Z',
    });
    await flushPromises();
    expect(page.find(`[data-session-uuid="${beta.uuid}"]`).exists()).toBe(false);
  });

  it('filters by status', async () => {
    const { page } = await mountPage();
    await page.get('[data-testid="all-sessions-filter"]').setValue('qr_scanning');
    const rows = page.findAll('[data-testid="all-sessions-row"]');
    expect(rows.map((r) => r.attributes('data-session-uuid'))).toEqual([beta.uuid]);
    expect(page.get('[data-testid="all-sessions-count"]').text()).toBe('1 number');
  });

  it('speaks Bahasa Indonesia', async () => {
    setLocale('id');
    const { page } = await mountPage();
    expect(page.get('h1').text()).toBe('Semua nomor WhatsApp');
    expect(page.get('[data-testid="all-sessions-count"]').text()).toBe('2 nomor');
  });
});
