import { ErrorCode } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '@/api/sessions';
import { ApiError } from '@/api/http';
import { useSessionsStore } from '@/stores/use-sessions-store';
import { aSession, limitsOf } from '@/test/session-factory';
import { signedIn } from '@/test/signed-in';
import MetaNumberModal from './MetaNumberModal.vue';

vi.mock('@/api/sessions');

async function mountModal() {
  const pinia = signedIn(2);
  await useSessionsStore().load(2);
  const wrapper = mount(MetaNumberModal, { global: { plugins: [pinia] }, attachTo: document.body });
  await wrapper.get('[data-testid="meta-access_token"]').setValue(' EAAG-token ');
  await wrapper.get('[data-testid="meta-phone_number_id"]').setValue('106540352242922');
  await wrapper.get('[data-testid="meta-waba_id"]').setValue('102290129340398');
  return wrapper;
}

describe('MetaNumberModal', () => {
  beforeEach(() => {
    vi.mocked(api.listSessions).mockResolvedValue([]);
    vi.mocked(api.getSessionLimits).mockResolvedValue(limitsOf(0, 5));
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows Meta’s exact refusal and keeps everything typed', async () => {
    const metaMessage =
      'Meta refused the credentials: Invalid OAuth access token - Cannot parse access token (code 190)';
    vi.mocked(api.createMetaSession).mockRejectedValue(
      new ApiError(422, ErrorCode.VALIDATION_FAILED, metaMessage, {}, null, {
        reason: 'meta_credentials_rejected',
      }),
    );
    const modal = await mountModal();

    await modal.get('form').trigger('submit');
    await flushPromises();

    expect(modal.get('[data-testid="meta-error"]').text()).toBe(metaMessage);
    expect((modal.get('[data-testid="meta-access_token"]').element as HTMLInputElement).value).toBe(
      ' EAAG-token ',
    );
    expect(
      (modal.get('[data-testid="meta-phone_number_id"]').element as HTMLInputElement).value,
    ).toBe('106540352242922');
    expect(modal.emitted('added')).toBeUndefined();
  });

  it('puts the server’s field problems next to their fields', async () => {
    vi.mocked(api.createMetaSession).mockRejectedValue(
      new ApiError(400, ErrorCode.VALIDATION_FAILED, 'Invalid request', {
        'meta.waba_id': ['must be the numeric WhatsApp Business Account id'],
      }),
    );
    const modal = await mountModal();

    await modal.get('form').trigger('submit');
    await flushPromises();

    expect(modal.get('#meta-waba_id-error').text()).toBe(
      'must be the numeric WhatsApp Business Account id',
    );
    expect(modal.get('[data-testid="meta-waba_id"]').attributes('aria-invalid')).toBe('true');
  });

  it('sends trimmed credentials, leaves out empty optional ones, and reports the new number', async () => {
    const created = aSession({
      provider_type: 'meta',
      status: 'connected',
      phone_number: '+15550001111',
    });
    vi.mocked(api.createMetaSession).mockResolvedValue(created);
    const modal = await mountModal();

    await modal.get('form').trigger('submit');
    await flushPromises();

    expect(api.createMetaSession).toHaveBeenCalledWith({
      access_token: 'EAAG-token',
      phone_number_id: '106540352242922',
      waba_id: '102290129340398',
      app_secret: undefined,
      api_version: undefined,
    });
    expect(modal.emitted('added')![0]![0]).toMatchObject({ uuid: created.uuid });
    expect(useSessionsStore().byUuid(created.uuid)?.status).toBe('connected');
  });
});
