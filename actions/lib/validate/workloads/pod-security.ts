/**
 * The Pod Security Standards, `baseline` and `restricted`, as the Pod Security admission
 * controller of Kubernetes 1.34 (the version infra-repo/modules/eks pins) enforces them on a
 * namespace labelled `pod-security.kubernetes.io/enforce`. Each check follows upstream
 * kubernetes/pod-security-admission v0.34.1, `policy/check_<id>.go` (named below), including
 * which fields count: a container setting a bad value fails even when the pod sets a good one.
 * Windows pods and user-namespace relaxations are not modelled (Slipway runs Linux nodes).
 */
import { childPath } from '../finding.ts';
import { list, record } from '../json-values.ts';
import type { Json } from '../json-values.ts';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityProblem {
  field: string;
  message: string;
  fix: string;
}

/** The level a namespace label names, or undefined for a missing or unknown label. */
export function podSecurityLevel(label: unknown): PodSecurityLevel | undefined {
  return label === 'privileged' || label === 'baseline' || label === 'restricted' ? label : undefined;
}

/** check_capabilities_baseline.go capabilities_allowed_1_0. */
const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** check_sysctls.go sysctlsAllowedV1Dot32 (the set in force from 1.32 on). */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
/** check_seLinuxOptions.go selinuxAllowedTypes1_31. */
const seLinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** check_restrictedVolumes.go restrictedVolumes_1_0: the only volume sources `restricted` allows. */
const restrictedVolumeSources = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

interface Container {
  container: Json;
  path: string;
}

function containersOf(spec: Json, path: string): Container[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) =>
    list(spec[key]).map((container, index) => ({ container: record(container) ?? {}, path: childPath(childPath(path, key), index) })),
  );
}

type Add = (field: string, message: string, fix: string) => void;

/** Baseline: checks that hold at both levels. */
function baselineProblems(spec: Json, path: string, annotations: Json, containers: Container[], add: Add): void {
  const podSecurity = record(spec.securityContext) ?? {};
  const contexts = [
    { security: podSecurity, path: `${path}.securityContext` },
    ...containers.map(({ container, path: at }) => ({ security: record(container.securityContext) ?? {}, path: `${at}.securityContext` })),
  ];
  hostAccessProblems(spec, path, podSecurity, add);
  for (const { security, path: at } of contexts) securityContextProblems(security, at, add);
  appArmorAnnotationProblems(path, annotations, add);
  for (const { container, path: at } of containers) containerBaselineProblems(container, at, add);
}

/** The pod's own reach into the node: host namespaces, hostPath volumes, unsafe sysctls. */
function hostAccessProblems(spec: Json, path: string, podSecurity: Json, add: Add): void {
  // check_hostNamespaces.go
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[flag] === true) add(childPath(path, flag), `${flag} is true`, `remove ${flag}: Pod Security baseline forbids host namespaces`);
  }
  // check_hostPathVolumes.go
  list(spec.volumes).forEach((volume, index) => {
    if (record(volume)?.hostPath)
      add(
        `${childPath(childPath(path, 'volumes'), index)}.hostPath`,
        'mounts a hostPath volume',
        'use an emptyDir, ConfigMap or PersistentVolumeClaim instead',
      );
  });
  // check_sysctls.go
  list(podSecurity.sysctls).forEach((sysctl, index) => {
    const name = String(record(sysctl)?.name ?? '');
    if (!safeSysctls.has(name))
      add(`${path}.securityContext.sysctls[${index}]`, `sets the unsafe sysctl ${name}`, 'set only the sysctls Pod Security calls safe');
  });
}

/** One securityContext (the pod's or a container's): HostProcess, seccomp, SELinux and AppArmor. */
function securityContextProblems(security: Json, at: string, add: Add): void {
  // check_windowsHostProcess.go, check_seccompProfile_baseline.go, check_seLinuxOptions.go, check_appArmorProfile.go
  if (record(security.windowsOptions)?.hostProcess === true)
    add(`${at}.windowsOptions.hostProcess`, 'runs a Windows HostProcess container', 'remove windowsOptions.hostProcess');
  if (record(security.seccompProfile)?.type === 'Unconfined')
    add(`${at}.seccompProfile.type`, 'the seccomp profile is Unconfined', 'use RuntimeDefault (or a Localhost profile)');
  const seLinux = record(security.seLinuxOptions);
  if (seLinux && (!seLinuxTypes.has(String(seLinux.type ?? '')) || seLinux.user !== undefined || seLinux.role !== undefined)) {
    add(`${at}.seLinuxOptions`, 'sets a custom SELinux user, role or type', 'remove seLinuxOptions.user and .role; use a container_* type');
  }
  if (record(security.appArmorProfile)?.type === 'Unconfined')
    add(`${at}.appArmorProfile.type`, 'the AppArmor profile is Unconfined', 'use RuntimeDefault (or a Localhost profile)');
}

/** The legacy AppArmor annotations of the pod template. */
function appArmorAnnotationProblems(path: string, annotations: Json, add: Add): void {
  for (const [key, value] of Object.entries(annotations)) {
    if (
      key.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
      value !== 'runtime/default' &&
      !String(value).startsWith('localhost/')
    ) {
      add(
        `${path.replace(/spec$/, 'metadata')}.annotations[${JSON.stringify(key)}]`,
        `AppArmor profile ${String(value)}`,
        'use runtime/default or a localhost/ profile',
      );
    }
  }
}

/** One container: privileged, procMount, added capabilities, host ports, probes and hooks aimed at a host. */
function containerBaselineProblems(container: Json, at: string, add: Add): void {
  const security = record(container.securityContext) ?? {};
  // check_privileged.go
  if (security.privileged === true) add(`${at}.securityContext.privileged`, 'the container is privileged', 'remove privileged: true');
  // check_procMount.go
  if (security.procMount !== undefined && security.procMount !== 'Default')
    add(`${at}.securityContext.procMount`, `procMount is ${String(security.procMount)}`, 'leave procMount unset (Default)');
  // check_capabilities_baseline.go
  const added = list(record(security.capabilities)?.add)
    .map(String)
    .filter((capability) => !baselineCapabilities.has(capability));
  if (added.length > 0)
    add(`${at}.securityContext.capabilities.add`, `adds capabilities ${added.join(', ')}`, 'add none beyond the default set');
  // check_hostPorts.go
  list(container.ports).forEach((port, index) => {
    const hostPort = record(port)?.hostPort;
    if (typeof hostPort === 'number' && hostPort !== 0)
      add(`${at}.ports[${index}].hostPort`, `uses hostPort ${hostPort}`, 'remove the hostPort; reach the pod through a Service');
  });
  // check_hostProbesAndhostLifecycle.go (1.34)
  for (const handler of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle.postStart', 'lifecycle.preStop']) {
    const value = handler.split('.').reduce<Json | undefined>((node, key) => record(node?.[key]), container);
    for (const kind of ['httpGet', 'tcpSocket']) {
      const host = record(value?.[kind])?.host;
      if (typeof host === 'string' && host !== '')
        add(`${at}.${handler}.${kind}.host`, `the ${handler} reaches host ${host}`, 'leave host unset (the pod IP)');
    }
  }
}

/** Restricted: the checks `restricted` adds to baseline. */
function restrictedProblems(spec: Json, path: string, containers: Container[], add: Add): void {
  const podSecurity = record(spec.securityContext) ?? {};
  // check_restrictedVolumes.go
  list(spec.volumes).forEach((raw, index) => {
    const volume = record(raw) ?? {};
    const source = Object.keys(volume).find((key) => key !== 'name');
    if (source !== undefined && source !== 'hostPath' && !restrictedVolumeSources.has(source)) {
      add(
        `${childPath(childPath(path, 'volumes'), index)}.${source}`,
        `mounts a ${source} volume`,
        `use one of ${[...restrictedVolumeSources].join(', ')}`,
      );
    }
  });
  // check_runAsNonRoot.go and check_seccompProfile_restricted.go: the pod's value covers containers that set none.
  const podNonRoot = podSecurity.runAsNonRoot === true;
  if (podSecurity.runAsNonRoot === false)
    add(`${path}.securityContext.runAsNonRoot`, 'runAsNonRoot is false', 'set securityContext.runAsNonRoot: true');
  const validSeccomp = (security: Json) => ['RuntimeDefault', 'Localhost'].includes(String(record(security.seccompProfile)?.type ?? ''));
  const podSeccomp = validSeccomp(podSecurity);
  if (podSecurity.runAsUser === 0) add(`${path}.securityContext.runAsUser`, 'runs as root (uid 0)', 'run as a fixed non-zero uid');
  const uncoveredRoot = containers.filter(({ container }) => record(container.securityContext)?.runAsNonRoot === undefined);
  if (!podNonRoot && uncoveredRoot.length > 0)
    add(`${path}.securityContext.runAsNonRoot`, 'runAsNonRoot is not true', 'set securityContext.runAsNonRoot: true');
  const uncoveredSeccomp = containers.filter(({ container }) => record(record(container.securityContext)?.seccompProfile) === undefined);
  if (!podSeccomp && uncoveredSeccomp.length > 0)
    add(
      `${path}.securityContext.seccompProfile.type`,
      'no RuntimeDefault (or Localhost) seccomp profile',
      'set securityContext.seccompProfile.type: RuntimeDefault',
    );
  for (const { container, path: at } of containers) {
    const security = record(container.securityContext) ?? {};
    const securityPath = `${at}.securityContext`;
    if (security.runAsNonRoot === false) add(`${securityPath}.runAsNonRoot`, 'runAsNonRoot is false', 'set runAsNonRoot: true');
    if (record(security.seccompProfile) && !validSeccomp(security) && record(security.seccompProfile)?.type !== 'Unconfined') {
      add(
        `${securityPath}.seccompProfile.type`,
        `seccomp profile ${String(record(security.seccompProfile)?.type)}`,
        'use RuntimeDefault or Localhost',
      );
    }
    // check_allowPrivilegeEscalation.go, check_runAsUser.go, check_capabilities_restricted.go
    if (security.allowPrivilegeEscalation !== false)
      add(`${securityPath}.allowPrivilegeEscalation`, 'allowPrivilegeEscalation is not false', 'set allowPrivilegeEscalation: false');
    if (security.runAsUser === 0) add(`${securityPath}.runAsUser`, 'runs as root (uid 0)', 'run as a fixed non-zero uid');
    const capabilities = record(security.capabilities) ?? {};
    if (!list(capabilities.drop).includes('ALL'))
      add(`${securityPath}.capabilities.drop`, 'capabilities are not dropped', 'set capabilities.drop: ["ALL"]');
    const added = list(capabilities.add)
      .map(String)
      .filter((capability) => capability !== 'NET_BIND_SERVICE' && baselineCapabilities.has(capability));
    if (added.length > 0) add(`${securityPath}.capabilities.add`, `adds capabilities ${added.join(', ')}`, 'add at most NET_BIND_SERVICE');
  }
}

/**
 * What the Pod Security Standard `level` forbids in one pod spec at `path` (its template's
 * annotations hold the legacy AppArmor settings). `privileged` allows everything.
 */
export function podSecurityProblems(spec: Json, path: string, annotations: Json, level: PodSecurityLevel): PodSecurityProblem[] {
  const problems: PodSecurityProblem[] = [];
  if (level === 'privileged') return problems;
  const add = (field: string, message: string, fix: string) => problems.push({ field, message, fix: `${fix} (Pod Security ${level})` });
  const containers = containersOf(spec, path);
  baselineProblems(spec, path, annotations, containers, add);
  if (level === 'restricted') restrictedProblems(spec, path, containers, add);
  return problems;
}
