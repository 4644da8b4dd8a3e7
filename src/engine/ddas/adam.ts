/**
 * Adam for the policy parameters (K + 1 numbers): plain float64 arrays, so the optimiser
 * state is a checkpointable object and the update is the same on every backend.
 */
export interface AdamState {
  readonly m: number[];
  readonly v: number[];
  /** Updates taken so far (bias correction). */
  readonly t: number;
}

export interface AdamConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon?: number;
}

export function adamInit(size: number): AdamState {
  return { m: new Array<number>(size).fill(0), v: new Array<number>(size).fill(0), t: 0 };
}

/** One step minimising along `grad`: updates `params` in place, returns the new state. */
export function adamStep(params: Float64Array, grad: ArrayLike<number>, state: AdamState, cfg: AdamConfig): AdamState {
  const eps = cfg.epsilon ?? 1e-8;
  const t = state.t + 1;
  const m = state.m.slice();
  const v = state.v.slice();
  const c1 = 1 - Math.pow(cfg.beta1, t);
  const c2 = 1 - Math.pow(cfg.beta2, t);
  for (let i = 0; i < params.length; i++) {
    m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * grad[i];
    v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * grad[i] * grad[i];
    params[i] -= (cfg.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
  return { m, v, t };
}
