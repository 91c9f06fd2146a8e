import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeManifestFiles } from './manifest-files.ts';

describe('writeManifestFiles', () => {
  it.each([0o755, 0o600, 0o644])('keeps a rewritten file at mode %o and leaves no temporary file', (mode) => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-mode-'));
    const file = join(root, 'deploy.yaml');
    writeFileSync(file, 'image: nginx:1\n');
    chmodSync(file, mode);
    writeManifestFiles(root, new Map([['deploy.yaml', 'image: nginx:2\n']]));
    expect(readFileSync(file, 'utf8')).toBe('image: nginx:2\n');
    expect(statSync(file).mode & 0o7777).toBe(mode);
    expect(readdirSync(root)).toEqual(['deploy.yaml']);
  });
});
