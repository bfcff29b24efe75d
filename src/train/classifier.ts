/**
 * Training step of the MNIST evaluation classifier (src/models/classifier.ts): softmax cross-entropy, Adam.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { NUM_CLASSES } from '../models/classifier.ts';

export class ClassifierTrainer {
  readonly opt: tf.Optimizer;
  private readonly vars: tf.Variable[];

  constructor(
    readonly model: tfl.LayersModel,
    readonly lr = 1e-3,
  ) {
    if (!(Number.isFinite(lr) && lr > 0 && lr < 1)) throw new Error(`classifier lr must be in (0, 1), got ${lr}`);
    this.opt = tf.train.adam(lr);
    this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** One Adam step on a batch; returns the batch loss and accuracy. */
  step(x: tf.Tensor4D, labels: Int32Array): { loss: number; acc: number } {
    const y = tf.tensor1d(labels, 'int32');
    let correct: tf.Scalar | null = null;
    const g = tf.variableGrads(() => {
      const logits = this.model.apply(x, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, NUM_CLASSES), logits) as tf.Scalar;
    }, this.vars);
    this.opt.applyGradients(g.grads);
    const loss = g.value.dataSync()[0];
    const acc = correct!.dataSync()[0] / labels.length;
    tf.dispose([g.value, y, correct!, ...Object.values(g.grads)]);
    return { loss, acc };
  }
}
