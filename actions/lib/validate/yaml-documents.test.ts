import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-documents.ts';

describe('parseYaml', () => {
  it('returns every document with its index', () => {
    const parsed = parseYaml('f.yaml', 'a: 1\n---\nb: 2\n');
    expect(parsed.findings).toEqual([]);
    expect(parsed.documents.map((d) => [d.index, d.value, d.line])).toEqual([
      [0, { a: 1 }, 1],
      [1, { b: 2 }, 2], // the document starts at its --- marker
    ]);
  });

  it('allows a few aliases', () => {
    const parsed = parseYaml('f.yaml', 'base: &b {x: 1}\nuse: *b\n');
    expect(parsed.documents[0]?.value).toEqual({ base: { x: 1 }, use: { x: 1 } });
  });

  it('turns a billion-laughs document into a finding', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(', ')}]`,
      );
    const parsed = parseYaml('bomb.yaml', `ok: 1\n---\n${levels.join('\n')}\n`);
    expect(parsed.documents.map((d) => d.index)).toEqual([0]);
    expect(parsed.findings.map((f) => [f.file, f.document, f.rule])).toEqual([['bomb.yaml', 1, 'yaml-aliases']]);
  });

  it('reports a syntax error with its line and column', () => {
    const parsed = parseYaml('bad.yaml', 'a: 1\nb: [1, 2\n');
    expect(parsed.findings[0]).toMatchObject({ file: 'bad.yaml', document: 0, rule: 'yaml' });
    expect(parsed.findings[0]?.message).toMatch(/^line \d+, column \d+: /);
  });

  it('reports a duplicate key', () => {
    expect(parseYaml('dup.yaml', 'a: 1\na: 2\n').findings.map((f) => f.rule)).toEqual(['yaml']);
  });

  it('refuses a file above the size limit', () => {
    expect(parseYaml('big.yaml', 'a: 1\n', { maxAliasCount: 100, maxBytes: 3 }).findings.map((f) => f.message)).toEqual([
      'file is larger than 3 bytes',
    ]);
  });
});
