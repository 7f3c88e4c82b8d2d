/**
 * The one TensorFlow.js instance of the workbench. Every lib imports `tf` from here so that kernels,
 * backends and the tensor registry are shared.
 */
export * as tf from '@tensorflow/tfjs';
