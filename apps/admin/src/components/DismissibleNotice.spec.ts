import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import DismissibleNotice from './DismissibleNotice.vue';

describe('DismissibleNotice', () => {
  it('announces a success politely and a failure at once, and can be dismissed', async () => {
    const ok = mount(DismissibleNotice, { props: { tone: 'ok', text: 'Saved' } });
    expect(ok.attributes('role')).toBe('status');
    expect(ok.classes()).toContain('alert-ok');
    expect(ok.text()).toContain('Saved');
    await ok.find('button').trigger('click');
    expect(ok.emitted('dismiss')).toHaveLength(1);

    const failed = mount(DismissibleNotice, {
      props: { tone: 'error', text: 'Could not save' },
      attrs: { 'data-testid': 'plans-notice' },
    });
    expect(failed.attributes('role')).toBe('alert');
    expect(failed.attributes('data-tone')).toBe('error');
    expect(failed.attributes('data-testid')).toBe('plans-notice');
    expect(failed.classes()).not.toContain('alert-ok');
  });
});
