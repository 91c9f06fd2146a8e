import { describe, expect, it } from 'vitest';
import { markdownCell } from './markdown-cell.ts';

describe('markdownCell', () => {
  it.each([
    ['a | b', 'a \\| b'],
    ['two\nlines', 'two lines'],
    ['windows\r\nlines', 'windows lines'],
    ['<!-- hidden -->', '&lt;!-- hidden -->'],
    ['plain', 'plain'],
  ])('%j → %j', (text, cell) => {
    expect(markdownCell(text)).toBe(cell);
  });
});
