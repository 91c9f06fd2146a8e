// All structural checks over the infra repository, each a pure function of the
// parsed configuration that returns findings (empty = pass).
import { declarationFindings } from './declarations.ts';
import { deployAccessFindings } from './deploy-access.ts';
import { hardcodedLiteralFindings } from './literals.ts';
import { moduleCallFindings, moduleOutputFindings } from './module-calls.ts';
import type { ModuleIndex } from './module-calls.ts';
import { oidcTrustFindings } from './oidc-trust.ts';
import { stateBackendFindings } from './state-backend.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';
import type { UpstreamModules } from './upstream-modules.ts';
import { versionPinFindings } from './version-pins.ts';

/** Environment roots: their state lives in the S3 backend. bootstrap/ keeps local state by design. */
export function isEnvironmentRoot(module: TerraformModule): boolean {
  return /^environments\/[^/]+$/.test(module.dir);
}

/** upstream: the recorded interfaces of the registry modules the calls pin (checks/upstream-inputs/). */
export function infraFindings(modules: TerraformModule[], upstream: UpstreamModules): Finding[] {
  const index: ModuleIndex = { local: new Map(modules.map((m) => [m.dir, m])), upstream };
  return modules.flatMap((module) => [
    ...declarationFindings(module),
    ...versionPinFindings(module),
    ...hardcodedLiteralFindings(module),
    ...moduleCallFindings(module, index),
    ...moduleOutputFindings(module, index),
    ...oidcTrustFindings(module),
    ...deployAccessFindings(module),
    ...(isEnvironmentRoot(module) ? stateBackendFindings(module) : []),
  ]);
}
