import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { messageOf } from '@/api/http';

export interface AsyncData<T> {
  data: ShallowRef<T | null>;
  /** User-facing message of the last failure, null while loading or after success. */
  error: Ref<string | null>;
  loading: Ref<boolean>;
  reload: () => Promise<void>;
}

/**
 * Load page data now and on `reload()`. A newer load supersedes an older one, and leaving
 * the page aborts the request in flight, so a slow answer never lands on the wrong page.
 */
export function useAsyncData<T>(loader: (signal: AbortSignal) => Promise<T>): AsyncData<T> {
  const data = shallowRef<T | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let current: AbortController | null = null;

  async function reload(): Promise<void> {
    current?.abort();
    const own = new AbortController();
    current = own;
    loading.value = true;
    error.value = null;
    try {
      const result = await loader(own.signal);
      if (current === own) data.value = result;
    } catch (cause) {
      if (current === own && !own.signal.aborted) error.value = messageOf(cause);
    } finally {
      if (current === own) loading.value = false;
    }
  }

  onScopeDispose(() => current?.abort());
  void reload();
  return { data, error, loading, reload };
}
