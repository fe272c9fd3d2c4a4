#!/usr/bin/env python
"""Reference runner for bench/data.bench.ts: the five seed-like trials on a mixed-type table with the
equivalent scikit-learn ColumnTransformer pipeline (SimpleImputer(median) → StandardScaler for numeric
columns, SimpleImputer(most_frequent) → OneHotEncoder(handle_unknown='ignore') for text columns).

Usage: python tabular_trials.py TRAIN.csv TEST.csv TARGET CAT1,CAT2,...
Prints one JSON document: per trial the seconds of fit + 5-fold stratified CV + test evaluation
(single-threaded, as sweepq runs one trial per worker thread), its CPU seconds, and the test accuracy.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train_path, test_path, target, cats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
t0 = time.perf_counter()
train, test = pd.read_csv(train_path), pd.read_csv(test_path)
read_seconds = time.perf_counter() - t0
for frame in (train, test):
    for c in cats:
        frame[c] = frame[c].astype(object).where(frame[c].notna(), np.nan)
Xtr, ytr = train.drop(columns=target), train[target]
Xte, yte = test.drop(columns=target), test[target]
nums = [c for c in Xtr.columns if c not in cats]
TRIALS = [
    ("LR C=1", lambda: LogisticRegression(C=1.0, max_iter=500)),
    ("LR C=0.1", lambda: LogisticRegression(C=0.1, max_iter=500)),
    ("RF 100", lambda: RandomForestClassifier(n_estimators=100, random_state=42)),
    ("RF 100 d5", lambda: RandomForestClassifier(n_estimators=100, max_depth=5, random_state=42)),
    ("GB 100", lambda: GradientBoostingClassifier(n_estimators=100, learning_rate=0.1, random_state=42)),
]
only = set(sys.argv[5].split(",")) if len(sys.argv) > 5 and sys.argv[5] else None
rows = []
for name, make in TRIALS:
    if only and name not in only:
        continue
    t = time.perf_counter()
    c = time.process_time()
    ct = ColumnTransformer([
        ("num", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), nums),
        ("cat", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")), ("encoder", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cats),
    ], verbose_feature_names_out=False, sparse_threshold=0)
    p = Pipeline([("ct", ct), ("model", make())])
    cv = cross_val_score(p, Xtr, ytr, cv=StratifiedKFold(5))
    p.fit(Xtr, ytr)
    accuracy = accuracy_score(yte, p.predict(Xte))
    rows.append(dict(name=name, seconds=time.perf_counter() - t, cpu_seconds=time.process_time() - c, accuracy=accuracy, cv_mean=cv.mean()))
    print(f"  sklearn {name}: {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
print(json.dumps({"read_seconds": read_seconds, "trials": rows}))
