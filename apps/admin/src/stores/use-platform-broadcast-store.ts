import type {
  BroadcastSettingsView,
  BroadcastTestResult,
  UpdateBroadcastSettingsRequest,
} from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { messageOf } from '@/api/http';
import * as platformApi from '@/api/platform';

/**
 * The broadcast driver settings as the server keeps them (secret masked). Saving switches every
 * open page's realtime connection: the server tells them through the driver they are still on.
 */
export const usePlatformBroadcastStore = defineStore('platform-broadcast', () => {
  const settings = ref<BroadcastSettingsView | null>(null);
  const loadError = ref<string | null>(null);
  const loading = ref(false);
  const testing = ref(false);
  const saving = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    loadError.value = null;
    try {
      settings.value = await platformApi.getBroadcastSettings();
    } catch (error) {
      loadError.value = messageOf(error);
    } finally {
      loading.value = false;
    }
  }

  /** Tests unsaved settings; a driver that fails answers with its exact reason, not a throw. */
  async function test(request: UpdateBroadcastSettingsRequest): Promise<BroadcastTestResult> {
    testing.value = true;
    try {
      return await platformApi.testBroadcastSettings(request);
    } finally {
      testing.value = false;
    }
  }

  async function save(request: UpdateBroadcastSettingsRequest): Promise<BroadcastSettingsView> {
    saving.value = true;
    try {
      const saved = await platformApi.saveBroadcastSettings(request);
      settings.value = saved;
      return saved;
    } finally {
      saving.value = false;
    }
  }

  return { settings, loadError, loading, testing, saving, load, test, save };
});
