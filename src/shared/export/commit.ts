/** The git commit message the extension writes when it commits a policy file. */
import { describeBase } from '../base';
import type { EvaluationMetadata, Policy } from '../policy';
import { entryKey, entryMeaning, percent, topOperations } from './describe';

export interface CommitExtras {
  /** The committed file(s), relative to the repository root. */
  readonly files?: readonly string[];
  /** Overrides the first line. */
  readonly subject?: string;
  /** How many operations to list (default 5). */
  readonly top?: number;
}

function round(v: number, digits = 4): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

/**
 * Subject line, then the search record (dataset, budget, seed, backend), the final
 * level 1 (p_aug) and the most probable operations.
 */
export function commitMessage(policy: Policy, extras: CommitExtras = {}): string {
  const s = policy.search;
  const dataset = s ? s.dataset.path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || s.dataset.path : undefined;
  const subject = extras.subject ?? (dataset ? `Add DDAS augmentation policy for ${dataset}` : 'Add augmentation policy');
  const lines = [subject, ''];
  if (s) {
    lines.push(
      `Dataset: ${s.dataset.path} (${s.dataset.images} images${s.dataset.sha256 ? `, sha256 ${s.dataset.sha256.slice(0, 12)}` : ''})`,
      `Budget: ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, model ${s.model}, ${s.seconds} s`,
      `Seed: ${s.seed}`,
      `Backend: ${s.backend}`,
    );
    if (s.valAccuracy !== undefined) lines.push(`Val accuracy (proxy): ${percent(s.valAccuracy)}`);
  } else {
    lines.push('Written by hand (no search record).');
  }
  if (policy.evaluation) lines.push(evaluationLine(policy.evaluation));
  const top = topOperations(policy.operations, extras.top ?? 5);
  lines.push(
    `Final p_aug: ${round(policy.applyProbability)} (${policy.opsPerImage} op${policy.opsPerImage === 1 ? '' : 's'} per augmented image)${weighted(policy)}`,
    `Schedule: ${policy.schedule ? `${policy.schedule.length} stages` : 'none (one stage)'}`,
    `Base transform: ${policy.base ? describeBase(policy.base) : 'none'}`,
    '',
    `Top ${top.length} operations:`,
    ...top.map((o, i) => `  ${i + 1}. ${entryKey(o).padEnd(16)} p = ${round(o.probability)}  (${entryMeaning(o)})`),
  );
  if (extras.files && extras.files.length > 0) lines.push('', `Files: ${extras.files.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** "Held-out evaluation: +1.2 points over base (95% CI +0.6..+1.8) on 10,000 held-out images (3 seeds x 40 epochs, 2000 training images, resnet-small, wasm)". */
export function evaluationLine(e: EvaluationMetadata): string {
  const b = e.budget;
  return `Held-out evaluation: ${e.verdict} (${b.seeds} seed${b.seeds === 1 ? '' : 's'} x ${b.epochs} epoch${b.epochs === 1 ? '' : 's'}, ${b.trainSize} training images, ${e.model}, ${e.backend})`;
}

/** " = learned 0.34 x evidence 0.238" when the search scaled level 1 by its evidence. */
function weighted(policy: Policy): string {
  const s = policy.search;
  return s?.learnedApplyProbability !== undefined && s.evidenceWeight !== undefined ? ` = learned ${round(s.learnedApplyProbability)} x evidence ${round(s.evidenceWeight)}` : '';
}
