// The size rules the tree keeps (see the top README): no library or shell file in actions/ over 300
// lines, and no function over 80 lines outside tests and the frontend's React pages. A long function
// is split into named steps; this test names the ones that grew back.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const isTestCode = (file: string): boolean =>
  /(\.test\.|\.spec\.|\/test-support\/|\/test\/|\/e2e\/|\/dist\/|\/workflows-test\/replay)/.test(file);
const sources = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.mjs'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file !== '' && !isTestCode(file));

/** Every function, method and arrow function of a source longer than `limit` lines. */
export function longFunctions(file: string, text: string, limit: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > limit) found.push(`${file}:${start + 1} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('code size', () => {
  it('no file in actions/ is over 300 lines outside tests', () => {
    const long = sources
      .filter((file) => file.startsWith('actions/'))
      .filter((file) => readFileSync(root + file, 'utf8').split('\n').length > 300);
    expect(long).toEqual([]);
  });

  it('no function is over 80 lines outside tests and React pages', () => {
    const pages = /app-repo\/services\/frontend\/src\/pages\//;
    const long = sources.filter((file) => !pages.test(file)).flatMap((file) => longFunctions(file, readFileSync(root + file, 'utf8'), 80));
    expect(long).toEqual([]);
  });

  it('finds a function over the limit (the check can fail)', () => {
    const body = Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions('x.ts', `function tooLong() {\n${body}\n}\n`, 80)).toEqual(['x.ts:1 (83 lines)']);
    expect(longFunctions('x.ts', 'const short = () => 1;\n', 80)).toEqual([]);
  });
});
