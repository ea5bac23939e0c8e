import type { ConversationContactView } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { contactInitial, contactName, contactSubtitle } from './contact-name';

function contact(overrides: Partial<ConversationContactView>): ConversationContactView {
  return {
    uuid: 'c',
    name: null,
    phone: null,
    whatsapp_id: null,
    type: 'individual',
    ...overrides,
  };
}

describe('contactName', () => {
  it('shows the name, with the phone under it', () => {
    const ana = contact({ name: 'Ana Putri', phone: '+6281377770001' });
    expect(contactName(ana, '?')).toBe('Ana Putri');
    expect(contactSubtitle(ana)).toBe('+62 813-7777-0001');
    expect(contactInitial(ana)).toBe('A');
  });

  it('shows a name that is only the phone as the formatted phone, once', () => {
    const unsaved = contact({ name: '+6281377770001', phone: '+6281377770001' });
    expect(contactName(unsaved, '?')).toBe('+62 813-7777-0001');
    expect(contactSubtitle(unsaved)).toBe('');
    expect(contactInitial(unsaved)).toBe('#');
  });

  it('falls back to the WhatsApp id, then to "unknown"', () => {
    expect(contactName(contact({ whatsapp_id: '1203@g.us' }), '?')).toBe('1203@g.us');
    expect(contactName(contact({}), 'Unknown contact')).toBe('Unknown contact');
  });
});
