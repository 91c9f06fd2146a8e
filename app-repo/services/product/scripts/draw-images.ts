/**
 * Draws the catalog's product images (simple labelled SVG tiles) into ../images.
 * Run once after changing the catalog: `npx tsx app-repo/services/product/scripts/draw-images.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { seedCatalog, imageFileOf } from '../src/catalog.ts';

const palette: Record<string, [string, string]> = {
  Coffee: ['#6f4e37', '#f3e5d8'],
  Tea: ['#4f7942', '#eef5e9'],
  Kitchen: ['#3b5b7a', '#e6eef6'],
  Books: ['#8c3b3b', '#f7e9e9'],
  Outdoors: ['#2f6f6f', '#e4f3f3'],
  Stationery: ['#6b5b95', '#efebf7'],
  Gifts: ['#b5651d', '#fbefe3'],
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if ((line + ' ' + word).trim().length > width) {
      lines.push(line.trim());
      line = word;
    } else line += ` ${word}`;
  }
  if (line.trim()) lines.push(line.trim());
  return lines.slice(0, 3);
}

const dir = new URL('../images/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [index, product] of seedCatalog.entries()) {
  const [ink, paper] = palette[product.category] ?? ['#444444', '#eeeeee'];
  const radius = 60 + (index % 5) * 8;
  const lines = wrap(product.name, 18)
    .map((line, i) => `<text x="200" y="${300 + i * 30}" text-anchor="middle" font-size="24" font-family="sans-serif" fill="${ink}">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="${escapeXml(product.name)}"><rect width="400" height="400" fill="${paper}"/><circle cx="200" cy="160" r="${radius}" fill="${ink}" opacity="0.85"/><text x="200" y="172" text-anchor="middle" font-size="40" font-family="sans-serif" fill="${paper}">${escapeXml(product.category.slice(0, 2).toUpperCase())}</text>${lines}</svg>\n`;
  writeFileSync(new URL(imageFileOf(product.sku), dir), svg);
}
console.log(`drew ${seedCatalog.length} images`);
