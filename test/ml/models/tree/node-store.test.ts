import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeStore } from '../../../../shared/ml/models/tree/node-store.js';

describe('NodeStore', () => {
  it('ends a forest of like-sized trees within a fifth of its size when reserved between trees (doubling: 1.7×)', () => {
    const store = new NodeStore(1, 3);
    const nTrees = 50;
    for (let t = 0; t < nTrees; t++) {
      store.reserveForTrees(t, nTrees);
      for (let i = 0; i < 12_000 + ((t * 7919) % 1000); i++) store.addNode();
      store.roots.push(store.size - 1);
    }
    assert.ok(store.feature.length <= store.size * 1.2, `capacity ${store.feature.length} for ${store.size} nodes`);
    assert.ok(store.feature.length >= store.size);
  });

  it('keeps every node when it reserves more room', () => {
    const store = new NodeStore(2, 3);
    for (let i = 0; i < 300; i++) {
      const node = store.addNode();
      store.setSplit(node, i % 3, i / 2, i % 2 === 0);
      store.value[2 * node] = i;
    }
    store.reserve(10_000);
    assert.equal(store.feature.length, 10_000);
    for (let i = 0; i < 300; i++) {
      assert.equal(store.feature[i], i % 3);
      assert.equal(store.threshold[i], i / 2);
      assert.equal(store.missingLeft[i], i % 2 === 0 ? 1 : 0);
      assert.equal(store.value[2 * i], i);
    }
  });
});
