#!/usr/bin/env python
"""Reference builder for sweepq's tabular ML layer (issue 9): real data with categorical columns and
missing values, scored with scikit-learn 1.9.1 ColumnTransformer pipelines.

Run with the project virtualenv (node scripts/ensure-python.mjs prints its interpreter):

    $(node scripts/ensure-python.mjs) bench/sklearn/make_data_references.py

Writes under test/fixtures/tabular/:
- penguins_species.{train,test}.csv   palmerpenguins, target species (classification)
- cars_origin.{train,test}.csv        vega_datasets cars, target Origin (classification)
- penguins_mass.{train,test}.csv      palmerpenguins, target body_mass_g (regression)
- cars_mpg.{train,test}.csv           vega_datasets cars, target Miles_per_Gallon (regression, Origin categorical)
- tabular.reference.json               per config: feature names, coefficients (linear models), test metrics,
                                       CV scores; for the randomised tree models also the spread of the
                                       metrics over scikit-learn's own seeds 0-9 (the parity bands' basis)
- encoders.reference.json             OneHotEncoder / OrdinalEncoder / SimpleImputer unit cases
Both datasets ship inside their wheels, so nothing is downloaded. Tests read only the committed files.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, f1_score, mean_absolute_error,
                             mean_absolute_percentage_error, r2_score, roc_auc_score,
                             root_mean_squared_error)
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeRegressor

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "tabular")
os.makedirs(OUT, exist_ok=True)


def clean(value):
    """JSON-safe: NaN → None, numpy scalars → Python."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def as_object(frame, columns):
    """Text columns as object dtype with np.nan for missing (pandas 3's str dtype → what sklearn expects)."""
    frame = frame.copy()
    for c in columns:
        frame[c] = frame[c].astype(object).where(frame[c].notna(), np.nan)
    return frame


# ---------------------------------------------------------------------------------------------
# Datasets.

def penguins():
    from palmerpenguins import load_penguins
    return load_penguins()


def cars():
    from vega_datasets import data
    df = data.cars()
    df["Year"] = pd.to_datetime(df["Year"]).dt.year
    return df


def write_split(name, train, test):
    train.to_csv(os.path.join(OUT, f"{name}.train.csv"), index=False)
    test.to_csv(os.path.join(OUT, f"{name}.test.csv"), index=False)


DATASETS = []

p = penguins()
tr, te = train_test_split(p, test_size=0.25, random_state=0, stratify=p["species"])
write_split("penguins_species", tr, te)
DATASETS.append(dict(name="penguins_species", task="classification", target="species",
                     numeric=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"],
                     categorical=["island", "sex"], drop=[]))

c = cars()
tr, te = train_test_split(c, test_size=0.25, random_state=0, stratify=c["Origin"])
write_split("cars_origin", tr, te)
DATASETS.append(dict(name="cars_origin", task="classification", target="Origin",
                     numeric=["Miles_per_Gallon", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"],
                     categorical=["Cylinders"], drop=["Name"]))

m = penguins().dropna(subset=["body_mass_g"])
tr, te = train_test_split(m, test_size=0.25, random_state=0)
write_split("penguins_mass", tr, te)
DATASETS.append(dict(name="penguins_mass", task="regression", target="body_mass_g",
                     numeric=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "year"],
                     categorical=["species", "island", "sex"], drop=[]))

mpg = cars().dropna(subset=["Miles_per_Gallon"])
tr, te = train_test_split(mpg, test_size=0.25, random_state=0)
write_split("cars_mpg", tr, te)
DATASETS.append(dict(name="cars_mpg", task="regression", target="Miles_per_Gallon",
                     numeric=["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"],
                     categorical=["Origin"], drop=["Name"]))

# Configs: the sweepq pipeline spec (nested form) and the equivalent scikit-learn objects.
ONEHOT = {"kind": "onehot", "handle_unknown": "ignore"}
ORDINAL = {"kind": "ordinal", "handle_unknown": "use_encoded_value", "unknown_value": -1}
CONFIGS = {
    "penguins_species": [
        ("onehot_lr_C1", ONEHOT, "logistic_regression", {"C": 1.0}),
        ("ordinal_lr_C1", ORDINAL, "logistic_regression", {"C": 1.0}),
        ("onehot_minfreq60_lr_C0.1", {**ONEHOT, "min_frequency": 60}, "logistic_regression", {"C": 0.1}),
    ],
    "cars_origin": [
        ("onehot_lr_C1", ONEHOT, "logistic_regression", {"C": 1.0}),
        ("onehot_maxcat3_lr_C1", {**ONEHOT, "max_categories": 3}, "logistic_regression", {"C": 1.0}),
        ("ordinal_lr_C0.1", ORDINAL, "logistic_regression", {"C": 0.1}),
    ],
    "penguins_mass": [
        ("onehot_linear", ONEHOT, "linear_regression", {}),
        ("onehot_drop_first_linear", {**ONEHOT, "drop": "first"}, "linear_regression", {}),
        ("onehot_ridge_a1", ONEHOT, "ridge", {"alpha": 1.0}),
        ("ordinal_ridge_a10", ORDINAL, "ridge", {"alpha": 10.0}),
        ("onehot_tree", ONEHOT, "decision_tree", {}),
        ("onehot_tree_d4", ONEHOT, "decision_tree", {"max_depth": 4}),
        ("onehot_forest", ONEHOT, "random_forest", {}),
        ("ordinal_forest_sqrt_leaf3", ORDINAL, "random_forest", {"max_features": "sqrt", "min_samples_leaf": 3}),
        ("onehot_boosting", ONEHOT, "gradient_boosting", {}),
        ("onehot_boosting_huber", ONEHOT, "gradient_boosting", {"loss": "huber", "alpha": 0.9}),
        ("ordinal_boosting_subsample", ORDINAL, "gradient_boosting", {"subsample": 0.7, "learning_rate": 0.05, "n_estimators": 200}),
    ],
    "cars_mpg": [
        ("onehot_linear", ONEHOT, "linear_regression", {}),
        ("onehot_tree_d5", ONEHOT, "decision_tree", {"max_depth": 5}),
        ("onehot_forest", ONEHOT, "random_forest", {}),
        ("onehot_forest_d6", ONEHOT, "random_forest", {"n_estimators": 200, "max_depth": 6}),
        ("onehot_boosting", ONEHOT, "gradient_boosting", {}),
        ("onehot_boosting_huber", ONEHOT, "gradient_boosting", {"loss": "huber", "alpha": 0.8, "max_depth": 4}),
    ],
}
# Seeds over which the randomised models' own spread is measured (tree models only).
SPREAD_SEEDS = range(10)
TREE_MODELS = {"decision_tree": DecisionTreeRegressor, "random_forest": RandomForestRegressor, "gradient_boosting": GradientBoostingRegressor}


def sk_encoder(spec):
    if spec["kind"] == "onehot":
        return OneHotEncoder(handle_unknown=spec.get("handle_unknown", "ignore"), min_frequency=spec.get("min_frequency"),
                             max_categories=spec.get("max_categories"), drop=spec.get("drop"), sparse_output=False)
    return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=spec.get("unknown_value", -1),
                          min_frequency=spec.get("min_frequency"), max_categories=spec.get("max_categories"))


def sk_model(name, params, seed=0):
    if name in TREE_MODELS:
        # sweepq's params are scikit-learn's names (null = None); max_bins is sweepq's own.
        return TREE_MODELS[name](**{"random_state": seed, **params})
    if name == "logistic_regression":
        # Tight tolerance: the reference is the optimum itself (sweepq's Newton solver is exact).
        return LogisticRegression(C=params["C"], max_iter=100_000, tol=1e-12)
    if name == "linear_regression":
        return LinearRegression()
    return Ridge(alpha=params["alpha"])


def frame_for(ds, frame):
    X = frame.drop(columns=[ds["target"]] + ds["drop"])
    # A numeric column declared categorical: pandas reads it as int; sweepq keeps its text. As str both
    # sort the same here (single digits) and name the outputs alike (Cylinders_4).
    for col in ds["categorical"]:
        if pd.api.types.is_numeric_dtype(X[col]):
            X[col] = X[col].astype(str)
    return as_object(X, ds["categorical"])


def seed_spread(ct, model, params, Xtr, ytr, Xte, yte):
    """Min and max of each metric over scikit-learn's seeds 0-9: how far two equally valid fits of the
    same randomised model land apart (feature permutation and bootstrap draws), i.e. what a different
    RNG alone can move."""
    from sklearn.base import clone
    metrics = {"r2": [], "rmse": [], "mae": [], "cv_mean": []}
    for seed in SPREAD_SEEDS:
        pipe = Pipeline([("ct", clone(ct)), ("model", sk_model(model, params, seed))]).fit(Xtr, ytr)
        pred = pipe.predict(Xte)
        metrics["r2"].append(r2_score(yte, pred))
        metrics["rmse"].append(root_mean_squared_error(yte, pred))
        metrics["mae"].append(mean_absolute_error(yte, pred))
        metrics["cv_mean"].append(cross_val_score(pipe, Xtr, ytr, cv=KFold(5), scoring="r2").mean())
    return {k: [min(v), max(v)] for k, v in metrics.items()}


rows = []
for ds in DATASETS:
    train = pd.read_csv(os.path.join(OUT, f"{ds['name']}.train.csv"))
    test = pd.read_csv(os.path.join(OUT, f"{ds['name']}.test.csv"))
    Xtr, Xte = frame_for(ds, train), frame_for(ds, test)
    ytr, yte = train[ds["target"]], test[ds["target"]]
    for run_name, encoder, model, params in CONFIGS[ds["name"]]:
        ct = ColumnTransformer([
            ("num", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), ds["numeric"]),
            ("cat", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")), ("encoder", sk_encoder(encoder))]), ds["categorical"]),
        ], verbose_feature_names_out=False, sparse_threshold=0)
        pipe = Pipeline([("ct", ct), ("model", sk_model(model, params))])
        pipe.fit(Xtr, ytr)
        est = pipe.named_steps["model"]
        row = dict(dataset=ds["name"], run_name=run_name, task=ds["task"], target=ds["target"],
                   columns=dict(drop=ds["drop"], categorical=[c for c in ds["categorical"] if pd.api.types.is_numeric_dtype(train[c])]),
                   pipeline=dict(numeric={"imputer": {"strategy": "median"}, "scaler": "standard"},
                                 categorical={"imputer": {"strategy": "most_frequent"}, "encoder": encoder}),
                   model=model, params=params,
                   feature_names=list(pipe.named_steps["ct"].get_feature_names_out()))
        if hasattr(est, "coef_"):
            row["coef"] = np.atleast_2d(est.coef_).tolist()
            row["intercept"] = np.atleast_1d(est.intercept_).tolist()
        if ds["task"] == "classification":
            pred, proba = pipe.predict(Xte), pipe.predict_proba(Xte)
            classes = list(est.classes_)
            row["classes"] = [str(k) for k in classes]
            row["accuracy"] = accuracy_score(yte, pred)
            row["f1_score"] = f1_score(yte, pred, average="binary" if len(classes) == 2 else "macro", pos_label=classes[-1])
            row["auc_roc"] = roc_auc_score(yte, proba[:, 1]) if len(classes) == 2 else roc_auc_score(yte, proba, multi_class="ovr")
            cv = cross_val_score(pipe, Xtr, ytr, cv=StratifiedKFold(5), scoring="accuracy")
        else:
            pred = pipe.predict(Xte)
            row["r2"] = r2_score(yte, pred)
            row["rmse"] = root_mean_squared_error(yte, pred)
            row["mae"] = mean_absolute_error(yte, pred)
            row["mape"] = mean_absolute_percentage_error(yte, pred)
            row["test_predictions_head"] = pred[:10].tolist()
            cv = cross_val_score(pipe, Xtr, ytr, cv=KFold(5), scoring="r2")
            if model in TREE_MODELS:
                row["sklearn_seed_spread"] = seed_spread(ct, model, params, Xtr, ytr, Xte, yte)
        row["cv_scores"] = cv.tolist()
        row["cv_mean"] = cv.mean()
        rows.append(row)

# Parquet copies of one CSV for the reader tests: snappy (pyarrow's default) and gzip, several row groups.
full = penguins()
full.to_parquet(os.path.join(OUT, "penguins.snappy.parquet"), compression="snappy", row_group_size=100, index=False)
full.to_parquet(os.path.join(OUT, "penguins.gzip.parquet"), compression="gzip", row_group_size=128, index=False)
full.to_csv(os.path.join(OUT, "penguins.csv"), index=False)

with open(os.path.join(OUT, "tabular.reference.json"), "w") as f:
    json.dump(clean(dict(sklearn=sklearn.__version__, pandas=pd.__version__, generator="bench/sklearn/make_data_references.py", rows=rows)), f, indent=1)
    f.write("\n")

# ---------------------------------------------------------------------------------------------
# Encoder unit cases: fit values, transform values, params → what scikit-learn learns and outputs.

def col(values):
    return np.array([np.nan if v is None else v for v in values], dtype=object).reshape(-1, 1)


def nums(values):
    return np.array(values, dtype=float).reshape(-1, 1)


ENCODER_CASES = [
    ("onehot sorts categories", "onehot", {}, ["b", "a", "c", "a", "b"], ["a", "c", "b", "zz"]),
    ("onehot min_frequency int", "onehot", {"min_frequency": 2}, list("aaaaabbcdeee"), list("abcdez")),
    ("onehot min_frequency int, unknown → infrequent", "onehot", {"min_frequency": 2, "handle_unknown": "infrequent_if_exist"}, list("aaaaabbcdeee"), list("abcdez")),
    ("onehot min_frequency float", "onehot", {"min_frequency": 0.2}, list("aaaaabbcdeee"), list("abcdez")),
    ("onehot max_categories ties keep the later categories", "onehot", {"max_categories": 3}, list("aaabbbcccd"), list("abcd")),
    ("onehot max_categories counts the infrequent slot", "onehot", {"max_categories": 3}, list("aaaaabbcc"), list("abc")),
    ("onehot max_categories equal to distinct+1", "onehot", {"max_categories": 4}, list("aaaaabbcc"), list("abc")),
    ("onehot max_categories 1 makes all infrequent", "onehot", {"max_categories": 1}, list("aabbc"), list("abcz")),
    ("onehot min_frequency and max_categories", "onehot", {"min_frequency": 2, "max_categories": 3}, list("aaaaabbbccddde"), list("abcdez")),
    ("onehot drop first", "onehot", {"drop": "first"}, list("bacab"), list("abcz")),
    ("onehot drop if_binary on a binary column", "onehot", {"drop": "if_binary"}, list("abba"), list("abz")),
    ("onehot drop if_binary on a 3-category column", "onehot", {"drop": "if_binary"}, list("abca"), list("abc")),
    ("onehot drop first with infrequent first", "onehot", {"drop": "first", "min_frequency": 2}, list("abbbccc"), list("abc")),
    ("onehot missing is a category when not imputed", "onehot", {}, ["b", None, "a", "b", None], ["a", None, "b", "z"]),
    ("onehot missing can be infrequent", "onehot", {"min_frequency": 2}, ["b", None, "a", "a", "b", "b"], ["a", None, "b"]),
    ("onehot unknown errors", "onehot", {"handle_unknown": "error"}, list("ab"), list("abz")),
    ("onehot numeric categories sort numerically", "onehot", {}, [10, 9, 100, 9], [9, 10, 100, 11]),
    ("ordinal basic, unknown → -1", "ordinal", {}, list("bacab"), list("abcz")),
    ("ordinal unknown → NaN", "ordinal", {"unknown_value": None}, list("bacab"), list("abcz")),
    ("ordinal min_frequency", "ordinal", {"min_frequency": 2}, list("aaaaabbcdeee"), list("abcdez")),
    ("ordinal max_categories ties", "ordinal", {"max_categories": 3}, list("aaabbbcccd"), list("abcd")),
    ("ordinal missing → NaN when seen in fit", "ordinal", {}, ["b", None, "a"], ["a", None, "b"]),
    ("ordinal missing → unknown_value when not seen in fit", "ordinal", {}, ["b", "a"], ["a", None, "b"]),
    ("ordinal unknown errors", "ordinal", {"handle_unknown": "error"}, list("ab"), list("abz")),
]

encoder_rows = []
for name, kind, params, fit, transform in ENCODER_CASES:
    numeric = isinstance(fit[0], (int, float)) and not isinstance(fit[0], bool)
    Xf, Xt = (nums(fit), nums(transform)) if numeric else (col(fit), col(transform))
    if kind == "onehot":
        enc = OneHotEncoder(handle_unknown=params.get("handle_unknown", "ignore"), min_frequency=params.get("min_frequency"),
                            max_categories=params.get("max_categories"), drop=params.get("drop"), sparse_output=False)
    else:
        hu = params.get("handle_unknown", "use_encoded_value")
        enc = OrdinalEncoder(handle_unknown=hu, unknown_value=(np.nan if params.get("unknown_value", -1) is None else params.get("unknown_value", -1)) if hu == "use_encoded_value" else None,
                             min_frequency=params.get("min_frequency"), max_categories=params.get("max_categories"))
    enc.fit(Xf)
    row = dict(name=name, kind=kind, params=params, numeric=numeric,
               fit=[None if v is None else str(v) for v in fit], transform=[None if v is None else str(v) for v in transform],
               categories=[None if (isinstance(v, float) and math.isnan(v)) else (str(int(v)) if numeric else v) for v in enc.categories_[0].tolist()],
               infrequent=None if not enc._infrequent_enabled or enc.infrequent_categories_[0] is None else [None if (isinstance(v, float) and math.isnan(v)) else (str(int(v)) if numeric else v) for v in enc.infrequent_categories_[0].tolist()],
               feature_names=[n.replace("x0_", "x_", 1) if n.startswith("x0_") else ("x" if n == "x0" else n) for n in enc.get_feature_names_out()])
    if numeric:
        row["feature_names"] = [n.replace(".0", "") for n in row["feature_names"]]
    try:
        row["output"] = enc.transform(Xt).tolist()
    except ValueError as error:
        row["output"] = None
        row["error"] = str(error)[:200]
    encoder_rows.append(row)

IMPUTER_CASES = [
    ("most_frequent", {"strategy": "most_frequent"}, ["b", None, "a", "b", "a", None]),
    ("most_frequent tie → smallest", {"strategy": "most_frequent"}, ["c", "b", "c", "b", None]),
    ("constant", {"strategy": "constant"}, ["b", None, "a"]),
    ("constant with fill_value", {"strategy": "constant", "fill_value": "unknown"}, ["b", None, "a"]),
]
imputer_rows = []
for name, params, values in IMPUTER_CASES:
    imp = SimpleImputer(**params)
    out = imp.fit_transform(col(values))
    imputer_rows.append(dict(name=name, params=params, fit=values, statistic=imp.statistics_[0], output=[str(v) for v in out[:, 0]]))

with open(os.path.join(OUT, "encoders.reference.json"), "w") as f:
    json.dump(clean(dict(sklearn=sklearn.__version__, encoders=encoder_rows, imputers=imputer_rows)), f, indent=1)
    f.write("\n")
print(f"wrote {len(rows)} pipeline references, {len(encoder_rows)} encoder and {len(imputer_rows)} imputer cases to {os.path.relpath(OUT)}", file=sys.stderr)
