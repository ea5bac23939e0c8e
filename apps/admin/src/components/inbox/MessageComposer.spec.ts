import type { ConversationNumberView } from '@switchboard/contracts';
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '@/i18n/use-i18n';
import { aSession } from '@/test/session-factory';
import MessageComposer from './MessageComposer.vue';

const NUMBER: ConversationNumberView = {
  uuid: '5e550000-0000-4000-8000-000000000001',
  phone_number: '+6281234567890',
  provider_type: 'webjs',
  status: 'connected',
};

function mountComposer(number: ConversationNumberView, text = 'Hello', others = [aSession()]) {
  return mount(MessageComposer, {
    props: { number, numbers: others, modelValue: text, sending: false, error: null },
  });
}

describe('MessageComposer', () => {
  beforeEach(() => setLocale('en'));

  it('says which number the reply leaves from and sends from it, without failover', async () => {
    const composer = mountComposer(NUMBER);

    expect(composer.get('[data-testid="composer-from"]').text()).toBe(
      'Replying from +62 812-3456-7890',
    );
    expect(composer.find('[data-testid="composer-number-down"]').exists()).toBe(false);
    await composer.get('form').trigger('submit');

    expect(composer.emitted('send')).toEqual([
      [{ sessionUuid: NUMBER.uuid, allowFailover: false }],
    ]);
  });

  it('warns when the number is down and offers failover or another connected number', async () => {
    const other = aSession({ status: 'connected', phone_number: '+6285550001111' });
    const offline = aSession({ status: 'disconnected', phone_number: '+6285550002222' });
    const composer = mountComposer({ ...NUMBER, status: 'disconnected' }, 'Hi', [other, offline]);

    const warning = composer.get('[data-testid="composer-number-down"]');
    expect(warning.text()).toContain('+62 812-3456-7890 is not connected (Disconnected)');
    const options = composer.findAll('[data-testid="composer-fallback"] option');
    expect(options.map((o) => o.text())).toEqual([
      'Any connected number (the first that can carry it)',
      '+62 855-5000-1111',
    ]);
    expect(composer.get('[data-testid="composer-send"]').text()).toBe('Send from another number');

    await composer.get('form').trigger('submit');
    await composer.get('[data-testid="composer-fallback"]').setValue(other.uuid);
    await composer.get('form').trigger('submit');

    expect(composer.emitted('send')).toEqual([
      [{ sessionUuid: NUMBER.uuid, allowFailover: true }],
      [{ sessionUuid: other.uuid, allowFailover: false }],
    ]);
  });

  it('sends on Enter, and Shift+Enter does not send', async () => {
    const composer = mountComposer(NUMBER);
    const input = composer.get('[data-testid="composer-input"]');

    await input.trigger('keydown', { key: 'Enter', shiftKey: true });
    expect(composer.emitted('send')).toBeUndefined();
    await input.trigger('keydown', { key: 'Enter' });
    expect(composer.emitted('send')).toHaveLength(1);
  });

  it('does not send an empty reply, and shows the error with the text kept', () => {
    const composer = mount(MessageComposer, {
      props: {
        number: NUMBER,
        numbers: [],
        modelValue: '   ',
        sending: false,
        error: 'Could not reach the server.',
      },
    });

    expect(composer.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined();
    expect(composer.get('[data-testid="composer-error"]').text()).toBe(
      'The reply was not sent: Could not reach the server. Your text is kept.',
    );
  });
});
