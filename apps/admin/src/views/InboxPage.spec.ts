import { WhatsAppErrorCode } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import * as api from '@/api/conversations';
import * as sessionsApi from '@/api/sessions';
import { setLocale } from '@/i18n/use-i18n';
import { useConversationsStore } from '@/stores/use-conversations-store';
import { useThreadStore } from '@/stores/use-thread-store';
import {
  aConversation,
  aMessage,
  anOutbound,
  NUMBER_UUID,
  receivedEvent,
} from '@/test/inbox-factory';
import { aSession, limitsOf } from '@/test/session-factory';
import { signedIn } from '@/test/signed-in';
import InboxPage from './InboxPage.vue';

vi.mock('@/api/conversations');
vi.mock('@/api/sessions');

const WS = 6;

async function mountPage(path = '/chats') {
  const pinia = signedIn(WS, 'agent');
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/chats/:contactUuid?/:sessionUuid?', name: 'inbox', component: InboxPage }],
  });
  await router.push(path);
  const wrapper = mount(
    { template: '<RouterView />' },
    { global: { plugins: [pinia, router] }, attachTo: document.body },
  );
  await flushPromises();
  return { wrapper, router };
}

describe('InboxPage', () => {
  beforeEach(() => {
    setLocale('en');
    vi.mocked(sessionsApi.listSessions).mockResolvedValue([
      aSession({ uuid: NUMBER_UUID, phone_number: '+6281234567890', status: 'connected' }),
    ]);
    vi.mocked(sessionsApi.getSessionLimits).mockResolvedValue(limitsOf(1, 5));
    vi.mocked(api.listConversations).mockResolvedValue({ data: [], next_cursor: null });
    vi.mocked(api.listUnreadCounts).mockResolvedValue([]);
    vi.mocked(api.markConversationRead).mockResolvedValue({ marked_read: 0, unread_messages: 0 });
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists conversations with their number and unread count, and the numbers’ counts in the picker', async () => {
    const ana = aConversation({ contact: { name: 'Ana' }, unread_count: 2 });
    vi.mocked(api.listConversations).mockResolvedValue({ data: [ana], next_cursor: null });
    vi.mocked(api.listUnreadCounts).mockResolvedValue([{ session_uuid: NUMBER_UUID, unread: 2 }]);
    const { wrapper } = await mountPage();

    const row = wrapper.get('[data-testid="conversation"]');
    expect(row.get('[data-testid="conversation-name"]').text()).toBe('Ana');
    expect(row.get('[data-testid="conversation-number"]').text()).toBe('+62 812-3456-7890');
    expect(row.get('[data-testid="conversation-unread"]').text()).toContain('2');
    expect(wrapper.get('[data-testid="number-option-all"]').text()).toBe('All numbers (2 unread)');
    expect(wrapper.get('[data-testid="number-option"]').text()).toBe(
      '+62 812-3456-7890 (2 unread)',
    );
    expect(wrapper.find('[data-testid="thread-placeholder"]').exists()).toBe(true);
  });

  it('shows a new customer message in the list and the open thread without a reload', async () => {
    const ana = aConversation({ contact: { name: 'Ana', phone: '+628111222333' } });
    const other = aConversation();
    vi.mocked(api.listConversations).mockResolvedValue({ data: [other, ana], next_cursor: null });
    vi.mocked(api.listConversationMessages).mockResolvedValue({
      data: [aMessage({ body: 'Hi' })],
      next_cursor: null,
    });
    const { wrapper } = await mountPage(`/chats/${ana.contact.uuid}/${NUMBER_UUID}`);
    expect(wrapper.get('[data-testid="composer-from"]').text()).toBe(
      'Replying from +62 812-3456-7890',
    );

    const event = receivedEvent(WS, { id: 31, phone: '+628111222333' }, { body: 'Any news?' });
    useConversationsStore().applyMessageReceived(event);
    useThreadStore().applyMessageReceived(event);
    await flushPromises();

    const first = wrapper.findAll('[data-testid="conversation"]')[0]!;
    expect(first.attributes('data-contact-uuid')).toBe(ana.contact.uuid);
    expect(first.get('[data-testid="conversation-preview"]').text()).toBe('Any news?');
    const bodies = wrapper.findAll('[data-testid="message-body"]').map((b) => b.text());
    expect(bodies).toEqual(['Hi', 'Any news?']);
    expect(api.listConversations).toHaveBeenCalledTimes(1);
  });

  it('shows why a reply failed, with retry', async () => {
    const ana = aConversation();
    vi.mocked(api.listConversations).mockResolvedValue({ data: [ana], next_cursor: null });
    const failed = aMessage({ direction: 'outbound', status: 'failed', uuid: 'f-9' });
    vi.mocked(api.listConversationMessages).mockResolvedValue({
      data: [failed],
      next_cursor: null,
    });
    vi.mocked(api.getMessage).mockResolvedValue({
      ...anOutbound({ ...failed }),
      delivery: {
        idempotency_key: null,
        error: { code: WhatsAppErrorCode.INVALID_RECIPIENT, message: 'not on WhatsApp' },
        attempts: [],
        failed_over_from: null,
        retries: 0,
      },
    });
    vi.mocked(api.retryMessage).mockResolvedValue(anOutbound({ ...failed, status: 'pending' }));
    const { wrapper } = await mountPage(`/chats/${ana.contact.uuid}/${NUMBER_UUID}`);

    expect(wrapper.get('[data-testid="message-failure-reason"]').text()).toBe(
      'Not sent: the customer’s number is not on WhatsApp (not on WhatsApp)',
    );
    await wrapper.get('[data-testid="message-retry"]').trigger('click');
    await flushPromises();

    expect(api.retryMessage).toHaveBeenCalledWith(ana.contact.uuid, 'f-9');
    expect(wrapper.find('[data-testid="message-failure"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="message-status"]').attributes('data-status')).toBe('pending');
  });
});
