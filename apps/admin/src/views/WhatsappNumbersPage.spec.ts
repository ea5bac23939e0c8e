import { ErrorCode } from '@switchboard/contracts';
import type { WorkspaceRole } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/sessions';
import { ApiError } from '@/api/http';
import { setLocale } from '@/i18n/use-i18n';
import { useRealtimeStore } from '@/stores/use-realtime-store';
import { useSessionsStore } from '@/stores/use-sessions-store';
import { aSession, limitsOf, statusEvent } from '@/test/session-factory';
import { signedIn } from '@/test/signed-in';
import WhatsappNumbersPage from './WhatsappNumbersPage.vue';

vi.mock('@/api/sessions');

const WS = 4;

async function mountPage(role: WorkspaceRole = 'owner') {
  const pinia = signedIn(WS, role);
  const wrapper = mount(WhatsappNumbersPage, {
    global: { plugins: [pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

describe('WhatsappNumbersPage', () => {
  beforeEach(() => {
    setLocale('en');
    vi.mocked(api.listSessions).mockResolvedValue([]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(0, 5));
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists numbers with formatted phone, provider, status and primary badge, primary first', async () => {
    vi.mocked(api.listSessions).mockResolvedValue([
      aSession({ phone_number: '+6285550001111', status: 'disconnected' }),
      aSession({
        phone_number: '+6281234567890',
        status: 'connected',
        is_primary: true,
        provider_type: 'meta',
        name: 'Toko Maju',
      }),
    ]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(2, 5));
    const page = await mountPage();

    const rows = page.findAll('[data-testid="number-row"]');
    expect(rows.map((r) => r.get('[data-testid="number-phone"]').text())).toEqual([
      '+62 812-3456-7890',
      '+62 855-5000-1111',
    ]);
    expect(rows[0]!.find('[data-testid="primary-badge"]').exists()).toBe(true);
    expect(rows[0]!.get('[data-testid="number-provider"]').text()).toBe('Meta');
    expect(rows[0]!.get('[data-testid="number-status"]').text()).toContain('Connected');
    expect(rows[1]!.get('[data-testid="number-provider"]').text()).toBe('WhatsApp Web');
    expect(page.get('[data-testid="numbers-usage"]').text()).toBe('2 of 5 numbers');
  });

  it('updates a row live when its status changes, without a reload', async () => {
    const row = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([row]);
    const page = await mountPage();

    useSessionsStore().applyStatus(
      statusEvent(WS, row.uuid, 'connected', { phone_number: '+6281234567890' }),
    );
    await flushPromises();

    expect(page.get('[data-testid="number-status"]').text()).toContain('Connected');
    expect(page.get('[data-testid="number-phone"]').text()).toBe('+62 812-3456-7890');
    expect(api.listSessions).toHaveBeenCalledTimes(1);
  });

  it('disables adding at the plan limit and says why, before the user tries', async () => {
    vi.mocked(api.listSessions).mockResolvedValue([aSession(), aSession()]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(2, 2));
    const page = await mountPage();

    const add = page.get('[data-testid="add-number"]');
    expect(add.attributes('disabled')).toBeDefined();
    expect(add.attributes('aria-describedby')).toBe('numbers-limit');
    expect(page.get('#numbers-limit').text()).toMatch(/Your plan allows 2 WhatsApp numbers/);
    expect(page.get('[data-testid="numbers-usage"]').text()).toBe('2 of 2 numbers');
  });

  it('shows a step-by-step guide when there is no number yet', async () => {
    const page = await mountPage();

    const empty = page.get('[data-testid="numbers-empty"]');
    expect(empty.findAll('li')).toHaveLength(4);
    expect(empty.find('[data-testid="empty-add-number"]').exists()).toBe(true);
  });

  it('asks before deleting, and shows the server’s refusal in the dialog', async () => {
    const row = aSession({ phone_number: '+6281234567890', status: 'connected' });
    vi.mocked(api.listSessions).mockResolvedValue([row]);
    vi.mocked(api.deleteSession).mockRejectedValueOnce(
      new ApiError(403, ErrorCode.FORBIDDEN, 'Only managers and owners can do this'),
    );
    const page = await mountPage();

    await page.get('[data-testid="action-delete"]').trigger('click');
    expect(api.deleteSession).not.toHaveBeenCalled();
    expect(document.body.textContent).toContain('+62 812-3456-7890 will be logged out');
    await page.get('[data-testid="confirm-ok"]').trigger('click');
    await flushPromises();
    expect(page.get('[data-testid="confirm-error"]').text()).toBe(
      'Only managers and owners can do this',
    );

    vi.mocked(api.deleteSession).mockResolvedValue(undefined);
    await page.get('[data-testid="confirm-ok"]').trigger('click');
    await flushPromises();
    expect(page.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
    expect(page.findAll('[data-testid="number-row"]')).toHaveLength(0);
    expect(page.get('[data-testid="numbers-notice"]').text()).toContain('The number was deleted.');

    // A notice on screen follows a change of language.
    setLocale('id');
    await flushPromises();
    expect(page.get('[data-testid="numbers-notice"]').text()).toContain('Nomor telah dihapus.');
  });

  it('shows the server’s message when an action fails', async () => {
    const row = aSession({ status: 'disconnected' });
    vi.mocked(api.listSessions).mockResolvedValue([row]);
    vi.mocked(api.reconnectSession).mockRejectedValue(
      new ApiError(
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'The WhatsApp engine is unavailable: timeout',
      ),
    );
    const page = await mountPage();

    await page.get('[data-testid="action-reconnect"]').trigger('click');
    await flushPromises();

    expect(page.get('[data-testid="numbers-notice"]').text()).toContain(
      'Reconnect failed: The WhatsApp engine is unavailable: timeout',
    );
  });

  it('shows agents the list without the actions', async () => {
    vi.mocked(api.listSessions).mockResolvedValue([aSession({ status: 'connected' })]);
    const page = await mountPage('agent');

    expect(page.find('[data-testid="add-number"]').exists()).toBe(false);
    expect(page.find('[data-testid="action-delete"]').exists()).toBe(false);
    expect(page.find('[data-testid="numbers-read-only"]').exists()).toBe(true);
  });

  it('speaks Bahasa Indonesia when chosen', async () => {
    vi.mocked(api.listSessions).mockResolvedValue([aSession({ status: 'connected' })]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(1, 5));
    setLocale('id');
    const page = await mountPage();

    expect(page.get('h1').text()).toBe('Nomor WhatsApp');
    expect(page.get('[data-testid="numbers-usage"]').text()).toBe('1 dari 5 nomor');
    expect(page.get('[data-testid="number-status"]').text()).toContain('Terhubung');
  });

  it('reads the list again when the realtime connection comes back, since events were missed', async () => {
    const row = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([row]);
    const page = await mountPage();
    const realtime = useRealtimeStore();
    realtime.state = 'connected';
    await flushPromises();
    realtime.state = 'connecting';
    await flushPromises();
    vi.mocked(api.listSessions).mockResolvedValue([
      { ...row, status: 'connected', phone_number: '+6281234567890' },
    ]);

    realtime.state = 'connected';
    await flushPromises();

    expect(page.get('[data-testid="number-status"]').text()).toContain('Connected');
    expect(page.get('[data-testid="number-phone"]').text()).toBe('+62 812-3456-7890');
  });
});
