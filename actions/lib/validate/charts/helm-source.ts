/**
 * What Argo CD hands `helm template` for one source's `helm:` block, as Argo CD v3.3.8 does it
 * (argoproj/argo-cd v3.3.8 `reposerver/repository/repository.go` helmTemplate and
 * `util/helm/cmd.go` template; `pkg/apis/application/v1alpha1/values.go` ValuesYAML):
 * release name `helm.releaseName` or the Application's name; namespace `helm.namespace` or the
 * destination's; value files, then ONE inline values document — `valuesObject` when set, else
 * `values` ("valuesObject … takes precedence over Values") — then `--set`/`--set-string` per
 * parameter; `--include-crds` unless `skipCrds`; `--skip-tests` with `skipTests`;
 * `helm.apiVersions` and `helm.kubeVersion` when given.
 */
import { childPath } from '../finding.ts';
import { record, text } from '../json-values.ts';
import type { Json } from '../json-values.ts';

export interface HelmParameter {
  name: string;
  value: string;
  forceString: boolean;
}

/** The inline values document Argo CD uses, and where the Application holds it. */
export interface InlineValues {
  field: string;
  value: unknown;
}

export interface HelmSettings {
  releaseName: string;
  namespace: string;
  inline?: InlineValues;
  parameters: HelmParameter[];
  includeCrds: boolean;
  skipTests: boolean;
  /** `helm.apiVersions` of the source; empty: the cluster's (what the tree installs). */
  apiVersions: string[];
  kubeVersion?: string;
  /** Field of `helm.values` when `valuesObject` is set too: Argo CD ignores it. */
  ignoredValues?: string;
}

/** The helm settings of the source at `sourceField` (e.g. spec.sources[0]) of an Application. */
export function helmSettingsOf(source: Json, sourceField: string, applicationName: string, destinationNamespace: string): HelmSettings {
  const helm = record(source.helm) ?? {};
  const settings: HelmSettings = {
    releaseName: text(helm.releaseName) ?? applicationName,
    namespace: text(helm.namespace) ?? destinationNamespace,
    parameters: (Array.isArray(helm.parameters) ? helm.parameters : []).flatMap((raw) => {
      const parameter = record(raw);
      return parameter && typeof parameter.name === 'string'
        ? [{ name: parameter.name, value: String(parameter.value ?? ''), forceString: parameter.forceString === true }]
        : [];
    }),
    includeCrds: helm.skipCrds !== true,
    skipTests: helm.skipTests === true,
    apiVersions: Array.isArray(helm.apiVersions) ? helm.apiVersions.map(String) : [],
  };
  const kubeVersion = text(helm.kubeVersion);
  if (kubeVersion) settings.kubeVersion = kubeVersion;
  const helmField = childPath(sourceField, 'helm');
  const hasValues = typeof helm.values === 'string' && helm.values.trim() !== '';
  if (record(helm.valuesObject) && hasValues) settings.ignoredValues = childPath(helmField, 'values');
  if (record(helm.valuesObject)) settings.inline = { field: childPath(helmField, 'valuesObject'), value: helm.valuesObject };
  else if (typeof helm.values === 'string' && helm.values.trim() !== '')
    settings.inline = { field: childPath(helmField, 'values'), value: helm.values };
  return settings;
}
