"""In-process onnxruntime reference for `npm run bench:serve` (run with the project venv).

    python bench/serve/onnx_reference.py MODEL.onnx DATA.csv BATCH_ROWS BATCH_REPEATS SINGLE_REPEATS

Reads DATA.csv with pandas (float64 columns), tiles its rows to BATCH_ROWS, and times
`InferenceSession.run` with the feeds mlflow.onnx's pyfunc would build: once per batch (BATCH_REPEATS
times, after a warm-up) and on one row (SINGLE_REPEATS times). No HTTP, no JSON: the ceiling a
scoring server built on onnxruntime could reach. One intra-op thread, like sweepq's one event loop.
Prints one JSON document: {"batch_rows_per_s", "single_p50_ms", "single_p99_ms", "versions"}.
"""

import json
import sys
import time

import numpy as np
import onnxruntime as ort
import pandas as pd


def feeds_for(frame, session):
    feeds = {}
    for value in session.get_inputs():
        array = frame[value.name].to_numpy(dtype=np.float64)
        feeds[value.name] = array.reshape(-1, 1) if len(value.shape) == 2 else array
    return feeds


def main():
    model, data, batch_rows, batch_repeats, single_repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    names = [value.name for value in session.get_inputs()]
    frame = pd.read_csv(data, usecols=names, dtype={name: "float64" for name in names})
    tiled = pd.concat([frame] * (batch_rows // len(frame) + 1), ignore_index=True).iloc[:batch_rows]
    batch = feeds_for(tiled, session)
    session.run(None, batch)
    start = time.perf_counter()
    for _ in range(batch_repeats):
        session.run(None, batch)
    batch_seconds = (time.perf_counter() - start) / batch_repeats

    one = feeds_for(frame.iloc[:1], session)
    for _ in range(200):
        session.run(None, one)
    samples = np.empty(single_repeats)
    for i in range(single_repeats):
        t = time.perf_counter()
        session.run(None, one)
        samples[i] = (time.perf_counter() - t) * 1000
    print(json.dumps({
        "batch_rows_per_s": batch_rows / batch_seconds,
        "single_p50_ms": float(np.percentile(samples, 50)),
        "single_p99_ms": float(np.percentile(samples, 99)),
        "versions": {"onnxruntime": ort.__version__},
    }))


if __name__ == "__main__":
    main()
