/**
 * Test support: a file's text as it should read after an edit of some of its lines, for tests that
 * compare a rewrite with what it should have touched and nothing else.
 */

/** `before` with each 1-based line number in `lines` replaced by its text (a list: by several lines). */
export function expectedText(before: string, lines: Record<number, string | string[]>): string {
  return before
    .split('\n')
    .flatMap((line, index) => {
      const replacement = lines[index + 1];
      return replacement === undefined ? [line] : Array.isArray(replacement) ? replacement : [replacement];
    })
    .join('\n');
}
