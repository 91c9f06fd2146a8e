import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { artifactZip as zip } from '../../test-support/artifact-archive.ts';
import { artifactFile } from './artifact-files.ts';

describe('artifactFile: one file out of an artifact’s zip archive', () => {
  it('reads the file at the archive’s root, whatever else it holds', () => {
    expect(artifactFile(zip({ 'verified.json': '{"verified":true}', 'other.txt': 'x' }), 'verified.json', 'marker')).toBe(
      '{"verified":true}',
    );
  });

  it('names what the archive holds when the file is missing', () => {
    expect(() => artifactFile(zip({ 'nested/verified.json': '{}' }), 'verified.json', 'release-verified-dev-x')).toThrow(
      'release-verified-dev-x holds no verified.json (it holds nested/verified.json)',
    );
  });

  it('refuses a file larger than the limit before inflating it, and bytes that are not a zip', () => {
    expect(() => artifactFile(zip({ 'verified.json': 'x'.repeat(5000) }), 'verified.json', 'marker', 1024)).toThrow(
      'marker/verified.json is 5000 bytes, more than the 1024 bytes Slipway reads from an artifact',
    );
    expect(() => artifactFile(strToU8('{"not":"a zip"}'), 'verified.json', 'marker')).toThrow(/marker is not a readable zip archive/);
  });
});
