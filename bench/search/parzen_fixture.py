"""Reference outputs of Optuna 5.0.0's _ParzenEstimator for the TPE tests.

Usage: ~/.cache/sweepq/py/bin/python bench/search/parzen_fixture.py > test/search/fixtures/optuna-parzen.json

Each case gives the search space (our ParzenDimension form), the observations (numbers for numeric
params, choice indices for categorical ones), the estimator parameters, and what Optuna computes:
the normalised kernel weights, per numeric dimension the kernel means and bandwidths (internal
space: logged for log dimensions), per categorical dimension the kernel rows, and log_pdf at query points.
Observations avoid ties inside a dimension, except where numpy's argsort is stable (fewer than 17 values).
"""
import json
import sys

import numpy as np
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.samplers._tpe.sampler import default_weights


def to_optuna(dim):
    if dim["kind"] == "categorical":
        return CategoricalDistribution(list(range(dim["choices"])))
    step = dim["step"] or None
    if dim["step"] == 1 and float(dim["low"]).is_integer() and float(dim["high"]).is_integer():
        return IntDistribution(int(dim["low"]), int(dim["high"]), log=dim["log"], step=1)
    return FloatDistribution(dim["low"], dim["high"], log=dim["log"], step=step)


def case(name, dims, observations, queries, prior_weight=1.0, magic_clip=True, endpoints=False):
    names = [f"p{i}" for i in range(len(dims))]
    space = {n: to_optuna(d) for n, d in zip(names, dims)}
    params = _ParzenEstimatorParameters(prior_weight, magic_clip, endpoints, default_weights, True)
    obs = {n: np.asarray([row[i] for row in observations], dtype=float) for i, n in enumerate(names)}
    pe = _ParzenEstimator(obs, space, params)
    mixture = pe._mixture_distribution
    per_dim = []
    for d in mixture.distributions:
        if isinstance(d, _BatchedCategoricalDistributions):
            per_dim.append({"rows": d.weights.tolist()})
        else:
            per_dim.append({"mu": d.mu.tolist(), "sigma": d.sigma.tolist()})
    q = {n: np.asarray([row[i] for row in queries], dtype=float) for i, n in enumerate(names)}
    return {
        "name": name,
        "dims": dims,
        "observations": observations,
        "parameters": {"priorWeight": prior_weight, "considerMagicClip": magic_clip, "considerEndpoints": endpoints},
        "weights": mixture.weights.tolist(),
        "perDim": per_dim,
        "queries": queries,
        "logPdf": pe.log_pdf(q).tolist(),
    }


def num(low, high, step=0, log=False):
    return {"kind": "numeric", "low": low, "high": high, "step": step, "log": log}


def cat(choices):
    return {"kind": "categorical", "choices": choices}


rng = np.random.RandomState(7)
cases = [
    case("uniform, three observations", [num(-5, 5)], [[1.0], [-2.0], [3.5]], [[-5.0], [-1.0], [0.0], [1.2], [4.9]]),
    case("uniform, no observation (prior only)", [num(0, 1)], [], [[0.0], [0.3], [1.0]]),
    case("uniform, one observation", [num(0, 10)], [[9.5]], [[0.5], [9.0], [10.0]]),
    case("log-uniform", [num(1e-3, 10, log=True)], [[0.01], [0.1], [0.1], [2.0]], [[0.001], [0.05], [0.1], [3.0], [10.0]]),
    case("int", [num(0, 10, step=1)], [[3], [3], [7], [10]], [[0], [3], [5], [9], [10]]),
    case("q-uniform", [num(0, 1, step=0.25)], [[0.25], [0.5], [1.0]], [[0.0], [0.25], [0.75], [1.0]]),
    case("categorical", [cat(4)], [[0], [2], [2]], [[0], [1], [2], [3]]),
    case("categorical, prior weight 2.5", [cat(3)], [[1], [1], [0], [2], [1]], [[0], [1], [2]], prior_weight=2.5),
    case(
        "mixed multivariate",
        [num(-1, 1), num(1e-4, 1, log=True), num(1, 20, step=1), cat(3)],
        [[0.1, 0.01, 5, 0], [-0.5, 0.2, 12, 2], [0.7, 0.0003, 19, 1], [0.2, 0.05, 3, 0], [-0.9, 0.9, 8, 2]],
        [[0.0, 0.01, 5, 0], [0.5, 0.5, 10, 1], [-1.0, 0.0001, 1, 2], [0.15, 0.03, 4, 0]],
    ),
    case(
        "40 observations (weight ramp), uniform and int",
        [num(0, 1), num(1, 100, step=1)],
        [[float(x), int(v)] for x, v in zip(rng.permutation(40) / 40 + 0.01, rng.choice(np.arange(1, 101), 40, replace=False))],
        [[0.05, 1], [0.5, 50], [0.95, 99]],
    ),
    case("no magic clip, endpoints considered", [num(0, 10)], [[1.0], [2.0], [4.0], [8.0]], [[0.0], [1.5], [7.0]], magic_clip=False, endpoints=True),
]
json.dump({"optuna": optuna.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
