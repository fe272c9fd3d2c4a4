import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RandomForestClassifier } from '../../../../shared/ml/models/tree/random-forest-classifier.js';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { findPackedLeaf, packNodes } from '../../../../shared/ml/models/tree/packed-nodes.js';
import { threeBlobs } from './tree-test-data.js';

describe('packNodes', () => {
  it('walks every row of a fitted forest to the leaf NodeStore.findLeaf reaches, missing values included', () => {
    const data = threeBlobs(60, 4);
    // Missing values in training (both sides tried) and at predict time (the learned side).
    for (let r = 0; r < data.nRows; r += 5) data.columns[r % 3]![r] = Number.NaN;
    const model = new RandomForestClassifier({ n_estimators: 5, max_features: 2, random_state: 1 });
    model.fit(data, data.y);
    const store = model.tree;
    const packed = packNodes(store);
    assert.ok(packed !== null);
    const p = data.columns.length;
    const block = new Float64Array(p);
    let missingWalks = 0;
    for (let r = 0; r < data.nRows; r++) {
      for (let f = 0; f < p; f++) block[f] = data.columns[f]![r]!;
      if (block.some((x) => Number.isNaN(x))) missingWalks++;
      for (const root of store.roots) assert.equal(findPackedLeaf(packed, root, block, 0), store.findLeaf(root, data.columns, r));
    }
    assert.ok(missingWalks > 0);
  });

  it('packs nothing when a split node’s left child is not the next node (walks keep the store’s own arrays)', () => {
    const store = new NodeStore(1, 1);
    const root = store.addNode();
    const right = store.addNode();
    const left = store.addNode();
    store.setSplit(root, 0, 0.5, false);
    store.setChild(root, true, left);
    store.setChild(root, false, right);
    store.roots.push(root);
    assert.equal(packNodes(store), null);
  });
});
