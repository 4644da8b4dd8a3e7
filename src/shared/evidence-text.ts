/** A search's evidence (policy `search.evidence`) in words, for the CLI and the panel. */
import type { Evidence } from './policy';
import { describeCategoryKey } from './space';

/** "harmful with confidence: FlipUD, FlipLR; helpful: Rotate 7.5°; no evidence: 40 of 52". */
export function evidenceSentence(e: Evidence): string {
  const named = (verdict: 'harmful' | 'helpful'): string[] =>
    e.categories
      .filter((c) => c.verdict === verdict)
      .sort((a, b) => Math.abs(b.effect / b.se) - Math.abs(a.effect / a.se))
      .map((c) => describeCategoryKey(c.category));
  const harmful = named('harmful');
  const helpful = named('helpful');
  const none = e.categories.length - harmful.length - helpful.length;
  return `harmful with confidence: ${harmful.join(', ') || 'none'}; helpful: ${helpful.join(', ') || 'none'}; no evidence: ${none} of ${e.categories.length}`;
}

/** "augmenting at all: harmful (mean d -0.12 +/- 0.02 over 200 steps)". */
export function augmentSentence(e: Evidence): string {
  const a = e.augment;
  const word = a.verdict === 'none' ? 'no evidence either way' : a.verdict;
  return `augmenting at all: ${word} (mean d ${signed(a.effect)} +/- ${a.se.toFixed(3)} over ${e.steps} steps)`;
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
}
