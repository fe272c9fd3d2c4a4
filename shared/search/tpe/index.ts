/** TPE search: the sampler and the type of its options (the Parzen estimator is internal to it). */
export { TpeSampler } from './tpe-sampler.js';
export type { TpeOptionsInput } from './tpe-options.js';
