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

/** A simple drawing per category, in a 200×200 box centred at (200, 150), in the ink colour. */
const glyphs: Record<string, (ink: string, paper: string) => string> = {
  // A coffee bean: an ellipse with its centre crease.
  Coffee: (ink, paper) =>
    `<ellipse cx="200" cy="150" rx="58" ry="82" transform="rotate(-30 200 150)" fill="${ink}"/><path d="M170 95 C 215 130, 185 175, 230 205" stroke="${paper}" stroke-width="9" fill="none" stroke-linecap="round"/>`,
  // A tea leaf with its vein.
  Tea: (ink, paper) =>
    `<path d="M200 60 C 290 110, 270 220, 200 240 C 130 220, 110 110, 200 60 Z" fill="${ink}"/><path d="M200 80 L200 230" stroke="${paper}" stroke-width="6"/>`,
  // A kettle: body, spout and handle.
  Kitchen: (ink) =>
    `<path d="M140 230 L150 140 Q200 120 250 140 L260 230 Z" fill="${ink}"/><path d="M250 160 L300 130" stroke="${ink}" stroke-width="12" stroke-linecap="round"/><path d="M165 130 Q200 70 235 130" stroke="${ink}" stroke-width="10" fill="none"/>`,
  // An open book.
  Books: (ink, paper) =>
    `<path d="M110 90 L200 110 L290 90 L290 220 L200 240 L110 220 Z" fill="${ink}"/><path d="M200 110 L200 240" stroke="${paper}" stroke-width="6"/>`,
  // Two mountains and a sun.
  Outdoors: (ink) =>
    `<circle cx="265" cy="85" r="22" fill="${ink}" opacity="0.6"/><path d="M100 235 L170 120 L215 185 L245 145 L305 235 Z" fill="${ink}"/>`,
  // A pencil.
  Stationery: (ink, paper) =>
    `<g transform="rotate(-35 200 150)"><rect x="120" y="130" width="150" height="40" fill="${ink}"/><path d="M270 130 L310 150 L270 170 Z" fill="${ink}" opacity="0.7"/><rect x="120" y="146" width="150" height="8" fill="${paper}" opacity="0.5"/></g>`,
  // A wrapped present.
  Gifts: (ink, paper) =>
    `<rect x="130" y="120" width="140" height="110" fill="${ink}"/><rect x="120" y="100" width="160" height="30" fill="${ink}"/><rect x="192" y="100" width="16" height="130" fill="${paper}"/><path d="M200 100 C 170 60, 150 90, 200 100 C 250 90, 230 60, 200 100" stroke="${ink}" stroke-width="8" fill="none"/>`,
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
  const drawing = (glyphs[product.category] ?? glyphs.Gifts!)(ink, paper);
  // Products of one category differ by a slight tilt and a tint, so a page of them is not a grid of clones.
  const tilt = ((index * 7) % 21) - 10;
  const lines = wrap(product.name, 20)
    .map(
      (line, i) =>
        `<text x="200" y="${302 + i * 30}" text-anchor="middle" font-size="24" font-weight="600" font-family="sans-serif" fill="${ink}">${escapeXml(line)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="${escapeXml(product.name)}"><rect width="400" height="400" fill="${paper}"/><circle cx="200" cy="150" r="115" fill="${ink}" opacity="${(0.08 + (index % 4) * 0.03).toFixed(2)}"/><g transform="rotate(${tilt} 200 150)">${drawing}</g>${lines}</svg>\n`;
  writeFileSync(new URL(imageFileOf(product.sku), dir), svg);
}
console.log(`drew ${seedCatalog.length} images`);
