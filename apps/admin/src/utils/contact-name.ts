import type { ConversationContactView } from '@switchboard/contracts';
import { formatPhone } from './format-phone';

/** A name that is only a phone number (what WhatsApp gives for an unsaved contact). */
const PHONE_ONLY = /^\+?[\d\s-]{7,20}$/;

/**
 * How a contact is shown: their name, else their phone as people read it, else the WhatsApp id;
 * `unknown` when there is none of those. A "name" that is just the phone is shown as the phone.
 */
export function contactName(contact: ConversationContactView, unknown: string): string {
  const name = contact.name?.trim();
  if (name && !PHONE_ONLY.test(name)) return name;
  if (contact.phone) return formatPhone(contact.phone);
  if (name) return formatPhone(name.replace(/[\s-]/g, ''));
  return contact.whatsapp_id ?? unknown;
}

/** The phone to show under the name, when the name is not the phone already. */
export function contactSubtitle(contact: ConversationContactView): string {
  const name = contact.name?.trim();
  return name && !PHONE_ONLY.test(name) && contact.phone ? formatPhone(contact.phone) : '';
}

/** The letter in the avatar; none for a contact known only by number. */
export function contactInitial(contact: ConversationContactView): string {
  const name = contact.name?.trim();
  return name && !PHONE_ONLY.test(name) ? [...name][0]!.toUpperCase() : '#';
}
