import { describe, expect, it } from 'vitest';
import {
  colorIndexForName, hashName, hslToHex, luminance, nameColorIndex, PALETTE_SIZE, textColorFor, themeColors,
} from './colors.ts';

describe('colour by name', () => {
  it('gives the same name the same colour, in any string table', () => {
    const a = ['x', 'aten::mm', 'y'];
    const b = ['aten::mm'];
    expect(nameColorIndex(a, 1)).toBe(nameColorIndex(b, 0));
    expect(nameColorIndex(a, 1)).toBe(colorIndexForName('aten::mm'));
    expect(nameColorIndex(a, 1)).toBe(nameColorIndex(a, 1)); // cached path
  });

  it('hashes with FNV-1a (known vectors)', () => {
    expect(hashName('')).toBe(0x811c9dc5);
    expect(hashName('a')).toBe(0xe40c292c);
    expect(hashName('foobar')).toBe(0xbf9cf968);
  });

  it('spreads typical kernel and op names over most of the palette', () => {
    const names = [
      'aten::mm', 'aten::add', 'aten::mul', 'aten::relu', 'aten::conv2d', 'aten::linear', 'aten::copy_', 'aten::empty',
      'cudaLaunchKernel', 'cudaMemcpyAsync', 'cudaStreamSynchronize', 'volta_sgemm_128x64_nn', 'Memcpy HtoD',
      'ProfilerStep#1', 'ProfilerStep#2', 'Optimizer.step#SGD.step', 'aten::batch_norm', 'aten::max_pool2d',
      'void at::native::vectorized_elementwise_kernel', 'ncclKernel_AllReduce_RING_LL_Sum_float',
    ];
    const used = new Set(names.map(colorIndexForName));
    expect(used.size).toBeGreaterThanOrEqual(10);
    for (const c of used) expect(c).toBeLessThan(PALETTE_SIZE);
  });
});

const mean = (xs: readonly string[]): number => xs.reduce((a, x) => a + luminance(x), 0) / xs.length;

describe('palettes', () => {
  it('has PALETTE_SIZE distinct fills per theme, each with readable text', () => {
    for (const theme of ['light', 'dark'] as const) {
      const c = themeColors(theme);
      expect(c.slice).toHaveLength(PALETTE_SIZE);
      expect(new Set(c.slice).size).toBe(PALETTE_SIZE);
      c.slice.forEach((fill, i) => {
        const text = c.sliceText[i]!;
        const [l1, l2] = [luminance(fill), luminance(text)];
        const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        expect(ratio).toBeGreaterThanOrEqual(4.5); // WCAG AA for small text
      });
    }
  });

  it('the dark theme is darker than the light one', () => {
    expect(mean(themeColors('dark').slice)).toBeLessThan(mean(themeColors('light').slice));
    expect(luminance(themeColors('dark').background)).toBeLessThan(0.05);
  });

  it('converts HSL and picks contrasting text', () => {
    expect(hslToHex(0, 1, 0.5)).toBe('#ff0000');
    expect(hslToHex(120, 1, 0.25)).toBe('#008000');
    expect(textColorFor('#ffffff')).not.toBe(textColorFor('#000000'));
    expect(luminance(textColorFor('#fafafa'))).toBeLessThan(0.1);
  });
});

describe('merged colour', () => {
  it('is a neutral grey, apart from every palette colour', () => {
    for (const theme of ['light', 'dark'] as const) {
      const c = themeColors(theme);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(c.merged.slice(i, i + 2), 16));
      expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!)).toBeLessThan(24);
      expect(c.slice).not.toContain(c.merged);
    }
  });
});
