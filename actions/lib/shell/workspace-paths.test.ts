import { describe, expect, it } from 'vitest';
import { insideRoot, repositoryPath } from './workspace-paths.ts';

describe('paths given in options', () => {
  it.each([
    ['gitops-repo', 'gitops-repo'],
    ['./gitops-repo/', 'gitops-repo'],
    ['a/../gitops-repo', 'gitops-repo'],
    ['', ''],
    ['.', ''],
  ])('repository path %j is %j', (value, expected) => {
    expect(repositoryPath(value, 'gitops-path')).toBe(expected);
  });

  it.each([
    ['../elsewhere', /climbs out of the repository/],
    ['a/../../b', /climbs out/],
    ['/etc', /must be relative/],
    ['C:/x', /must be relative/],
    ['a\0b', /NUL byte/],
  ])('repository path %j is refused', (value, message) => {
    expect(() => repositoryPath(value, 'gitops-path')).toThrow(message);
  });

  it('keeps files inside the workspace', () => {
    expect(insideRoot('/ws', 'release/manifest.json', 'release-manifest')).toBe('/ws/release/manifest.json');
    expect(() => insideRoot('/ws', '../etc/passwd', 'release-manifest')).toThrow(
      /release-manifest: '\.\.\/etc\/passwd' points outside \/ws/,
    );
    expect(() => insideRoot('/ws', '/etc/passwd', 'release-manifest')).toThrow(/points outside/);
  });
});
