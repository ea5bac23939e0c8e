import { ErrorCode } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/sessions';
import { ApiError } from '@/api/http';
import { useSessionsStore } from '@/stores/use-sessions-store';
import { aSession, limitsOf, qrEvent, statusEvent } from '@/test/session-factory';
import { signedIn } from '@/test/signed-in';
import QrLinkModal from './QrLinkModal.vue';

vi.mock('@/api/sessions');

const WS = 3;

async function mountModal(sessionUuid?: string) {
  const pinia = signedIn(WS);
  const store = useSessionsStore();
  await store.load(WS);
  const wrapper = mount(QrLinkModal, {
    props: { sessionUuid: sessionUuid ?? null },
    global: { plugins: [pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, store };
}

describe('QrLinkModal', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(new Date('2026-11-25T10:00:00.000Z'));
    vi.mocked(api.listSessions).mockResolvedValue([]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(0, 5));
  });
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('adds a number, shows its QR as soon as it arrives with a countdown, and follows the rotation', async () => {
    const created = aSession();
    vi.mocked(api.createWebJsSession).mockResolvedValue(created);
    const { wrapper, store } = await mountModal();
    expect(wrapper.find('[data-testid="qr-starting"]').exists()).toBe(true);

    store.applyQrCode(
      qrEvent(WS, created.uuid, 'data:image/png;base64,FIRST', new Date(Date.now() + 125_000)),
    );
    await flushPromises();
    expect(wrapper.get('[data-testid="qr-image"]').attributes('src')).toBe(
      'data:image/png;base64,FIRST',
    );
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('02:05');

    vi.advanceTimersByTime(20_000);
    store.applyQrCode(
      qrEvent(
        WS,
        created.uuid,
        'data:image/png;base64,SECOND',
        new Date(Date.parse('2026-11-25T10:02:05.000Z')),
      ),
    );
    await flushPromises();
    expect(wrapper.get('[data-testid="qr-image"]').attributes('src')).toBe(
      'data:image/png;base64,SECOND',
    );
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('01:45');
  });

  it('offers a new QR when the window runs out, and shows the new one', async () => {
    const created = aSession();
    vi.mocked(api.createWebJsSession).mockResolvedValue(created);
    const { wrapper, store } = await mountModal();
    store.applyQrCode(qrEvent(WS, created.uuid, 'data:old', new Date(Date.now() + 3_000)));
    await flushPromises();

    vi.advanceTimersByTime(4_000);
    await flushPromises();
    expect(wrapper.find('[data-testid="qr-image"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="qr-expired"]').exists()).toBe(true);

    vi.mocked(api.regenerateSessionQr).mockResolvedValue({ ...created, status: 'initializing' });
    await wrapper.get('[data-testid="qr-regenerate"]').trigger('click');
    await flushPromises();
    expect(api.regenerateSessionQr).toHaveBeenCalledWith(created.uuid);
    expect(wrapper.find('[data-testid="qr-starting"]').exists()).toBe(true);

    store.applyQrCode(qrEvent(WS, created.uuid, 'data:new', new Date(Date.now() + 60_000)));
    await flushPromises();
    expect(wrapper.get('[data-testid="qr-image"]').attributes('src')).toBe('data:new');
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('01:00');
  });

  it('shows the pairing code when the engine sends one', async () => {
    const created = aSession();
    vi.mocked(api.createWebJsSession).mockResolvedValue(created);
    const { wrapper, store } = await mountModal();

    store.applyPairingCode({
      workspace_id: WS,
      session_uuid: created.uuid,
      code: 'ABCD1234',
      window_ends_at: new Date(Date.now() + 90_000).toISOString(),
      at: new Date().toISOString(),
    });
    await flushPromises();

    expect(wrapper.get('[data-testid="pairing-code"]').text()).toBe('ABCD1234');
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('01:30');
  });

  it('closes itself with the linked number when the phone has scanned', async () => {
    const created = aSession();
    vi.mocked(api.createWebJsSession).mockResolvedValue(created);
    const { wrapper, store } = await mountModal();
    store.applyQrCode(qrEvent(WS, created.uuid, 'data:qr', new Date(Date.now() + 60_000)));
    await flushPromises();

    store.applyStatus(
      statusEvent(WS, created.uuid, 'connected', { phone_number: '+6281234567890' }),
    );
    await flushPromises();

    const linked = wrapper.emitted('linked');
    expect(linked).toHaveLength(1);
    expect(linked![0]![0]).toMatchObject({ uuid: created.uuid, phone_number: '+6281234567890' });
  });

  it('shows the server’s message when the number cannot be started, and retries the same number', async () => {
    vi.mocked(api.createWebJsSession).mockRejectedValue(
      new ApiError(
        503,
        ErrorCode.SERVICE_UNAVAILABLE,
        'The WhatsApp engine is unavailable: refused',
        {},
        null,
        {
          reason: 'engine_unavailable',
          session_uuid: 'kept-uuid',
        },
      ),
    );
    const { wrapper } = await mountModal();
    expect(wrapper.get('[data-testid="qr-error"]').text()).toContain(
      'The WhatsApp engine is unavailable: refused',
    );

    vi.mocked(api.regenerateSessionQr).mockResolvedValue(aSession({ uuid: 'kept-uuid' }));
    await wrapper.get('[data-testid="qr-error"] button').trigger('click');
    await flushPromises();

    expect(api.createWebJsSession).toHaveBeenCalledTimes(1);
    expect(api.regenerateSessionQr).toHaveBeenCalledWith('kept-uuid');
  });

  it('keeps the QR an existing number is showing instead of asking for another', async () => {
    const waiting = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([waiting]);
    const pinia = signedIn(WS);
    const store = useSessionsStore();
    await store.load(WS);
    store.applyQrCode(qrEvent(WS, waiting.uuid, 'data:current', new Date(Date.now() + 30_000)));

    const wrapper = mount(QrLinkModal, {
      props: { sessionUuid: waiting.uuid },
      global: { plugins: [pinia] },
    });
    await flushPromises();

    expect(api.regenerateSessionQr).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid="qr-image"]').attributes('src')).toBe('data:current');
  });

  it('links with a code typed on the phone instead, keeping the phone when the server refuses', async () => {
    const created = aSession();
    vi.mocked(api.createWebJsSession).mockResolvedValue(created);
    const { wrapper, store } = await mountModal();
    store.applyQrCode(qrEvent(WS, created.uuid, 'data:qr', new Date(Date.now() + 60_000)));
    await flushPromises();

    await wrapper.get('[data-testid="pairing-open"]').trigger('click');
    await wrapper.get('[data-testid="pairing-phone"]').setValue('+62 812-3456-7890');
    vi.mocked(api.requestSessionPairingCode).mockRejectedValueOnce(
      new ApiError(400, ErrorCode.VALIDATION_FAILED, 'phone_number: must be the phone number'),
    );
    await wrapper.get('[data-testid="pairing-form"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="pairing-form"] [role="alert"]').text()).toBe(
      'phone_number: must be the phone number',
    );
    expect((wrapper.get('[data-testid="pairing-phone"]').element as HTMLInputElement).value).toBe(
      '+62 812-3456-7890',
    );

    vi.mocked(api.requestSessionPairingCode).mockResolvedValue({
      ...created,
      status: 'initializing',
    });
    await wrapper.get('[data-testid="pairing-form"]').trigger('submit');
    await flushPromises();
    expect(api.requestSessionPairingCode).toHaveBeenLastCalledWith(created.uuid, '+6281234567890');
    expect(wrapper.find('[data-testid="qr-image"]').exists()).toBe(false);

    store.applyPairingCode({
      workspace_id: WS,
      session_uuid: created.uuid,
      code: 'K7PQ2M9X',
      window_ends_at: new Date(Date.now() + 45_000).toISOString(),
      at: new Date().toISOString(),
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="pairing-code"]').text()).toBe('K7PQ2M9X');
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('00:45');
    expect(wrapper.find('[data-testid="pairing-back-to-qr"]').exists()).toBe(true);
  });

  it('asks the server for the QR and window of a number opened in the middle of its scan', async () => {
    const waiting = aSession({ status: 'qr_scanning' });
    vi.mocked(api.listSessions).mockResolvedValue([waiting]);
    vi.mocked(api.getSession).mockResolvedValue({
      ...waiting,
      qr_code: 'data:from-server',
      qr_window_ends_at: new Date(Date.now() + 100_000).toISOString(),
    });
    const pinia = signedIn(WS);
    await useSessionsStore().load(WS);

    const wrapper = mount(QrLinkModal, {
      props: { sessionUuid: waiting.uuid },
      global: { plugins: [pinia] },
    });
    await flushPromises();

    expect(api.regenerateSessionQr).not.toHaveBeenCalled();
    expect(wrapper.get('[data-testid="qr-image"]').attributes('src')).toBe('data:from-server');
    expect(wrapper.get('[data-testid="qr-countdown"]').text()).toBe('01:40');
  });
});
