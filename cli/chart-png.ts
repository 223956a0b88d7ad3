// Charts as PNG files: a Vega-Lite spec compiled by vega-lite, drawn to SVG by vega (headless), rasterised by resvg.
import type { TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to PNG bytes; no browser, no network (fonts from the system: DejaVu on Debian). */
export async function renderChart(spec: TopLevelSpec, scale = 2): Promise<Buffer> {
  const [{ compile }, vega, { Resvg }] = await Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' }).render().asPng();
  return Buffer.from(png);
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}
