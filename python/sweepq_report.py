"""Report metrics of a sweepq program trial: one line per value, standard library only.

    import sweepq_report
    params = sweepq_report.params()              # the trial's params (SWEEPQ_PARAMS)
    sweepq_report.report("val_auc", 0.91, step=3)

sweepq puts this file's folder on PYTHONPATH for program trials. Each report is one JSON line on
stdout, {"metric": ..., "value": ..., "step": ...}; every other line a program prints is a log line.
The last value of each metric is the trial's metric, the values before it its history.
"""
import json
import math
import os
import sys

__all__ = ["params", "report", "artifact_dir", "trial_id", "seed"]


def params():
    """The trial's params as a dict (empty outside sweepq)."""
    return json.loads(os.environ.get("SWEEPQ_PARAMS", "{}"))


def trial_id():
    return os.environ.get("SWEEPQ_TRIAL_ID")


def seed():
    """The trial's seed (derived from the sweep seed and the params), or 0 outside sweepq."""
    return int(os.environ.get("SWEEPQ_SEED", "0"))


def artifact_dir():
    """The folder whose files become the trial's artefacts (the current folder outside sweepq)."""
    return os.environ.get("SWEEPQ_ARTIFACT_DIR", ".")


def report(metric, value, step=None):
    """Reports one value of `metric` (lowercase letters, digits and _); NaN and None report "no value"."""
    if value is not None:
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            value = None
    line = {"metric": metric, "value": value}
    if step is not None:
        line["step"] = int(step)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
