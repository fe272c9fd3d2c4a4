"""The real MLflow Python client against a sweepq scheduler (issue 12, "Must show").

Run by mlflow-client.test.ts with MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN set; argv[1] is a JSON
object naming the experiments, the trial, the test CSV and a scratch folder. Prints one JSON document
of what the client saw; the Node test asserts on it. Every HTTP answer of 400 or more is recorded, so
the test can refuse any unsupported endpoint or unexpected 404.
"""
import json
import os
import sys
import time

import pandas as pd
import requests

import mlflow
from mlflow import MlflowClient

args = json.loads(sys.argv[1])
errors = []
_request = requests.Session.request


def recording_request(self, method, url, *a, **kw):
    response = _request(self, method, url, *a, **kw)
    if response.status_code >= 400:
        try:
            code = response.json().get("error_code")
        except ValueError:
            code = None
        errors.append({"method": method, "url": url.split("?")[0], "status": response.status_code, "error_code": code})
    return response


requests.Session.request = recording_request
out = {"seconds": {}}
client = MlflowClient()
started = time.perf_counter()


def lap(name):
    global started
    now = time.perf_counter()
    out["seconds"][name] = round(now - started, 2)
    started = now


# The seed's step 5: find the trial by name, load its pipeline, predict on the test CSV.
runs = mlflow.search_runs(experiment_names=[args["experiment"]], filter_string=f"tags.mlflow.runName = '{args['run_name']}'")
out["found"] = len(runs)
run_id = runs.run_id[0]
out["run_id"] = run_id
model = mlflow.pyfunc.load_model(f"runs:/{run_id}/pipeline")
test = pd.read_csv(args["test_csv"])
predicted = model.predict(test.drop(columns=[args["target"]]))
out["labels"] = [str(v) for v in predicted["label"]]
out["probabilities"] = [[float(predicted[c][i]) for c in predicted.columns if c.startswith("probability_")] for i in range(len(predicted))]
out["probability_columns"] = [c for c in predicted.columns if c.startswith("probability_")]

run = client.get_run(run_id)
out["run"] = {"status": run.info.status, "name": run.info.run_name, "params": run.data.params, "metrics": run.data.metrics, "tags": run.data.tags, "artifact_uri": run.info.artifact_uri}
parent = client.get_run(run.data.tags["mlflow.parentRunId"])
out["parent"] = {"run_id": parent.info.run_id, "status": parent.info.status, "metrics": parent.data.metrics}
out["fold_history"] = [[h.step, h.value] for h in client.get_metric_history(run_id, "cv_fold_score")]
out["artifacts"] = sorted(f.path for f in client.list_artifacts(run_id, "pipeline"))

either = mlflow.search_runs(
    experiment_names=[args["experiment"]],
    filter_string=f"tags.mlflow.runName = '{args['run_name']}' OR (tags.mlflow.runName = 'RandomForest_d5' AND metrics.auc_roc > 0)",
    order_by=["metrics.auc_roc DESC"],
)
out["or_names"] = list(either["tags.mlflow.runName"])
out["or_auc"] = [float(v) for v in either["metrics.auc_roc"]]
out["unknown_experiment_rows"] = len(mlflow.search_runs(experiment_names=["no_such_experiment_anywhere"]))

lap("step5_and_reads")

# Paging over many runs, ordered by a metric.
paging = client.get_experiment_by_name(args["paging_experiment"])
token, pages, ids, scores = None, 0, [], []
while True:
    page = client.search_runs([paging.experiment_id], order_by=["metrics.score DESC"], max_results=1000, page_token=token)
    pages += 1
    for r in page:
        ids.append(r.info.run_id)
        scores.append(r.data.metrics["score"])
    token = page.token
    if not token:
        break
out["paging"] = {"pages": pages, "runs": len(ids), "distinct": len(set(ids)), "first": scores[0], "last": scores[-1],
                 "descending": all(scores[i] > scores[i + 1] for i in range(len(scores) - 1))}

lap("paging")

# A script instrumented with MLflow, logging into sweepq.
mlflow.set_experiment(args["write_experiment"])
with mlflow.start_run(run_name="script-run") as active:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_param("solver", "adam")
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.set_tag("stage", "dev")
    note = os.path.join(args["scratch"], "notes.txt")
    with open(note, "w") as f:
        f.write("written by an MLflow script\n")
    mlflow.log_artifact(note, artifact_path="extra")
out["written_run_id"] = active.info.run_id
out["written_history"] = [[h.step, h.value] for h in client.get_metric_history(active.info.run_id, "loss")]
with open(mlflow.artifacts.download_artifacts(f"runs:/{active.info.run_id}/extra/notes.txt", dst_path=args["scratch"])) as f:
    out["written_artifact"] = f.read()

lap("script")
out["http_errors"] = errors
print(json.dumps(out))
