/** The built-in conjectures, by id: module paths relative to this file (loaded on demand). */
export const BUILTIN_CONJECTURES: Readonly<Record<string, string>> = {
  'sanity-false': './conjectures/falseSanity.ts',
  'circle-saddles': './conjectures/circleLandscape.ts',
  'metastable-monotone': './conjectures/metastable.ts',
  'random-qk-clustering': './conjectures/randomQKV.ts',
  'speed-factor-clustering': './conjectures/normalisations.ts',
};

/** The module URL of a built-in conjecture, or null. */
export function builtinUrl(id: string): string | null {
  const rel = BUILTIN_CONJECTURES[id];
  return rel ? new URL(rel, import.meta.url).href : null;
}
