/**
 * Text made safe for one cell of a Markdown table in a job summary or PR comment: a `|` would end
 * the cell and a line break the row, and `<!--` could open a comment that hides the rest (or close
 * the sticky comment's hidden marker early).
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/<!--/g, '&lt;!--');
}
