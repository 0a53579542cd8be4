import { describe, expect, it } from 'vitest';
import { parsePolicy } from './cores.ts';

describe('parsePolicy', () => {
  it('on two cores: one parse worker, for plain files from 448 MiB only', () => {
    expect(parsePolicy(2, null)).toEqual({ workers: 1, minBytes: 448 << 20, streams: false });
    expect(parsePolicy(3, null).workers).toBe(1);
  });

  it('from four cores: a worker per core left after the trace worker and the page, at most four', () => {
    expect(parsePolicy(4, null)).toEqual({ workers: 2, minBytes: 4 << 20, streams: true });
    expect(parsePolicy(8, null).workers).toBe(4);
    expect(parsePolicy(64, null).workers).toBe(4);
  });

  it('?workers=N overrides the number and applies it from 4 MiB, streams included', () => {
    expect(parsePolicy(2, 0).workers).toBe(0);
    expect(parsePolicy(2, 3)).toEqual({ workers: 3, minBytes: 4 << 20, streams: true });
  });
});
