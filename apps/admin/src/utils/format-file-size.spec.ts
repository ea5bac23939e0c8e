import { describe, expect, it } from 'vitest';
import { formatFileSize } from './format-file-size';

describe('formatFileSize', () => {
  it('uses the unit a person expects at each size', () => {
    expect(formatFileSize(532)).toBe('532 B');
    expect(formatFileSize(14_200)).toBe('14 KB');
    expect(formatFileSize(2_400_000)).toBe('2.4 MB');
    expect(formatFileSize(25_600_000)).toBe('26 MB');
  });
});
