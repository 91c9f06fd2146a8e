/**
 * Runs the build steps with the real tools and reads every pushed digest back from the registry:
 * `skopeo inspect --raw` fetches the manifest exactly as the registry serves it, and its sha256 is
 * the digest (for a multi-platform image, the digest of the manifest list).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Builder, BuildStep } from './build-plan.ts';

export class ImageBuildError extends Error {
  override name = 'ImageBuildError';
}

const installHint: Record<string, string> = {
  buildah: 'install buildah (Debian/Ubuntu: apt-get install buildah)',
  skopeo: 'install skopeo (Debian/Ubuntu: apt-get install skopeo; GitHub ubuntu runners have it)',
  docker: 'use a runner with Docker and buildx (docker/setup-buildx-action), or builder: buildah',
  trivy: 'add aquasecurity/setup-trivy before this step, or give Trivy JSON reports (input reports)',
};

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** What the step does, for the error message (e.g. `pushing …`). */
  purpose?: string;
}

/** Runs one command; resolves with stdout as bytes, rejects with the tail of its stderr. */
export function runStep(step: BuildStep, options: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.command, step.args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (err.length > 64_000) err = err.slice(-32_000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new ImageBuildError(
          error.code === 'ENOENT'
            ? `${step.command} is not installed on this runner: ${installHint[step.command] ?? 'install it'}`
            : `could not run ${step.command}: ${error.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      if (options.log)
        for (const line of stdout.toString('utf8').split('\n')) if (line.trim() !== '' && step.command !== 'skopeo') options.log(line);
      if (code === 0) return resolve(stdout);
      const tail = err.trim().split('\n').slice(-6).join('\n');
      reject(
        new ImageBuildError(
          `${options.purpose ?? `${step.command} ${step.args[0] ?? ''}`} failed (${step.command} exit ${code}):\n${tail}`,
        ),
      );
    });
  });
}

/** The digest the registry serves for `reference` (repository:tag). */
export async function registryDigest(reference: string, tlsVerify: boolean, options: RunOptions = {}): Promise<string> {
  const raw = await runStep(
    { command: 'skopeo', args: ['inspect', '--raw', `--tls-verify=${String(tlsVerify)}`, `docker://${reference}`] },
    { ...options, purpose: `reading the digest of ${reference} back from the registry` },
  );
  if (raw.length === 0) throw new ImageBuildError(`the registry returned an empty manifest for ${reference}`);
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

async function succeeds(step: BuildStep, env: NodeJS.ProcessEnv | undefined): Promise<boolean> {
  try {
    await runStep(step, env ? { env } : {});
    return true;
  } catch {
    return false;
  }
}

/** `auto`: buildx when a Docker daemon and buildx answer, else buildah. */
export async function chooseBuilder(requested: string, env?: NodeJS.ProcessEnv): Promise<Builder> {
  if (requested === 'buildx' || requested === 'buildah') return requested;
  if (requested !== 'auto' && requested !== '')
    throw new ImageBuildError(`input 'builder' must be auto, buildx or buildah, not '${requested}'`);
  const daemon =
    (await succeeds({ command: 'docker', args: ['buildx', 'version'] }, env)) &&
    (await succeeds({ command: 'docker', args: ['info', '--format', '{{.ServerVersion}}'] }, env));
  return daemon ? 'buildx' : 'buildah';
}
