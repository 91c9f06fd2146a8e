/**
 * The admission check of the cluster end-to-end job, on kind after the dev tree is Synced and
 * Healthy (the kyverno and admission-policy Applications among it):
 *
 *   npx tsx gitops-repo/test/admission/kind-admission-check.ts --image 172.18.0.2:5000/slipway/cart@sha256:…
 *
 * --image is an image the release did not attest, in the kind registry given by its address on the
 * kind network. For audit, then enforce: renders the admission policy as the Application of the
 * environment running that mode renders it (dev's values-dev.yaml, prod's values-prod.yaml; helm),
 * points it at the image, applies it, waits until Kyverno has it,
 * creates a Pod with the image by server-side dry run in `shop`, judges the answer, deletes the
 * policy. Exit 1 with what went wrong. Needs kubectl (the job's context) and helm.
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { policyNamed, renderAdmissionPolicy } from './admission-tree.ts';
import type { Environment, Json } from './admission-tree.ts';
import type { Mode } from './kind-admission.ts';
import { checkPolicy, judge, parseCheckImage, registryEgressPolicy, releasePolicyName, unattestedPod } from './kind-admission.ts';

const attempts = 3;

function run(command: string, args: string[], input?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function must(command: string, args: string[], input?: string): Promise<string> {
  const result = await run(command, args, input);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.output.trim()}`);
  return result.output;
}

/** The environment whose admission-policy Application runs each mode (its values file is valuesFileOfMode's: kind-admission.test.ts). */
const environmentOfMode: Record<Mode, Environment> = { audit: 'dev', enforce: 'prod' };

/** The release policy as that environment's Application renders it (admission-tree.ts, the real helm). */
async function renderPolicy(mode: Mode): Promise<Json> {
  return policyNamed(await renderAdmissionPolicy(environmentOfMode[mode]), releasePolicyName);
}

async function checkMode(mode: Mode, image: string, repository: string): Promise<string> {
  const policy = checkPolicy(await renderPolicy(mode), mode, repository);
  const name = String(policy.metadata.name);
  await must('kubectl', ['apply', '-f', '-'], JSON.stringify(policy));
  try {
    await must('kubectl', [
      'wait',
      '--for=jsonpath={.status.conditionStatus.ready}=true',
      `imagevalidatingpolicy/${name}`,
      '--timeout=120s',
    ]);
    let verdict = { ok: false, message: '' };
    // The first verification warms Kyverno's caches (trust root, registry); bounded retries.
    for (let attempt = 1; attempt <= attempts && !verdict.ok; attempt++) {
      const result = await run('kubectl', ['create', '--dry-run=server', '-f', '-'], JSON.stringify(unattestedPod(image, 'shop')));
      verdict = judge(mode, result, name);
      console.log(`${mode} attempt ${attempt}: ${verdict.message}`);
      if (!verdict.ok && attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
    if (!verdict.ok) throw new Error(verdict.message);
    return verdict.message;
  } finally {
    await run('kubectl', ['delete', 'imagevalidatingpolicy', name, '--ignore-not-found']);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { image: { type: 'string' } }, strict: true });
  if (!values.image) throw new Error('--image is required (usage: kind-admission-check.ts --image HOST:PORT/REPOSITORY@sha256:…)');
  const { repository, registryPort } = parseCheckImage(values.image);
  await must('kubectl', [
    'wait',
    '--for=condition=Available',
    'deployment/kyverno-admission-controller',
    '-n',
    'kyverno',
    '--timeout=300s',
  ]);
  await must('kubectl', ['apply', '-f', '-'], JSON.stringify(registryEgressPolicy(registryPort)));
  for (const mode of ['audit', 'enforce'] as const) console.log(await checkMode(mode, values.image, repository));
}

main().catch((error: unknown) => {
  console.error(`kind-admission-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
