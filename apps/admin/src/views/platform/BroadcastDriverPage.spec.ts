import { ErrorCode, type BroadcastSettingsView } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/http';
import * as api from '@/api/platform';
import { setLocale } from '@/i18n/use-i18n';
import { useRealtimeStore } from '@/stores/use-realtime-store';
import BroadcastDriverPage from './BroadcastDriverPage.vue';
import { platformAdminSignedIn } from './platform-spec-kit';

vi.mock('@/api/platform');

function settings(overrides: Partial<BroadcastSettingsView> = {}): BroadcastSettingsView {
  return {
    driver: 'socketio',
    pusher: {
      app_id: '1001',
      app_key: 'key-1',
      app_secret_set: true,
      cluster: 'mt1',
      host: '127.0.0.1',
      port: 6001,
      scheme: 'http',
    },
    ...overrides,
  };
}

async function mountPage() {
  const world = platformAdminSignedIn();
  const page = mount(BroadcastDriverPage, {
    global: { plugins: [world.pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return page;
}

describe('BroadcastDriverPage', () => {
  beforeEach(() => {
    setLocale('en');
    vi.mocked(api.getBroadcastSettings).mockResolvedValue(settings());
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the stored keys with the secret masked, never its value', async () => {
    const page = await mountPage();
    await page.get('[data-testid="broadcast-driver-pusher"]').setValue(true);

    expect(page.get('[data-testid="broadcast-active"]').text()).toBe(
      'Active now: Built-in (Socket.IO)',
    );
    expect(page.get<HTMLInputElement>('[data-testid="broadcast-app_key"]').element.value).toBe(
      'key-1',
    );
    const secret = page.get<HTMLInputElement>('[data-testid="broadcast-app_secret"]').element;
    expect(secret.value).toBe('');
    expect(secret.type).toBe('password');
    expect(secret.placeholder).toBe('•••••••• (kept)');
    expect(page.get('[data-testid="broadcast-secret-state"]').text()).toBe(
      'A secret is stored. Leave empty to keep it.',
    );
  });

  it('tests unsaved settings and shows the exact failure, without saving', async () => {
    vi.mocked(api.testBroadcastSettings).mockResolvedValue({
      ok: false,
      driver: 'pusher',
      error: {
        code: 'PUSHER_REJECTED',
        message: 'The Pusher server at http://127.0.0.1:6001 answered 401: Invalid signature',
      },
    });
    const page = await mountPage();
    await page.get('[data-testid="broadcast-driver-pusher"]').setValue(true);
    await page.get('[data-testid="broadcast-app_key"]').setValue('key-2');

    await page.get('[data-testid="broadcast-test"]').trigger('click');
    await flushPromises();

    expect(api.testBroadcastSettings).toHaveBeenCalledWith({
      driver: 'pusher',
      pusher: {
        app_id: '1001',
        app_key: 'key-2',
        cluster: 'mt1',
        host: '127.0.0.1',
        port: 6001,
        scheme: 'http',
      },
    });
    const result = page.get('[data-testid="broadcast-test-result"]');
    expect(result.attributes('data-ok')).toBe('false');
    expect(result.text()).toBe(
      'Test failed (PUSHER_REJECTED): The Pusher server at http://127.0.0.1:6001 answered 401: Invalid signature',
    );
    expect(api.saveBroadcastSettings).not.toHaveBeenCalled();
    expect(page.find('[data-testid="broadcast-dirty"]').exists()).toBe(true);
  });

  it('saves a new secret only when one was typed, and says every page switched', async () => {
    vi.mocked(api.saveBroadcastSettings).mockImplementation((request) =>
      Promise.resolve(settings({ driver: request.driver })),
    );
    const page = await mountPage();
    await page.get('[data-testid="broadcast-driver-pusher"]').setValue(true);
    await page.get('[data-testid="broadcast-form"]').trigger('submit');
    await flushPromises();
    expect(vi.mocked(api.saveBroadcastSettings).mock.calls[0]![0].pusher).not.toHaveProperty(
      'app_secret',
    );
    expect(page.get('[data-testid="broadcast-notice"]').text()).toContain(
      'Saved. Every open page now uses Pusher-compatible (Pusher, Reverb, soketi).',
    );
    expect(page.get('[data-testid="broadcast-active"]').text()).toContain('Pusher-compatible');

    await page.get('[data-testid="broadcast-app_secret"]').setValue('new-secret');
    await page.get('[data-testid="broadcast-form"]').trigger('submit');
    await flushPromises();
    expect(vi.mocked(api.saveBroadcastSettings).mock.calls[1]![0].pusher).toMatchObject({
      app_secret: 'new-secret',
    });
    expect(page.get<HTMLInputElement>('[data-testid="broadcast-app_secret"]').element.value).toBe(
      '',
    );
  });

  it('shows the server’s reason next to the field it names', async () => {
    vi.mocked(api.saveBroadcastSettings).mockRejectedValue(
      new ApiError(400, ErrorCode.VALIDATION_FAILED, 'The pusher driver needs pusher.app_id', {
        'pusher.app_id': ['pusher.app_id is required for the pusher driver'],
      }),
    );
    const page = await mountPage();
    await page.get('[data-testid="broadcast-driver-pusher"]').setValue(true);
    await page.get('[data-testid="broadcast-app_id"]').setValue('');
    await page.get('[data-testid="broadcast-form"]').trigger('submit');
    await flushPromises();

    const input = page.get('[data-testid="broadcast-app_id"]');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(page.get('#broadcast-app_id-error').text()).toBe(
      'pusher.app_id is required for the pusher driver',
    );
    expect(page.get('[data-testid="broadcast-notice"]').attributes('data-tone')).toBe('error');
  });

  it('follows a switch made by another admin, without a reload', async () => {
    const page = await mountPage();
    vi.mocked(api.getBroadcastSettings).mockResolvedValue(settings({ driver: 'pusher' }));

    useRealtimeStore().driver = 'pusher';
    await flushPromises();

    expect(page.get('[data-testid="broadcast-active"]').text()).toContain('Pusher-compatible');
    expect(page.get('[data-testid="broadcast-notice"]').text()).toContain(
      'Another administrator switched the driver to Pusher-compatible',
    );
  });

  it('speaks Bahasa Indonesia', async () => {
    setLocale('id');
    const page = await mountPage();
    expect(page.get('h1').text()).toBe('Driver siaran');
    expect(page.get('[data-testid="broadcast-test"]').text()).toBe('Uji');
  });
});
