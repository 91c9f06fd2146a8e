/**
 * The seed catalog: what a fresh shop sells. Prices are integer cents; every product has an
 * SVG image in ../images that ships with the repository.
 */
import type { NewProduct } from './products.ts';

/** A seed product: a new product whose image file is named after its SKU. */
export type SeedProduct = Omit<NewProduct, 'image'>;

export const seedCatalog: readonly SeedProduct[] = [
  { sku: 'cof-ethiopia-250', name: 'Ethiopia Yirgacheffe Beans', description: 'Washed single-origin beans with notes of jasmine, bergamot and lemon. 250 g, roasted light for filter.', priceCents: 1490, category: 'Coffee', stock: 120, featured: true },
  { sku: 'cof-colombia-250', name: 'Colombia Huila Beans', description: 'Balanced and sweet: red apple, caramel and milk chocolate. 250 g, medium roast.', priceCents: 1290, category: 'Coffee', stock: 140 },
  { sku: 'cof-espresso-1k', name: 'House Espresso Blend 1 kg', description: 'A chocolatey espresso blend of Brazilian and Guatemalan beans that forgives a rough grind.', priceCents: 3450, category: 'Coffee', stock: 60, featured: true },
  { sku: 'cof-decaf-250', name: 'Swiss Water Decaf', description: 'Decaffeinated without solvents; cocoa and hazelnut, good at any hour. 250 g.', priceCents: 1390, category: 'Coffee', stock: 80 },
  { sku: 'cof-kenya-250', name: 'Kenya Nyeri AA Beans', description: 'Bright blackcurrant and grapefruit acidity with a syrupy body. 250 g, light roast.', priceCents: 1690, category: 'Coffee', stock: 45 },
  { sku: 'cof-coldbrew-pack', name: 'Cold Brew Pouches (6)', description: 'Six coarse-ground pouches for a litre of cold brew each. Steep overnight, no filter needed.', priceCents: 1190, category: 'Coffee', stock: 75 },
  { sku: 'tea-sencha-100', name: 'Japanese Sencha', description: 'Steamed green tea from Shizuoka, grassy and sweet. 100 g loose leaf.', priceCents: 1150, category: 'Tea', stock: 90, featured: true },
  { sku: 'tea-assam-200', name: 'Assam Breakfast Tea', description: 'Malty, strong and ready for milk. 200 g of second-flush leaves.', priceCents: 990, category: 'Tea', stock: 110 },
  { sku: 'tea-earlgrey-100', name: 'Earl Grey with Cornflower', description: 'Ceylon black tea scented with real bergamot oil and blue cornflower petals. 100 g.', priceCents: 1050, category: 'Tea', stock: 70 },
  { sku: 'tea-chamomile-50', name: 'Whole Chamomile Flowers', description: 'Caffeine-free, honeyed and calm. 50 g of whole Egyptian flowers.', priceCents: 790, category: 'Tea', stock: 65 },
  { sku: 'tea-oolong-100', name: 'Tieguanyin Oolong', description: 'Rolled oolong with orchid aroma that gives five infusions or more. 100 g.', priceCents: 1590, category: 'Tea', stock: 35 },
  { sku: 'kit-pourover', name: 'Ceramic Pour-Over Dripper', description: 'A size 02 dripper in glazed porcelain that holds heat through the brew.', priceCents: 2490, category: 'Kitchen', stock: 40, featured: true },
  { sku: 'kit-kettle', name: 'Gooseneck Kettle 0.9 l', description: 'A stovetop kettle with a slow, steady spout for pour-over. Works on induction.', priceCents: 4990, category: 'Kitchen', stock: 25 },
  { sku: 'kit-grinder', name: 'Hand Burr Grinder', description: 'Steel conical burrs, 40 click settings, from espresso to French press.', priceCents: 7900, category: 'Kitchen', stock: 18, featured: true },
  { sku: 'kit-scale', name: 'Brew Scale with Timer', description: 'Weighs to 0.1 g and times the brew; charges over USB-C.', priceCents: 3290, category: 'Kitchen', stock: 30 },
  { sku: 'kit-frenchpress', name: 'French Press 1 l', description: 'Borosilicate glass and a four-layer steel filter. Serves four.', priceCents: 2990, category: 'Kitchen', stock: 35 },
  { sku: 'kit-mug-set', name: 'Stoneware Mugs (set of 2)', description: 'Hand-glazed 300 ml mugs; every pair is a little different.', priceCents: 2690, category: 'Kitchen', stock: 50 },
  { sku: 'kit-teapot', name: 'Cast Iron Teapot', description: 'A 600 ml tetsubin with an enamelled interior and a steel infuser.', priceCents: 4590, category: 'Kitchen', stock: 15 },
  { sku: 'kit-filters', name: 'Paper Filters (100)', description: 'Unbleached size 02 cone filters that leave no papery taste.', priceCents: 590, category: 'Kitchen', stock: 200 },
  { sku: 'bok-brewing', name: 'The Book of Brewing', description: 'A practical guide to extraction, water and grind, with forty recipes.', priceCents: 2800, category: 'Books', stock: 22 },
  { sku: 'bok-tea-atlas', name: 'A Tea Atlas', description: 'Where tea grows and how it is made, region by region, with maps and tasting notes.', priceCents: 3500, category: 'Books', stock: 14 },
  { sku: 'bok-bakery', name: 'Morning Bakes', description: 'Pastries and breads to go with coffee, written for a home oven.', priceCents: 2400, category: 'Books', stock: 20 },
  { sku: 'bok-roasting', name: 'Roasting at Home', description: 'From a popcorn popper to a drum roaster: profiles, safety and storage.', priceCents: 2600, category: 'Books', stock: 12 },
  { sku: 'out-flask', name: 'Insulated Flask 500 ml', description: 'Keeps drinks hot for 12 hours and cold for 24. Leak-proof lid that doubles as a cup.', priceCents: 2990, category: 'Outdoors', stock: 55, featured: true },
  { sku: 'out-camp-press', name: 'Camp Coffee Press', description: 'A light press that brews in its own insulated mug. Packs into a rucksack side pocket.', priceCents: 3490, category: 'Outdoors', stock: 28 },
  { sku: 'out-stove', name: 'Folding Camp Stove', description: 'A 90 g canister stove that boils half a litre in three minutes.', priceCents: 3990, category: 'Outdoors', stock: 16 },
  { sku: 'out-enamel-mug', name: 'Enamel Camp Mug', description: 'A 350 ml enamelled steel mug that can sit on the fire.', priceCents: 1290, category: 'Outdoors', stock: 85 },
  { sku: 'sta-notebook', name: 'Tasting Notebook', description: 'A5, 120 pages with tasting wheels and brew logs on dot-grid paper.', priceCents: 1490, category: 'Stationery', stock: 60 },
  { sku: 'sta-pencils', name: 'Cedar Pencils (6)', description: 'HB cedar pencils with a satin finish, sharpened and ready.', priceCents: 690, category: 'Stationery', stock: 150 },
  { sku: 'sta-postcards', name: 'Coffee Map Postcards (10)', description: 'Ten illustrated postcards of the world\'s coffee regions.', priceCents: 990, category: 'Stationery', stock: 95 },
  { sku: 'sta-tote', name: 'Canvas Tote Bag', description: 'Heavy cotton canvas with a gusset wide enough for a kilo of beans and a book.', priceCents: 1890, category: 'Stationery', stock: 70 },
  { sku: 'gif-card-25', name: 'Gift Card $25', description: 'A gift card by email for anything in the shop; it never expires.', priceCents: 2500, category: 'Gifts', stock: 1000 },
  { sku: 'gif-sampler', name: 'Coffee Sampler Box', description: 'Four 100 g bags from four origins, with a card on how to taste them side by side.', priceCents: 3290, category: 'Gifts', stock: 30, featured: true },
  { sku: 'gif-tea-tin', name: 'Tea Tin Trio', description: 'Three airtight tins filled with sencha, Assam and chamomile.', priceCents: 2890, category: 'Gifts', stock: 24 },
];

export function imageFileOf(sku: string): string {
  return `${sku}.svg`;
}
