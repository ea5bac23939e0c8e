import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { h } from 'vue';
import FormField from './FormField.vue';

type SlotProps = { id: string; invalid?: 'true'; describedby?: string };

function field(props: Record<string, unknown>) {
  return mount(FormField, {
    props: { id: 'email', label: 'Email', ...props },
    slots: {
      default: (slot: SlotProps) =>
        h('input', {
          id: slot.id,
          'aria-invalid': slot.invalid,
          'aria-describedby': slot.describedby,
        }),
    },
    attachTo: document.body,
  });
}

function describedText(input: HTMLElement): string {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ');
}

describe('FormField', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('names the control by its label', () => {
    const wrapper = field({});
    const input = wrapper.get('input').element;
    const label = document.querySelector(`label[for="${input.id}"]`);
    expect(label?.textContent?.trim()).toBe('Email');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(input.getAttribute('aria-describedby')).toBeNull();
  });

  it('describes the control by its hint while there is no error', () => {
    const wrapper = field({ hint: 'We never share it.', hintTestId: 'email-hint' });
    expect(describedText(wrapper.get('input').element)).toBe('We never share it.');
    expect(wrapper.get('[data-testid="email-hint"]').text()).toBe('We never share it.');
  });

  it('marks the control invalid and describes it by the error instead of the hint', () => {
    const wrapper = field({ hint: 'We never share it.', error: 'Enter a valid email.' });
    const input = wrapper.get('input').element;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(describedText(input)).toBe('Enter a valid email.');
    expect(wrapper.text()).not.toContain('We never share it.');
  });

  it('announces the error when asked to, and keeps the ids it is given', () => {
    const wrapper = field({
      error: 'Not a phone number.',
      errorId: 'shared-message',
      errorRole: 'alert',
      errorTestId: 'email-error',
    });
    const error = wrapper.get('[data-testid="email-error"]');
    expect(error.attributes('role')).toBe('alert');
    expect(error.attributes('id')).toBe('shared-message');
    expect(wrapper.get('input').attributes('aria-describedby')).toBe('shared-message');
  });

  it('has no error role unless asked, so a submit-time error is not announced twice', () => {
    const wrapper = field({ error: 'Required.' });
    expect(wrapper.get('.field-error').attributes('role')).toBeUndefined();
  });
});
