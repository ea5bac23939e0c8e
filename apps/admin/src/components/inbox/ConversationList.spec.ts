import { mount, RouterLinkStub } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '@/i18n/use-i18n';
import { keyOf } from '@/stores/use-conversations-store';
import { aConversation } from '@/test/inbox-factory';
import ConversationList from './ConversationList.vue';

function mountList(props: Partial<InstanceType<typeof ConversationList>['$props']> = {}) {
  return mount(ConversationList, {
    props: {
      items: [],
      activeKey: null,
      hasMore: false,
      loadingMore: false,
      loadMoreError: null,
      ...props,
    },
    global: { stubs: { RouterLink: RouterLinkStub } },
  });
}

describe('ConversationList', () => {
  beforeEach(() => setLocale('en'));

  it('shows each conversation’s number, what was said last, and links to its thread', () => {
    const reply = aConversation({ contact: { name: 'Ana' } });
    reply.last_message = {
      ...reply.last_message!,
      direction: 'outbound',
      body_preview: 'On its way',
    };
    const photo = aConversation({
      contact: { name: null, phone: '+6281377770001' },
      session: { phone_number: '+6285550001111' },
    });
    photo.last_message = { ...photo.last_message!, type: 'image', body_preview: '' };
    const list = mountList({ items: [reply, photo], activeKey: keyOf(photo) });

    const rows = list.findAll('[data-testid="conversation"]');
    expect(rows.map((r) => r.get('[data-testid="conversation-preview"]').text())).toEqual([
      'You: On its way',
      'Photo',
    ]);
    expect(rows[1]!.get('[data-testid="conversation-name"]').text()).toBe('+62 813-7777-0001');
    expect(rows[1]!.get('[data-testid="conversation-number"]').text()).toBe('+62 855-5000-1111');
    expect(rows[1]!.attributes('aria-current')).toBe('true');
    expect(list.findAllComponents(RouterLinkStub)[0]!.props('to')).toEqual({
      name: 'inbox',
      params: { contactUuid: reply.contact.uuid, sessionUuid: reply.session.uuid },
    });
  });

  it('asks for the next page, and offers no more once the last page is in', async () => {
    const list = mountList({ items: [aConversation()], hasMore: true });

    await list.get('[data-testid="conversations-load-more"]').trigger('click');
    expect(list.emitted('loadMore')).toHaveLength(1);

    await list.setProps({ hasMore: false });
    expect(list.find('[data-testid="conversations-load-more"]').exists()).toBe(false);
  });
});
