import { describe, expect, it } from 'vitest';
import { skippedNotice } from './drop-notice.ts';

const files = (...names: string[]) => names.map((name) => ({ name }));

describe('skippedNotice', () => {
  it('says nothing when every dropped file is opened', () => {
    expect(skippedNotice(files('a.json'), 1)).toBeNull();
    expect(skippedNotice(files('a.json', 'b.json'), 2)).toBeNull();
  });
  it('names the file opened and the ones left out, and how to compare', () => {
    expect(skippedNotice(files('a.json', 'b.json'), 1)).toBe(
      'Dropped 2 files: opening a.json only; b.json was not opened. Drop one file at a time, or hold Shift while dropping two files to compare them.',
    );
  });
  it('names the two compared, and at most three of the rest', () => {
    expect(skippedNotice(files('a', 'b', 'c', 'd', 'e', 'f', 'g'), 2)).toBe(
      'Dropped 7 files: comparing a and b only; c, d, e and 2 more were not opened (two traces at most).',
    );
  });
});
