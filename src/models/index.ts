/**
 * The digit models (tfjs layers): the adversarial autoencoder (encoder 28×28 → 128-d latent code, decoder back,
 * image discriminator), the evaluation classifier, and loading the shipped trained weights from models/ (or any
 * folder saved by the training script). Call `initBackend()` (gmmgen/backend) first to pick the fastest tfjs backend.
 *
 * @packageDocumentation
 */
export {
  LATENT_DIM, IMAGE_SHAPE, LEAKY_ALPHA, ENCODER_PARAMS, DECODER_PARAMS, DISCRIMINATOR_PARAMS, REAL, FAKE,
  buildEncoder, buildDecoder, buildImageDiscriminator, discriminatorProbabilities, countParams, layerTable, type BuildOptions,
} from './autoencoder.ts';
export {
  CLASSIFIER_PARAMS, FEATURE_LAYER, FEATURE_DIM, NUM_CLASSES, buildClassifier, featureModel, classProbabilities, predictClasses, accuracy,
  type ClassifierOptions,
} from './classifier.ts';
export { loadAutoencoder, loadClassifier, type LoadedAutoencoder, type LoadedClassifier } from './load.ts';
export { loadModel, saveModel, ModelFileError } from '../train/model-io.ts';
