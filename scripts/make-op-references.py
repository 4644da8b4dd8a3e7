#!/usr/bin/python3
"""Reference outputs of every catalog op, made with PIL / torchvision, for the engine's tests.

Run (from the repository root, with Debian's interpreter - not a pyenv/venv python3):

    /usr/bin/python3 scripts/make-op-references.py [--skimage-data DIR] [--out test/fixtures/ops]

Needs Debian packages python3-torchvision (0.14), python3-pil (9.4), python3-numpy and
dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). The two colour photos come from
Debian's python3-skimage, which need not be installed: without --skimage-data the script
runs `apt-get download python3-skimage` and `dpkg -x` into a temporary folder and reads
skimage/data/{astronaut,chelsea}.png from there.

Output (test/fixtures/ops/): sources/<name>.png (the source images), sheets/<name>.png
(every op output for that source stacked vertically, row r = pixel rows r*H .. r*H+H-1),
sheets/<name>.bilinear.png (the same for the geometric ops with bilinear interpolation)
and manifest.json (what each row is, the concrete parameter Python used, the Cutout
uniforms and conventions; each source's "bilinear" object describes its bilinear sheet).
test/engine/ops.reference.test.ts reads them.

Each op is applied exactly as torchvision 0.14's autoaugment._apply_op does (fill 0,
nearest interpolation), with the magnitude mapping of src/shared/ops.ts `opParameter`
(computed in the same floating-point order, and JS Math.round, so parameters match
bit for bit). The geometric ops (GEOMETRIC) are made a second time with bilinear
interpolation, same bins, signs and fill. Cutout has no torchvision equivalent; it is implemented here in numpy with
the convention written into the manifest.
"""
import argparse
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import PIL
import torchvision
import torchvision.transforms.functional as F
from PIL import Image, ImageFilter
from torchvision.transforms import InterpolationMode

FMNIST = '/usr/share/datasets/fashion-mnist'
# First test image of each of these classes: ankle boot, pullover, bag.
FMNIST_CLASSES = [(9, 'ankle-boot'), (2, 'pullover'), (8, 'bag')]
# (file in skimage/data, name, output width, height, licence). chelsea is deliberately
# not square so width/height mix-ups in the engine show.
PHOTOS = [
    ('astronaut.png', 'astronaut', 48, 48, 'public domain (NASA), via scikit-image data'),
    ('chelsea.png', 'chelsea', 60, 40, 'CC0 (Stefan van der Walt), via scikit-image data'),
]

# Must equal src/shared/ops.ts: OP_NAMES order, DEFAULT_MAGNITUDE_BINS and the ranges.
OPS = [
    'Identity', 'FlipLR', 'FlipUD', 'AutoContrast', 'Equalize', 'Invert', 'Blur', 'Smooth',
    'Rotate', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Posterize', 'Solarize',
    'Color', 'Contrast', 'Brightness', 'Sharpness', 'Cutout',
]
BINS = [0.25, 0.5, 0.75, 1.0]
SIGNED = {'Rotate', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY', 'Color', 'Contrast', 'Brightness', 'Sharpness'}
MAGNITUDE = SIGNED | {'Posterize', 'Solarize', 'Cutout'}
# The ops that resample (OpContext.interpolation); also referenced with BILINEAR.
GEOMETRIC = ['Rotate', 'ShearX', 'ShearY', 'TranslateX', 'TranslateY']
TRANSLATE_FRACTION = 150 / 331
CUTOUT_FILL = 128
FILL = 0
CUTOUT_SEED = 20240611


def js_round(x):
    """JavaScript Math.round (halves go up), not Python's banker's rounding."""
    return math.floor(x + 0.5)


def op_parameter(op, m, sign, width, height):
    """Mirror of opParameter in src/shared/ops.ts, same operation order."""
    if op in ('ShearX', 'ShearY'):
        return sign * 0.3 * m
    if op == 'Rotate':
        return sign * 30 * m
    if op in ('TranslateX', 'TranslateY'):
        side = width if op == 'TranslateX' else height
        return sign * math.trunc(TRANSLATE_FRACTION * side * m)
    if op in ('Color', 'Contrast', 'Brightness', 'Sharpness'):
        return 1 + sign * 0.9 * m
    if op == 'Posterize':
        return 8 - js_round(4 * m)
    if op == 'Solarize':
        return 255 * (1 - m)
    if op == 'Cutout':
        return js_round(0.5 * m * min(width, height))
    return 0


def cutout(img, side, ux, uy):
    """Square of `side` px centred at (floor(ux*W), floor(uy*H)); box [c - side//2,
    c - side//2 + side) in x and y, clipped to the image, filled with CUTOUT_FILL."""
    a = np.array(img)
    h, w = a.shape[:2]
    cx, cy = math.floor(ux * w), math.floor(uy * h)
    x0, y0 = cx - side // 2, cy - side // 2
    x1, y1 = x0 + side, y0 + side
    a[max(y0, 0):min(y1, h), max(x0, 0):min(x1, w)] = CUTOUT_FILL
    return Image.fromarray(a, img.mode)


def apply_op(img, op, p, interpolation=InterpolationMode.NEAREST):
    """torchvision 0.14 autoaugment._apply_op with the concrete parameter p, plus the
    ops RandAugment lacks (flips, Blur, Smooth). interpolation applies to GEOMETRIC."""
    nearest = interpolation
    if op == 'Identity':
        return img.copy()
    if op == 'FlipLR':
        return F.hflip(img)
    if op == 'FlipUD':
        return F.vflip(img)
    if op == 'AutoContrast':
        return F.autocontrast(img)
    if op == 'Equalize':
        return F.equalize(img)
    if op == 'Invert':
        return F.invert(img)
    if op == 'Blur':
        return img.filter(ImageFilter.BLUR)
    if op == 'Smooth':
        return img.filter(ImageFilter.SMOOTH)
    if op == 'ShearX':
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[math.degrees(math.atan(p)), 0.0],
                        interpolation=nearest, fill=FILL, center=[0, 0])
    if op == 'ShearY':
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, math.degrees(math.atan(p))],
                        interpolation=nearest, fill=FILL, center=[0, 0])
    if op == 'TranslateX':
        return F.affine(img, angle=0.0, translate=[int(p), 0], scale=1.0, interpolation=nearest,
                        shear=[0.0, 0.0], fill=FILL)
    if op == 'TranslateY':
        return F.affine(img, angle=0.0, translate=[0, int(p)], scale=1.0, interpolation=nearest,
                        shear=[0.0, 0.0], fill=FILL)
    if op == 'Rotate':
        return F.rotate(img, p, interpolation=nearest, fill=FILL)
    if op == 'Brightness':
        return F.adjust_brightness(img, p)
    if op == 'Color':
        return F.adjust_saturation(img, p)
    if op == 'Contrast':
        return F.adjust_contrast(img, p)
    if op == 'Sharpness':
        return F.adjust_sharpness(img, p)
    if op == 'Posterize':
        return F.posterize(img, int(p))
    if op == 'Solarize':
        return F.solarize(img, p)
    raise ValueError(op)


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_sources():
    images = read_idx(os.path.join(FMNIST, 't10k-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(FMNIST, 't10k-labels-idx1-ubyte.gz'))
    out = []
    for cls, label in FMNIST_CLASSES:
        idx = int(np.nonzero(labels == cls)[0][0])
        out.append({
            'name': f'fmnist-{label}',
            'image': Image.fromarray(images[idx].copy(), 'L'),
            'origin': f'Fashion-MNIST t10k image {idx} (class {cls}, {label}), Debian dataset-fashion-mnist',
            'license': 'MIT (Zalando Research)',
        })
    return out


def skimage_data_dir(given, tmp):
    if given:
        return given
    for base in sys.path:
        cand = os.path.join(base, 'skimage', 'data')
        if os.path.exists(os.path.join(cand, 'astronaut.png')):
            return cand
    # Not installed: fetch the .deb and unpack it without installing.
    subprocess.run(['apt-get', 'download', 'python3-skimage'], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    deb = next(f for f in os.listdir(tmp) if f.startswith('python3-skimage') and f.endswith('.deb'))
    subprocess.run(['dpkg', '-x', deb, 'root'], cwd=tmp, check=True)
    for dirpath, _, files in os.walk(os.path.join(tmp, 'root')):
        if 'astronaut.png' in files and dirpath.endswith(os.path.join('skimage', 'data')):
            return dirpath
    raise FileNotFoundError('skimage/data not found in python3-skimage')


def photo_sources(data_dir):
    out = []
    for file, name, w, h, lic in PHOTOS:
        src = Image.open(os.path.join(data_dir, file)).convert('RGB')
        out.append({
            'name': name,
            'image': src.resize((w, h), Image.LANCZOS),
            'origin': f'scikit-image data/{file} ({src.width}x{src.height}) resized with PIL LANCZOS to {w}x{h}',
            'license': lic,
        })
    return out


def rows_for(width, height, rng, ops=OPS):
    rows = []
    for op in ops:
        if op not in MAGNITUDE:
            rows.append((op, None, 1))
            continue
        for m in BINS:
            for sign in ((1, -1) if op in SIGNED else (1,)):
                rows.append((op, m, sign))
    out = []
    for i, (op, m, sign) in enumerate(rows):
        row = {'row': i, 'op': op, 'magnitude': m, 'sign': sign,
               'parameter': op_parameter(op, m or 0, sign, width, height)}
        if op == 'Cutout':
            row['uniforms'] = [float(np.float32(u)) for u in rng.random(2)]
        out.append(row)
    return out


def dump_manifest(manifest):
    """JSON with one line per row, so diffs of regenerated fixtures stay readable."""
    rows = {}

    def one_line(holder):
        keys = []
        for r in holder['rows']:
            keys.append(f'@row{len(rows)}@')
            rows[keys[-1]] = json.dumps(r)
        holder['rows'] = keys

    for s in manifest['sources']:
        one_line(s)
        one_line(s['bilinear'])
    text = json.dumps(manifest, indent=1)
    for key, line in rows.items():
        text = text.replace(json.dumps(key), line)
    return text + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--skimage-data', help='folder holding astronaut.png and chelsea.png')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'ops'))
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(os.path.join(out, 'sources'), exist_ok=True)
    os.makedirs(os.path.join(out, 'sheets'), exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        sources = fashion_sources() + photo_sources(skimage_data_dir(args.skimage_data, tmp))

    rng = np.random.default_rng(CUTOUT_SEED)
    manifest_sources = []
    for s in sources:
        img = s['image']
        w, h = img.size
        rows = rows_for(w, h, rng)
        # No Cutout among GEOMETRIC, so the rng (Cutout uniforms) is not drawn from here.
        bilinear_rows = rows_for(w, h, None, GEOMETRIC)

        def make_sheet(rows, interpolation, file):
            outs = []
            for r in rows:
                if r['op'] == 'Cutout':
                    res = cutout(img, r['parameter'], *r['uniforms'])
                else:
                    res = apply_op(img, r['op'], r['parameter'], interpolation)
                assert res.size == img.size and res.mode == img.mode, (r, res.size, res.mode)
                outs.append(np.array(res))
            sheet = np.concatenate(outs, axis=0)
            Image.fromarray(sheet, img.mode).save(os.path.join(out, file), optimize=True)

        img.save(os.path.join(out, 'sources', s['name'] + '.png'), optimize=True)
        make_sheet(rows, InterpolationMode.NEAREST, f"sheets/{s['name']}.png")
        make_sheet(bilinear_rows, InterpolationMode.BILINEAR, f"sheets/{s['name']}.bilinear.png")
        manifest_sources.append({
            'name': s['name'],
            'source': f"sources/{s['name']}.png",
            'sheet': f"sheets/{s['name']}.png",
            'width': w, 'height': h, 'channels': 1 if img.mode == 'L' else 3,
            'origin': s['origin'], 'license': s['license'],
            # Before 'rows' so that the nearest part of the manifest stays line for line.
            'bilinear': {
                'interpolation': 'bilinear',
                'sheet': f"sheets/{s['name']}.bilinear.png",
                'rows': bilinear_rows,
            },
            'rows': rows,
        })

    manifest = {
        'generator': 'scripts/make-op-references.py (run with /usr/bin/python3)',
        'versions': {'torchvision': torchvision.__version__, 'PIL': PIL.__version__, 'numpy': np.__version__},
        'conventions': {
            'layout': 'sheet row r holds pixel rows r*height .. (r+1)*height-1; grayscale sheets are PNG mode L',
            'fill': FILL,
            'interpolation': 'nearest',
            'bilinear': 'each source\'s "bilinear" object: the ops ' + ', '.join(GEOMETRIC) + ' again, same '
                        'bins, signs and fill, with InterpolationMode.BILINEAR; its rows are numbered '
                        'from 0 within its own sheet',
            'parameter': 'opParameter(op, magnitude, sign, {width, height}) of src/shared/ops.ts; '
                         'ops without magnitude have magnitude null, sign 1 and parameter 0',
            'reference': 'torchvision 0.14 transforms.functional on PIL images as autoaugment._apply_op; '
                         'Blur/Smooth = Image.filter(ImageFilter.BLUR/SMOOTH)',
            'cutout': 'side = parameter; centre cx = floor(u0 * width), cy = floor(u1 * height) with '
                      'uniforms [u0, u1] (= OpContext.positions of the image); pixels with '
                      'cx - floor(side/2) <= x < cx - floor(side/2) + side and likewise y, clipped to the '
                      f'image, set to {CUTOUT_FILL} in every channel',
        },
        'sources': manifest_sources,
    }
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        f.write(dump_manifest(manifest))
    total = sum(os.path.getsize(os.path.join(d, fn)) for d, _, fs in os.walk(out) for fn in fs)
    print(f'wrote {len(manifest_sources)} sources, {total} bytes under {out}')


if __name__ == '__main__':
    main()
