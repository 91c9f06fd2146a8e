import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPublished, nearestVersions, nextLink, parseBearerChallenge, publishedVersions } from './chart-versions.ts';
import { helmPullArguments, remoteChartOf } from './remote-chart.ts';

describe('nearestVersions', () => {
  it.each<[string[], string, string[]]>([
    [['1.19.0', '1.20.0', '1.21.1', '1.22.0', '2.0.0-rc.1'], '1.21.0', ['1.20.0', '1.21.1', '1.22.0']],
    [['1.0.0', '1.1.0'], '9.9.9', ['1.1.0']],
    [['1.0.0', '1.1.0'], '0.1.0', ['1.0.0', '1.1.0']],
    [['0.1.0', 'not-semver'], 'main', ['0.1.0']],
  ])('%j near %s: %j', (versions, wanted, nearest) => {
    expect(nearestVersions(versions, wanted)).toEqual(nearest);
  });

  it('accepts v-prefixed pins the way helm does', () => {
    expect(isPublished(['1.2.3'], 'v1.2.3')).toBe(true);
    expect(isPublished(['1.2.3'], '1.2.4')).toBe(false);
  });
});

describe('the sources that install charts from repositories (Argo CD v3.3.8 forms)', () => {
  it.each<[Record<string, unknown>, string | undefined, string[] | undefined]>([
    [
      { repoURL: 'https://charts.example.test/', chart: 'dns', targetRevision: '1.2.3' },
      'http',
      ['pull', 'dns', '--version', '1.2.3', '--destination', 'd', '--untar', '--repo', 'https://charts.example.test/'],
    ],
    [
      { repoURL: 'ghcr.io/org/charts', chart: 'dns', targetRevision: '1.2.3' },
      'oci',
      ['pull', 'oci://ghcr.io/org/charts/dns', '--version', '1.2.3', '--destination', 'd', '--untar'],
    ],
    [
      { repoURL: 'oci://ghcr.io/org/charts/dns', path: '.', targetRevision: '1.2.3' },
      'oci',
      ['pull', 'oci://ghcr.io/org/charts/dns', '--version', '1.2.3', '--destination', 'd', '--untar'],
    ],
    [
      { repoURL: 'oci://127.0.0.1:5000/charts/dns', targetRevision: '1.2.3' },
      'oci',
      ['pull', 'oci://127.0.0.1:5000/charts/dns', '--version', '1.2.3', '--destination', 'd', '--untar', '--plain-http'],
    ],
    [{ repoURL: 'https://github.com/org/repo.git', path: 'charts/dns', targetRevision: 'main' }, undefined, undefined],
  ])('%j', (source, protocol, args) => {
    const chart = remoteChartOf(source);
    expect(chart?.protocol).toBe(protocol);
    expect(chart ? helmPullArguments(chart, 'd') : undefined).toEqual(args);
  });
});

describe('OCI tags listing', () => {
  it('parses a bearer challenge and a next-page link', () => {
    expect(parseBearerChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/dns:pull"')).toEqual({
      realm: 'https://ghcr.io/token',
      service: 'ghcr.io',
      scope: 'repository:org/dns:pull',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(nextLink('</v2/org/dns/tags/list?n=2&last=b>; rel="next"', 'http://127.0.0.1:1/v2/org/dns/tags/list?n=2')).toBe(
      'http://127.0.0.1:1/v2/org/dns/tags/list?n=2&last=b',
    );
  });

  it('gets an anonymous pull token and follows pages (a stand-in registry following the distribution token and tags APIs)', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      seen.push(`${url.pathname}${url.search} ${request.headers.authorization ?? '-'}`);
      const { port } = server.address() as AddressInfo;
      if (url.pathname === '/token')
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 't0k3n' }));
      if (request.headers.authorization !== 'Bearer t0k3n') {
        return void response
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="registry.test",scope="repository:charts/dns:pull"`,
          })
          .end();
      }
      if (url.searchParams.get('last') === null)
        return void response
          .writeHead(200, { link: '</v2/charts/dns/tags/list?n=1000&last=1.0.0>; rel="next"' })
          .end(JSON.stringify({ tags: ['1.0.0'] }));
      response.writeHead(200).end(JSON.stringify({ tags: ['1.1.0_build.1'] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const chart = remoteChartOf({ repoURL: `oci://localhost:${port}/charts/dns`, targetRevision: '2.0.0' });
      expect(chart).toBeDefined();
      expect(await publishedVersions(chart!, 5_000)).toEqual({ ok: true, versions: ['1.0.0', '1.1.0+build.1'] });
      expect(seen).toEqual([
        '/v2/charts/dns/tags/list?n=1000 -',
        '/token?service=registry.test&scope=repository%3Acharts%2Fdns%3Apull -',
        '/v2/charts/dns/tags/list?n=1000 Bearer t0k3n',
        '/v2/charts/dns/tags/list?n=1000&last=1.0.0 Bearer t0k3n',
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
