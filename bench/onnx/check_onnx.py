"""Checks sweepq's ONNX exports against sweepq's own predictions (run with the project venv).

    python bench/onnx/check_onnx.py MANIFEST.json

The manifest (written by test/export/onnx-parity.test.ts) lists cases:
    {"cases": [{"name", "model": "x.onnx", "data": "test.csv", "expected": "expected.json",
                "mlflow": "dir" | null}]}
`expected.json` holds sweepq's outputs for the rows of `data`: {"outputs": {name: [values]}} with
strings for `label` and numbers (null = NaN) for the double outputs.

Per case: onnx.checker.check_model(full_check=True); the CSV read with pandas as a user would
(numeric columns float64 parsed round-trip, text columns object, sweepq's missing strings from the
model metadata as NA); onnxruntime's outputs compared with the expected ones (strings exactly, doubles
within --tolerance, NaN equal to NaN); and, with "mlflow", mlflow.pyfunc.load_model(dir).predict on
the same DataFrame compared the same way. Prints one JSON report on stdout; exit code 0 even on
mismatches (the test reads the report), 2 on a broken manifest.
"""

import argparse
import json
import logging
import math
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd


def read_frame(path, model):
    """The CSV as a DataFrame typed like the model's inputs: float64 and object (text) columns."""
    meta = {p.key: p.value for p in model.metadata_props}
    missing = json.loads(meta.get("sweepq.missing_strings", '[""]'))
    dtypes = {}
    for value in model.graph.input:
        elem = value.type.tensor_type.elem_type
        dtypes[value.name] = "float64" if elem == onnx.TensorProto.DOUBLE else object
    frame = pd.read_csv(
        path,
        usecols=list(dtypes),
        dtype=dtypes,
        keep_default_na=False,
        na_values=missing,
        float_precision="round_trip",
    )
    return frame[list(dtypes)]


def feeds_for(frame, session):
    feeds = {}
    for value in session.get_inputs():
        column = frame[value.name]
        array = column.to_numpy(dtype=np.float64) if value.type == "tensor(double)" else column.to_numpy(dtype=object)
        feeds[value.name] = array.reshape(-1, 1) if len(value.shape) == 2 else array
    return feeds


def compare(actual, expected, tolerance):
    """Mismatch counts and the largest absolute difference per output."""
    report = {}
    for name, want in expected.items():
        if name not in actual:
            report[name] = {"missing": True}
            continue
        got = np.asarray(actual[name]).reshape(-1)
        if len(got) != len(want):
            report[name] = {"length": [len(got), len(want)]}
            continue
        if want and isinstance(want[0], str):
            bad = [i for i, (g, w) in enumerate(zip(got, want)) if str(g) != w]
            report[name] = {"mismatches": len(bad), "first": [[i, str(got[i]), want[i]] for i in bad[:5]]}
        else:
            w = np.array([math.nan if v is None else v for v in want], dtype=np.float64)
            g = got.astype(np.float64)
            both_nan = np.isnan(w) & np.isnan(g)
            diff = np.where(both_nan, 0.0, np.abs(g - w))
            diff = np.where(np.isnan(diff), np.inf, diff)
            bad = np.nonzero(diff > tolerance)[0]
            report[name] = {
                "mismatches": int(len(bad)),
                "max_abs_diff": float(diff.max()) if len(diff) else 0.0,
                "exact": int(np.sum(diff == 0)),
                "first": [[int(i), float(g[i]), float(w[i])] for i in bad[:5]],
            }
    return report


def check_case(case, tolerance):
    result = {"name": case["name"]}
    model = onnx.load(case["model"])
    try:
        onnx.checker.check_model(model, full_check=True)
        result["checker"] = "ok"
    except Exception as error:  # the checker's own exception types vary by version
        result["checker"] = f"{type(error).__name__}: {error}"
    frame = read_frame(case["data"], model)
    with open(case["expected"], encoding="utf-8") as handle:
        expected = json.load(handle)["outputs"]
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(case["model"], options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = session.run(names, feeds_for(frame, session))
    result["rows"] = len(frame)
    result["onnxruntime"] = compare(dict(zip(names, outputs)), expected, tolerance)
    if case.get("mlflow"):
        import mlflow.pyfunc

        logging.getLogger("mlflow").setLevel(logging.ERROR)
        loaded = mlflow.pyfunc.load_model(case["mlflow"])
        predicted = loaded.predict(frame)
        result["mlflow"] = compare({c: predicted[c].to_numpy() for c in predicted.columns}, expected, tolerance)
        result["mlflow_columns"] = list(predicted.columns)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    try:
        with open(args.manifest, encoding="utf-8") as handle:
            cases = json.load(handle)["cases"]
    except (OSError, ValueError, KeyError) as error:
        print(f"check_onnx: bad manifest {args.manifest}: {error}", file=sys.stderr)
        sys.exit(2)
    import mlflow

    report = {
        "versions": {"onnx": onnx.__version__, "onnxruntime": ort.__version__, "mlflow": mlflow.__version__, "pandas": pd.__version__, "numpy": np.__version__},
        "tolerance": args.tolerance,
        "cases": [check_case(case, args.tolerance) for case in cases],
    }
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
