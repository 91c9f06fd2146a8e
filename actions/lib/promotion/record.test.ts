import { describe, expect, it } from 'vitest';
import { formatPromotionMessage, latestImages, parsePromotionTrailers, rollbackTarget } from './record.ts';
import type { RecordedImage, RecordedPromotion } from './record.ts';

const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const image = (service: string, n: number, releaseId = `r${n}`): RecordedImage => ({
  service,
  image: { repository: `registry.example.com/shop/${service}`, tag: `sha-${n}`, digest: digest(n) },
  sourceCommit: `${n}`.repeat(40).slice(0, 40),
  createdAt: `2026-11-22T0${n}:00:00.000Z`,
  releaseId,
});
const promotion = (commit: string, images: RecordedImage[], rollsBack?: string): RecordedPromotion => ({
  commit,
  environment: 'dev',
  releaseId: images[0]?.releaseId ?? 'r',
  createdAt: images[0]?.createdAt ?? '',
  sourceCommit: images[0]?.sourceCommit ?? '',
  images,
  ...(rollsBack ? { rollsBack } : {}),
});

describe('promotion trailers', () => {
  it('round-trip through the commit message', () => {
    const record = {
      ...promotion('c1', [image('product', 1, 'rel-1'), { ...image('cart', 2, 'rel-1'), chartRevision: '0.4.0' }]),
      approvedBy: 'Alice Example <alice@example.com>',
    };
    const message = formatPromotionMessage(
      record,
      record.images.map((entry) => ({ ...entry, from: { tag: 'sha-0' } })),
    );
    expect(message.split('\n')[0]).toBe('promote dev: product sha-1, cart sha-2');
    const trailers = message.slice(message.lastIndexOf('\n\n') + 2);
    const { commit: _commit, ...expected } = record;
    expect(parsePromotionTrailers(trailers)).toEqual(expected);
  });

  it('ignore commits that are not promotions and image trailers that are not references', () => {
    expect(parsePromotionTrailers('Signed-off-by: someone\n')).toBeUndefined();
    expect(
      parsePromotionTrailers('Slipway-Release: r1\nSlipway-Environment: dev\nSlipway-Image: product not-a-reference\n')?.images,
    ).toEqual([]);
  });
});

describe('history decisions', () => {
  it('latest image per service is the newest record naming it', () => {
    const history = [
      promotion('c3', [image('cart', 3)]),
      promotion('c2', [image('product', 2)]),
      promotion('c1', [image('product', 1), image('cart', 1)]),
    ];
    const latest = latestImages(history);
    expect([latest.get('product')?.commit, latest.get('cart')?.commit]).toEqual(['c2', 'c3']);
  });

  it.each([
    {
      name: 'undoes the newest promotion with the images recorded before it',
      history: [promotion('c2', [image('product', 2)]), promotion('c1', [image('product', 1), image('cart', 1)])],
      undo: 'c2',
      images: [['product', 1]],
    },
    {
      name: 'skips a promotion already rolled back and the rollback itself',
      history: [
        promotion('c4', [image('product', 1)], 'c3'),
        promotion('c3', [image('product', 3)]),
        promotion('c2', [image('product', 2)]),
        promotion('c1', [image('product', 1)]),
      ],
      undo: 'c2',
      images: [['product', 1]],
    },
  ])('$name', ({ history, undo, images }) => {
    const target = rollbackTarget(history);
    expect('error' in target).toBe(false);
    if ('error' in target) return;
    expect(target.undo.commit).toBe(undo);
    expect(target.images.map((entry) => [entry.service, Number(entry.image.tag.slice(4))])).toEqual(images);
  });

  it.each([
    [[], /no promotion recorded/],
    [[promotion('c1', [image('product', 1)])], /no release of product recorded before c1/],
  ])('refuses when there is nothing to go back to (%#)', (history, message) => {
    const target = rollbackTarget(history);
    expect('error' in target && target.error).toMatch(message);
  });
});
