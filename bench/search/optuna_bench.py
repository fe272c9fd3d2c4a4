"""Optuna 5.0.0 side of bench/search.bench.ts (run with the project venv, ~/.cache/sweepq/py).

Reads one JSON job on stdin, prints one JSON document on stdout.

  {"mode": "table", "space": [...sweepq search space...], "tables": {...}, "seeds": [...], "trials": 100,
   "workers": 1|4}
      TPESampler(seed, multivariate=True, group=True, constant_liar=True), other options Optuna's
      defaults (n_startup_trials 10, n_ei_candidates 24, gamma, weights, prior weight 1). The space
      is the sweepq space translated param by param: values -> suggest_categorical, uniform /
      log_uniform -> suggest_float (log), int_uniform -> suggest_int, q_uniform -> suggest_float(step=q).
      Several entries become a categorical "entry" plus params namespaced "<entry>:<param>".
      With workers = 4, four trials are always running: ask() sees the other three as RUNNING
      (the constant liar), and the oldest running trial is told first (the same FIFO schedule as
      the sweepq side). Output per seed: the value of every trial in creation order, and how many
      trials repeated an earlier trial's params.
  {"mode": "latency", "space": [...], "n": 10000, "asks": 30, "seed": 0}
      An in-memory study holding n completed trials (random params, a synthetic objective), then
      the time of ask() plus the suggest calls (TPE does its work there), per ask, in ms.
"""
import json
import math
import sys
import time
import warnings

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.WARNING)
# group=True is "experimental" in Optuna 5.0.0; the warning would repeat once per seed.
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def quantize(x, q):
    return float(f"{round(x / q) * q:.12g}")


def distributions(entry):
    """Optuna distributions of one entry's searched params, keys sorted, and its fixed params."""
    dists, fixed = {}, {}
    for key in sorted(entry["params"]):
        spec = entry["params"][key]
        if isinstance(spec, dict) and "values" in spec:
            if len(spec["values"]) == 1:
                fixed[key] = spec["values"][0]
            else:
                dists[key] = CategoricalDistribution(spec["values"])
        elif isinstance(spec, dict) and "distribution" in spec:
            kind, lo, hi = spec["distribution"], spec["min"], spec["max"]
            if kind == "uniform":
                dists[key] = FloatDistribution(lo, hi)
            elif kind == "log_uniform":
                dists[key] = FloatDistribution(lo, hi, log=True)
            elif kind == "int_uniform":
                dists[key] = IntDistribution(int(lo), int(hi))
            else:
                dists[key] = FloatDistribution(quantize(lo, spec["q"]), quantize(hi, spec["q"]), step=spec["q"])
        else:
            fixed[key] = spec
    return dists, fixed


def suggest(trial, space):
    """(entry index, params) suggested by a trial."""
    entry = 0
    if len(space) > 1:
        entry = trial.suggest_categorical("entry", list(range(len(space))))
    dists, fixed = distributions(space[entry])
    params = dict(fixed)
    prefix = f"{entry}:" if len(space) > 1 else ""
    for key, dist in dists.items():
        name = prefix + key
        if isinstance(dist, CategoricalDistribution):
            params[key] = trial.suggest_categorical(name, dist.choices)
        elif isinstance(dist, IntDistribution):
            params[key] = trial.suggest_int(name, dist.low, dist.high)
        else:
            params[key] = trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return entry, params


def config_key(params):
    """Canonical key of a configuration (n_estimators is read off the curve; JSON from JavaScript
    writes 1.0 as 1, so numbers are compared as rounded floats)."""
    config = {}
    for k, v in params.items():
        if k in ("n_estimators", "random_state"):
            continue
        config[k] = round(float(v), 6) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    return json.dumps(sorted(config.items()))


def table_lookup(tables):
    """objective(entry model, params) -> mean CV R² from the precomputed curves."""
    index = {}
    for model, table in tables.items():
        rows = {config_key(row["params"]): row["r2"] for row in table["configs"]}
        index[model] = (table["n_estimators"], rows)

    def objective(model, params):
        stages, rows = index[model]
        curve = rows[config_key(params)]
        return curve[stages.index(int(round(params["n_estimators"])))]

    return objective


def run_table(job):
    space = job["space"]
    objective = table_lookup(job["tables"])
    models = [entry["model"] for entry in space]
    results = []
    for seed in job["seeds"]:
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, group=len(space) > 1, constant_liar=True)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        values, keys, running = [], [], []
        created = 0
        while created < job["trials"] or running:
            while created < job["trials"] and len(running) < job["workers"]:
                trial = study.ask()
                entry, params = suggest(trial, space)
                keys.append(json.dumps([entry, sorted(params.items())]))
                value = objective(models[entry], params)
                values.append(value)
                running.append((trial, value))
                created += 1
            trial, value = running.pop(0)
            study.tell(trial, value)
        results.append({"seed": seed, "values": values, "duplicates": len(keys) - len(set(keys))})
    return {"optuna": optuna.__version__, "results": results}


def run_latency(job):
    space = job["space"]
    rng = np.random.RandomState(job["seed"])
    sampler = optuna.samplers.TPESampler(seed=job["seed"], multivariate=True, constant_liar=True)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    dists, _ = distributions(space[0])
    trials = []
    for _ in range(job["n"]):
        params = {}
        for key, dist in dists.items():
            if isinstance(dist, CategoricalDistribution):
                params[key] = dist.choices[rng.randint(len(dist.choices))]
            elif isinstance(dist, IntDistribution):
                params[key] = int(rng.randint(dist.low, dist.high + 1))
            elif dist.log:
                params[key] = float(math.exp(rng.uniform(math.log(dist.low), math.log(dist.high))))
            else:
                params[key] = float(rng.uniform(dist.low, dist.high))
        value = float(rng.rand())
        trials.append(optuna.trial.create_trial(params=params, distributions=dists, value=value))
    study.add_trials(trials)
    times = []
    for _ in range(job["asks"]):
        started = time.perf_counter()
        trial = study.ask()
        suggest(trial, space)
        times.append((time.perf_counter() - started) * 1000)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return {"optuna": optuna.__version__, "ms": times}


if __name__ == "__main__":
    job = json.load(sys.stdin)
    out = run_table(job) if job["mode"] == "table" else run_latency(job)
    json.dump(out, sys.stdout)
