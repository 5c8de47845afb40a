import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

/**
 * Font files tried for the text of rendered figures, in order: Debian's DejaVu Sans
 * (fonts-dejavu-core) and Liberation Sans (fonts-liberation, which Chromium pulls in). resvg also
 * loads every system font; these are named so "sans-serif" and Helvetica/Arial resolve to a font that
 * is actually there.
 */
export const FONT_CANDIDATES: readonly { readonly family: string; readonly file: string }[] = [
  { family: 'DejaVu Sans', file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  { family: 'Liberation Sans', file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf' },
];

/** The first font of {@link FONT_CANDIDATES} present on this machine, or null (text would not render). */
export function figureFont(): { family: string; file: string } | null {
  return FONT_CANDIDATES.find((f) => existsSync(f.file)) ?? null;
}

/** Options for {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixels per SVG unit (default 2, sharp on high-density screens). */
  readonly scale?: number;
  /** Background colour (default white). */
  readonly background?: string;
}

/**
 * Renders an SVG document to PNG with resvg (a Rust renderer shipped as a prebuilt binary inside the
 * npm package: no network, no browser), so the PNG of a figure is the SVG itself: the same axes,
 * labels, colour bar and curves. Text uses the system fonts; `fontMissing` says when none of
 * {@link FONT_CANDIDATES} exists (labels may then be absent: install fonts-dejavu-core). `pixels` is
 * the same image as straight RGBA, row-major.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): { png: Buffer; width: number; height: number; pixels: Uint8Array; fontMissing: boolean } {
  const font = figureFont();
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: options.background ?? 'white',
    font: {
      loadSystemFonts: true,
      ...(font ? { fontFiles: [font.file], defaultFontFamily: font.family, sansSerifFamily: font.family } : {}),
    },
  });
  const img = r.render();
  return { png: img.asPng(), width: img.width, height: img.height, pixels: new Uint8Array(img.pixels), fontMissing: font === null };
}
