"""A small training program swept by sweeps/program-example/sweep.yaml (standard library only).

Fits a logistic regression by gradient descent on a synthetic two-class problem, reports the
validation accuracy and log-loss every epoch, and saves the weights as the trial's artefact.
Run it alone with `python3 train.py --lr 0.1 --epochs 20`.
"""
import argparse
import json
import math
import os
import random

import sweepq_report


def make_data(n, dims, rng):
    w_true = [rng.gauss(0, 1) for _ in range(dims)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(dims)]
        z = sum(a * b for a, b in zip(w_true, x)) + rng.gauss(0, 0.5)
        rows.append((x, 1 if z > 0 else 0))
    return rows


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--l2", type=float, default=0.0)
    args = parser.parse_args()

    rng = random.Random(sweepq_report.seed())
    data = make_data(600, 8, random.Random(42))
    train, val = data[:400], data[400:]
    w = [0.0] * 8
    b = 0.0
    for epoch in range(args.epochs):
        rng.shuffle(train)
        for x, y in train:
            p = sigmoid(sum(a * c for a, c in zip(w, x)) + b)
            g = p - y
            w = [wi - args.lr * (g * xi + args.l2 * wi) for wi, xi in zip(w, x)]
            b -= args.lr * g
        correct = 0
        loss = 0.0
        for x, y in val:
            p = sigmoid(sum(a * c for a, c in zip(w, x)) + b)
            correct += (p > 0.5) == (y == 1)
            loss -= math.log(max(1e-12, p if y == 1 else 1 - p))
        sweepq_report.report("val_accuracy", correct / len(val), step=epoch)
        sweepq_report.report("val_loss", loss / len(val), step=epoch)
        print(f"epoch {epoch}: accuracy {correct / len(val):.3f}")  # a log line

    with open(os.path.join(sweepq_report.artifact_dir(), "weights.json"), "w") as f:
        json.dump({"w": w, "b": b}, f)


if __name__ == "__main__":
    main()
