#!/usr/bin/python3
"""The PyTorch peer of bench/kernels.ts's per-layer table: each convolution of the
resnet-small proxy timed forward, weight gradient and input gradient, as PyTorch's CPU
training runs them (aten convolution / convolution_backward, NCHW float32).

    /usr/bin/python3 bench/layers_torch.py '{"batch": 128, "threads": [1, 2], "layers": [...]}'

Each layer is {"x": [N, H, W, C], "k": K, "co": Co, "stride": S} ('same' padding, as the
TypeScript side). Prints one JSON object: per thread count, per layer, the best of 5
wall-clock ms of each of the three.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def best_ms(f, reps=5):
    f()  # warm-up: kernel selection, allocations
    best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best


def time_layer(layer):
    n, h, w, c = layer['x']
    k, co, s = layer['k'], layer['co'], layer['stride']
    pad = (k - 1) // 2
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, c, h, w, generator=g)
    wt = torch.randn(co, c, k, k, generator=g)
    y = F.conv2d(x, wt, stride=s, padding=pad)
    dy = torch.randn(y.shape, generator=g)
    with torch.no_grad():
        fwd = best_ms(lambda: F.conv2d(x, wt, stride=s, padding=pad))
        dw = best_ms(lambda: torch.nn.grad.conv2d_weight(x, wt.shape, dy, stride=s, padding=pad))
        dx = best_ms(lambda: torch.nn.grad.conv2d_input(x.shape, wt, dy, stride=s, padding=pad))
    return {'forward': fwd, 'filter': dw, 'input': dx}


def main():
    config = json.loads(sys.argv[1])
    out = {'torch': torch.__version__, 'results': {}}
    for threads in config['threads']:
        torch.set_num_threads(threads)
        out['results'][str(threads)] = [time_layer(layer) for layer in config['layers']]
    print(json.dumps(out))


if __name__ == '__main__':
    main()
