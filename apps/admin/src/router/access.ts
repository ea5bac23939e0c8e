import type { LocationQueryValue, RouteMeta, RouteRecordRaw } from 'vue-router';
import type { MessageKey } from '@/i18n/use-i18n';
import { useSessionStore } from '@/stores/use-session-store';

/**
 * Whether the user may open a route: a platform page (`meta.platformAdmin`) needs a platform
 * admin, a workspace page the role in the current workspace (`meta.minRole`).
 */
export function canOpen(route: { meta?: RouteMeta }): boolean {
  const session = useSessionStore();
  if (route.meta?.platformAdmin && !session.isPlatformAdmin) return false;
  const minRole = route.meta?.minRole;
  return minRole === undefined || session.hasRole(minRole);
}

export interface NavItem {
  name: string;
  titleKey: MessageKey;
  meta: RouteMeta;
}

/** Routes marked `meta.nav`, in the order the route table declares them. */
export function navItemsOf(routes: readonly RouteRecordRaw[]): NavItem[] {
  return routes.flatMap((record): NavItem[] => {
    const own =
      record.meta?.nav && typeof record.name === 'string' && record.meta.titleKey !== undefined
        ? [{ name: record.name, titleKey: record.meta.titleKey, meta: record.meta }]
        : [];
    return [...own, ...navItemsOf(record.children ?? [])];
  });
}

/** Only same-app paths: never `//evil.example`, an absolute URL, or the login page itself. */
export function safeRedirect(
  value: LocationQueryValue | LocationQueryValue[] | undefined,
): string | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string' || !raw.startsWith('/')) return null;
  if (raw.startsWith('//') || raw.startsWith('/\\') || raw.startsWith('/login')) return null;
  return raw;
}
