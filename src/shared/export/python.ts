/**
 * The Python export: a self-contained module (torch, torchvision and PIL only) holding
 * POLICY and a torchvision transform, DdasAugment, that implements the shared
 * training-time semantics (see python-body.ts for the code it carries).
 */
import { describeBase, NO_BASE } from '../base';
import { OPS, OP_NAMES, CUTOUT_FILL } from '../ops';
import type { Policy, ValidationResult } from '../policy';
import { canonicalPolicy } from './canonical';
import { originLine, SEMANTICS_LINES } from './describe';
import { pythonModuleName } from './format';
import { PYTHON_STYLE, formatLiteral } from './literal';
import { PYTHON_BODY } from './python-body';
import { readAssignedLiteral } from './assigned';

export interface PythonWriteOptions {
  /** The module's import name in the usage example (default `policy_augpolicy`). */
  readonly moduleName?: string;
}

/** The op catalog's magnitude mapping as Python constants (written from src/shared/ops.ts). */
function catalogConstants(): string {
  const signed = OP_NAMES.filter((op) => OPS[op].magnitude?.signed);
  const scaled = OP_NAMES.flatMap((op) => {
    const m = OPS[op].magnitude;
    return m ? [{ op, kind: m.kind, max: m.max }] : [];
  });
  const pyDict = (entries: string[]): string => `{\n${entries.map((e) => `    ${e},`).join('\n')}\n}`;
  return [
    '# The op catalog (src/shared/ops.ts): how magnitude m in [0, 1] becomes each parameter.',
    `OPERATIONS = (${OP_NAMES.map((op) => JSON.stringify(op)).join(', ')})`,
    `SIGNED_OPS = frozenset((${signed.map((op) => JSON.stringify(op)).join(', ')}))`,
    `MAGNITUDE_KIND = ${pyDict(scaled.map((s) => `${JSON.stringify(s.op)}: ${JSON.stringify(s.kind)}`))}`,
    `MAGNITUDE_MAX = ${pyDict(scaled.map((s) => `${JSON.stringify(s.op)}: ${String(s.max)}`))}`,
    `CUTOUT_FILL = ${CUTOUT_FILL}`,
  ].join('\n');
}

/** Text safe inside a Python """ docstring: no escapes, no early end. */
function docText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}

function docstring(policy: Policy, moduleName: string): string {
  return `"""DDAS augmentation policy for PyTorch / torchvision - written by \`ddas export\`.

${docText(originLine(policy))}

${SEMANTICS_LINES.join('\n')}

Self-contained: needs only torch, torchvision and PIL. DdasAugment works on PIL images
(mode L or RGB) and on uint8 tensors [C, H, W] or [N, C, H, W]; put it before ToTensor().
Each operation runs through torchvision.transforms.functional (Blur and Smooth through
PIL's ImageFilter) exactly as torchvision's RandAugment applies it, so the pixels equal
the DDAS engine's (checked op by op with the default nearest resampling).

Use in a training script::

    import torch
    from torchvision import datasets, transforms
    from ${moduleName} import DdasAugment

    augment = DdasAugment()
    train_set = datasets.FashionMNIST(
        "data", train=True, download=True,
        transform=transforms.Compose([augment, transforms.ToTensor()]))
    loader = torch.utils.data.DataLoader(train_set, batch_size=128, shuffle=True, num_workers=4)
    for epoch in range(epochs):
        augment.set_epoch(epoch, epochs)  # picks the schedule entry; before iterating
        for images, labels in loader:
            ...

The DataLoader copies the transform into its workers when an epoch's iteration starts,
so set_epoch() before the loop reaches them. With persistent_workers=True, pass
progress_fn (e.g. reading a multiprocessing.Value) instead.

sample_plan(rng, progress) draws one image's operations without applying them (for
logging or tests); apply_plan(img, plan) applies a given plan.

The base transform (BASE: ${docText(policy.base ? describeBase(policy.base) : 'none')}) is what the search
trained under after the policy's operations; DdasAugment applies it by default. If your
pipeline already has its own crop/flip, use DdasAugment(include_base=False). On its own,
base_transform(size) is it as torchvision transforms (RandomCrop(size, padding, fill=0),
RandomHorizontalFlip, Cutout); apply_base(img, *sample_base(rng)) is the same with the
random draws explicit.
"""`;
}

export function writePolicyPython(policy: Policy, options: PythonWriteOptions = {}): string {
  const moduleName = options.moduleName ?? pythonModuleName('policy');
  return [
    docstring(policy, moduleName),
    '',
    'import math',
    'import random',
    'import struct',
    'from typing import Callable, List, NamedTuple, Optional, Sequence, Tuple',
    '',
    'import torch',
    'import torchvision.transforms.functional as F',
    'from PIL import Image, ImageFilter',
    'from torchvision import transforms as T',
    'from torchvision.transforms import InterpolationMode',
    '',
    '__all__ = ["POLICY", "BASE", "AppliedOp", "BaseDraw", "Cutout", "DdasAugment", "RandomPadCrop", "apply_base", "apply_op", "apply_plan",',
    '           "base_transform", "op_parameter", "policy_at", "sample_base", "sample_plan"]',
    '',
    '# The policy (the same data as the .augpolicy.json it was exported from).',
    `POLICY = ${formatLiteral(canonicalPolicy(policy), PYTHON_STYLE)}`,
    '',
    policy.base
      ? '# What training does to every image after the policy (POLICY["base"]): the search ran under it.'
      : '# The policy has no "base": nothing is done after its operations.',
    `BASE = ${formatLiteral(policy.base ? canonicalPolicy(policy).base : NO_BASE, PYTHON_STYLE)}`,
    '',
    catalogConstants(),
    '',
    PYTHON_BODY.trim(),
    '',
  ].join('\n');
}

/** Reads POLICY back out of a generated module. */
export function readPolicyPython(text: string): ValidationResult {
  return readAssignedLiteral(text, /^POLICY\s*(?::\s*[A-Za-z_.[\]]+\s*)?=\s*/m, 'POLICY = {...}');
}
