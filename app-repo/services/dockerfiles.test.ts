// The services' images, checked without a container engine: each Dockerfile's structure, its
// .dockerignore, its agreement with the Helm chart, the frontend's nginx.conf served by a real
// nginx, and (for the Node services) the runtime layout the Dockerfile copies, started with node
// outside the workspace.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

const repository = new URL('../../', import.meta.url).pathname;
const services = ['frontend', 'product', 'cart', 'order'];
const backends = ['product', 'cart', 'order'];

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(list: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of list) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const chartValues = parse(readFileSync(join(repository, 'app-repo/charts/shop/values.yaml'), 'utf8')) as {
  defaults: { runAsUser: number };
  services: Record<string, { port: number; runAsUser?: number }>;
};

/** The shop's workspace packages by name: `@slipway/cart` → `app-repo/services/cart`. */
function shopWorkspaces(): Map<string, string> {
  const found = new Map<string, string>();
  for (const parent of ['app-repo/packages', 'app-repo/services']) {
    for (const entry of readdirSync(join(repository, parent))) {
      const manifest = join(repository, parent, entry, 'package.json');
      if (existsSync(manifest)) found.set((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, join(parent, entry));
    }
  }
  return found;
}

/**
 * The workspace packages whose code a service's bundle takes in: its own, and every `@slipway/…`
 * package its sources import for more than types, followed through those packages' sources.
 */
function bundledWorkspaces(service: string): string[] {
  const workspaces = shopWorkspaces();
  const bundled = new Set([`@slipway/${service}`]);
  const folders = [join('app-repo/services', service)];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const sources = readdirSync(join(repository, folder, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      /\.tsx?$/.test(file),
    );
    for (const file of sources) {
      const text = readFileSync(join(repository, folder, 'src', file), 'utf8');
      for (const [, name = ''] of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'(@slipway\/[^/']+)/gm)) {
        if (bundled.has(name)) continue;
        bundled.add(name);
        const dependency = workspaces.get(name);
        expect(dependency, `${folder}/src/${file} imports ${name}, which is no workspace of the shop`).toBeDefined();
        folders.push(dependency ?? '');
      }
    }
  }
  return [...bundled].sort();
}

describe.each(services)('the %s image', (service) => {
  const folder = join(repository, 'app-repo/services', service);
  const dockerfile = readFileSync(join(folder, 'Dockerfile'), 'utf8');
  const list = instructions(dockerfile);
  const globalArgs = new Map(
    list
      .slice(
        0,
        list.findIndex((i) => i.keyword === 'FROM'),
      )
      .filter((i) => i.keyword === 'ARG')
      .map((i) => {
        const [name = '', value = ''] = i.args.split('=');
        return [name, value] as const;
      }),
  );
  const byStage = stages(list);
  const final = byStage.at(-1) ?? [];

  it('is multi-stage and takes every base image from a build argument pinned by digest', () => {
    expect(byStage.length).toBeGreaterThanOrEqual(2);
    for (const stage of byStage) {
      const from = stage[0]?.args ?? '';
      const image = /^(?:--platform=\S+\s+)?(\S+)/.exec(from)?.[1] ?? '';
      if (byStage.some((other) => / AS (\S+)$/i.exec(other[0]?.args ?? '')?.[1] === image)) continue;
      const arg = /^\$\{(\w+)\}$/.exec(image)?.[1];
      expect(arg, `FROM ${from} must use an ARG`).toBeDefined();
      expect(globalArgs.get(arg ?? '')).toMatch(/^[\w.-]+(\/[\w.-]+)+:[\w.-]+@sha256:[a-f0-9]{64}$/);
    }
  });

  it('runs as a fixed non-root uid that matches the chart', () => {
    const users = final.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    const uid = Number(user.split(':')[0]);
    expect(uid).toBe(chartValues.services[service]?.runAsUser ?? chartValues.defaults.runAsUser);
  });

  it('exposes the port the chart uses', () => {
    expect(final.filter((i) => i.keyword === 'EXPOSE').map((i) => Number(i.args))).toEqual([chartValues.services[service]?.port]);
  });

  it('labels the image with the OCI annotations from build arguments', () => {
    const args = final.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0]);
    const label = final
      .filter((i) => i.keyword === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    for (const [key, arg] of [
      ['revision', 'REVISION'],
      ['version', 'VERSION'],
      ['created', 'CREATED'],
      ['source', 'SOURCE'],
    ] as const) {
      expect(args).toContain(arg);
      expect(label).toContain(`org.opencontainers.image.${key}="\${${arg}}"`);
    }
  });

  it('fetches nothing from URLs, uses no latest tag and no ADD', () => {
    expect(list.filter((i) => i.keyword === 'ADD')).toEqual([]);
    expect(dockerfile).not.toMatch(/:latest\b/);
    expect(list.filter((i) => i.keyword === 'RUN' && /\b(curl|wget)\b/.test(i.args))).toEqual([]);
  });

  it('installs from the lockfile and never copies node_modules from the context', () => {
    const runs = list
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(runs).toContain('npm ci');
    expect(runs).not.toMatch(/npm install\b/);
    for (const copy of list.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')))
      expect(copy.args).not.toContain('node_modules');
  });

  it('installs every workspace package the bundle takes code from (npm ci links only the workspaces named)', () => {
    const install = list.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))?.args ?? '';
    const named = [...install.matchAll(/--workspace[= ](\S+)/g)].map((match) => match[1]);
    expect(named).toEqual(expect.arrayContaining(bundledWorkspaces(service)));
  });

  it('keeps secrets, tests and node_modules out of the build context', () => {
    const ignore = readFileSync(join(folder, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/.env', '**/.env.*', '**/test', '**/*.test.ts', '**/.git'])
      expect(ignore).toContain(pattern);
    // docker build looks for <Dockerfile>.dockerignore beside the Dockerfile; buildah takes --ignorefile.
    expect(lstatSync(join(folder, 'Dockerfile.dockerignore')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(folder, 'Dockerfile.dockerignore'))).toBe('.dockerignore');
  });
});

describe('the frontend nginx configuration, served by a real nginx', () => {
  const config = readFileSync(join(repository, 'app-repo/services/frontend/nginx.conf'), 'utf8');
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-nginx-'));
  let nginx: ChildProcess | undefined;
  let base = '';
  afterAll(() => {
    nginx?.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('listens on 8080 and proxies nothing', () => {
    expect(config).toMatch(/listen 8080;/);
    expect(config).not.toMatch(/proxy_pass/);
  });

  it('starts with the image configuration (port and root moved into a scratch folder)', async () => {
    const port = await freePort();
    const html = join(scratch, 'html');
    mkdirSync(join(html, 'assets'), { recursive: true });
    writeFileSync(join(html, 'index.html'), '<!doctype html><title>shop</title><div id="root"></div>');
    writeFileSync(join(html, 'assets', 'app-3f2a.js'), 'console.log("shop")');
    const server = config.replace('listen 8080;', `listen 127.0.0.1:${port};`).replace('root /usr/share/nginx/html;', `root ${html};`);
    writeFileSync(join(scratch, 'default.conf'), server);
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(scratch, name)};`).join(' ');
    writeFileSync(
      join(scratch, 'nginx.conf'),
      `worker_processes 1; pid ${join(scratch, 'nginx.pid')}; error_log ${join(scratch, 'error.log')}; events {}
       http { access_log off; ${temp} include /etc/nginx/mime.types; default_type application/octet-stream; include ${join(scratch, 'default.conf')}; }`,
    );
    chmodSync(scratch, 0o755);
    const check = spawnSync('nginx', ['-t', '-p', scratch, '-c', join(scratch, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn('nginx', ['-p', scratch, '-c', join(scratch, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        await fetch(`${base}/health`).then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'ready' });
  });

  it.each([
    ['/', 200, '<div id="root">'],
    ['/products/42', 200, '<div id="root">'],
    ['/cart', 200, '<div id="root">'],
    ['/assets/app-3f2a.js', 200, 'console.log'],
    ['/assets/missing.js', 404, ''],
    ['/api/products', 404, ''],
  ])('GET %s → %i', async (path, status, body) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    if (body) expect(await response.text()).toContain(body);
    if (path.startsWith('/assets/') && status === 200) expect(response.headers.get('cache-control')).toContain('immutable');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe.each(backends)('the %s runtime layout (the files the Dockerfile copies)', (service) => {
  const scratch = mkdtempSync(join(tmpdir(), `slipway-image-${service}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('starts with node outside the workspace and answers /health', async () => {
    const build = spawnSync('npm', ['run', 'build', '--workspace', `@slipway/${service}`], { cwd: repository, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    // Lay out /app as the runtime stage does: COPY --from=build /src/<path> ./<target>, COPY <path> ./<target>.
    const app = join(scratch, 'app');
    const dockerfile = instructions(readFileSync(join(repository, 'app-repo/services', service, 'Dockerfile'), 'utf8'));
    const runtime = stages(dockerfile).at(-1) ?? [];
    const copies = runtime.filter((i) => i.keyword === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((part) => !part.startsWith('--chown'));
      const fromBuild = parts[0]?.startsWith('--from=build');
      const [source = '', target = ''] = fromBuild ? parts.slice(1) : parts;
      const inRepository = fromBuild ? source.replace(/^\/src\//, '') : source;
      expect(existsSync(join(repository, inRepository)), `${inRepository} exists after the build`).toBe(true);
      cpSync(join(repository, inRepository), join(app, target), { recursive: true, dereference: true });
    }
    expect(existsSync(join(app, 'build/main.js'))).toBe(true);

    const child = spawn(process.execPath, ['--enable-source-maps', 'build/main.js'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', LOG_LEVEL: 'info', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no "listening" log line within 30 s:\n${output}`)), 30_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
