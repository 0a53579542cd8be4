import { describe, expect, it } from 'vitest';
import { RectBatch } from './rect-batch.ts';

/** A context that records the calls flush makes. */
function recorder() {
  const log: string[] = [];
  const ctx = {
    set fillStyle(v: string) {
      log.push(`style ${v}`);
    },
    beginPath: () => log.push('begin'),
    rect: (x: number, y: number, w: number, h: number) => log.push(`rect ${x} ${y} ${w} ${h}`),
    fill: () => log.push('fill'),
  } as unknown as CanvasRenderingContext2D;
  return { ctx, log };
}

describe('RectBatch', () => {
  it('fills each colour once, in bucket order, and empties itself', () => {
    const b = new RectBatch(3, 1);
    b.add(2, 0, 0, 5, 10);
    b.add(0, 10, 0, 5, 10);
    b.add(0, 30, 0, 5, 10);
    expect(b.size()).toBe(3);
    const { ctx, log } = recorder();
    b.flush(ctx, ['red', 'green', 'blue']);
    expect(log).toEqual(['style red', 'begin', 'rect 10 0 5 10', 'rect 30 0 5 10', 'fill', 'style blue', 'begin', 'rect 0 0 5 10', 'fill']);
    expect(b.size()).toBe(0);
  });

  it('widens the previous rect of a colour when the next one touches it on the same row', () => {
    const b = new RectBatch(1, 1);
    b.add(0, 0, 5, 1, 16);
    b.add(0, 1, 5, 1, 16);
    b.add(0, 1.5, 5, 2, 16);
    b.add(0, 4, 5, 1, 16); // a gap: new rect
    b.add(0, 5, 20, 1, 16); // another row: new rect
    const { ctx, log } = recorder();
    b.flush(ctx, ['grey']);
    expect(log.filter((l) => l.startsWith('rect'))).toEqual(['rect 0 5 3.5 16', 'rect 4 5 1 16', 'rect 5 20 1 16']);
  });
});
