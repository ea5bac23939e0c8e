import { ErrorCode, platformChannel, RealtimeEvent } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/http';
import * as api from '@/api/platform';
import { setLocale } from '@/i18n/use-i18n';
import PlatformHealthPage from './PlatformHealthPage.vue';
import { aHealthView, platformAdminSignedIn } from './platform-spec-kit';

vi.mock('@/api/platform');

async function mountPage() {
  const world = platformAdminSignedIn();
  const page = mount(PlatformHealthPage, {
    global: { plugins: [world.pinia] },
    attachTo: document.body,
  });
  await flushPromises();
  return { page, world };
}

const countOf = (page: Awaited<ReturnType<typeof mountPage>>['page'], status: string) =>
  page.get(`[data-testid="health-status"][data-status="${status}"]`).text();

describe('PlatformHealthPage', () => {
  beforeEach(() => {
    setLocale('en');
    vi.mocked(api.getPlatformHealth).mockResolvedValue(aHealthView());
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows numbers by status, messages today, queue depth and the engine', async () => {
    const { page } = await mountPage();
    expect(page.get('[data-testid="health-numbers-total"]').text()).toBe('7 active numbers');
    expect(countOf(page, 'connected')).toContain('4');
    expect(countOf(page, 'disconnected')).toContain('2');
    expect(page.get('[data-testid="health-messages-total"]').text()).toBe('42');
    expect(page.get('[data-testid="health-messages-inbound"]').text()).toBe('30');
    expect(page.get('[data-testid="health-messages-outbound"]').text()).toBe('12');
    expect(page.get('[data-queue="sends"] [data-testid="health-queue-waiting"]').text()).toBe('5');
    expect(page.get('[data-testid="health-engine-sessions"]').text()).toBe(
      '4 running of 5 (max 50)',
    );
    expect(page.get('[data-testid="health-engine-memory"]').text()).toBe(
      '812 MB resident, 96 MB heap',
    );
  });

  it('reads the report again when a number changes status anywhere', async () => {
    const { page, world } = await mountPage();
    vi.mocked(api.getPlatformHealth).mockResolvedValue(
      aHealthView({
        numbers_by_status: { ...aHealthView().numbers_by_status, connected: 5, qr_scanning: 0 },
      }),
    );
    world.emit(platformChannel(), RealtimeEvent.SESSION_STATUS_CHANGED, {
      workspace_id: 3,
      session_uuid: 'any',
      status: 'connected',
      phone_number: '+6281234567890',
      at: '2026-11-25T10:00:00.000Z',
    });
    await flushPromises();
    expect(countOf(page, 'connected')).toContain('5');
    expect(api.getPlatformHealth).toHaveBeenCalledTimes(2);
  });

  it('refreshes on request, for counts that have no event', async () => {
    const { page } = await mountPage();
    vi.mocked(api.getPlatformHealth).mockResolvedValue(
      aHealthView({ messages_today: { inbound: 31, outbound: 12, total: 43 } }),
    );
    await page.get('[data-testid="health-refresh"]').trigger('click');
    await flushPromises();
    expect(page.get('[data-testid="health-messages-total"]').text()).toBe('43');
  });

  it('says when the engine does not answer, and when there is none', async () => {
    vi.mocked(api.getPlatformHealth).mockResolvedValue(
      aHealthView({ engine: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:3100' } }),
    );
    const { page } = await mountPage();
    expect(page.get('[data-testid="health-engine-down"]').text()).toBe(
      'The engine does not answer: connect ECONNREFUSED 127.0.0.1:3100',
    );
    vi.mocked(api.getPlatformHealth).mockResolvedValue(aHealthView({ engine: null }));
    await page.get('[data-testid="health-refresh"]').trigger('click');
    await flushPromises();
    expect(page.get('[data-testid="health-engine-none"]').text()).toBe(
      'This server has no engine.',
    );
  });

  it('lists every engine in the registry, live or not, with its load and memory', async () => {
    vi.mocked(api.getPlatformHealth).mockResolvedValue(
      aHealthView({
        engines: [
          {
            engine_id: 'engine-east',
            url: 'http://10.0.0.7:3100',
            sessions: 12,
            max_sessions: 50,
            memory_mb: 2048,
            last_seen_at: '2026-11-25T09:00:00.000Z',
            live: true,
          },
          {
            engine_id: 'engine-west',
            url: 'http://10.0.0.8:3100',
            sessions: 3,
            max_sessions: 50,
            memory_mb: null,
            last_seen_at: '2026-11-25T08:00:00.000Z',
            live: false,
          },
        ],
      }),
    );
    const { page } = await mountPage();
    const east = page.get('[data-engine-id="engine-east"]');
    expect(east.attributes('data-live')).toBe('true');
    expect(east.text()).toContain('Live');
    expect(east.get('[data-testid="health-engine-row-sessions"]').text()).toBe('12 of 50');
    expect(east.get('[data-testid="health-engine-row-memory"]').text()).toBe('2048 MB');
    const west = page.get('[data-engine-id="engine-west"]');
    expect(west.text()).toContain('Not seen');
    expect(west.get('[data-testid="health-engine-row-memory"]').text()).toBe('—');
  });

  it('leaves the engines table out when no engine has announced itself', async () => {
    const { page } = await mountPage();
    expect(page.find('[data-testid="health-engines"]').exists()).toBe(false);
  });

  it('shows why the report could not be read', async () => {
    vi.mocked(api.getPlatformHealth).mockRejectedValue(
      new ApiError(403, ErrorCode.FORBIDDEN, 'Only platform administrators may do this'),
    );
    const { page } = await mountPage();
    expect(page.get('[role="alert"]').text()).toContain('Only platform administrators may do this');
  });

  it('speaks Bahasa Indonesia', async () => {
    setLocale('id');
    const { page } = await mountPage();
    expect(page.get('h1').text()).toBe('Kesehatan platform');
    expect(page.get('[data-testid="health-numbers-total"]').text()).toBe('7 nomor aktif');
  });
});
