import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import DataTable from './DataTable.vue';

function table(props: Record<string, unknown>, attrs: Record<string, string> = {}) {
  return mount(DataTable, {
    props: { columns: ['Phone', 'Status'], ...props },
    attrs,
    slots: { default: () => h('tr', { 'data-testid': 'row' }, [h('td', '+62'), h('td', 'ok')]) },
  });
}

describe('DataTable', () => {
  it('heads one column per label and puts the rows in the body', () => {
    const wrapper = table({});
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['Phone', 'Status']);
    expect(wrapper.findAll('th').every((th) => th.attributes('scope') === 'col')).toBe(true);
    expect(wrapper.find('tbody [data-testid="row"]').exists()).toBe(true);
    expect(wrapper.find('caption').exists()).toBe(false);
  });

  it('gives screen readers the caption, stacks rows when asked, and passes attributes to the table', () => {
    const wrapper = table({ caption: 'Numbers', stack: true }, { 'data-testid': 'numbers-table' });
    expect(wrapper.classes()).toContain('table-wrap');
    const element = wrapper.find('table');
    expect(element.attributes('data-testid')).toBe('numbers-table');
    expect(element.classes()).toEqual(['table', 'table-stack']);
    expect(wrapper.find('caption.visually-hidden').text()).toBe('Numbers');
  });
});
