import {
  hasWorkspaceRole,
  type SessionView,
  type UserLocale,
  type UserView,
  type WorkspaceMembershipView,
  type WorkspaceRole,
} from '@switchboard/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as authApi from '@/api/auth';
import { ApiError, setWorkspaceIdSource } from '@/api/http';
import { setLocale } from '@/i18n/use-i18n';

const WORKSPACE_KEY_PREFIX = 'switchboard.workspace.';

/** Per user, so a shared browser does not carry one person's choice over to another. */
function storageKey(userId: number): string {
  return `${WORKSPACE_KEY_PREFIX}${userId}`;
}

function readRememberedWorkspace(userId: number): number | null {
  try {
    const raw = localStorage.getItem(storageKey(userId));
    const id = raw === null ? NaN : Number(raw);
    return Number.isInteger(id) ? id : null;
  } catch {
    return null; // storage disabled (private mode, policy): just don't remember
  }
}

function rememberWorkspace(userId: number, workspaceId: number | null): void {
  try {
    if (workspaceId === null) localStorage.removeItem(storageKey(userId));
    else localStorage.setItem(storageKey(userId), String(workspaceId));
  } catch {
    // see readRememberedWorkspace
  }
}

export const useSessionStore = defineStore('session', () => {
  const user = ref<UserView | null>(null);
  const workspaces = ref<WorkspaceMembershipView[]>([]);
  const currentWorkspaceId = ref<number | null>(null);
  /** True once `GET /auth/me` has been answered (or failed) for this page load. */
  const loaded = ref(false);
  let pendingLoad: Promise<void> | null = null;

  const isAuthenticated = computed(() => user.value !== null);
  const isPlatformAdmin = computed(() => user.value?.is_platform_admin ?? false);
  const currentWorkspace = computed(
    () => workspaces.value.find((w) => w.id === currentWorkspaceId.value) ?? null,
  );
  const currentRole = computed<WorkspaceRole | null>(() => currentWorkspace.value?.role ?? null);

  setWorkspaceIdSource(() => currentWorkspaceId.value);

  function hasRole(minRole: WorkspaceRole): boolean {
    return currentRole.value !== null && hasWorkspaceRole(currentRole.value, minRole);
  }

  /**
   * Adopt a session from the server. The workspace is, in order: the one this user last
   * chose in this browser, the server's current one, the first membership.
   */
  function apply(session: SessionView, preferred?: number): void {
    user.value = session.user;
    workspaces.value = session.workspaces;
    // The language this user chose, in whatever browser they chose it.
    if (session.user.locale) setLocale(session.user.locale);
    const isMember = (id: number | null | undefined): id is number =>
      id != null && session.workspaces.some((w) => w.id === id);
    const candidates = [
      preferred,
      readRememberedWorkspace(session.user.id),
      session.current_workspace_id,
      session.workspaces[0]?.id,
    ];
    currentWorkspaceId.value = candidates.find(isMember) ?? null;
    rememberWorkspace(session.user.id, currentWorkspaceId.value);
    loaded.value = true;
  }

  function reset(): void {
    user.value = null;
    workspaces.value = [];
    currentWorkspaceId.value = null;
  }

  /** Load the signed-in user once per page load; concurrent callers share one request. */
  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    pendingLoad ??= authApi
      .getMe()
      .then((session) => apply(session))
      .catch((error: unknown) => {
        // 401: not signed in. Anything else (server down): treat as signed out too, and
        // let the login form report the problem when the user tries.
        if (!(error instanceof ApiError)) throw error;
        reset();
        loaded.value = true;
      })
      .finally(() => {
        pendingLoad = null;
      });
    return pendingLoad;
  }

  async function login(email: string, password: string): Promise<void> {
    apply(await authApi.login({ email, password }));
  }

  /** Sign out on the server first; a failure other than "already signed out" is rethrown. */
  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    reset();
  }

  async function switchWorkspace(workspaceId: number): Promise<void> {
    apply(await authApi.switchWorkspace(workspaceId), workspaceId);
  }

  /**
   * Switch the language now, and keep it on the user so it follows them to other browsers.
   * Rejects when the server could not save it; the page stays in the chosen language.
   */
  async function changeLocale(locale: UserLocale): Promise<void> {
    setLocale(locale);
    if (!user.value) return;
    const session = await authApi.updateProfile({ locale });
    user.value = session.user;
  }

  /** The server said the session is gone: forget it without another request. */
  function expire(): void {
    reset();
    loaded.value = true;
  }

  return {
    user,
    workspaces,
    currentWorkspaceId,
    currentWorkspace,
    currentRole,
    isAuthenticated,
    isPlatformAdmin,
    loaded,
    hasRole,
    load,
    login,
    logout,
    switchWorkspace,
    changeLocale,
    expire,
  };
});
