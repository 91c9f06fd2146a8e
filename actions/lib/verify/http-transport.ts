/**
 * How verify talks HTTP to Prometheus and Grafana: plain fetch to a URL, or through the Kubernetes
 * API server's service proxy (/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/) with the
 * kubeconfig's credentials, so a runner reaches the in-cluster Prometheus without a port-forward.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface HttpAnswer {
  status: number;
  text: string;
}

export type HttpTransport = (url: URL, init: { method: string; headers?: Record<string, string>; body?: string }) => Promise<HttpAnswer>;

export const fetchTransport: HttpTransport = async (url, init) => {
  const answer = await fetch(url, {
    method: init.method,
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: answer.status, text: await answer.text() };
};

/** `namespace/name:port` (port a number or a port name). */
export function parseServiceReference(text: string, where: string): { namespace: string; name: string; port: string } {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9-]{1,15})$/.exec(text.trim());
  if (!match) throw new Error(`${where}: '${text}' is not namespace/service:port (e.g. monitoring/kube-prometheus-stack-prometheus:9090)`);
  return { namespace: match[1] as string, name: match[3] as string, port: match[5] as string };
}

/** The base URL of a Service behind the API server's proxy, and a transport carrying the kubeconfig's credentials. */
export function serviceProxy(config: KubeConfig, service: string, where: string): { baseUrl: string; transport: HttpTransport } {
  const { namespace, name, port } = parseServiceReference(service, where);
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error(`${where}: the kubeconfig has no current cluster`);
  const baseUrl = `${server.replace(/\/$/, '')}/api/v1/namespaces/${namespace}/services/${name}:${port}/proxy/`;
  const transport: HttpTransport = async (url, init) => {
    const options: RequestOptions = { method: init.method, headers: { ...init.headers } };
    await config.applyToHTTPSOptions(options);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const call = send(url, { ...options, timeout: 30_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      call.on('timeout', () => call.destroy(new Error('no answer within 30 s')));
      call.on('error', reject);
      call.end(init.body);
    });
  };
  return { baseUrl, transport };
}
