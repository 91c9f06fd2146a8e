import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chartDefinitions, parameterAsValues, parameterKeys, unknownValueKeys } from './values-keys.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function chart(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-values-keys-'));
  folders.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}

describe('chartDefinitions', () => {
  it('puts each subchart under its alias or name, and unions every global', () => {
    const dir = chart({
      'Chart.yaml': {
        apiVersion: 'v2',
        name: 'stack',
        version: '1.0.0',
        dependencies: [{ name: 'grafana', alias: 'dashboards', version: '1.0.0' }],
      },
      'values.yaml': { global: { registry: 'r' }, dashboards: { enabled: true } },
      'charts/grafana/Chart.yaml': { apiVersion: 'v2', name: 'grafana', version: '1.0.0' },
      'charts/grafana/values.yaml': { global: { imagePullSecrets: [] }, adminUser: 'admin', persistence: { enabled: false } },
      'charts/kube-state-metrics/Chart.yaml': { apiVersion: 'v2', name: 'kube-state-metrics', version: '1.0.0' },
      'charts/kube-state-metrics/values.yaml': { replicas: 1 },
      'charts/archived-1.2.3.tgz': 'not read',
    });
    expect(chartDefinitions(dir)).toEqual({
      global: { registry: 'r', imagePullSecrets: [] },
      dashboards: { enabled: true, adminUser: 'admin', persistence: { enabled: false } },
      'kube-state-metrics': { replicas: 1 },
      archived: {},
    });
  });
});

describe('keys the templates read', () => {
  it('count as defined (values.yaml often documents them only as comments); maps values.yaml defines stay strict', () => {
    const dir = chart({
      'Chart.yaml': { apiVersion: 'v2', name: 'dns', version: '1.0.0' },
      'values.yaml': '# priorityClassName: ""\nserviceMonitor:\n  enabled: false\nextra: {}\n',
      'templates/deployment.yaml':
        '{{ with .Values.priorityClassName }}{{ . }}{{ end }}\n{{ with .Values.serviceMonitor }}{{ .interval }}{{ end }}\n{{ toYaml .Values.tls }} {{ .Values.tls.secretName }}\n{{ .Values.extra.key }} {{ $.Values.global.domain }}\n',
    });
    const definitions = chartDefinitions(dir);
    expect(definitions).toEqual({
      priorityClassName: null,
      serviceMonitor: { enabled: false },
      tls: null,
      extra: {},
      global: { domain: null },
    });
    expect(
      unknownValueKeys(definitions, {
        priorityClassName: 'high',
        tls: { anything: true },
        extra: { other: 1 },
        serviceMonitor: { interval: '30s' },
      }),
    ).toEqual(['serviceMonitor.interval']);
  });
});

describe('unknownValueKeys', () => {
  const definitions = {
    replicas: 1,
    podAnnotations: {},
    extra: null,
    image: { repository: 'r', tag: 't' },
    serviceAccount: { create: true, annotations: { example: 'x' } },
    securityContext: { runAsNonRoot: true },
    args: ['--a'],
    global: {},
  };
  it.each<[string, unknown, string[]]>([
    ['defined keys', { replicas: 2, image: { tag: 'u' } }, []],
    ['a misspelt key, at the top and below', { replicaz: 2, image: { tga: 'u' } }, ['replicaz', 'image.tga']],
    ['anything under an empty map or a null default', { podAnnotations: { a: 'b' }, extra: { any: { thing: 1 } } }, []],
    [
      'anything under maps named like Kubernetes ones',
      { serviceAccount: { annotations: { other: 'y' } }, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
      [],
    ],
    ['a list given where the default is a list', { args: [{ x: 1 }] }, []],
    ['global keys', { global: { anything: true } }, []],
    ['a key with a dot', { image: { 'pull.policy': 'Always' } }, ['image["pull.policy"]']],
  ])('%s', (_name, values, expected) => {
    expect(unknownValueKeys(definitions, values)).toEqual(expected);
  });
});

describe('parameters (helm --set names)', () => {
  it.each<[string, string[]]>([
    ['image.tag', ['image', 'tag']],
    ['podAnnotations.example\\.com/team', ['podAnnotations', 'example.com/team']],
    ['args[0]', ['args']],
    ['a.list[1].b', ['a', 'list']],
  ])('%s', (name, keys) => {
    expect(parameterKeys(name)).toEqual(keys);
  });

  it('become values whose keys are checked like the others', () => {
    expect(parameterAsValues('image.tga')).toEqual({ image: { tga: null } });
    expect(unknownValueKeys({ image: { tag: 'x' } }, parameterAsValues('image.tga'))).toEqual(['image.tga']);
  });
});
