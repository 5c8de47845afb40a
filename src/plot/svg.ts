import { AttnflowError } from '../errors.ts';

/** Attribute values of one SVG element; `undefined` leaves the attribute out. */
export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** Escapes text for element content and attribute values (&, <, >, ", '). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/**
 * A coordinate or size for an attribute, rounded to 2 decimals (a hundredth of a pixel). A non-finite
 * value is a bug in the caller's scaling, so it throws instead of writing "NaN" into the SVG.
 */
export function num(x: number, field = 'coordinate'): string {
  if (!Number.isFinite(x)) throw new AttnflowError(`plot ${field}`, `is ${x}`, 'pass finite data to the plot writer');
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** One element: `<name a="v" ...>children</name>`, or self-closing when there are no children. */
export function el(name: string, attrs: Attrs = {}, children: string | readonly string[] = ''): string {
  let open = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    open += ` ${k}="${typeof v === 'number' ? num(v, `${name}@${k}`) : escapeXml(v)}"`;
  }
  const body = typeof children === 'string' ? children : children.join('');
  return body === '' ? `${open}/>` : `${open}>${body}</${name}>`;
}

/** A text element with escaped content. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

/** The root element of a stand-alone SVG document of the given pixel size. */
export function svgDocument(width: number, height: number, body: string | readonly string[]): string {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      'font-family': 'Helvetica, Arial, sans-serif',
      'font-size': 11,
    },
    [el('rect', { x: 0, y: 0, width, height, fill: 'white' }), ...(typeof body === 'string' ? [body] : body)],
  ) + '\n';
}

/** Reads width and height back from the root of an SVG document written by {@link svgDocument}. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const w = Number(/\swidth="([^"]+)"/.exec(root)?.[1]);
  const h = Number(/\sheight="([^"]+)"/.exec(root)?.[1]);
  if (!(w > 0 && h > 0)) throw new AttnflowError('panel', 'is not an SVG document with width and height', 'pass the output of an attnflow plot writer');
  return { width: w, height: h };
}

/** Points as the `points` attribute of a polyline. */
export function points(xs: readonly number[], ys: readonly number[]): string {
  let s = '';
  for (let k = 0; k < xs.length; k++) s += `${k ? ' ' : ''}${num(xs[k])},${num(ys[k])}`;
  return s;
}
