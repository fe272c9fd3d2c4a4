/** TPE search: the sampler (its options and Parzen estimator are internal to it). */
export { TpeSampler } from './tpe-sampler.js';
