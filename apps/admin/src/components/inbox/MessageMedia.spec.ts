import { messageMediaPath, type InboxMediaView } from '@switchboard/contracts';
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '@/i18n/use-i18n';
import MessageMedia from './MessageMedia.vue';

const SRC = messageMediaPath(
  'c0ffee00-0000-4000-8000-000000000001',
  'beef0000-0000-4000-8000-000000000002',
);

function media(overrides: Partial<InboxMediaView> = {}): InboxMediaView {
  return {
    mimetype: 'image/jpeg',
    filename: null,
    size: 2048,
    provider_media_id: '1234',
    voice: false,
    ...overrides,
  };
}

describe('MessageMedia', () => {
  beforeEach(() => setLocale('en'));

  it('shows a photo from the server, opening the full size on click', () => {
    const wrapper = mount(MessageMedia, { props: { media: media(), type: 'image', src: SRC } });

    const image = wrapper.get('[data-testid="message-media-image"]');
    expect(image.attributes('src')).toBe(SRC);
    expect(image.attributes('loading')).toBe('lazy');
    expect(wrapper.get('a').attributes('href')).toBe(SRC);
  });

  it('says the file is gone when the photo cannot be loaded', async () => {
    const wrapper = mount(MessageMedia, { props: { media: media(), type: 'image', src: SRC } });

    await wrapper.get('[data-testid="message-media-image"]').trigger('error');

    expect(wrapper.find('[data-testid="message-media-image"]').exists()).toBe(false);
    expect(wrapper.get('[role="status"]').text()).toBe('WhatsApp no longer has this file.');
  });

  it('plays voice notes and videos only when asked, and offers documents as downloads', () => {
    const voice = mount(MessageMedia, {
      props: { media: media({ mimetype: 'audio/ogg', voice: true }), type: 'ptt', src: SRC },
    });
    const audio = voice.get('[data-testid="message-media-audio"]');
    expect(audio.attributes('src')).toBe(SRC);
    expect(audio.attributes('preload')).toBe('none');
    expect(audio.attributes('aria-label')).toBe('Voice message');

    const video = mount(MessageMedia, {
      props: { media: media({ mimetype: 'video/mp4' }), type: 'video', src: SRC },
    });
    expect(video.get('[data-testid="message-media-video"]').attributes('preload')).toBe('none');

    const pdf = mount(MessageMedia, {
      props: {
        media: media({ mimetype: 'application/pdf', filename: 'invoice.pdf' }),
        type: 'document',
        src: SRC,
      },
    });
    const link = pdf.get('[data-testid="message-media-download"]');
    expect(link.attributes('href')).toBe(SRC);
    expect(link.attributes('download')).toBe('invoice.pdf');
    expect(pdf.get('[data-testid="message-media-name"]').text()).toBe('invoice.pdf');
  });
});
