import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';
import { MIXED_LEAF, PackedNodes } from '../../../../shared/ml/models/tree/packed-nodes.js';
import { RandomForestClassifier } from '../../../../shared/ml/models/tree/random-forest-classifier.js';
import { RandomForestRegressor } from '../../../../shared/ml/models/tree/random-forest-regressor.js';
import { threeBlobs } from './tree-test-data.js';

describe('PackedNodes', () => {
  it('walks every row of a fitted forest to the leaf NodeStore.findLeaf reaches, missing values included', () => {
    const data = threeBlobs(60, 4);
    // Missing values in training (both sides tried) and at predict time (the learned side).
    for (let r = 0; r < data.nRows; r += 5) data.columns[r % 3]![r] = Number.NaN;
    const model = new RandomForestClassifier({ n_estimators: 5, max_features: 2, random_state: 1 });
    model.fit(data, data.y);
    const store = model.tree;
    const packed = new PackedNodes();
    // Small forests fit one chunk: every tree packed at once.
    assert.equal(packed.pack(store, 0), store.roots.length);
    const p = data.columns.length;
    const block = new Float64Array(p);
    let missingWalks = 0;
    for (let r = 0; r < data.nRows; r++) {
      for (let f = 0; f < p; f++) block[f] = data.columns[f]![r]!;
      if (block.some((x) => Number.isNaN(x))) missingWalks++;
      for (const root of store.roots) assert.equal(packed.findLeaf(root, block, 0), store.findLeaf(root, data.columns, r));
    }
    assert.ok(missingWalks > 0);
    // A chunk from a later tree: node indices relative to its first node, leaves back in store indices.
    assert.equal(packed.pack(store, 3), store.roots.length);
    for (let r = 0; r < data.nRows; r++) {
      for (let f = 0; f < p; f++) block[f] = data.columns[f]![r]!;
      assert.equal(packed.findLeaf(store.roots[4]!, block, 0), store.findLeaf(store.roots[4]!, data.columns, r));
    }
  });

  it('tells pure leaves by class, mixed ones apart, and a one-output leaf by its value, as the store holds them', () => {
    const data = threeBlobs(60, 4);
    const p = data.columns.length;
    const block = new Float64Array(p);
    // Depth 2 leaves mixed leaves beside pure ones.
    const classifier = new RandomForestClassifier({ n_estimators: 5, max_depth: 2, random_state: 1 });
    classifier.fit(data, data.y);
    const store = classifier.tree;
    const k = store.nOutputs;
    const packed = new PackedNodes();
    packed.pack(store, 0);
    const seen = new Set<string>();
    for (let r = 0; r < data.nRows; r++) {
      for (let f = 0; f < p; f++) block[f] = data.columns[f]![r]!;
      for (const root of store.roots) {
        const leaf = packed.findLeaf(root, block, 0);
        const values = Array.from(store.value.subarray(leaf * k, leaf * k + k));
        const pureClass = packed.leafClass(leaf);
        if (pureClass === MIXED_LEAF) assert.ok(values.filter((v) => v !== 0).length > 1, `leaf ${leaf} is pure: ${values.join(', ')}`);
        else
          assert.deepEqual(
            values,
            Array.from({ length: k }, (_, c) => (c === pureClass ? 1 : 0)),
          );
        seen.add(pureClass === MIXED_LEAF ? 'mixed' : 'pure');
      }
    }
    assert.deepEqual([...seen].sort(), ['mixed', 'pure']);
    const y = Float64Array.from(data.y, (c, r) => c * 10 + (r % 7));
    const regressor = new RandomForestRegressor({ n_estimators: 3, random_state: 1 });
    regressor.fit(data, y);
    const regressionStore = regressor.tree;
    packed.pack(regressionStore, 0);
    for (let r = 0; r < data.nRows; r++) {
      for (let f = 0; f < p; f++) block[f] = data.columns[f]![r]!;
      for (const root of regressionStore.roots) {
        const leaf = packed.findLeaf(root, block, 0);
        assert.equal(packed.leafValue(leaf), regressionStore.value[leaf]);
      }
    }
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
    assert.equal(new PackedNodes().pack(store, 0), -1);
  });
});
