#!/usr/bin/env python3
"""The single-process alternative for scripts/bench: the same models, batch, optimizers and epochs
as Downhill's benchmark runs, in numpy (float32, the BLAS numpy was built with), on the same
Fashion-MNIST files. Prints one JSON object on stdout.

    python3 scripts/bench-reference.py --data DIR [--softmax-epochs N] [--mlp-epochs N] [--hidden 100,256]
        [--mlp-optimizers adam,sgd]

Settings (kept identical to io.downhill.bench.Bench):
  data       all 60,000 training rows (no validation split), pixels / 255, standardized with the
             training mean and unbiased standard deviation (features with sigma 0 become 0), as MLlib's
             StandardScaler does
  softmax    linear 784-10, W ~ 0.01 N(0,1), b = 0; SGD, lr 0.1 x 0.8 per epoch; L2 1e-4 (lam sum W^2)
  mlp-H adam 784-H-10 ReLU, He init, b = 0; Adam (0.9, 0.999, 1e-8), lr 0.002 with a cosine schedule
             over the run's epochs, per step; L2 1e-4
  mlp-H sgd  the same network with plain SGD, lr 0.3 with the same cosine schedule
  all        batch 256, a fresh permutation every epoch, epochs from the command line
Timing: training time excludes the per-epoch test evaluation, like Downhill's step time.
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np


def read_idx(path):
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def find(directory, stem, kind):
    for name in (f"{stem}-{kind}.gz", f"{stem}-{kind}", f"{stem}.{kind}.gz", f"{stem}.{kind}"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit(f"bench-reference: no {stem}-{kind} in {directory}")


def load(directory):
    xs = read_idx(find(directory, "train-images", "idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    ys = read_idx(find(directory, "train-labels", "idx1-ubyte")).astype(np.int64)
    xt = read_idx(find(directory, "t10k-images", "idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255
    yt = read_idx(find(directory, "t10k-labels", "idx1-ubyte")).astype(np.int64)
    mean = xs.mean(axis=0, dtype=np.float64)
    std = xs.std(axis=0, ddof=1, dtype=np.float64)
    scale = np.where(std > 0, 1 / np.where(std > 0, std, 1), 0)
    xs = ((xs - mean) * scale).astype(np.float32)
    xt = ((xt - mean) * scale).astype(np.float32)
    return xs, ys, xt, yt


def softmax_grad(scores, y):
    """Mean cross-entropy and its gradient with respect to the scores."""
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y] + 1e-30).mean()
    p[np.arange(n), y] -= 1
    return loss, p / n


class Model:
    def __init__(self, hidden, rng):
        sizes = [784] + hidden + [10]
        self.params = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            std = 0.01 if not hidden else math.sqrt(2.0 / a)
            self.params.append((rng.standard_normal((a, b)) * std).astype(np.float32))
            self.params.append(np.zeros(b, dtype=np.float32))

    def scores(self, x):
        a = x
        for i in range(0, len(self.params) - 2, 2):
            a = np.maximum(a @ self.params[i] + self.params[i + 1], 0)
        return a @ self.params[-2] + self.params[-1]

    def loss_and_grads(self, x, y, lam):
        acts = [x]
        for i in range(0, len(self.params) - 2, 2):
            acts.append(np.maximum(acts[-1] @ self.params[i] + self.params[i + 1], 0))
        scores = acts[-1] @ self.params[-2] + self.params[-1]
        loss, d = softmax_grad(scores, y)
        grads = [None] * len(self.params)
        for layer in range(len(self.params) // 2 - 1, -1, -1):
            w = self.params[2 * layer]
            grads[2 * layer] = acts[layer].T @ d + 2 * lam * w
            grads[2 * layer + 1] = d.sum(axis=0)
            if layer > 0:
                d = (d @ w.T) * (acts[layer] > 0)
        loss += lam * sum(float((self.params[i] ** 2).sum()) for i in range(0, len(self.params), 2))
        return loss, grads


def train(name, hidden, optimizer, xs, ys, xt, yt, epochs, target, seed=42):
    rng = np.random.default_rng(seed)
    model = Model(hidden, rng)
    n = len(ys)
    batch, lam = 256, 1e-4
    steps = (n + batch - 1) // batch
    adam = optimizer == "adam"
    m = [np.zeros_like(p) for p in model.params]
    v = [np.zeros_like(p) for p in model.params]
    t = 0
    history = []
    train_seconds = 0.0
    reached = None
    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        for s in range(steps):
            rows = order[s * n // steps:(s + 1) * n // steps]
            loss, grads = model.loss_and_grads(xs[rows], ys[rows], lam)
            if adam:
                lr = 0.002 * 0.5 * (1 + math.cos(math.pi * (epoch * steps + s) / (epochs * steps)))
                t += 1
                for i, g in enumerate(grads):
                    m[i] = 0.9 * m[i] + 0.1 * g
                    v[i] = 0.999 * v[i] + 0.001 * g * g
                    model.params[i] -= (lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)).astype(np.float32)
            else:
                if hidden:
                    lr = 0.3 * 0.5 * (1 + math.cos(math.pi * (epoch * steps + s) / (epochs * steps)))
                else:
                    lr = 0.1 * 0.8 ** epoch
                for i, g in enumerate(grads):
                    model.params[i] -= (lr * g).astype(np.float32)
        train_seconds += time.perf_counter() - start
        accuracy = float((model.scores(xt).argmax(axis=1) == yt).mean())
        history.append({"epoch": epoch + 1, "seconds": train_seconds, "test_accuracy": accuracy, "loss": float(loss)})
        if reached is None and accuracy >= target:
            reached = {"epoch": epoch + 1, "seconds": train_seconds}
    return {"name": name, "epochs": epochs, "target": target, "reached": reached,
            "best_accuracy": max(h["test_accuracy"] for h in history), "train_seconds": train_seconds,
            "seconds_per_epoch": train_seconds / epochs, "history": history}


def gemm_rates(shapes, seconds=0.3):
    rates = {}
    rng = np.random.default_rng(0)
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        best = 0.0
        for _ in range(5):
            reps, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds / 5:
                a @ b
                reps += 1
            best = max(best, 2.0 * m * n * k * reps / (time.perf_counter() - start) / 1e9)
        rates[f"{m}x{k}x{n}"] = best
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--softmax-epochs", type=int, default=10)
    parser.add_argument("--mlp-epochs", type=int, default=15)
    parser.add_argument("--hidden", default="100,256")
    parser.add_argument("--mlp-optimizers", default="adam,sgd")
    args = parser.parse_args()
    xs, ys, xt, yt = load(args.data)
    start = time.perf_counter()
    for _ in range(5):
        float(xs.sum(dtype=np.float32))
    data_pass = (time.perf_counter() - start) / 5
    shapes = [(128, 784, 10), (784, 128, 10), (128, 784, 100), (128, 784, 256), (512, 784, 1024)]
    result = {
        "numpy": np.__version__,
        "blas": str(np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name")),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "data_pass_seconds": data_pass,
        "gemm_gflops": gemm_rates(shapes),
        "runs": [train("softmax", [], "sgd", xs, ys, xt, yt, args.softmax_epochs, 0.84)],
    }
    for h in [int(x) for x in args.hidden.split(",") if x]:
        for opt in [o for o in args.mlp_optimizers.split(",") if o]:
            result["runs"].append(train(f"mlp-{h} {opt}", [h], opt, xs, ys, xt, yt, args.mlp_epochs, 0.88))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
