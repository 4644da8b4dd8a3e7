#!/usr/bin/python3
"""The PyTorch peer of bench/ddas.ts (issue 3): plain training steps and whole DDAS steps.

Run by bench/ddas.ts with Debian's interpreter (/usr/bin/python3: torch 1.13,
torchvision 0.14) on the same images the TypeScript side uses (raw uint8 files it
writes), with a JSON config naming them; prints one JSON object on stdout.

    /usr/bin/python3 bench/ddas_torch.py CONFIG.json

Network: the resnet-small proxy of src/engine/nn/resnet.ts - input normalisation by
the search-train split's per-channel mean/std, 3x3 stem conv (16), three stages of one
basic block (16/32/64 channels, stride 1/2/2, 1x1 conv + BN projection when the shape
changes), training-mode batch norm (momentum 0.1, eps 1e-5), ReLU, global average
pool, linear; convolutions without bias; He-normal init. NCHW float32.

DDAS step (DESIGN section 3, as src/engine/ddas/search.ts + step.ts do it): batch B
from search-train; x0 = base(B); J sub-policies of n ops drawn uniformly over the K
categories, each applied to the whole uint8 batch with torchvision.transforms.functional
(signed ops: one call per sign group, signs drawn per image), x_j = base(aug_j(B));
g_0, g_j = grads of the SUMMED cross-entropy (batch-norm running stats follow x0 only);
w' = w - xi [(1 - p_aug) g_0 + p_aug sum_j (p_kj / Z) g_j]; g_V = grad of the MEAN
cross-entropy of V at w' (training-mode BN); d_j = <g_j, g_V> - <g_0, g_V>, L1-normalised;
surrogate S = -sum_j d_j sigmoid(beta) p_kj(alpha) / Z, one Adam step on alpha and beta.
Base transform: zero-pad + random crop, optional horizontal flip, Cutout (fill 128).
"""
import json
import math
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms.functional as TF


class BatchNorm(nn.Module):
    """Training-mode batch norm; updates its running statistics only while `track`."""

    def __init__(self, c):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer('running_mean', torch.zeros(c))
        self.register_buffer('running_var', torch.ones(c))
        self.track = True

    def forward(self, x):
        if self.track:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, True, 0.1, 1e-5)
        return F.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, 1e-5)


def conv(cin, cout, k, stride):
    c = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
    nn.init.kaiming_normal_(c.weight, mode='fan_in', nonlinearity='relu')
    return c


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = conv(cin, cout, 3, stride), BatchNorm(cout)
        self.conv2, self.bn2 = conv(cout, cout, 3, 1), BatchNorm(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj, self.projbn = conv(cin, cout, 1, stride), BatchNorm(cout)

    def forward(self, h):
        y = F.relu(self.bn1(self.conv1(h)))
        z = self.bn2(self.conv2(y))
        s = self.projbn(self.proj(h)) if self.proj is not None else h
        return F.relu(z + s)


class ResNetSmall(nn.Module):
    def __init__(self, channels, classes, mean, std, widths=(16, 32, 64)):
        super().__init__()
        self.register_buffer('shift', torch.tensor([m * 255 for m in mean]).view(1, -1, 1, 1))
        self.register_buffer('scale', torch.tensor([1 / (255 * s) for s in std]).view(1, -1, 1, 1))
        self.stem, self.stembn = conv(channels, widths[0], 3, 1), BatchNorm(widths[0])
        blocks, cin = [], widths[0]
        for i, w in enumerate(widths):
            blocks.append(Block(cin, w, 1 if i == 0 else 2))
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(widths[-1], classes)
        nn.init.kaiming_normal_(self.fc.weight, mode='fan_in', nonlinearity='relu')
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        """x: float pixels 0..255, NCHW."""
        h = (x - self.shift) * self.scale
        h = F.relu(self.stembn(self.stem(h)))
        h = self.blocks(h)
        return self.fc(h.mean(dim=(2, 3)))

    def track_stats(self, on):
        for m in self.modules():
            if isinstance(m, BatchNorm):
                m.track = on


def channel_stats(px):
    """Per-channel mean/std of pixels/255 (px: uint8 N,C,H,W), as data.ts channelStats."""
    v = px.double() / 255
    mean = v.mean(dim=(0, 2, 3))
    std = (v.pow(2).mean(dim=(0, 2, 3)) - mean.pow(2)).clamp(min=0).sqrt().clamp(min=1e-3)
    return mean.tolist(), std.tolist()


# ---- augmentation: catalog op -> torchvision on a uint8 N,C,H,W batch ----------------

TRANSLATE_FRACTION = 150 / 331
BLUR = torch.tensor([[1, 1, 1, 1, 1], [1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [1, 0, 0, 0, 1], [1, 1, 1, 1, 1]], dtype=torch.float32) / 16
SMOOTH = torch.tensor([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=torch.float32) / 13


def filter_keep_border(x, kernel):
    """PIL-style filter: the interior convolved (depthwise), a border of k//2 kept."""
    n, c, h, w = x.shape
    k = kernel.shape[0]
    r = k // 2
    wk = kernel.view(1, 1, k, k).repeat(c, 1, 1, 1)
    inner = F.conv2d(x.float(), wk, groups=c).round_().clamp_(0, 255).to(torch.uint8)
    out = x.clone()
    out[:, :, r:h - r, r:w - r] = inner
    return out


def per_sign(x, gen, fn):
    """Applies fn(batch, sign) once per sign group; signs drawn per image (+ with 1/2)."""
    n = x.shape[0]
    plus = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for sign, mask in ((1, plus), (-1, ~plus)):
        if bool(mask.any()):
            out[mask] = fn(x[mask], sign)
    return out


def apply_op(x, op, m, gen):
    n, c, h, w = x.shape
    if op == 'Identity':
        return x
    if op == 'FlipLR':
        return TF.hflip(x)
    if op == 'FlipUD':
        return TF.vflip(x)
    if op == 'AutoContrast':
        return TF.autocontrast(x)
    if op == 'Equalize':
        return TF.equalize(x)
    if op == 'Invert':
        return TF.invert(x)
    if op == 'Blur':
        return filter_keep_border(x, BLUR)
    if op == 'Smooth':
        return filter_keep_border(x, SMOOTH)
    if op == 'Rotate':
        return per_sign(x, gen, lambda b, s: TF.rotate(b, s * 30.0 * m))
    if op in ('ShearX', 'ShearY'):
        deg = math.degrees(math.atan(0.3 * m))
        if op == 'ShearX':
            return per_sign(x, gen, lambda b, s: TF.affine(b, angle=0.0, translate=[0, 0], scale=1.0, shear=[s * deg, 0.0], center=[0, 0]))
        return per_sign(x, gen, lambda b, s: TF.affine(b, angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, s * deg], center=[0, 0]))
    if op == 'TranslateX':
        px = math.trunc(TRANSLATE_FRACTION * w * m)
        return per_sign(x, gen, lambda b, s: TF.affine(b, angle=0.0, translate=[s * px, 0], scale=1.0, shear=[0.0, 0.0]))
    if op == 'TranslateY':
        px = math.trunc(TRANSLATE_FRACTION * h * m)
        return per_sign(x, gen, lambda b, s: TF.affine(b, angle=0.0, translate=[0, s * px], scale=1.0, shear=[0.0, 0.0]))
    if op == 'Posterize':
        return TF.posterize(x, 8 - round(4 * m))
    if op == 'Solarize':
        return TF.solarize(x, 255.0 * (1 - m))
    if op == 'Color':
        return per_sign(x, gen, lambda b, s: TF.adjust_saturation(b, 1 + s * 0.9 * m))
    if op == 'Contrast':
        return per_sign(x, gen, lambda b, s: TF.adjust_contrast(b, 1 + s * 0.9 * m))
    if op == 'Brightness':
        return per_sign(x, gen, lambda b, s: TF.adjust_brightness(b, 1 + s * 0.9 * m))
    if op == 'Sharpness':
        return per_sign(x, gen, lambda b, s: TF.adjust_sharpness(b, 1 + s * 0.9 * m))
    if op == 'Cutout':
        return cutout(x, round(0.5 * m * min(h, w)), gen)
    raise ValueError(f'unknown op {op}')


def cutout(x, side, gen):
    """Square of `side` at per-image uniform centres filled with 128 (augment/cutout.ts)."""
    n, c, h, w = x.shape
    if side <= 0:
        return x
    u = torch.rand(n, 2, generator=gen)
    x0 = (u[:, 0] * w).floor().long() - side // 2
    y0 = (u[:, 1] * h).floor().long() - side // 2
    cols = torch.arange(w).view(1, 1, w)
    rows = torch.arange(h).view(1, h, 1)
    inx = (cols >= x0.view(n, 1, 1)) & (cols < (x0 + side).view(n, 1, 1))
    iny = (rows >= y0.view(n, 1, 1)) & (rows < (y0 + side).view(n, 1, 1))
    return x.masked_fill((inx & iny).unsqueeze(1), 128)


def base_transform(x, bt, gen):
    """Zero-pad + per-image random crop and optional flip (one gather), then Cutout."""
    n, c, h, w = x.shape
    pad = bt['cropPadding']
    if pad > 0 or bt['flipLR']:
        xp = F.pad(x, (pad, pad, pad, pad)) if pad > 0 else x
        oy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        ox = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        xs = torch.arange(w).view(1, w).expand(n, w)
        if bt['flipLR']:
            flip = (torch.rand(n, generator=gen) < 0.5).view(n, 1)
            xs = torch.where(flip, w - 1 - xs, xs)
        rows = (oy.view(n, 1) + torch.arange(h).view(1, h)).view(n, h, 1)
        cols = (ox.view(n, 1) + xs).view(n, 1, w)
        ni = torch.arange(n).view(n, 1, 1)
        x = xp[ni, :, rows, cols].permute(0, 3, 1, 2).contiguous()  # (n,h,w,c) -> NCHW
    if bt['cutout'] > 0:
        x = cutout(x, bt['cutout'], gen)
    return x


# ---- the steps ----------------------------------------------------------------------

def grads_of(net, params, x, y, reduction):
    logits = net(x.float())
    loss = F.cross_entropy(logits, y, reduction=reduction)
    g = torch.autograd.grad(loss, params)
    correct = (logits.detach().argmax(1) == y).sum()
    return g, loss.detach(), correct


class Ddas:
    def __init__(self, cfg, s, V, seed):
        d = cfg['ddas']
        self.cfg, self.s, self.V = d, s, V
        self.space = cfg['space']
        self.gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        self.net = ResNetSmall(s['channels'], s['classes'], s['mean'], s['std'])
        self.params = [p for p in self.net.parameters()]
        self.alpha = torch.zeros(len(self.space), requires_grad=True)
        p0 = d['initialPAug']
        self.beta = torch.tensor(math.log(p0 / (1 - p0)), requires_grad=True)
        betas = (d['adamBetas'][0], d['adamBetas'][1])
        self.opt_alpha = torch.optim.Adam([self.alpha], lr=d['lrAlpha'], betas=betas)
        self.opt_beta = torch.optim.Adam([self.beta], lr=d['lrBeta'], betas=betas)
        self.steps_per_epoch = max(1, s['trainN'] // d['batch'])
        self.total_steps = d['epochs'] * self.steps_per_epoch
        self.global_step = 0
        self.order = None

    def step(self):
        d, s, gen = self.cfg, self.s, self.gen
        B, J, n_ops, K = d['batch'], d['subPolicies'], d['opsPerImage'], len(self.space)
        ph = {}
        t = time.perf_counter()

        def mark(name):
            nonlocal t
            now = time.perf_counter()
            ph[name] = ph.get(name, 0.0) + (now - t) * 1000
            t = now

        k = self.global_step % self.steps_per_epoch
        if k == 0:
            self.order = torch.randperm(s['trainN'], generator=gen)
        pos = self.order[k * B:(k + 1) * B]
        xb, yb = s['train'][pos], s['trainY'][pos]
        vpos = torch.randperm(s['valN'], generator=gen)[:self.V]
        xv, yv = s['val'][vpos], s['valY'][vpos]
        with torch.no_grad():
            p = torch.softmax(self.alpha.detach().double(), 0)
            p_aug = float(torch.sigmoid(self.beta.detach()))
        mark('batch indexing')
        subs, augmented = [], []
        for _ in range(J):
            sub = torch.randint(0, K, (n_ops,), generator=gen).tolist()  # explore = 1: uniform
            subs.append(sub)
            xa = xb
            for c in sub:
                cat = self.space[c]
                xa = apply_op(xa, cat['op'], cat['magnitude'] or 0.0, gen)
            augmented.append(xa)
        mark('draw + augment')
        x0 = base_transform(xb, s['base'], gen)
        xs = [base_transform(xa, s['base'], gen) for xa in augmented]
        mark('base transform')
        pk = [float(torch.prod(p[sub])) for sub in subs]
        z = sum(pk)
        self.net.track_stats(True)
        g0, loss0, _ = grads_of(self.net, self.params, x0, yb, 'sum')
        self.net.track_stats(False)
        mark('clean pass g0')
        gs = [grads_of(self.net, self.params, x, yb, 'sum')[0] for x in xs]
        mark('augmented passes g1..gJ')
        lr = 0.5 * d['xi'] * (1 + math.cos(math.pi * self.global_step / self.total_steps))
        coeffs = [1 - p_aug] + [p_aug * v / z for v in pk]
        with torch.no_grad():
            for i, w in enumerate(self.params):
                mix = coeffs[0] * g0[i]
                for j, g in enumerate(gs):
                    mix = mix + coeffs[j + 1] * g[i]
                w.sub_(lr * mix)
        mark('mixed SGD step')
        gv, val_loss, val_correct = grads_of(self.net, self.params, xv, yv, 'mean')
        mark("val pass gV at w'")
        with torch.no_grad():
            flat = lambda gl: torch.cat([g.reshape(-1) for g in gl])
            G = torch.stack([flat(g0)] + [flat(g) for g in gs])
            dots = (G @ flat(gv)).tolist()
        mark('dot products')
        draw = [dots[j + 1] - dots[0] for j in range(J)]
        l1 = sum(abs(v) for v in draw)
        dn = [v / (l1 + d['normEpsilon']) for v in draw]
        logp = torch.log_softmax(self.alpha, 0)
        terms = [torch.exp(logp[sub].sum()) * (-dn[j] / z) for j, sub in enumerate(subs)]
        S = torch.sigmoid(self.beta) * torch.stack(terms).sum()
        self.opt_alpha.zero_grad()
        self.opt_beta.zero_grad()
        S.backward()
        self.opt_alpha.step()
        self.opt_beta.step()
        self.global_step += 1
        _ = float(loss0), float(val_loss), int(val_correct)
        mark('surrogate + Adam')
        return ph


def median_ms(times):
    return statistics.median(times) * 1000


def best_ms(times):
    """Minimum: other processes sharing the cores only ever add time."""
    return min(times) * 1000


def run_plain(s, cfg):
    pc = cfg['plain']
    torch.manual_seed(1)
    net = ResNetSmall(s['channels'], s['classes'], s['mean'], s['std'])
    opt = torch.optim.SGD(net.parameters(), lr=pc['lr'])
    n = pc['batch']
    x, y = s['train'][:n].float(), s['trainY'][:n]
    times, cpu = [], []
    for i in range(pc['warmup'] + pc['steps']):
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        float(loss)
        if i >= pc['warmup']:
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return {'msPerStep': best_ms(times), 'cpuMsPerStep': median_ms(cpu), 'ms': [t * 1000 for t in times]}


def run_ddas(s, cfg, V):
    d = cfg['ddas']
    run = Ddas(cfg, s, V, seed=0)
    times, cpu, phases = [], [], []
    for i in range(d['warmup'] + d['steps']):
        c0 = time.process_time()
        t0 = time.perf_counter()
        ph = run.step()
        dt = time.perf_counter() - t0
        if i >= d['warmup']:
            times.append(dt)
            cpu.append(time.process_time() - c0)
            phases.append(ph)
    mean_ph = {k: statistics.mean(p[k] for p in phases) for k in phases[0]}
    return {'V': V, 'msPerStep': best_ms(times), 'cpuMsPerStep': median_ms(cpu), 'ms': [t * 1000 for t in times], 'phasesMs': mean_ph,
            'pAug': float(torch.sigmoid(run.beta.detach()))}


def load_set(s):
    def px(name, count):
        a = np.fromfile(s[name], dtype=np.uint8).reshape(count, s['height'], s['width'], s['channels'])
        return torch.from_numpy(a).permute(0, 3, 1, 2).contiguous()

    def lab(name):
        return torch.from_numpy(np.fromfile(s[name], dtype=np.uint8).astype(np.int64))

    out = dict(s)
    out['train'], out['trainY'] = px('trainPixels', s['trainN']), lab('trainLabels')
    out['val'], out['valY'] = px('valPixels', s['valN']), lab('valLabels')
    out['mean'], out['std'] = channel_stats(out['train'])
    return out


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    default_threads = torch.get_num_threads()
    sets = [load_set(s) for s in cfg['sets']]
    results = []
    for threads in cfg['threads']:
        torch.set_num_threads(threads)
        for s in sets:
            r = run_plain(s, cfg)
            results.append({'threads': threads, 'set': s['tag'], 'kind': 'plain', **r})
            print(f"peer: {threads} thread(s) {s['tag']} plain {r['msPerStep']:.1f} ms/step", file=sys.stderr, flush=True)
            if threads in cfg['ddasThreads']:
                for V in cfg['ddas']['valBatches']:
                    r = run_ddas(s, cfg, V)
                    results.append({'threads': threads, 'set': s['tag'], 'kind': 'ddas', **r})
                    print(f"peer: {threads} thread(s) {s['tag']} DDAS V={V} {r['msPerStep']:.1f} ms/step", file=sys.stderr, flush=True)
    print(json.dumps({
        'python': platform.python_version(),
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'defaultThreads': default_threads,
        'interopThreads': torch.get_num_interop_threads(),
        'results': results,
    }))


if __name__ == '__main__':
    main()
