/** Number and duration formats for the header and tooltips. */
import type { BaseTransform } from '../src/shared/base';

/**
 * "crop (pad 4) + flip LR", "none": the wording of describeBase in src/shared/base.ts
 * (a test keeps them equal), which is not imported because it would bundle zod here.
 */
export function formatBase(base: BaseTransform): string {
  const parts: string[] = [];
  if (base.cropPadding > 0) parts.push(`crop (pad ${base.cropPadding})`);
  if (base.flipLR) parts.push('flip LR');
  if (base.cutout > 0) parts.push(`Cutout ${base.cutout} px`);
  return parts.length > 0 ? parts.join(' + ') : 'none';
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '-';
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '-';
}
