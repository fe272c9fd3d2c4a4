"""Objective tables for the search benchmark, computed once with scikit-learn and committed.

Usage: ~/.cache/sweepq/py/bin/python bench/search/make_tables.py [OUT_DIR]   (default bench/search/fixtures)

Dataset: scikit-learn's bundled diabetes regression data (442 patients, 10 features; Efron et al. 2004),
so nothing is downloaded. Objective: mean R² over a shuffled 5-fold CV (KFold, random_state=0), to
maximize. R² on this data spreads widely with the hyper-parameters (deep trees and high learning rates
overfit), unlike accuracy or AUC on the other bundled sets, which saturate.

Each configuration is fitted once per fold with 300 trees and read off at every 10 trees (staged_predict
for gradient boosting, running means of the per-tree predictions for the random forest), which gives
both the sampler table (n_estimators is one of the searched params) and the learning curves the ASHA
simulation needs, for the price of one fit. Single-threaded: the machine is shared.
"""
import itertools
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "fixtures")
STAGES = list(range(10, 301, 10))
MAX_TREES = STAGES[-1]

GB_GRID = {
    "learning_rate": [0.01, 0.03, 0.1, 0.3],
    "max_depth": [2, 3, 4, 5, 6],
    "subsample": [0.5, 0.75, 1.0],
    "min_samples_leaf": [1, 5, 20],
}
RF_GRID = {
    "max_depth": [3, 5, 8, None],
    "max_features": [0.3, 0.5, 0.8, 1.0],
    "min_samples_leaf": [1, 3, 10],
}


def staged_r2_gb(params, folds, X, y):
    scores = np.zeros((len(folds), len(STAGES)))
    for f, (tr, te) in enumerate(folds):
        model = GradientBoostingRegressor(n_estimators=MAX_TREES, random_state=0, **params)
        model.fit(X[tr], y[tr])
        for i, pred in enumerate(model.staged_predict(X[te])):
            n = i + 1
            if n % 10 == 0:
                scores[f, n // 10 - 1] = r2_score(y[te], pred)
    return scores.mean(axis=0)


def staged_r2_rf(params, folds, X, y):
    scores = np.zeros((len(folds), len(STAGES)))
    for f, (tr, te) in enumerate(folds):
        model = RandomForestRegressor(n_estimators=MAX_TREES, random_state=0, n_jobs=1, **params)
        model.fit(X[tr], y[tr])
        per_tree = np.stack([t.predict(X[te]) for t in model.estimators_])
        running = np.cumsum(per_tree, axis=0) / np.arange(1, MAX_TREES + 1)[:, None]
        for s, n in enumerate(STAGES):
            scores[f, s] = r2_score(y[te], running[n - 1])
    return scores.mean(axis=0)


def table(name, grid, staged):
    X, y = load_diabetes(return_X_y=True)
    folds = list(KFold(5, shuffle=True, random_state=0).split(X))
    keys = sorted(grid)
    rows = []
    started = time.perf_counter()
    for combo in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, combo))
        curve = staged(params, folds, X, y)
        rows.append({"params": params, "r2": [round(float(v), 6) for v in curve]})
        print(f"{name}: {len(rows)} {params} best {curve.max():.4f}", file=sys.stderr)
    return {
        "dataset": "sklearn.datasets.load_diabetes (442 x 10)",
        "model": name,
        "sklearn": sklearn.__version__,
        "cv": "KFold(5, shuffle=True, random_state=0), mean R^2",
        "n_estimators": STAGES,
        "grid": grid,
        "seconds": round(time.perf_counter() - started, 1),
        "configs": rows,
    }


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, grid, staged in (("random_forest", RF_GRID, staged_r2_rf), ("gradient_boosting", GB_GRID, staged_r2_gb)):
        result = table(name, grid, staged)
        with open(os.path.join(OUT, f"diabetes-{name.replace('_', '-')}.json"), "w") as fh:
            json.dump(result, fh, separators=(",", ":"))
            fh.write("\n")
