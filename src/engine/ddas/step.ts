/**
 * One DDAS step's arithmetic (DESIGN section 3, steps 2-6) on prepared batches:
 * gradients of the summed training losses, the kept model step, the validation
 * gradient at the new weights, the d_j, and the surrogate's policy gradient.
 */
import { tf } from '../tf';
import { correctCount, crossEntropy, updateRunningStats, type BatchSync, type ParamSet, type ProxyNet } from '../nn';
import type { GradientPool } from './parallel';

export interface LossGradients {
  /** One gradient per parameter, in the ParamSet's order. */
  readonly grads: tf.Tensor[];
  /** The reduced loss (sum or mean, as asked). */
  readonly loss: number;
  /** Correct predictions in the batch (training-mode forward). */
  readonly correct: number;
}

/**
 * Gradient of the cross-entropy w.r.t. every parameter, with batch norm in training
 * mode. `moments` (optional) receives the batch statistics for the running averages.
 * With `sync`, x is this instance's part of a batch of `sync.batchTotal` images:
 * batch norm uses the whole batch's statistics, 'mean' divides by the whole batch, and
 * the result is this part's share (the parts' gradients and losses add up).
 */
export function lossGradients(net: ProxyNet, weights: ParamSet, x: tf.Tensor4D, labels: tf.Tensor1D, reduction: 'sum' | 'mean', moments?: Map<string, tf.Tensor>, sync?: BatchSync): LossGradients {
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
    const logits = net.forward(weights.bind(ws), x, { training: true, moments, sync });
    correct = tf.keep(correctCount(logits, labels));
    const ce = crossEntropy(logits, labels);
    if (reduction === 'sum') return tf.sum(ce);
    return sync ? tf.div(tf.sum(ce), sync.batchTotal) : tf.mean(ce);
  })([...weights.variables]);
  const loss = value.dataSync()[0];
  value.dispose();
  const c = correct ? correct.dataSync()[0] : 0;
  correct?.dispose();
  return { grads, loss, correct: c };
}

/** sum over parameters of <a, b>, as one scalar read. */
export function gradientDot(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))).dataSync()[0]);
}

/** Several dot products against the same `b`, read back in one transfer. */
export function gradientDots(as: readonly (readonly tf.Tensor[])[], b: readonly tf.Tensor[]): number[] {
  return Array.from(tf.tidy(() => tf.stack(as.map((a) => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))))).dataSync()));
}

/** w - lr * sum_i coeffs[i] * grads[i], as new tensors (the caller assigns or disposes). */
export function mixedStep(weights: readonly tf.Tensor[], grads: readonly (readonly tf.Tensor[])[], coeffs: readonly number[], lr: number): tf.Tensor[] {
  return weights.map((w, p) =>
    tf.tidy(() => {
      const mix = tf.addN(grads.map((g, i) => tf.mul(g[p], coeffs[i])));
      return tf.sub(w, tf.mul(mix, lr));
    }),
  );
}

/** The mixing coefficients of g_0 and the g_j: (1 - p_aug) and p_aug p_kj / Z. */
export function mixingCoefficients(pAug: number, pk: readonly number[]): number[] {
  const z = pk.reduce((a, b) => a + b, 0);
  return [1 - pAug, ...pk.map((v) => (pAug * v) / z)];
}

export interface SurrogateGradient {
  /** dS/dalpha. */
  readonly alpha: Float64Array;
  /** dS/dbeta. */
  readonly beta: number;
  /** S itself. */
  readonly value: number;
}

/**
 * S = - sum_j d_j sigmoid(beta) p_kj(alpha) / Z(alpha), Z = sum_j p_kj, and its gradient:
 * minus the first-order change of L_val(w') per unit of the mixing weights (over xi), so
 * descending S descends the validation loss.
 *
 * Z depends on alpha here (DESIGN section 3 holds it constant): the model step mixes the
 * g_j with weights p_kj / Z that always sum to 1, so this is the exact gradient of the
 * step actually taken. With Z constant, every category absent from a step's sub-policies
 * gains whenever the step's mean d_j is negative - a drift toward whatever is rarely
 * drawn or does little, measured as the collapse onto near-identity operations; the
 * mean of d is p_aug's to follow, not alpha's.
 */
export function surrogateGradient(alpha: ArrayLike<number>, beta: number, subPolicies: readonly (readonly number[])[], d: readonly number[]): SurrogateGradient {
  // In closed form and float64: with w_j = p_kj / Z and log p_kj = sum_i c_ji log softmax_i,
  // dw_j/dalpha_i = w_j [(c_ji - cbar_i) - (n_j - nbar) softmax_i], where c_ji counts k_i in
  // sub-policy j, n_j = sum_i c_ji, and bars are w-weighted means. A category in no
  // sub-policy of the step gets exactly 0 (autodiff in float32 left rounding noise there,
  // which Adam's normalisation blew up into steps of lr).
  const k = alpha.length;
  const maxA = Math.max(...Array.from(alpha));
  const soft = Float64Array.from({ length: k }, (_, i) => Math.exp(alpha[i] - maxA));
  const total = soft.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k; i++) soft[i] /= total;
  const logPk = subPolicies.map((sub) => sub.reduce((acc, i) => acc + Math.log(soft[i]), 0));
  const maxLog = Math.max(...logPk);
  const raw = logPk.map((l) => Math.exp(l - maxLog));
  const z = raw.reduce((a, b) => a + b, 0);
  const w = raw.map((v) => v / z);
  const sig = 1 / (1 + Math.exp(-beta));
  const mixed = w.reduce((acc, wj, j) => acc + wj * d[j], 0);
  const nbar = w.reduce((acc, wj, j) => acc + wj * subPolicies[j].length, 0);
  // With equal sub-policy lengths (the usual case) the softmax term is exactly 0; rounding in nbar would not be.
  const sameLength = subPolicies.every((sub) => sub.length === subPolicies[0].length);
  // dS/dalpha_i = -sig sum_j d_j w_j [(c_ji - cbar_i) - (n_j - nbar) softmax_i]
  //             = -sig [sum_j (d_j - mixed) w_j c_ji - softmax_i sum_j (d_j - mixed) w_j n_j].
  const grad = new Float64Array(k);
  let countTerm = 0;
  subPolicies.forEach((sub, j) => {
    const e = (d[j] - mixed) * w[j];
    for (const i of sub) grad[i] -= sig * e;
    if (!sameLength) countTerm += e * (sub.length - nbar);
  });
  for (let i = 0; i < k; i++) grad[i] += sig * soft[i] * countTerm;
  return { alpha: grad, beta: -sig * (1 - sig) * mixed, value: -sig * mixed };
}

export interface StepTensors {
  /** base(B). */
  readonly x0: tf.Tensor4D;
  /** base(aug_kj(B)), j = 1..J. */
  readonly xs: readonly tf.Tensor4D[];
  readonly labels: tf.Tensor1D;
  readonly val: tf.Tensor4D;
  readonly valLabels: tf.Tensor1D;
}

export interface ModelStepResult {
  /** Un-normalised d_j = <g_j, g_V> - <g_0, g_V>. */
  readonly d: number[];
  /** <g_j, g_V> for j = 0..J (g_0 first). */
  readonly dots: number[];
  /** Mean cross-entropy of x0 before the step. */
  readonly trainLoss: number;
  /** Mean cross-entropy and accuracy of V at w' (training-mode batch norm). */
  readonly valLoss: number;
  readonly valAccuracy: number;
}

/**
 * Steps 2-5: g_0, g_j on summed losses; w' = w - lr [(1 - p_aug) g_0 + p_aug sum_j (p_kj/Z) g_j]
 * assigned to `weights` (the model trains); g_V of the MEAN validation loss at w'; the d_j.
 * Batch-norm running statistics follow the clean batch x0. With a pool, the training
 * passes are shared out whole and the val pass is split in two with synchronised BN.
 */
export function modelStep(net: ProxyNet, weights: ParamSet, buffers: ParamSet, t: StepTensors, pAug: number, pk: readonly number[], lr: number, pool?: GradientPool): ModelStepResult {
  const moments = new Map<string, tf.Tensor>();
  const all: tf.Tensor[][] = [];
  try {
    // g_0 always runs here: its batch statistics feed the running averages.
    let trainLoss = 0;
    const local = (x: tf.Tensor4D, j: number): tf.Tensor[] => {
      const r = lossGradients(net, weights, x, t.labels, 'sum', j === 0 ? moments : undefined);
      if (j === 0) trainLoss = r.loss;
      return r.grads;
    };
    const passes = [t.x0, ...t.xs];
    if (pool && pool.threads > 1) {
      all.push(...pool.run(weights.flatten(), weights.specs.map((s) => s.shape), passes, t.labels, local));
    } else {
      passes.forEach((x, j) => all.push(local(x, j)));
    }
    updateRunningStats(buffers.variables, buffers.specs.map((s) => s.name), moments);
    const next = mixedStep(weights.variables, all, mixingCoefficients(pAug, pk), lr);
    weights.assign(next);
    tf.dispose(next);
    const gv = pool && pool.threads > 1 && t.val.shape[0] >= 2 ? pool.splitMeanGradients(weights, t.val, t.valLabels, (x, labels, sync) => lossGradients(net, weights, x, labels, 'mean', undefined, sync)) : lossGradients(net, weights, t.val, t.valLabels, 'mean');
    all.push(gv.grads);
    const dots = gradientDots(all.slice(0, -1), gv.grads);
    return {
      d: dots.slice(1).map((v) => v - dots[0]),
      dots,
      trainLoss: trainLoss / t.labels.shape[0],
      valLoss: gv.loss,
      valAccuracy: gv.correct / t.valLabels.shape[0],
    };
  } finally {
    for (const g of all) tf.dispose(g);
    tf.dispose([...moments.values()]);
  }
}

/** d / (||d||_1 + eps). */
export function normaliseD(d: readonly number[], eps: number): number[] {
  const l1 = d.reduce((s, v) => s + Math.abs(v), 0);
  return d.map((v) => v / (l1 + eps));
}
