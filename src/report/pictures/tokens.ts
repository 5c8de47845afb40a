import { gram } from '../../analysis/gram.ts';
import { fromRows } from '../../linalg/mat.ts';
import { figure } from '../../plot/figure.ts';
import { gramHeatmap } from '../../plot/gramHeatmap.ts';
import { tokenView } from '../../plot/tokenView.ts';

/** Options for {@link tokensPicture}. */
export interface TokensPictureOptions {
  readonly title?: string;
  /** A second configuration of the same n and d (e.g. the reference's), drawn as rings or a second heat map. */
  readonly reference?: readonly (readonly number[])[] | null;
  /** Names of the two sets (default "tokens" and "reference"). */
  readonly tokensLabel?: string;
  readonly referenceLabel?: string;
}

/**
 * The tokens of a case as a person pictures them: points on the circle for d = 2, on the sphere in
 * orthographic view for d = 3, and the Gram matrix <x_i, x_j> as a heat map for larger d (where
 * positions cannot be drawn, but clusters show as red blocks). d = 1 tokens (±1) sit on the circle's
 * horizontal axis.
 */
export function tokensPicture(X: readonly (readonly number[])[], options: TokensPictureOptions = {}): string {
  const d = X[0]?.length ?? 0;
  const ref = options.reference && options.reference.length === X.length && options.reference[0].length === d ? options.reference : undefined;
  const title = options.title ?? (d === 2 ? 'tokens on the circle' : d === 3 ? 'tokens on S² (orthographic)' : `Gram ⟨x_i, x_j⟩ (d = ${d})`);
  if (d <= 3) {
    const lift = (rows: readonly (readonly number[])[]) => (d === 1 ? rows.map((r) => [r[0], 0]) : rows);
    return tokenView(lift(X), {
      title,
      tokensLabel: options.tokensLabel ?? 'tokens',
      ...(ref ? { rings: lift(ref), ringsLabel: options.referenceLabel ?? 'reference' } : {}),
    });
  }
  const panel = (rows: readonly (readonly number[])[], label: string) => gramHeatmap(gram(fromRows(rows.map((r) => [...r]))), { width: 300, height: 290, title: label });
  if (!ref) return panel(X, title);
  return figure([panel(X, `${options.tokensLabel ?? 'tokens'}: Gram ⟨x_i, x_j⟩`), panel(ref, `${options.referenceLabel ?? 'reference'}: Gram ⟨x_i, x_j⟩`)], { columns: 2 });
}
