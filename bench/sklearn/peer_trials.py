"""Python peers of sweepq's learners, timed with the protocol of bench/ml.bench.ts.

Run with the project's virtualenv (scripts/ensure-python.mjs: scikit-learn 1.9.1, LightGBM 4.7.0),
single-threaded (the caller sets OMP_NUM_THREADS=1 as well; every estimator gets n_jobs=1).

  python peer_trials.py trials TRAIN.csv TEST.csv TARGET NAME[,NAME...]
      Per trial: SimpleImputer(median) -> StandardScaler -> model; fit on TRAIN, 5-fold
      StratifiedKFold (no shuffle) accuracy on TRAIN, test metrics on TEST. The timed span covers fit +
      CV + test evaluation, as one sweepq runTrial.
  python peer_trials.py regression TRAIN.csv TEST.csv TARGET NAME[,NAME...]
      The same for regressors: 5-fold KFold (no shuffle) R² on TRAIN, test R² on TEST.
  python peer_trials.py big X.f64 Y.i32 ROWS FEATURES NAME
      One fit on an in-memory ROWS x FEATURES matrix (float64, column-major file written by the
      benchmark, loaded before the clock starts); reports the fit time and the process's peak RSS.

Prints one JSON document on stdout.
"""
import json
import resource
import sys
import time

import numpy as np


def make_model(name):
    # Imports inside: a LightGBM-only run does not pay for scikit-learn's ensemble imports and back.
    if name in ("LogisticRegression_C1", "LogisticRegression_C0.1"):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=1.0 if name.endswith("C1") else 0.1, max_iter=500)  # lbfgs, the default
    if name == "RandomForest_100":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, max_depth=None, random_state=42, n_jobs=1)
    if name == "RandomForest_d5":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, max_depth=5, random_state=42, n_jobs=1)
    if name == "GradientBoosting":
        from sklearn.ensemble import GradientBoostingClassifier

        return GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=42)
    if name == "DecisionTree":
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(random_state=42)
    if name == "HistGradientBoosting":
        from sklearn.ensemble import HistGradientBoostingClassifier

        # Same trees, depth and learning rate as sweepq's GB 100; no early stopping (it would hold out
        # 10% of the rows and stop early, doing less work than asked).
        return HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_depth=3, max_bins=255, early_stopping=False, random_state=42
        )
    if name == "LightGBM":
        from lightgbm import LGBMClassifier

        # Depth 3 = at most 8 leaves; otherwise LightGBM's defaults (as HistGradientBoosting's above).
        return LGBMClassifier(
            n_estimators=100, learning_rate=0.1, max_depth=3, num_leaves=8, max_bin=255,
            n_jobs=1, random_state=42, verbose=-1,
        )
    if name == "DecisionTreeRegressor":
        from sklearn.tree import DecisionTreeRegressor

        return DecisionTreeRegressor(random_state=42)
    if name == "RandomForestRegressor_100":
        from sklearn.ensemble import RandomForestRegressor

        # scikit-learn's regressor defaults: max_features=1.0 (every feature), full depth.
        return RandomForestRegressor(n_estimators=100, random_state=42, n_jobs=1)
    if name == "GradientBoostingRegressor":
        from sklearn.ensemble import GradientBoostingRegressor

        return GradientBoostingRegressor(n_estimators=100, learning_rate=0.1, max_depth=3, random_state=42)
    if name == "HistGradientBoostingRegressor":
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            max_iter=100, learning_rate=0.1, max_depth=3, max_bins=255, early_stopping=False, random_state=42
        )
    if name == "LightGBMRegressor":
        from lightgbm import LGBMRegressor

        return LGBMRegressor(
            n_estimators=100, learning_rate=0.1, max_depth=3, num_leaves=8, max_bin=255,
            n_jobs=1, random_state=42, verbose=-1,
        )
    raise SystemExit(f"peer_trials.py: unknown trial {name}")


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_trials(train_csv, test_csv, target, names):
    import pandas as pd
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = pd.read_csv(train_csv), pd.read_csv(test_csv)
    x_train, y_train = train.drop(columns=target).to_numpy(), train[target].to_numpy()
    x_test, y_test = test.drop(columns=target).to_numpy(), test[target].to_numpy()
    rows = []
    for name in names:
        make_model(name)  # imports outside the clock
        started, cpu_started = time.perf_counter(), cpu_seconds()
        pipe = Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler()), ("model", make_model(name))])
        pipe.fit(x_train, y_train)
        proba = pipe.predict_proba(x_test)[:, 1]
        predicted = pipe.predict(x_test)
        cv = cross_val_score(pipe, x_train, y_train, cv=StratifiedKFold(5), scoring="accuracy")
        rows.append(
            dict(
                name=name,
                seconds=time.perf_counter() - started,
                cpu_seconds=cpu_seconds() - cpu_started,
                auc_roc=float(roc_auc_score(y_test, proba)),
                accuracy=float(accuracy_score(y_test, predicted)),
                cv_mean=float(cv.mean()),
            )
        )
    return rows


def run_regression_trials(train_csv, test_csv, target, names):
    import pandas as pd
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import r2_score
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = pd.read_csv(train_csv), pd.read_csv(test_csv)
    x_train, y_train = train.drop(columns=target).to_numpy(), train[target].to_numpy()
    x_test, y_test = test.drop(columns=target).to_numpy(), test[target].to_numpy()
    rows = []
    for name in names:
        make_model(name)  # imports outside the clock
        started, cpu_started = time.perf_counter(), cpu_seconds()
        pipe = Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler()), ("model", make_model(name))])
        pipe.fit(x_train, y_train)
        predicted = pipe.predict(x_test)
        cv = cross_val_score(pipe, x_train, y_train, cv=KFold(5), scoring="r2")
        rows.append(
            dict(
                name=name,
                seconds=time.perf_counter() - started,
                cpu_seconds=cpu_seconds() - cpu_started,
                r2=float(r2_score(y_test, predicted)),
                cv_mean=float(cv.mean()),
            )
        )
    return rows


def run_big(x_path, y_path, n_rows, n_features, name):
    x = np.fromfile(x_path, dtype=np.float64).reshape(n_features, n_rows).T  # columns -> (n, p) view
    x = np.ascontiguousarray(x)
    y = np.fromfile(y_path, dtype=np.int32)
    model = make_model(name)
    rss_before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), cpu_seconds()
    model.fit(x, y)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    # Training AUC on a slice, only to show the fit is a real one.
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y[:100_000], model.predict_proba(x[:100_000])[:, 1]))
    return [dict(name=name, seconds=seconds, cpu_seconds=cpu, auc_roc=auc, peak_rss_mib=peak_rss_mib(), rss_before_fit_mib=rss_before)]


def versions():
    out = {"python": sys.version.split()[0], "numpy": np.__version__}
    try:
        import sklearn

        out["scikit-learn"] = sklearn.__version__
    except ImportError:
        pass
    try:
        import lightgbm

        out["lightgbm"] = lightgbm.__version__
    except ImportError:
        pass
    return out


def main(argv):
    if len(argv) >= 5 and argv[0] == "trials":
        rows = run_trials(argv[1], argv[2], argv[3], argv[4].split(","))
    elif len(argv) >= 5 and argv[0] == "regression":
        rows = run_regression_trials(argv[1], argv[2], argv[3], argv[4].split(","))
    elif len(argv) >= 6 and argv[0] == "big":
        rows = run_big(argv[1], argv[2], int(argv[3]), int(argv[4]), argv[5])
    else:
        raise SystemExit(__doc__)
    print(json.dumps({"versions": versions(), "trials": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
