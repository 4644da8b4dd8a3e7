#!/usr/bin/python3
"""The torchvision peer of bench/ops.ts: per-image augmentation throughput in images/s.

Run by bench/ops.ts with Debian's interpreter (/usr/bin/python3: torch 1.13,
torchvision 0.14, PIL 9.4). Reads the same images the TypeScript side uses, a raw
uint8 file of shape (n, height, width, 3), and prints one JSON object on stdout.

    /usr/bin/python3 bench/ops_torchvision.py --images FILE --count N --height 32 --width 32

Measured, each per image in a plain Python loop (what a Dataset's __getitem__ does):
- RandAugment() and TrivialAugmentWide() with default arguments on PIL images;
- the same two on uint8 CHW tensors (torchvision's tensor code path);
- every catalog op alone at m = 0.5, random sign, via the project's own PIL mirror
  scripts/make-op-references.py `apply_op` (so it is the same op the tests compare).
Conversions to PIL/tensor happen before timing.
"""
import argparse
import importlib.util
import json
import os
import platform
import random
import statistics
import sys
import time

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def time_per_image(fn, items, warmup_passes, reps, min_seconds):
    """Median images/s over `reps` timed repetitions; each repetition loops over `items`
    as many times as needed to last at least `min_seconds` (decided after warm-up)."""
    for _ in range(warmup_passes):
        for it in items:
            fn(it)
    t0 = time.perf_counter()
    for it in items:
        fn(it)
    one = max(time.perf_counter() - t0, 1e-9)
    passes = max(1, int(np.ceil(min_seconds / one)))
    rates = []
    cpu_rates = []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(passes):
            for it in items:
                fn(it)
        dt = time.perf_counter() - t0
        rates.append(passes * len(items) / dt)
        cpu_rates.append(passes * len(items) / max(time.process_time() - c0, 1e-9))
    return {'median': statistics.median(rates), 'min': min(rates), 'max': max(rates), 'reps': reps,
            'imagesPerRep': passes * len(items), 'cpuMedian': statistics.median(cpu_rates)}


def load_reference_ops():
    """scripts/make-op-references.py, loaded as a module (its name has a hyphen)."""
    path = os.path.join(ROOT, 'scripts', 'make-op-references.py')
    spec = importlib.util.spec_from_file_location('make_op_references', path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def per_op(ref, pil_images, args, rng):
    """Each catalog op alone at m = 0.5, with a random sign and Cutout centre per image."""
    out = {}
    for op in ref.OPS:
        signed = op in ref.SIGNED
        m = 0.5 if op in ref.MAGNITUDE else 0.0

        def one(img, op=op, signed=signed, m=m):
            sign = (1 if rng.random() < 0.5 else -1) if signed else 1
            p = ref.op_parameter(op, m, sign, img.width, img.height)
            if op == 'Cutout':
                return ref.cutout(img, int(p), rng.random(), rng.random())
            return ref.apply_op(img, op, p)

        out[op] = time_per_image(one, pil_images, args.warmup, args.reps, args.min_seconds)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--images', required=True, help='raw uint8 file, shape (count, height, width, 3)')
    ap.add_argument('--count', type=int, required=True)
    ap.add_argument('--height', type=int, required=True)
    ap.add_argument('--width', type=int, required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--warmup', type=int, default=2, help='warm-up passes over the images')
    ap.add_argument('--reps', type=int, default=7)
    ap.add_argument('--min-seconds', type=float, default=0.3, help='minimum length of one timed repetition')
    ap.add_argument('--no-per-op', action='store_true')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()

    # Debian's torch starts with one thread; the brief's peer uses both cores.
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    raw = np.fromfile(args.images, dtype=np.uint8)
    expected = args.count * args.height * args.width * 3
    if raw.size != expected:
        sys.exit(f'{args.images}: {raw.size} bytes, expected {expected}')
    arr = raw.reshape(args.count, args.height, args.width, 3)
    pil_images = [Image.fromarray(a.copy(), 'RGB') for a in arr]
    tensors = [torch.from_numpy(a.copy()).permute(2, 0, 1).contiguous() for a in arr]

    rand_augment = transforms.RandAugment()
    trivial = transforms.TrivialAugmentWide()
    results = {
        'RandAugment (PIL)': time_per_image(rand_augment, pil_images, args.warmup, args.reps, args.min_seconds),
        'TrivialAugmentWide (PIL)': time_per_image(trivial, pil_images, args.warmup, args.reps, args.min_seconds),
        'RandAugment (tensor)': time_per_image(rand_augment, tensors, args.warmup, args.reps, args.min_seconds),
        'TrivialAugmentWide (tensor)': time_per_image(trivial, tensors, args.warmup, args.reps, args.min_seconds),
    }

    ops = {}
    per_op_error = None
    if not args.no_per_op:
        try:
            ops = per_op(load_reference_ops(), pil_images, args, rng)
        except Exception as e:  # the peers above still count; say why the per-op column is empty
            per_op_error = f'{type(e).__name__}: {e}'

    json.dump({
        'python': platform.python_version(),
        'executable': sys.executable,
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'pil': PIL.__version__,
        'threads': torch.get_num_threads(),
        'randAugmentArgs': {'num_ops': rand_augment.num_ops, 'magnitude': rand_augment.magnitude, 'num_magnitude_bins': rand_augment.num_magnitude_bins},
        'peers': results,
        'ops': ops,
        'perOpError': per_op_error,
    }, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
