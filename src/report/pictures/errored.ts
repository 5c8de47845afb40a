import { el, escapeXml, svgDocument, text } from '../../plot/svg.ts';

/** One transport event, as the protocol client records it. */
export interface IncidentLike {
  readonly kind: string;
  readonly message: string;
  readonly seq?: number;
}

/** What went wrong with an errored theorem, in a person's words: crash, hang, garbage, ... */
export function whatHappened(kind: string): string {
  switch (kind) {
    case 'crash': return 'the process crashed';
    case 'timeout': return 'no answer in time (hang)';
    case 'garbage': return 'an answer that is not JSON (garbage)';
    case 'shape': return 'an answer of the wrong shape or with non-finite numbers';
    case 'internal': return 'the implementation reported an internal error';
    case 'invalid-request': return 'the implementation refused the request';
    case 'restart': return 'the process was restarted';
    default: return kind;
  }
}

const KIND_COLOR: Record<string, string> = { crash: '#b2182b', timeout: '#E69F00', garbage: '#CC79A7', shape: '#D55E00', internal: '#882255', restart: '#999999' };

/** The first non-restart incident kind, or the kind named in an `implementation <kind>: ...` message. */
export function errorKind(incidents: readonly IncidentLike[] | undefined, message: string | undefined): string {
  const first = (incidents ?? []).find((i) => i.kind !== 'restart');
  if (first) return first.kind;
  const m = /implementation ([\w-]+):/.exec(message ?? '');
  return m ? m[1] : 'error';
}

/**
 * Errored theorems: a banner naming what happened (crash, hang, garbage, ...) and a timeline of the
 * theorem's transport incidents in order, each a coloured mark labelled with its kind and request
 * seq, restarts in grey. The stderr tail is shown next to it as text by the page.
 */
export function erroredPicture(input: { readonly incidents?: readonly IncidentLike[]; readonly message?: string; readonly kind?: string }): string {
  const incidents = input.incidents ?? [];
  const kind = input.kind ?? errorKind(incidents, input.message);
  const width = 520, height = 150;
  const parts: string[] = [];
  const color = KIND_COLOR[kind] ?? '#b2182b';
  parts.push(el('rect', { x: 10, y: 10, width: width - 20, height: 34, rx: 6, fill: color, 'fill-opacity': 0.12, stroke: color }));
  parts.push(text(22, 32, `${kind.toUpperCase()}: ${whatHappened(kind)}`, { 'font-size': 14, 'font-weight': 'bold', fill: color }));
  const y = 92, left = 30, right = width - 30;
  parts.push(el('line', { x1: left, y1: y, x2: right, y2: y, stroke: '#999' }));
  parts.push(text(left, y + 40, 'incidents of this theorem, in order →', { fill: '#666' }));
  const shown = incidents.slice(0, 24);
  shown.forEach((inc, k) => {
    const x = shown.length === 1 ? (left + right) / 2 : left + ((right - left) * k) / (shown.length - 1);
    const c = KIND_COLOR[inc.kind] ?? '#b2182b';
    parts.push(el('circle', { class: 'incident', cx: x, cy: y, r: inc.kind === 'restart' ? 4 : 7, fill: c }, el('title', {}, escapeXml(`${inc.kind}${inc.seq !== undefined ? ` (seq ${inc.seq})` : ''}: ${inc.message}`))));
    if (shown.length <= 10 || k % 2 === 0) {
      parts.push(text(x, y - 14, inc.kind, { 'text-anchor': 'middle', fill: c, 'font-size': 10 }));
      if (inc.seq !== undefined) parts.push(text(x, y + 22, `seq ${inc.seq}`, { 'text-anchor': 'middle', fill: '#666', 'font-size': 9 }));
    }
  });
  if (shown.length === 0) parts.push(text((left + right) / 2, y - 12, 'no transport incident recorded: the implementation answered, with an error', { 'text-anchor': 'middle', fill: '#666' }));
  if (incidents.length > shown.length) parts.push(text(right, y + 40, `(+${incidents.length - shown.length} more)`, { 'text-anchor': 'end', fill: '#666' }));
  return svgDocument(width, height, parts);
}
