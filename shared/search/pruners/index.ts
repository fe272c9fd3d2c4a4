/** Pruners: pure early-stopping decisions over rung or step data the caller stores. */
export { SuccessiveHalvingPruner } from './successive-halving-pruner.js';
export type { RungDecision, SuccessiveHalvingOptions } from './successive-halving-pruner.js';
export { MedianPruner } from './median-pruner.js';
export type { MedianCheck, MedianDecision, MedianPrunerOptions } from './median-pruner.js';
export type { PrunerGoal } from './pruner-format.js';
