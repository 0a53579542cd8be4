// Colours: a stable colour per slice name (hash of the name → one of PALETTE_SIZE hues, so
// "aten::mm" has the same colour in every trace and in both sides of a comparison), text
// colours chosen for contrast, and the light/dark chrome of the timeline.

export const PALETTE_SIZE = 20;

export type Theme = 'light' | 'dark';

export interface ThemeColors {
  background: string;
  rulerBackground: string;
  rulerText: string;
  grid: string;
  trackSeparator: string;
  processHeader: string;
  traceHeader: string;
  text: string;
  mutedText: string;
  /** PALETTE_SIZE slice fills and the text colour readable on each. */
  slice: readonly string[];
  sliceText: readonly string[];
  /**
   * Merged (sub-pixel) groups: one neutral grey, so dense regions read as "zoom in" rather than
   * as a name, and neighbouring groups coalesce into long rects (a fraction of the raster cost
   * of per-group colours).
   */
  merged: string;
  /** Slices outside the highlight. */
  dimmed: string;
  selection: string;
  hover: string;
  rangeFill: string;
  rangeEdge: string;
  flow: string;
  flowSelected: string;
  counterFill: string;
  counterLine: string;
  /** GPU metric tracks: utilization (a light area) and estimated SM efficiency (a solid one over it). */
  metricBusyFill: string;
  metricBusyLine: string;
  metricSmFill: string;
  metricSmLine: string;
  /** The peak marker of a memory counter. */
  peak: string;
  summary: string;
  instant: string;
  /** Stripes over the open end of unfinished slices. */
  hatch: string;
}

/** 32-bit FNV-1a: fast, well spread for short identifiers, same result everywhere. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function colorIndexForName(name: string): number {
  return hashName(name) % PALETTE_SIZE;
}

/** Hex #rrggbb for an HSL colour (h in degrees, s and l in 0..1). */
export function hslToHex(h: number, s: number, l: number): string {
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255);
  };
  return `#${[f(0), f(8), f(4)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance of #rrggbb. */
export function luminance(hex: string): number {
  const lin = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const DARK_TEXT = '#16191f';
const LIGHT_TEXT = '#f5f7fa';

/** Dark or light text, whichever contrasts more with `fillHex`. */
export function textColorFor(fillHex: string): string {
  const l = luminance(fillHex);
  return contrast(l, luminance(DARK_TEXT)) >= contrast(l, luminance(LIGHT_TEXT)) ? DARK_TEXT : LIGHT_TEXT;
}

function palette(sat: number, light: readonly [number, number]): string[] {
  // 20 hues 18° apart; alternate the lightness so neighbouring hues never look alike.
  return Array.from({ length: PALETTE_SIZE }, (_, i) => readableFill((i * 18 + 8) % 360, sat, light[i % 2]!));
}

/** Nudges the lightness away from the label colour until labels reach WCAG AA (4.5:1). */
function readableFill(h: number, s: number, l: number): string {
  let hex = hslToHex(h, s, l);
  for (let step = 0; step < 20; step++) {
    const text = textColorFor(hex);
    const ratio = contrast(luminance(hex), luminance(text));
    if (ratio >= 4.5) break;
    l += text === DARK_TEXT ? 0.015 : -0.015;
    hex = hslToHex(h, s, l);
  }
  return hex;
}

function build(theme: Theme): ThemeColors {
  const slice = theme === 'light' ? palette(0.58, [0.68, 0.77]) : palette(0.42, [0.4, 0.48]);
  const merged = theme === 'light' ? '#a3abb8' : '#5a616e';
  const dimmed = theme === 'light' ? '#e4e7ec' : '#2a2f38';
  const base = {
    slice,
    sliceText: slice.map(textColorFor),
    merged,
    dimmed,
  };
  if (theme === 'light') {
    return {
      ...base,
      background: '#ffffff',
      rulerBackground: '#f4f6f9',
      rulerText: '#3c4556',
      grid: 'rgba(30, 40, 60, 0.08)',
      trackSeparator: '#e3e7ed',
      processHeader: '#eef1f5',
      traceHeader: '#dde4ee',
      text: '#1d2430',
      mutedText: '#5d6778',
      selection: '#1f4fd1',
      hover: 'rgba(31, 79, 209, 0.55)',
      rangeFill: 'rgba(47, 111, 235, 0.12)',
      rangeEdge: 'rgba(47, 111, 235, 0.8)',
      flow: 'rgba(70, 80, 100, 0.55)',
      flowSelected: '#d0381e',
      counterFill: 'rgba(47, 111, 235, 0.35)',
      counterLine: '#2f6feb',
      metricBusyFill: 'rgba(38, 166, 154, 0.28)',
      metricBusyLine: '#1f8a80',
      metricSmFill: 'rgba(230, 120, 20, 0.75)',
      metricSmLine: '#b35900',
      peak: '#c8102e',
      summary: '#5b7fc7',
      instant: 'rgba(40, 48, 62, 0.75)',
      hatch: 'rgba(255, 255, 255, 0.75)',
    };
  }
  return {
    ...base,
    background: '#15181e',
    rulerBackground: '#1d2129',
    rulerText: '#b6bfcd',
    grid: 'rgba(220, 230, 255, 0.07)',
    trackSeparator: '#272c36',
    processHeader: '#1f242d',
    traceHeader: '#2a3240',
    text: '#e3e7ee',
    mutedText: '#9aa4b5',
    selection: '#8fb4ff',
    hover: 'rgba(143, 180, 255, 0.6)',
    rangeFill: 'rgba(110, 160, 255, 0.14)',
    rangeEdge: 'rgba(110, 160, 255, 0.85)',
    flow: 'rgba(200, 210, 230, 0.5)',
    flowSelected: '#ff8a65',
    counterFill: 'rgba(110, 160, 255, 0.35)',
    counterLine: '#6ea0ff',
    metricBusyFill: 'rgba(77, 208, 190, 0.26)',
    metricBusyLine: '#4dd0be',
    metricSmFill: 'rgba(255, 160, 60, 0.7)',
    metricSmLine: '#ffb060',
    peak: '#ff5c6c',
    summary: '#6f8fd0',
    instant: 'rgba(220, 226, 236, 0.8)',
    hatch: 'rgba(21, 24, 30, 0.7)',
  };
}

const cache = new Map<Theme, ThemeColors>();

export function themeColors(theme: Theme): ThemeColors {
  let c = cache.get(theme);
  if (!c) {
    c = build(theme);
    cache.set(theme, c);
  }
  return c;
}

const UNKNOWN = 255;
const byStrings = new WeakMap<readonly string[], Uint8Array>();

/**
 * Palette index of string id `nameId` of a trace's string table. Hashes each name once and
 * remembers it in a byte per string, so the draw loop does one array read per slice.
 */
export function nameColorIndex(strings: readonly string[], nameId: number): number {
  let table = byStrings.get(strings);
  if (!table) {
    table = new Uint8Array(strings.length).fill(UNKNOWN);
    byStrings.set(strings, table);
  }
  let c = table[nameId];
  if (c === undefined) return colorIndexForName(strings[nameId] ?? '');
  if (c === UNKNOWN) {
    c = colorIndexForName(strings[nameId] ?? '');
    table[nameId] = c;
  }
  return c;
}
