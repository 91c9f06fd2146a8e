import { describe, expect, it } from 'vitest';
import type { PodSecurityLevel } from './pod-security.ts';
import { podSecurityProblems } from './pod-security.ts';

interface TestContainer {
  name: string;
  image: string;
  securityContext: {
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    seccompProfile?: { type: string };
    capabilities: { drop: string[]; add?: string[] };
  };
  ports?: { containerPort: number; hostPort?: number }[];
  livenessProbe?: Record<string, unknown>;
}
interface TestPod {
  hostNetwork?: boolean;
  securityContext: { runAsNonRoot?: boolean; seccompProfile: { type: string }; sysctls?: { name: string; value: string }[] };
  containers: [TestContainer];
  volumes: Record<string, unknown>[];
}

/** A pod spec that meets `restricted`, with changes. */
function pod(change: (spec: TestPod) => void = () => undefined): Record<string, unknown> {
  const spec: TestPod = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      { name: 'main', image: 'example/main:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
  change(spec);
  return spec as unknown as Record<string, unknown>;
}

const fields = (spec: Record<string, unknown>, level: PodSecurityLevel, annotations = {}) =>
  podSecurityProblems(spec, 'spec', annotations, level).map((problem) => problem.field);

// Cases from kubernetes/pod-security-admission v0.34.1 policy/check_*.go.
describe('podSecurityProblems', () => {
  it.each<[string, (spec: TestPod) => void, string[], string[]]>([
    ['a compliant pod', () => undefined, [], []],
    ['hostNetwork (check_hostNamespaces)', (spec) => (spec.hostNetwork = true), ['spec.hostNetwork'], ['spec.hostNetwork']],
    [
      'a hostPort (check_hostPorts)',
      (spec) => (spec.containers[0].ports = [{ containerPort: 9100, hostPort: 9100 }]),
      ['spec.containers[0].ports[0].hostPort'],
      ['spec.containers[0].ports[0].hostPort'],
    ],
    [
      'a hostPath volume (check_hostPathVolumes)',
      (spec) => spec.volumes.push({ name: 'root', hostPath: { path: '/' } }),
      ['spec.volumes[1].hostPath'],
      ['spec.volumes[1].hostPath'],
    ],
    [
      'an nfs volume (check_restrictedVolumes)',
      (spec) => spec.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }),
      [],
      ['spec.volumes[1].nfs'],
    ],
    [
      'an unsafe sysctl (check_sysctls)',
      (spec) =>
        (spec.securityContext.sysctls = [
          { name: 'net.ipv4.tcp_rmem', value: '1' },
          { name: 'kernel.msgmax', value: '1' },
        ]),
      ['spec.securityContext.sysctls[1]'],
      ['spec.securityContext.sysctls[1]'],
    ],
    [
      'SYS_ADMIN added (check_capabilities_baseline)',
      (spec) => (spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']),
      ['spec.containers[0].securityContext.capabilities.add'],
      ['spec.containers[0].securityContext.capabilities.add'],
    ],
    [
      'CHOWN added (check_capabilities_restricted)',
      (spec) => (spec.containers[0].securityContext.capabilities.add = ['CHOWN', 'NET_BIND_SERVICE']),
      [],
      ['spec.containers[0].securityContext.capabilities.add'],
    ],
    [
      'a container opting out of runAsNonRoot the pod sets (check_runAsNonRoot)',
      (spec) => (spec.containers[0].securityContext.runAsNonRoot = false),
      [],
      ['spec.containers[0].securityContext.runAsNonRoot'],
    ],
    [
      'every container setting runAsNonRoot instead of the pod',
      (spec) => {
        delete spec.securityContext.runAsNonRoot;
        spec.containers[0].securityContext.runAsNonRoot = true;
      },
      [],
      [],
    ],
    [
      'an Unconfined container seccomp profile (check_seccompProfile_baseline)',
      (spec) => (spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }),
      ['spec.containers[0].securityContext.seccompProfile.type'],
      ['spec.containers[0].securityContext.seccompProfile.type'],
    ],
    [
      'a probe reaching another host (check_hostProbesAndhostLifecycle, 1.34)',
      (spec) => (spec.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }),
      ['spec.containers[0].livenessProbe.httpGet.host'],
      ['spec.containers[0].livenessProbe.httpGet.host'],
    ],
    [
      'privilege escalation allowed (check_allowPrivilegeEscalation)',
      (spec) => delete spec.containers[0].securityContext.allowPrivilegeEscalation,
      [],
      ['spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ],
  ])('%s', (_name, change, baseline, restricted) => {
    expect(fields(pod(change), 'baseline')).toEqual(baseline);
    expect(fields(pod(change), 'restricted')).toEqual(restricted);
    expect(fields(pod(change), 'privileged')).toEqual([]);
  });

  it('reads the legacy AppArmor annotations of the pod template', () => {
    expect(
      podSecurityProblems(
        pod(),
        'spec.template.spec',
        { 'container.apparmor.security.beta.kubernetes.io/main': 'unconfined' },
        'baseline',
      ).map((problem) => problem.field),
    ).toEqual(['spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"]']);
  });
});
