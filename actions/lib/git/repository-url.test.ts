import { describe, expect, it } from 'vitest';
import { repositoryKey, sameGitRepository } from './repository-url.ts';

const ours = 'https://github.com/slipway-dev/slipway';

describe('comparing Git repository addresses', () => {
  it.each([
    'https://github.com/slipway-dev/slipway.git',
    'https://github.com/Slipway-Dev/Slipway',
    'https://github.com/slipway-dev/slipway/',
    'http://github.com/slipway-dev/slipway.git',
    'git@github.com:slipway-dev/slipway.git',
    'ssh://git@github.com/slipway-dev/slipway.git',
    'ssh://git@github.com:22/slipway-dev/slipway',
    'https://token@github.com/slipway-dev/slipway.git',
    '  https://github.com/slipway-dev/slipway.git  ',
  ])('%s is this repository', (address) => {
    expect(sameGitRepository(address, ours)).toBe(true);
  });

  it.each([
    'https://github.com/mallory/slipway.git',
    'https://github.com/slipway-dev/slipway-charts.git',
    'https://gitlab.com/slipway-dev/slipway.git',
    'git@github.com:slipway-dev/slipway/extra.git',
    'https://github.com/slipway-dev/../mallory/slipway',
    'oci://ghcr.io/slipway-dev/slipway',
    'https://github.com',
    '/home/runner/work/slipway',
    '',
  ])('%s is not', (address) => {
    expect(sameGitRepository(address, ours)).toBe(false);
  });

  it('gives one key per repository, none for what is not an address', () => {
    expect(repositoryKey('git@GitHub.com:Acme/Shop.git')).toBe('github.com/acme/shop');
    expect(repositoryKey('file:///srv/git/shop.git')).toBeUndefined();
    expect(sameGitRepository('not a url', 'not a url')).toBe(false);
  });
});
