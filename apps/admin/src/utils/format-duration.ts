import { t } from '@/i18n/use-i18n';

/** "42 s", "5 min", "3 h 12 min", "2 d 4 h": coarse on purpose, for uptimes. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return t('duration.seconds', { n: s });
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return t('duration.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('duration.hours', { h: hours, m: minutes % 60 });
  return t('duration.days', { d: Math.floor(hours / 24), h: hours % 24 });
}
