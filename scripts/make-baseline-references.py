#!/usr/bin/python3
"""Reference outputs of torchvision 0.14's RandAugment and TrivialAugmentWide, for the engine's tests.

Run (from the repository root, with Debian's interpreter - not a pyenv/venv python3):

    /usr/bin/python3 scripts/make-baseline-references.py [--out test/fixtures/baselines]

Needs Debian packages python3-torchvision (0.14), python3-torch (1.13), python3-pil and
python3-numpy. The inputs are real images already in the repository (made by
scripts/make-op-references.py): test/fixtures/ops/sources/fmnist-ankle-boot.png (28x28
grayscale) and a non-square crop of sources/chelsea.png (colour), so nothing is downloaded.

Every op and magnitude comes from torchvision itself: the grids are its own
`_augmentation_space` tensors and every output is its `autoaugment._apply_op` (nearest,
fill None = 0), so the references are torchvision's behaviour, not a re-implementation:
- 'randaugment' rows: each op of RandAugment's space at magnitude bin 9 of 31, both signs;
- 'trivialaugment' rows: each op of TrivialAugmentWide's space that has a magnitude, at
  bin 30 (the extreme; and bin 15 on the grayscale image), both signs;
- 'forward-*' rows: whole RandAugment() / TrivialAugmentWide() calls under
  torch.manual_seed(seed), with the (op, magnitude) calls torchvision made recorded.

Output (test/fixtures/baselines/): sheets/<name>.png (row r = pixel rows r*H .. r*H+H-1)
and manifest.json (the rows, torchvision's grids, and RandAugment's bin-9 translate
magnitude for many image sides, to check the float32 linspace emulation).
test/engine/baselines.reference.test.ts reads them.
"""
import argparse
import json
import os

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision.transforms import InterpolationMode, autoaugment

OPS_SOURCES = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'ops', 'sources')
# (name, file in OPS_SOURCES, crop box (left, upper, right, lower) or None, TrivialAugmentWide
# bins, forward draws per transform). The colour crop is small and gets fewer rows: the
# fixtures stay small, and colour only changes what the pixel ops do, not the grids.
SOURCES = [
    ('fmnist-ankle-boot', 'fmnist-ankle-boot.png', None, [15, 30], 6),
    ('chelsea-crop', 'chelsea.png', (24, 12, 40, 22), [30], 0),
]
BINS = 31
RA_MAGNITUDE = 9
SIDES = list(range(1, 129)) + [160, 192, 224, 256, 299, 320, 331, 384, 448, 512, 1024]
FORWARD_SEED = 20240612


def item(t):
    return float(t.item())


def f32(v):
    """A float32 value as the shortest decimal that reads back to it (JS: Math.fround(v))."""
    return float(repr(np.float32(v)))


def grids(space):
    """op -> [magnitude per bin] (doubles, as .item() gives them) or None; dict order kept."""
    return [{'op': op, 'signed': bool(signed), 'grid': [f32(item(v)) for v in mags] if mags.ndim > 0 else None}
            for op, (mags, signed) in space.items()]


def apply(img, op, magnitude):
    return autoaugment._apply_op(img, op, magnitude, interpolation=InterpolationMode.NEAREST, fill=None)


def single_rows(space, bins, kind):
    rows = []
    for op, (mags, signed) in space.items():
        if mags.ndim == 0:
            if kind == 'randaugment':
                rows.append({'kind': kind, 'op': op, 'bin': None, 'sign': 1, 'magnitude': 0.0})
            continue
        for b in bins:
            for sign in ((1, -1) if signed else (1,)):
                m = item(mags[b])
                rows.append({'kind': kind, 'op': op, 'bin': b, 'sign': sign, 'magnitude': -m if sign < 0 else m})
    return rows


def forward(transform, img, seed):
    """Runs the transform under a seed, recording the _apply_op calls it makes."""
    calls = []
    original = autoaugment._apply_op

    def recording(im, op_name, magnitude, interpolation, fill):
        # Every magnitude torchvision passes is a float32 grid value (or 0), possibly negated.
        assert float(np.float32(magnitude)) == float(magnitude)
        calls.append({'op': op_name, 'magnitude': float(magnitude)})
        return original(im, op_name, magnitude, interpolation=interpolation, fill=fill)

    autoaugment._apply_op = recording
    try:
        torch.manual_seed(seed)
        out = transform(img)
    finally:
        autoaugment._apply_op = original
    replay = img
    for c in calls:
        replay = apply(replay, c['op'], c['magnitude'])
    assert np.array_equal(np.array(replay), np.array(out)), 'replaying the recorded calls differs'
    return calls, out


def dump(manifest):
    """JSON with one line per row or grid, so diffs of regenerated fixtures stay readable."""
    lines = {}

    def one_line(v):
        key = f'@line{len(lines)}@'
        lines[key] = json.dumps(v)
        return key

    for s in manifest['sources']:
        s['rows'] = [one_line(r) for r in s['rows']]
    manifest['randaugmentSpace']['space'] = [one_line(g) for g in manifest['randaugmentSpace']['space']]
    manifest['trivialaugmentSpace'] = [one_line(g) for g in manifest['trivialaugmentSpace']]
    manifest['randaugmentTranslateBin9'] = one_line(manifest['randaugmentTranslateBin9'])
    text = json.dumps(manifest, indent=1)
    for key, line in lines.items():
        text = text.replace(json.dumps(key), line)
    return text + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'baselines'))
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(os.path.join(out, 'sheets'), exist_ok=True)

    ra = torchvision.transforms.RandAugment(num_ops=2, magnitude=RA_MAGNITUDE, num_magnitude_bins=BINS)
    wide = torchvision.transforms.TrivialAugmentWide(num_magnitude_bins=BINS)
    wide_space = wide._augmentation_space(BINS)
    sources = []
    seed = FORWARD_SEED
    for name, file, crop, wide_bins, draws in SOURCES:
        img = Image.open(os.path.join(OPS_SOURCES, file))
        img.load()
        if crop:
            img = img.crop(crop)
        w, h = img.size
        ra_space = ra._augmentation_space(BINS, (h, w))
        rows = single_rows(ra_space, [RA_MAGNITUDE], 'randaugment') + single_rows(wide_space, wide_bins, 'trivialaugment')
        outs = [np.array(apply(img, r['op'], r['magnitude'])) for r in rows]
        for kind, transform in (('forward-randaugment', ra), ('forward-trivialaugment', wide)):
            for _ in range(draws):
                calls, res = forward(transform, img, seed)
                rows.append({'kind': kind, 'seed': seed, 'calls': calls})
                outs.append(np.array(res))
                seed += 1
        for i, r in enumerate(rows):
            r['row'] = i
            # Applied with the exact doubles above; written as float32 decimals.
            if 'magnitude' in r:
                r['magnitude'] = f32(r['magnitude'])
            for c in r.get('calls', []):
                c['magnitude'] = f32(c['magnitude'])
        sheet = np.concatenate(outs, axis=0)
        Image.fromarray(sheet, img.mode).save(os.path.join(out, 'sheets', f'{name}.png'), optimize=True)
        sources.append({
            'name': name,
            'source': f'../ops/sources/{file}',
            'crop': list(crop) if crop else None,
            'sheet': f'sheets/{name}.png',
            'width': w, 'height': h, 'channels': 1 if img.mode == 'L' else 3,
            'rows': rows,
        })

    manifest = {
        'generator': 'scripts/make-baseline-references.py (run with /usr/bin/python3)',
        'versions': {
            'torchvision': torchvision.__version__, 'torch': torch.__version__, 'PIL': PIL.__version__,
            'cpuCapability': torch.__config__.show().split('CPU capability usage: ')[1].split()[0],
        },
        'conventions': {
            'layout': 'sheet row r holds pixel rows r*height .. (r+1)*height-1; grayscale sheets are PNG mode L',
            'source': 'the source image is "source" (relative to this folder) cropped to "crop" = PIL box '
                      '(left, upper, right, lower) when not null',
            'reference': 'torchvision 0.14 transforms.autoaugment._apply_op(img, op, magnitude, NEAREST, fill=None) '
                         'on PIL images; "magnitude" is its argument (the grid value at "bin", times the sign)',
            'forward': 'forward-* rows: RandAugment(2, 9, 31) / TrivialAugmentWide(31) called once after '
                       'torch.manual_seed(seed); "calls" lists the _apply_op calls it made, in order',
            'values': 'every magnitude is a float32 written as the shortest decimal that reads back to it '
                      '(JS: Math.fround(value) is the exact float32)',
            'grids': 'randaugmentSpace (for the image size given: translate depends on it) and '
                     'trivialaugmentSpace: the _augmentation_space tensors in dict order; grid null = no magnitude',
            'randaugmentTranslateBin9': '[side, float(torch.linspace(0, 150/331*side, 31)[9])] pairs',
        },
        'randaugmentSpace': {'width': 28, 'height': 28, 'space': grids(ra._augmentation_space(BINS, (28, 28)))},
        'trivialaugmentSpace': grids(wide_space),
        'randaugmentTranslateBin9': [[s, f32(item(torch.linspace(0.0, 150.0 / 331.0 * s, BINS)[RA_MAGNITUDE]))] for s in SIDES],
        'sources': sources,
    }
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        f.write(dump(manifest))
    total = sum(os.path.getsize(os.path.join(d, fn)) for d, _, fs in os.walk(out) for fn in fs)
    print(f'wrote {len(sources)} sources, {total} bytes under {out}')


if __name__ == '__main__':
    main()
