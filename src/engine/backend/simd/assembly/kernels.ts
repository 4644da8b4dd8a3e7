// AssemblyScript source of our wasm SIMD kernels (compiled by `npm run build:simd`
// into ../kernels.wasm.ts). They run on the tfjs wasm backend's own memory, which
// the module imports: arguments are byte offsets of tensors in that heap. There is
// no allocator, no static data and no globals, so nothing here can touch memory
// that the arguments do not name.

// Output rows per block of the filter gradient: the block's dy and x rows stay in L1
// while every tap and channel tile passes over them.
const ROWS: i32 = 4;

/** ceil(a / b) for b > 0 and any sign of a. */
@inline function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/** floor(a / b) for b > 0 and any sign of a. */
@inline function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// One tile of the filter gradient: acc[c][o] += sum over the block's pixels of
// x[pixel, c] * dy[pixel, o], for 4 (or 1) input channels x 8 (or 4) output channels,
// the accumulators in registers. `xs`/`ds` step one pixel, `xr`/`dr` one row.

@inline function tile4x8(x: usize, d: usize, rows: i32, cols: i32, xs: usize, ds: usize, xr: usize, dr: usize, acc: usize, cob: usize): void {
  let a0 = v128.load(acc), a1 = v128.load(acc, 16);
  let b0 = v128.load(acc + cob), b1 = v128.load(acc + cob, 16);
  let c0 = v128.load(acc + 2 * cob), c1 = v128.load(acc + 2 * cob, 16);
  let e0 = v128.load(acc + 3 * cob), e1 = v128.load(acc + 3 * cob, 16);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xr;
    let dp = d + <usize>r * dr;
    for (let k = 0; k < cols; k++) {
      const g0 = v128.load(dp), g1 = v128.load(dp, 16);
      let s = f32x4.splat(load<f32>(xp));
      a0 = f32x4.add(a0, f32x4.mul(s, g0)); a1 = f32x4.add(a1, f32x4.mul(s, g1));
      s = f32x4.splat(load<f32>(xp, 4));
      b0 = f32x4.add(b0, f32x4.mul(s, g0)); b1 = f32x4.add(b1, f32x4.mul(s, g1));
      s = f32x4.splat(load<f32>(xp, 8));
      c0 = f32x4.add(c0, f32x4.mul(s, g0)); c1 = f32x4.add(c1, f32x4.mul(s, g1));
      s = f32x4.splat(load<f32>(xp, 12));
      e0 = f32x4.add(e0, f32x4.mul(s, g0)); e1 = f32x4.add(e1, f32x4.mul(s, g1));
      xp += xs;
      dp += ds;
    }
  }
  v128.store(acc, a0); v128.store(acc, a1, 16);
  v128.store(acc + cob, b0); v128.store(acc + cob, b1, 16);
  v128.store(acc + 2 * cob, c0); v128.store(acc + 2 * cob, c1, 16);
  v128.store(acc + 3 * cob, e0); v128.store(acc + 3 * cob, e1, 16);
}

@inline function tile1x8(x: usize, d: usize, rows: i32, cols: i32, xs: usize, ds: usize, xr: usize, dr: usize, acc: usize): void {
  let a0 = v128.load(acc), a1 = v128.load(acc, 16);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xr;
    let dp = d + <usize>r * dr;
    for (let k = 0; k < cols; k++) {
      const s = f32x4.splat(load<f32>(xp));
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(dp))); a1 = f32x4.add(a1, f32x4.mul(s, v128.load(dp, 16)));
      xp += xs;
      dp += ds;
    }
  }
  v128.store(acc, a0); v128.store(acc, a1, 16);
}

@inline function tile4x4(x: usize, d: usize, rows: i32, cols: i32, xs: usize, ds: usize, xr: usize, dr: usize, acc: usize, cob: usize): void {
  let a = v128.load(acc), b = v128.load(acc + cob), c = v128.load(acc + 2 * cob), e = v128.load(acc + 3 * cob);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xr;
    let dp = d + <usize>r * dr;
    for (let k = 0; k < cols; k++) {
      const g = v128.load(dp);
      a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(xp)), g));
      b = f32x4.add(b, f32x4.mul(f32x4.splat(load<f32>(xp, 4)), g));
      c = f32x4.add(c, f32x4.mul(f32x4.splat(load<f32>(xp, 8)), g));
      e = f32x4.add(e, f32x4.mul(f32x4.splat(load<f32>(xp, 12)), g));
      xp += xs;
      dp += ds;
    }
  }
  v128.store(acc, a); v128.store(acc + cob, b); v128.store(acc + 2 * cob, c); v128.store(acc + 3 * cob, e);
}

@inline function tile1x4(x: usize, d: usize, rows: i32, cols: i32, xs: usize, ds: usize, xr: usize, dr: usize, acc: usize): void {
  let a = v128.load(acc);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xr;
    let dp = d + <usize>r * dr;
    for (let k = 0; k < cols; k++) {
      a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(xp)), v128.load(dp)));
      xp += xs;
      dp += ds;
    }
  }
  v128.store(acc, a);
}

/**
 * Conv2D filter gradient, NHWC, dilation 1, co a multiple of 4:
 * dw[i, j, c, o] = sum_{n, y, q} x[n, y*sh + i - padTop, q*sw + j - padLeft, c] * dy[n, y, q, o],
 * out-of-range input pixels (the forward pass's zero padding) skipped.
 */
export function conv2dFilterGrad(
  x: usize, dy: usize, dw: usize,
  n: i32, h: i32, w: i32, ci: i32,
  ho: i32, wo: i32, co: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, padTop: i32, padLeft: i32,
): void {
  const cob = <usize>co << 2;
  memory.fill(dw, 0, <usize>(kh * kw * ci) * cob);
  const xs = <usize>(sw * ci) << 2;
  const xr = <usize>(sh * w * ci) << 2;
  const dr = <usize>wo * cob;
  const co8 = co & ~7;
  for (let img = 0; img < n; img++) {
    for (let y0 = 0; y0 < ho; y0 += ROWS) {
      for (let i = 0; i < kh; i++) {
        // Output rows whose input row y*sh + i - padTop lies inside the image.
        const ys = max(y0, ceilDiv(padTop - i, sh));
        const ye = min(min(y0 + ROWS, ho), floorDiv(h - 1 + padTop - i, sh) + 1);
        if (ys >= ye) continue;
        for (let j = 0; j < kw; j++) {
          const qs = max(0, ceilDiv(padLeft - j, sw));
          const qe = min(wo, floorDiv(w - 1 + padLeft - j, sw) + 1);
          if (qs >= qe) continue;
          const rows = ye - ys;
          const cols = qe - qs;
          const xb = x + (<usize>(((img * h + ys * sh + i - padTop) * w + qs * sw + j - padLeft) * ci) << 2);
          const db = dy + <usize>((img * ho + ys) * wo + qs) * cob;
          const ab = dw + <usize>((i * kw + j) * ci) * cob;
          let c = 0;
          for (; c + 4 <= ci; c += 4) {
            const xc = xb + (<usize>c << 2);
            const ac = ab + <usize>c * cob;
            let o = 0;
            for (; o < co8; o += 8) tile4x8(xc, db + (<usize>o << 2), rows, cols, xs, cob, xr, dr, ac + (<usize>o << 2), cob);
            if (o < co) tile4x4(xc, db + (<usize>o << 2), rows, cols, xs, cob, xr, dr, ac + (<usize>o << 2), cob);
          }
          for (; c < ci; c++) {
            const xc = xb + (<usize>c << 2);
            const ac = ab + <usize>c * cob;
            let o = 0;
            for (; o < co8; o += 8) tile1x8(xc, db + (<usize>o << 2), rows, cols, xs, cob, xr, dr, ac + (<usize>o << 2));
            if (o < co) tile1x4(xc, db + (<usize>o << 2), rows, cols, xs, cob, xr, dr, ac + (<usize>o << 2));
          }
        }
      }
    }
  }
}

// Batch norm over [rows, c] (NHWC flattened), c a multiple of 4. Reductions go over
// blocks of rows that stay in L1 and add each block's sums into `out`; four rows at a
// time in separate accumulators, so the adds do not wait on each other.
const BN_BLOCK: i32 = 64;

/** out[0..c) = per-channel sums of x; with `centre`, of (x - centre[ch])^2 instead. */
export function channelSums(x: usize, out: usize, rows: i32, c: i32, centre: usize): void {
  const rb = <usize>c << 2;
  memory.fill(out, 0, rb);
  for (let r0 = 0; r0 < rows; r0 += BN_BLOCK) {
    const r1 = min(rows, r0 + BN_BLOCK);
    for (let g: usize = 0; g < rb; g += 16) {
      const m = centre ? v128.load(centre + g) : f32x4.splat(0);
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      let p = x + <usize>r0 * rb + g;
      let r = r0;
      if (centre) {
        for (; r + 4 <= r1; r += 4) {
          const d0 = f32x4.sub(v128.load(p), m), d1 = f32x4.sub(v128.load(p + rb), m);
          const d2 = f32x4.sub(v128.load(p + 2 * rb), m), d3 = f32x4.sub(v128.load(p + 3 * rb), m);
          a0 = f32x4.add(a0, f32x4.mul(d0, d0)); a1 = f32x4.add(a1, f32x4.mul(d1, d1));
          a2 = f32x4.add(a2, f32x4.mul(d2, d2)); a3 = f32x4.add(a3, f32x4.mul(d3, d3));
          p += 4 * rb;
        }
        for (; r < r1; r++) {
          const d = f32x4.sub(v128.load(p), m);
          a0 = f32x4.add(a0, f32x4.mul(d, d));
          p += rb;
        }
      } else {
        for (; r + 4 <= r1; r += 4) {
          a0 = f32x4.add(a0, v128.load(p)); a1 = f32x4.add(a1, v128.load(p + rb));
          a2 = f32x4.add(a2, v128.load(p + 2 * rb)); a3 = f32x4.add(a3, v128.load(p + 3 * rb));
          p += 4 * rb;
        }
        for (; r < r1; r++) {
          a0 = f32x4.add(a0, v128.load(p));
          p += rb;
        }
      }
      const s = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
      v128.store(out + g, f32x4.add(v128.load(out + g), s));
    }
  }
}

/** out[0..c) = per-channel sums of dy, out[c..2c) = of dy * x: batch norm's backward sums. */
export function gradSums(dy: usize, x: usize, out: usize, rows: i32, c: i32): void {
  const rb = <usize>c << 2;
  memory.fill(out, 0, 2 * rb);
  for (let r0 = 0; r0 < rows; r0 += BN_BLOCK) {
    const r1 = min(rows, r0 + BN_BLOCK);
    for (let g: usize = 0; g < rb; g += 16) {
      let s0 = f32x4.splat(0), s1 = s0, t0 = s0, t1 = s0;
      let p = dy + <usize>r0 * rb + g;
      let q = x + <usize>r0 * rb + g;
      let r = r0;
      for (; r + 2 <= r1; r += 2) {
        const d0 = v128.load(p), d1 = v128.load(p + rb);
        s0 = f32x4.add(s0, d0); s1 = f32x4.add(s1, d1);
        t0 = f32x4.add(t0, f32x4.mul(d0, v128.load(q))); t1 = f32x4.add(t1, f32x4.mul(d1, v128.load(q + rb)));
        p += 2 * rb;
        q += 2 * rb;
      }
      if (r < r1) {
        const d = v128.load(p);
        s0 = f32x4.add(s0, d);
        t0 = f32x4.add(t0, f32x4.mul(d, v128.load(q)));
      }
      v128.store(out + g, f32x4.add(v128.load(out + g), f32x4.add(s0, s1)));
      v128.store(out + rb + g, f32x4.add(v128.load(out + rb + g), f32x4.add(t0, t1)));
    }
  }
}

/**
 * out = a * u + shift, per channel (u: [rows, c]; a, shift: [c]); with `v` (nonzero),
 * out = a * u + b * v + shift. Batch norm's normalisation and its input gradient.
 */
export function channelAffine(u: usize, a: usize, v: usize, b: usize, shift: usize, out: usize, rows: i32, c: i32): void {
  const rb = <usize>c << 2;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r * rb;
    if (v) {
      for (let g: usize = 0; g < rb; g += 16) {
        const y = f32x4.add(f32x4.mul(v128.load(u + ro + g), v128.load(a + g)), f32x4.mul(v128.load(v + ro + g), v128.load(b + g)));
        v128.store(out + ro + g, f32x4.add(y, v128.load(shift + g)));
      }
    } else {
      for (let g: usize = 0; g < rb; g += 16) {
        v128.store(out + ro + g, f32x4.add(f32x4.mul(v128.load(u + ro + g), v128.load(a + g)), v128.load(shift + g)));
      }
    }
  }
}

/**
 * Writes one phase of a strided conv's input gradient into place:
 * out[n, s*q + rh, s*p + rw, :] = x[n, q, p, :] for the positions inside [h, w];
 * x = 0 writes zeros (a phase no filter tap reaches).
 */
export function interleavePhase(x: usize, out: usize, n: i32, hq: i32, wq: i32, c: i32, s: i32, rh: i32, rw: i32, h: i32, w: i32): void {
  const run = <usize>c << 2;
  for (let img = 0; img < n; img++) {
    for (let q = 0; q < hq; q++) {
      const y = s * q + rh;
      if (y >= h) break;
      let src = x ? x + <usize>((img * hq + q) * wq) * run : 0;
      let dst = out + <usize>((img * h + y) * w + rw) * run;
      for (let p = 0; p < wq && s * p + rw < w; p++) {
        if (src) {
          memory.copy(dst, src, run);
          src += run;
        } else {
          memory.fill(dst, 0, run);
        }
        dst += <usize>s * run;
      }
    }
  }
}
