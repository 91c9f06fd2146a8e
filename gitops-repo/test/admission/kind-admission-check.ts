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
 * policy. Then dev's release and preview policies, both refusing, are applied together and the Pod
 * is tried in `shop` and in a namespace labelled as a preview's: each must be refused by its own
 * policy only (the policies' namespaceSelectors, as Kyverno applies them). Exit 1 with what went
 * wrong. Needs kubectl (the job's context) and helm.
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { policyNamed, renderAdmissionPolicy } from './admission-tree.ts';
import type { Json } from './admission-tree.ts';
import type { Mode } from './kind-admission.ts';
import {
  checkPolicy,
  environmentOfMode,
  judge,
  judgeSelection,
  parseCheckImage,
  previewCheckNamespace,
  previewNamespace,
  registryEgressPolicy,
  releasePolicyName,
  selectionPolicies,
  unattestedPod,
} from './kind-admission.ts';

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

/** The release policy as that environment's Application renders it (admission-tree.ts, the real helm). */
async function renderPolicy(mode: Mode): Promise<Json> {
  return policyNamed(await renderAdmissionPolicy(environmentOfMode[mode]), releasePolicyName);
}

/** Waits until Kyverno serves the policy named. */
async function policyReady(name: string): Promise<void> {
  await must('kubectl', ['wait', '--for=jsonpath={.status.conditionStatus.ready}=true', `imagevalidatingpolicy/${name}`, '--timeout=120s']);
}

/**
 * Dry-runs the Pod with the image in `namespace` until the verdict is the one wanted, a bounded
 * number of times (the first verification warms Kyverno's caches: trust root, registry).
 */
async function tried(
  label: string,
  image: string,
  namespace: string,
  verdictOf: (result: { code: number; output: string }) => { ok: boolean; message: string },
): Promise<string> {
  let verdict = { ok: false, message: '' };
  for (let attempt = 1; attempt <= attempts && !verdict.ok; attempt++) {
    const result = await run('kubectl', ['create', '--dry-run=server', '-f', '-'], JSON.stringify(unattestedPod(image, namespace)));
    verdict = verdictOf(result);
    console.log(`${label} attempt ${attempt}: ${verdict.message}`);
    if (!verdict.ok && attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  if (!verdict.ok) throw new Error(verdict.message);
  return verdict.message;
}

async function checkMode(mode: Mode, image: string, repository: string): Promise<string> {
  const policy = checkPolicy(await renderPolicy(mode), mode, repository);
  const name = String(policy.metadata.name);
  await must('kubectl', ['apply', '-f', '-'], JSON.stringify(policy));
  try {
    await policyReady(name);
    return await tried(mode, image, 'shop', (result) => judge(mode, result, name));
  } finally {
    await run('kubectl', ['delete', 'imagevalidatingpolicy', name, '--ignore-not-found']);
  }
}

/** Dev's release and preview policies together: each refuses the image in its own namespaces only. */
async function checkSelection(image: string, repository: string): Promise<string> {
  const { release, preview } = selectionPolicies(await renderAdmissionPolicy('dev'), repository);
  const [releaseName, previewName] = [String(release.metadata.name), String(preview.metadata.name)];
  await must('kubectl', ['apply', '-f', '-'], JSON.stringify(previewNamespace()));
  try {
    for (const policy of [release, preview]) await must('kubectl', ['apply', '-f', '-'], JSON.stringify(policy));
    for (const name of [releaseName, previewName]) await policyReady(name);
    const inShop = await tried('selection', image, 'shop', (result) => judgeSelection('shop', result, releaseName, previewName));
    const inPreview = await tried('selection', image, previewCheckNamespace, (result) =>
      judgeSelection(previewCheckNamespace, result, previewName, releaseName),
    );
    return `selection: ${inShop}; ${inPreview}`;
  } finally {
    await run('kubectl', ['delete', 'imagevalidatingpolicy', releaseName, previewName, '--ignore-not-found']);
    await run('kubectl', ['delete', 'namespace', previewCheckNamespace, '--ignore-not-found', '--wait=false']);
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
  console.log(await checkSelection(values.image, repository));
}

main().catch((error: unknown) => {
  console.error(`kind-admission-check: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
