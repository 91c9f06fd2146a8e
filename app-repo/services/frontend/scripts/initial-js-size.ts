// How much JavaScript a first visit downloads: the entry scripts and module preloads that the built
// index.html names (chunks loaded later on demand do not count), measured gzipped.
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget for the initial JavaScript, gzipped: 90 KB. */
export const INITIAL_JS_BUDGET_BYTES = 90_000;

export interface MeasuredFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface InitialJsSize {
  files: MeasuredFile[];
  gzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
}

const ATTRIBUTE = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');

function attribute(tag: string, name: string): string | undefined {
  const match = ATTRIBUTE(name).exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The site-relative JavaScript files index.html loads at once: module scripts and modulepreload links. */
export function initialScriptsOf(html: string): string[] {
  const files = new Set<string>();
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    if (src) files.add(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attribute(tag, 'rel')?.toLowerCase().split(/\s+/) ?? [];
    const href = attribute(tag, 'href');
    if (href && rel.includes('modulepreload')) files.add(href);
  }
  return [...files].filter((file) => !/^(?:[a-z]+:)?\/\//i.test(file));
}

/** Measures the initial JavaScript of a built site in `distDir` against the budget. */
export function measureInitialJs(distDir: string, budgetBytes = INITIAL_JS_BUDGET_BYTES): InitialJsSize {
  const indexFile = join(distDir, 'index.html');
  let html: string;
  try {
    html = readFileSync(indexFile, 'utf8');
  } catch {
    throw new Error(`${indexFile} does not exist: build the frontend first (npm run build -w @slipway/frontend)`);
  }
  const files = initialScriptsOf(html).map((src) => {
    const relative = normalize(src.replace(/^\.?\//, '').split(/[?#]/)[0] ?? '');
    if (relative.startsWith('..')) throw new Error(`${indexFile}: script ${src} points outside the built site`);
    let content: Buffer;
    try {
      content = readFileSync(join(distDir, relative));
    } catch {
      throw new Error(`${indexFile} loads ${src}, which is not in ${distDir}: the build is incomplete, build again`);
    }
    return { file: relative, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  if (files.length === 0) throw new Error(`${indexFile} loads no JavaScript: is this the shop's build?`);
  const gzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  return { files, gzipBytes, budgetBytes, withinBudget: gzipBytes <= budgetBytes };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** The lines `npm run build` prints. */
export function describeInitialJs(size: InitialJsSize): string[] {
  return [
    ...size.files.map((file) => `  ${file.file}  ${kb(file.bytes)} → ${kb(file.gzipBytes)} gzipped`),
    `initial JavaScript: ${kb(size.gzipBytes)} gzipped (budget ${kb(size.budgetBytes)}) ${size.withinBudget ? 'OK' : 'OVER BUDGET'}`,
  ];
}
