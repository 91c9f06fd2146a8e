/**
 * Text made safe for GitHub Markdown (job summaries, PR bodies and comments), per the GitHub Flavored
 * Markdown spec (github.github.com/gfm, 0.29-gfm: "Backslash escapes" — any ASCII punctuation may be
 * backslash-escaped; "Tables (extension)" — `\|` keeps a pipe inside a cell, also inside code).
 */

/**
 * One cell of a Markdown table: a `|` would end the cell and a line break the row, and `<!--` could
 * open a comment that hides the rest (or close the sticky comment's hidden marker early).
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/<!--/g, '&lt;!--');
}

/**
 * Text someone else wrote (a pull request's title, a commit subject, an image or service name, a
 * reason from an API), shown literally on one line, in a table cell or in running text: every
 * character that could start a link, an image, HTML, a code span, emphasis, math or an entity is
 * backslash-escaped, a line break becomes a space, and an `@` is followed by a zero-width space
 * (`&#8203;`, as Renovate and Dependabot write mentions they quote) so `@someone` or `@org/team`
 * notifies no one.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n?|\n|\u2028|\u2029/g, ' ')
    .replace(/[\\`*_[\]<>|&~$!]/g, (character) => `\\${character}`)
    .replace(/@/g, '@&#8203;');
}

/**
 * A link whose label and address come from elsewhere: the label is `markdownText`, the address must be
 * http(s) and is percent-encoded where Markdown would end or break it; any other address shows the
 * label alone.
 */
export function markdownLink(label: string, url: string): string {
  const text = markdownText(label);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return text;
  const address = parsed.href.replace(
    /[()<>\s|`]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${text}](${address})`;
}
