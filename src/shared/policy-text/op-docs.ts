/**
 * Markdown documentation of each operation, derived from the catalog, for the JSON
 * schema (completion and hover in JSON/YAML editors) and the editor's own hovers.
 */
import { DEFAULT_MAGNITUDE_BINS, OPS, type OpName } from '../ops';

/** What magnitude m = 1 means for the op, in words; null for ops without magnitude. */
export function rangeAtOne(op: OpName): string | null {
  const spec = OPS[op].magnitude;
  if (spec === null) return null;
  switch (spec.kind) {
    case 'shear':
      return `shear factor ${spec.signed ? '+/-' : ''}${spec.max}`;
    case 'rotate':
      return `${spec.signed ? '+/-' : ''}${spec.max} degrees`;
    case 'translate':
      return `${spec.signed ? '+/-' : ''}${round1(100 * spec.max)}% of the ${op === 'TranslateX' ? 'width' : 'height'} (150/331)`;
    case 'enhance':
      return `factor 1 ${spec.signed ? '+/-' : '+'} ${spec.max}`;
    case 'posterize':
      return `${8 - spec.max} bits kept (8 at m = 0)`;
    case 'solarize':
      return 'threshold 0 (every pixel inverted); 255 at m = 0';
    case 'cutout':
      return `square of ${spec.max} x the shorter side`;
  }
}

/** Markdown for one op: summary, range at m = 1, sign, the default bins. */
export function opMarkdown(op: OpName): string {
  const spec = OPS[op];
  const lines = [`**${op}**: ${spec.summary}`];
  const range = rangeAtOne(op);
  if (spec.magnitude === null || range === null) {
    lines.push('', 'Takes no `magnitude`.');
  } else {
    lines.push('', `Range at magnitude 1: ${range}; magnitude m in [0, 1] scales it linearly.`);
    lines.push(
      '',
      spec.magnitude.signed
        ? 'Signed: the sign (+ or -) is drawn per image; + is torchvision\'s positive direction.'
        : 'Unsigned: the same direction for every image.',
    );
    lines.push('', `Default bins: ${DEFAULT_MAGNITUDE_BINS.map((m) => `${m} (${describeShort(op, m)})`).join(', ')}.`);
  }
  if (spec.geometric) lines.push('', 'Geometric: resamples pixels (`options.fill`, `options.interpolation` apply).');
  return lines.join('\n');
}

function describeShort(op: OpName, m: number): string {
  const spec = OPS[op].magnitude;
  if (spec === null) return op;
  const pm = spec.signed ? '+/-' : '';
  switch (spec.kind) {
    case 'shear':
      return `${pm}${round3(spec.max * m)}`;
    case 'rotate':
      return `${pm}${round3(spec.max * m)} deg`;
    case 'translate':
      return `${pm}${round1(100 * spec.max * m)}%`;
    case 'enhance':
      return `1 ${pm} ${round3(spec.max * m)}`;
    case 'posterize':
      return `${8 - Math.round(spec.max * m)} bits`;
    case 'solarize':
      return `>= ${round3(spec.max * (1 - m))}`;
    case 'cutout':
      return `${round1(100 * spec.max * m)}% side`;
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
