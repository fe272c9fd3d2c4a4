/** Types for the untyped npm package `ml-logistic-regression` (benchmark baseline only). */
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface TwoClassLogisticRegression {
    testScores(features: Matrix): number[];
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    classifiers: TwoClassLogisticRegression[];
    train(X: Matrix, Y: Matrix): void;
    predict(X: Matrix): number[];
  }
}
