import type { HealthView } from '@switchboard/contracts';
import { request } from './http';

/** A degraded server may answer 503 with the same body; that is still a report to show. */
export function getHealth(signal?: AbortSignal): Promise<HealthView> {
  return request<HealthView>('/health', { signal, workspaceScoped: false, acceptStatuses: [503] });
}
