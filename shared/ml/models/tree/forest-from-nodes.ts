/**
 * A random forest model from merged node arrays (merge-forest-nodes.ts) without an artefact round
 * trip: the forest classes load their state through `restore`, which checks every node index (as for
 * any artefact) but not through the artefact's zod schema, whose pass over ~0.5M nodes per array cost
 * more than a range of trees took to train.
 */
import { asSerializedNodes, type ForestNodes } from './merge-forest-nodes.js';
import { RandomForestClassifier } from './random-forest-classifier.js';
import { RandomForestRegressor } from './random-forest-regressor.js';

class MergedForestClassifier extends RandomForestClassifier {
  static of(params: unknown, nClasses: number, nodes: ForestNodes): RandomForestClassifier {
    const model = new MergedForestClassifier(params);
    model.restore({ name: 'random_forest', version: 1, params, nClasses, ...asSerializedNodes(nodes) }, undefined);
    return model;
  }
}

class MergedForestRegressor extends RandomForestRegressor {
  static of(params: unknown, nodes: ForestNodes): RandomForestRegressor {
    const model = new MergedForestRegressor(params);
    model.restore({ name: 'random_forest', version: 1, task: 'regression', params, ...asSerializedNodes(nodes) }, undefined);
    return model;
  }
}

/** The forest classifier (`nClasses` set) or regressor (null) of `params` holding `nodes`. */
export function forestFromNodes(params: unknown, nClasses: number | null, nodes: ForestNodes): RandomForestClassifier | RandomForestRegressor {
  return nClasses === null ? MergedForestRegressor.of(params, nodes) : MergedForestClassifier.of(params, nClasses, nodes);
}
