import { useI18n } from '@/i18n/use-i18n';

function intlLocale(): string {
  return useI18n().locale.value === 'id' ? 'id-ID' : 'en-GB';
}

/**
 * When a message or conversation was last active, as short as it can be read: the time today,
 * the day and month this year, else the full date.
 */
export function formatMessageTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit' }
    : at.getFullYear() === now.getFullYear()
      ? { day: 'numeric', month: 'short' }
      : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(intlLocale(), options).format(at);
}

/** The time of a message in its thread (the day is in its title). */
export function formatClockTime(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(), { hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}
