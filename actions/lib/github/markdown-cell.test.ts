import { describe, expect, it } from 'vitest';
import { markdownCell, markdownText } from './markdown-cell.ts';

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

describe('markdownText', () => {
  it.each([
    ['Round cart totals to cents', 'Round cart totals to cents'],
    ['[x](https://evil.example)', '\\[x\\](https://evil.example)'],
    ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['`code` *bold* _em_ ~del~ $x$ a|b', '\\`code\\` \\*bold\\* \\_em\\_ \\~del\\~ \\$x\\$ a\\|b'],
    ['ping @octocat and @acme/team', 'ping @&#8203;octocat and @&#8203;acme/team'],
    ['&lt; entity \\ backslash', '\\&lt; entity \\\\ backslash'],
    ['two\nlines\r\nthree\rfour', 'two lines three four'],
    ['<!-- hidden', '\\<\\!-- hidden'],
  ])('%j → %j', (text, shown) => {
    expect(markdownText(text)).toBe(shown);
  });
});
