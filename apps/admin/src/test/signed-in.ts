import type { WorkspaceRole } from '@switchboard/contracts';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { useSessionStore } from '@/stores/use-session-store';

/** A fresh pinia with a user signed in to workspace `workspaceId` with `role`. */
export function signedIn(workspaceId: number, role: WorkspaceRole = 'owner'): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().$patch({
    user: {
      id: 1,
      email: 'admin@example.test',
      name: 'Admin',
      is_platform_admin: false,
      locale: null,
    },
    workspaces: [{ id: workspaceId, uuid: 'ws-uuid', name: 'Shop', role }],
    currentWorkspaceId: workspaceId,
  });
  return pinia;
}
