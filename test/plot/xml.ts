/**
 * A parse-free well-formedness check for the SVG the plot writers emit: every tag is balanced and
 * properly nested, attributes are quoted, there is one root element, and no attribute value holds
 * NaN, Infinity or undefined. Returns the problems found (empty when the document is fine).
 */
export function xmlProblems(svg: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    if (/[<>]/.test(between)) problems.push(`stray < or > before offset ${m.index}: ${JSON.stringify(between.slice(0, 40))}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(between)) problems.push(`unescaped & in text at offset ${m.index}`);
    last = m.index + m[0].length;
    const [, close, name, attrs, selfClose] = m;
    for (const a of attrs.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (/NaN|Infinity|undefined/.test(a[2])) problems.push(`attribute ${a[1]}="${a[2]}" on <${name}>`);
    }
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  if (/[<>]/.test(svg.slice(last))) problems.push('stray < or > after the last tag');
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

/** How many `<name ...>` elements the document holds. */
export function countElements(svg: string, name: string): number {
  return (svg.match(new RegExp(`<${name}[\\s/>]`, 'g')) ?? []).length;
}
