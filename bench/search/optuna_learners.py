"""Optuna 5.0.0 + scikit-learn side of bench/search.bench.ts part (b): a search with the real learners.

Usage: python optuna_learners.py JOB.json; prints one JSON document on stdout. Run with the project venv
(~/.cache/sweepq/py); the benchmark starts one process per search, so the interpreter start and the
imports are part of the measured wall clock, as `sweepq run`'s start-up is on the other side.

  {"train": "train.csv", "target": "target", "space": [...sweepq search space, one entry...],
   "sampler": "tpe" | "random", "seed": 0, "trials": 200, "workers": 2, "folds": 3,
   "stop_at": 0.95 | null, "estimator": "gradient_boosting" | "hist_gradient_boosting"}

The estimator is the space entry's model, except that "hist_gradient_boosting" swaps scikit-learn's
GradientBoostingClassifier for HistGradientBoostingClassifier (the one scikit-learn recommends for
speed) under the same param names (see hist_gradient_boosting below).

The objective is what an Optuna user writes: a scikit-learn Pipeline (median imputer -> standard
scaler -> the model) scored by cross_val_score with StratifiedKFold(folds) without shuffle and
roc_auc, the same folds and scoring as sweepq's `cv: {folds, scoring: auc_roc}` on the same training
file. It does not refit on the whole training set nor score a test set (sweepq's trials do both), so
the comparison leans towards Optuna. study.optimize(n_jobs=workers) runs `workers` threads; TPE is
TPESampler(seed, multivariate=True, constant_liar=True) as in part (a) (sweepq's defaults), random is
RandomSampler(seed). With stop_at set, the study stops once a trial reaches it (trials still running
then finish, as on the sweepq side).

Output: {"versions": {...}, "trials": [{"number", "value", "params", "finished_ms"}]} where
finished_ms is the Unix time in ms of the trial's completion (Optuna's datetime_complete).
"""
import json
import sys
import warnings

import numpy as np
import optuna
import sklearn
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from optuna_bench import suggest

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def hist_gradient_boosting(n_estimators=100, subsample=1.0, **params):
    """HistGradientBoostingClassifier searched with GradientBoosting's param names: n_estimators is
    max_iter, trees are limited by depth only (no 31-leaf cap, as GradientBoosting's), no early
    stopping (off below 10,000 rows anyway). It has no row subsampling, so subsample is ignored."""
    del subsample
    return HistGradientBoostingClassifier(max_iter=n_estimators, max_leaf_nodes=None, early_stopping=False, **params)


MODELS = {"gradient_boosting": GradientBoostingClassifier, "random_forest": RandomForestClassifier}


def load_csv(path, target):
    """Features and labels of a numeric CSV with a header; an empty cell is missing (NaN)."""
    with open(path) as fh:
        header = fh.readline().strip().split(",")
    data = np.genfromtxt(path, delimiter=",", skip_header=1, filling_values=np.nan)
    label = header.index(target)
    features = [i for i in range(len(header)) if i != label]
    return data[:, features], data[:, label].astype(int)


def main():
    with open(sys.argv[1]) as fh:
        job = json.load(fh)
    X, y = load_csv(job["train"], job["target"])
    space = job["space"]
    folds = StratifiedKFold(job["folds"])

    def objective(trial):
        entry, params = suggest(trial, space)
        model_name = space[entry]["model"]
        if model_name == "gradient_boosting" and job.get("estimator") == "hist_gradient_boosting":
            model = hist_gradient_boosting(**params)
        else:
            model = MODELS[model_name](**params)
        pipeline = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), model)
        return float(cross_val_score(pipeline, X, y, cv=folds, scoring="roc_auc").mean())

    if job["sampler"] == "tpe":
        sampler = optuna.samplers.TPESampler(seed=job["seed"], multivariate=True, group=len(space) > 1, constant_liar=True)
    else:
        sampler = optuna.samplers.RandomSampler(seed=job["seed"])
    study = optuna.create_study(direction="maximize", sampler=sampler)
    finished = []

    def record(study, trial):
        if trial.state != optuna.trial.TrialState.COMPLETE:
            return
        finished.append({
            "number": trial.number,
            "value": trial.value,
            "params": trial.params,
            "finished_ms": trial.datetime_complete.timestamp() * 1000,
        })
        if job["stop_at"] is not None and trial.value >= job["stop_at"]:
            study.stop()

    study.optimize(objective, n_trials=job["trials"], n_jobs=job["workers"], callbacks=[record])
    versions = {"optuna": optuna.__version__, "scikit-learn": sklearn.__version__}
    json.dump({"versions": versions, "trials": finished}, sys.stdout)


if __name__ == "__main__":
    main()
