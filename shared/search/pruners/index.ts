/** Pruners: pure early-stopping decisions over rung or step data the caller stores. */
export { SuccessiveHalvingPruner } from './successive-halving-pruner.js';
export { MedianPruner } from './median-pruner.js';
