import { ErrorCode, platformChannel, RealtimeEvent } from '@switchboard/contracts';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/api/http';
import * as api from '@/api/platform';
import { setLocale } from '@/i18n/use-i18n';
import PlansPage from './PlansPage.vue';
import { aPlan, platformAdminSignedIn, type PlatformWorld } from './platform-spec-kit';

vi.mock('@/api/platform');

async function mountPage() {
  const world = platformAdminSignedIn();
  const page = mount(PlansPage, { global: { plugins: [world.pinia] }, attachTo: document.body });
  await flushPromises();
  return { page, world };
}

function rowOf(page: Awaited<ReturnType<typeof mountPage>>['page'], id: number) {
  return page.get(`[data-testid="plan-row"][data-plan-id="${id}"]`);
}

describe('PlansPage', () => {
  const basic = aPlan({ name: 'Basic', max_whatsapp_numbers: 1, workspaces_count: 4 });
  const pro = aPlan({ name: 'Pro', max_whatsapp_numbers: 5, workspaces_count: 1 });

  beforeEach(() => {
    setLocale('en');
    vi.mocked(api.listPlans).mockResolvedValue([basic, pro]);
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists plans with their WhatsApp-number limit and workspaces', async () => {
    const { page } = await mountPage();
    const rows = page.findAll('[data-testid="plan-row"]');
    expect(rows.map((r) => r.get('[data-testid="plan-name"]').text())).toEqual(['Basic', 'Pro']);
    expect(
      rowOf(page, pro.id).get<HTMLInputElement>('[data-testid="plan-limit"]').element.value,
    ).toBe('5');
    expect(rowOf(page, basic.id).get('[data-testid="plan-workspaces"]').text()).toBe('4');
    expect(rowOf(page, basic.id).text()).toContain('49.00 / month');
  });

  it('saves a new limit and says what the plan now allows', async () => {
    vi.mocked(api.updatePlanLimit).mockResolvedValue({ ...pro, max_whatsapp_numbers: 10 });
    const { page } = await mountPage();
    const row = rowOf(page, pro.id);
    expect(row.get('[data-testid="plan-save"]').attributes('disabled')).toBeDefined();

    await row.get('[data-testid="plan-limit"]').setValue('10');
    await row.get('form').trigger('submit');
    await flushPromises();

    expect(api.updatePlanLimit).toHaveBeenCalledWith(pro.id, 10);
    expect(page.get('[data-testid="plans-notice"]').text()).toContain(
      'Pro now allows 10 WhatsApp numbers.',
    );
    expect(
      rowOf(page, pro.id).get<HTMLInputElement>('[data-testid="plan-limit"]').element.value,
    ).toBe('10');
  });

  it('refuses a limit that is not a whole number from 0, before asking the server', async () => {
    const { page } = await mountPage();
    const row = rowOf(page, pro.id);
    for (const value of ['-1', '2.5', 'lots', '10001']) {
      await row.get('[data-testid="plan-limit"]').setValue(value);
      await row.get('form').trigger('submit');
      await flushPromises();
      expect(row.get('[data-testid="plan-limit-error"]').text()).toBe(
        'Enter a whole number from 0 to 10000.',
      );
      expect(row.get('[data-testid="plan-limit"]').attributes('aria-invalid')).toBe('true');
    }
    expect(api.updatePlanLimit).not.toHaveBeenCalled();
  });

  it('shows the server’s reason for the field when it refuses', async () => {
    vi.mocked(api.updatePlanLimit).mockRejectedValue(
      new ApiError(400, ErrorCode.VALIDATION_FAILED, 'Invalid', {
        max_whatsapp_numbers: ['max_whatsapp_numbers must be at most 10000'],
      }),
    );
    const { page } = await mountPage();
    const row = rowOf(page, basic.id);
    await row.get('[data-testid="plan-limit"]').setValue('7');
    await row.get('form').trigger('submit');
    await flushPromises();
    expect(row.get('[data-testid="plan-limit-error"]').text()).toBe(
      'max_whatsapp_numbers must be at most 10000',
    );
  });

  it('follows a change another admin makes, without a reload', async () => {
    const { page, world } = await mountPage();
    expect(world.listening()).toEqual([platformChannel()]);
    emitPlan(world, { ...basic, max_whatsapp_numbers: 3 });
    await flushPromises();
    expect(
      rowOf(page, basic.id).get<HTMLInputElement>('[data-testid="plan-limit"]').element.value,
    ).toBe('3');
    expect(api.listPlans).toHaveBeenCalledTimes(1);
  });

  it('stops listening when the page closes', async () => {
    const { page, world } = await mountPage();
    page.unmount();
    expect(world.listening()).toEqual([]);
  });

  it('speaks Bahasa Indonesia', async () => {
    setLocale('id');
    const { page } = await mountPage();
    expect(page.get('h1').text()).toBe('Paket langganan');
    expect(rowOf(page, basic.id).text()).toContain('49.00 / bulan');
  });
});

function emitPlan(world: PlatformWorld, plan: ReturnType<typeof aPlan>): void {
  world.emit(platformChannel(), RealtimeEvent.PLAN_UPDATED, { plan, at: new Date().toISOString() });
}
