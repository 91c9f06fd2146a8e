/** What the Argo CD tree check reads (the tree's documents) and what it gives the later checks. */
import type { RenderRequest } from '../chart-render.ts';
import type { HelmSettings } from '../charts/helm-source.ts';
import type { RemoteChart } from '../charts/remote-chart.ts';
import type { Finding } from '../finding.ts';
import type { Json } from '../json-values.ts';

export interface ManifestDocument {
  /** Absolute path of the file. */
  absolute: string;
  /** Display path (relative to the parent of the validated folder). */
  file: string;
  document: number;
  object: Json;
}

export interface GitopsTree {
  /** The validated folder (absolute), e.g. …/gitops-repo. */
  folder: string;
  /** The checkout that holds it: Application paths are relative to a repository root, tried here and at `folder`. */
  base: string;
  /** Every YAML file of the tree (absolute). */
  yamlFiles: string[];
  /** Every parsed document of every YAML file, objects or not. */
  documents: ManifestDocument[];
}

/** A chart an Application renders: what helm needs (inline values in the order Argo CD applies them), and where it came from. */
export interface ChartToRender extends RenderRequest {
  application: ManifestDocument;
  /** Field path of the source in the Application (spec.source or spec.sources[i]). */
  sourceField: string;
  project?: Json;
  /** The Application is one an ApplicationSet makes (its workloads get generatedWorkloadPolicy). */
  generated?: boolean;
}

/** A values file a chart from a repository reads: a file of this checkout or a path inside the chart. */
export interface RemoteValueFile {
  /** Field of the entry in the Application (spec.sources[0].helm.valueFiles[1]). */
  field: string;
  inTree?: string;
  inChart?: string;
}

/** A chart an Application installs from a chart repository (HTTP or OCI): pulled and rendered by `validate --charts`. */
export interface RemoteChartSource extends HelmSettings {
  application: ManifestDocument;
  sourceField: string;
  project?: Json;
  chart: RemoteChart;
  valueFiles: RemoteValueFile[];
}

export interface PlainDeployment {
  application: ManifestDocument;
  project?: Json;
  namespace: string;
  manifests: ManifestDocument[];
}

export interface TreeResult {
  findings: Finding[];
  /** The Applications ApplicationSets make with sample parameters (file and document of the ApplicationSet). */
  generatedApplications: ManifestDocument[];
  charts: ChartToRender[];
  remoteCharts: RemoteChartSource[];
  deployments: PlainDeployment[];
}
