import type { PlanUpdatedPayload, SubscriptionPlanView } from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { messageOf } from '@/api/http';
import * as platformApi from '@/api/platform';

/** Subscription plans with their WhatsApp-number limit, kept live from the platform channel. */
export const usePlatformPlansStore = defineStore('platform-plans', () => {
  const plans = ref<SubscriptionPlanView[]>([]);
  const loaded = ref(false);
  const loadError = ref<string | null>(null);
  const saving = ref<Record<number, boolean>>({});

  async function load(): Promise<void> {
    loadError.value = null;
    try {
      plans.value = await platformApi.listPlans();
      loaded.value = true;
    } catch (error) {
      loadError.value = messageOf(error);
    }
  }

  function upsert(plan: SubscriptionPlanView): void {
    const index = plans.value.findIndex((p) => p.id === plan.id);
    if (index >= 0) plans.value[index] = plan;
    else plans.value = [...plans.value, plan].sort((a, b) => a.id - b.id);
  }

  /** Saves a plan's limit; rejects with the server's reason (an `ApiError`). */
  async function updateLimit(id: number, maxNumbers: number): Promise<SubscriptionPlanView> {
    saving.value[id] = true;
    try {
      const plan = await platformApi.updatePlanLimit(id, maxNumbers);
      upsert(plan);
      return plan;
    } finally {
      delete saving.value[id];
    }
  }

  /** Another admin (or another tab) changed a plan. */
  function applyPlanUpdated(payload: PlanUpdatedPayload): void {
    if (loaded.value) upsert(payload.plan);
  }

  return { plans, loaded, loadError, saving, load, updateLimit, applyPlanUpdated };
});
