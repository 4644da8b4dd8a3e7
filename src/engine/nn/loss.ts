/** Classification losses and accuracy from logits and integer labels. */
import { tf } from '../tf';

/** Per-example softmax cross-entropy, [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const classes = logits.shape[1];
  const logp = tf.logSoftmax(logits);
  const onehot = tf.oneHot(tf.cast(labels, 'int32'), classes);
  return tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D;
}

/** Number of rows whose arg-max is the label (a scalar). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32'));
}
