/** TPE search: the sampler, its options, and the Parzen estimator it is built on (public for tests and tools). */
export { TpeSampler, MAX_BAD_KERNELS } from './tpe-sampler.js';
export { DEFAULT_TPE_OPTIONS, defaultGamma, resolveTpeOptions } from './tpe-options.js';
export type { GammaFunction, TpeOptions, TpeOptionsInput } from './tpe-options.js';
export { ParzenEstimator, DEFAULT_PARZEN_PARAMETERS, defaultWeights } from './parzen-estimator.js';
export type { ParzenDimension, ParzenParameters } from './parzen-estimator.js';
