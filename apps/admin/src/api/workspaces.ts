import type { WorkspaceView } from '@switchboard/contracts';
import { request } from './http';

export function getCurrentWorkspace(signal?: AbortSignal): Promise<WorkspaceView> {
  return request<WorkspaceView>('/workspaces/current', { signal });
}
