import { platformChannel, RealtimeEvent } from '@switchboard/contracts';
import { onBeforeUnmount } from 'vue';
import { usePlatformHealthStore } from './use-platform-health-store';
import { usePlatformPlansStore } from './use-platform-plans-store';
import { usePlatformSessionsStore } from './use-platform-sessions-store';
import { useRealtimeStore } from './use-realtime-store';

/**
 * While a platform page is open, `private-platform` feeds the platform stores: number statuses of
 * every workspace and plan changes. Only platform admins may subscribe; the server checks it.
 */
export function usePlatformChannel(): void {
  const realtime = useRealtimeStore();
  const sessions = usePlatformSessionsStore();
  const health = usePlatformHealthStore();
  const plans = usePlatformPlansStore();
  const channel = platformChannel();
  const stops = [
    realtime.listen(channel, RealtimeEvent.SESSION_STATUS_CHANGED, (payload) => {
      sessions.applyStatus(payload);
      health.applySessionStatus();
    }),
    realtime.listen(channel, RealtimeEvent.PLAN_UPDATED, plans.applyPlanUpdated),
  ];
  onBeforeUnmount(() => stops.forEach((stop) => stop()));
}
