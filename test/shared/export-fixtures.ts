/** Policies the export tests write and read back. */
import { validatePolicy, type Policy } from '../../src/shared/policy';

function policy(input: unknown): Policy {
  const r = validatePolicy(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

/** Everything a policy can hold, with numbers and strings that are awkward to write. */
export const FULL = policy({
  $schema: '../schemas/policy.schema.json',
  version: 1,
  opsPerImage: 2,
  applyProbability: 0.2234567891234,
  operations: [
    { op: 'Identity', probability: 0.1 + 0.2 },
    { op: 'Rotate', magnitude: 0.25, probability: 1e-7 },
    { op: 'Rotate', magnitude: 1, probability: 0.2 },
    { op: 'Cutout', magnitude: 0.5, probability: 0.1 },
    { op: 'Sharpness', magnitude: 0.75, probability: 0.4 - 1e-7 },
  ],
  schedule: [
    { untilProgress: 0.05, applyProbability: 0.34, operations: [{ op: 'Equalize', probability: 1 }] },
    { untilProgress: 1, applyProbability: 0, operations: [{ op: 'Invert', probability: 0.5 }, { op: 'Posterize', magnitude: 0.5, probability: 0.5 }] },
  ],
  base: { cropPadding: 3, flipLR: true, cutout: 5 },
  options: { fill: 128, interpolation: 'bilinear' },
  search: {
    method: 'ddas',
    dataset: { path: "data/it's \"quoted\" \\ \\u00e9 */ \"\"\" é 🎉/ffhq-128/", sha256: 'a'.repeat(64), images: 4000 },
    model: 'resnet-small',
    epochs: 20,
    seed: 7,
    backend: 'wasm',
    seconds: 1234.5,
    valAccuracy: 0.8512,
    learningRates: { alpha: 0.05, beta: 0.001 },
    startedAt: '2024-06-11T10:00:00Z',
  },
  evaluation: {
    policy: 'ffhq "128"',
    heldOut: { name: 'test/', images: 10000 },
    budget: { seeds: 3, epochs: 40, trainSize: 2000 },
    model: 'resnet-small',
    backend: 'wasm',
    entries: [
      { label: 'ffhq "128"', mean: 0.8612, low: 0.8551, high: 0.8673 },
      { label: 'base', mean: 0.8493, low: 0.8412, high: 0.8574 },
    ],
    verdict: "+1.2 points over base (95% CI +0.6..+1.8) on 10,000 held-out images \u00e9 */ \"\"\" it's",
    finishedAt: '2024-06-11T12:00:00Z',
  },
});

export const MINIMAL = policy({ version: 1, opsPerImage: 1, applyProbability: 1, operations: [{ op: 'FlipLR', probability: 1 }] });

