"""Rung tables for ASHA on gradient boosting with resources other than plain n_estimators (issue 11 (c)).

Usage: ~/.cache/sweepq/py/bin/python bench/search/make_resource_tables.py [OUT_DIR]   (default bench/search/fixtures)

Same data, CV and configurations as make_tables.py's gradient boosting table (which gives the value of
every configuration at 300 trees, the full trial). For each configuration and each rung budget r it
records the mean 5-fold CV R² of:

- "scaled": a fresh fit of r trees with the learning rate scaled to the budget,
  min(1, learning_rate · 300 / r) — shrinkage × trees held at the full trial's, so a small learning
  rate is not judged before it had time to learn (capped at 1: past it boosting overshoots);
- "rows": 300 trees at the configuration's own learning rate on a fraction r / 300 of each fold's
  training rows (scikit-learn's HalvingRandomSearchCV resource='n_samples'), scored on the whole
  test fold.

Single-threaded: the machine is shared.
"""
import itertools
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "fixtures")
MAX_TREES = 300
SCALED_RUNGS = [10, 30, 90]
ROW_RUNGS = [33, 100]
GB_GRID = {
    "learning_rate": [0.01, 0.03, 0.1, 0.3],
    "max_depth": [2, 3, 4, 5, 6],
    "subsample": [0.5, 0.75, 1.0],
    "min_samples_leaf": [1, 5, 20],
}


def scaled(params, folds, X, y, r):
    rate = min(1.0, params["learning_rate"] * MAX_TREES / r)
    other = {k: v for k, v in params.items() if k != "learning_rate"}
    scores = []
    for tr, te in folds:
        model = GradientBoostingRegressor(n_estimators=r, learning_rate=rate, random_state=0, **other)
        model.fit(X[tr], y[tr])
        scores.append(r2_score(y[te], model.predict(X[te])))
    return float(np.mean(scores))


def rows(params, folds, X, y, r):
    scores = []
    for tr, te in folds:
        keep = np.random.RandomState(0).permutation(len(tr))[: max(10, round(len(tr) * r / MAX_TREES))]
        model = GradientBoostingRegressor(n_estimators=MAX_TREES, random_state=0, **params)
        model.fit(X[tr[np.sort(keep)]], y[tr[np.sort(keep)]])
        scores.append(r2_score(y[te], model.predict(X[te])))
    return float(np.mean(scores))


if __name__ == "__main__":
    X, y = load_diabetes(return_X_y=True)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    keys = sorted(GB_GRID)
    configs = []
    started = time.perf_counter()
    for combo in itertools.product(*(GB_GRID[k] for k in keys)):
        params = dict(zip(keys, combo))
        configs.append(
            {
                "params": params,
                "scaled": [round(scaled(params, folds, X, y, r), 6) for r in SCALED_RUNGS],
                "rows": [round(rows(params, folds, X, y, r), 6) for r in ROW_RUNGS],
            }
        )
        print(f"{len(configs)} {params} {time.perf_counter() - started:.0f}s", file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "diabetes-gradient-boosting-resources.json"), "w") as fh:
        json.dump(
            {
                "dataset": "sklearn.datasets.load_diabetes (442 x 10)",
                "model": "gradient_boosting",
                "sklearn": sklearn.__version__,
                "cv": "KFold(5, shuffle=True, random_state=0), mean R^2",
                "max_trees": MAX_TREES,
                "scaled_rungs": SCALED_RUNGS,
                "row_rungs": ROW_RUNGS,
                "grid": GB_GRID,
                "seconds": round(time.perf_counter() - started, 1),
                "configs": configs,
            },
            fh,
            separators=(",", ":"),
        )
        fh.write("\n")
