#!/usr/bin/env python3
"""scripts/bench peers: Downhill beside what a Python user would pick instead, on Fashion-MNIST.

    scripts/bench peers [--epochs N] [--quick] [--repeat N] [--skip sklearn,torch,distributor] [--out FILE]
                        [--data-dir DIR] [--target-linear A] [--target-mlp A] [--cores N]

What is measured: time to the same test accuracy. Every system trains on the same rows, is scored on
the 10,000 test rows after every epoch, and reports
  to target   training seconds until the end of the first epoch whose test accuracy >= the target
              (the per-epoch evaluation left out, as Downhill's epoch seconds leave it out)
  final       the test accuracy after the last epoch
  training    training seconds of all epochs
  wall        the whole process, from its start to its exit: the JVM and Spark session (Downhill,
              TorchDistributor), imports, reading the IDX files, preparing the data, training, every
              per-epoch evaluation, and for TorchDistributor the spawn of its processes
and the ratios of each peer's times to Downhill's. Every system runs --repeat times (default 3), a
fresh process each; the table shows the run with the median time to the target, and every run's time
beside it: on 2 cores one run's time to target varies by 10-15% from the next, Downhill's and the
peers' alike, which is the size of the margins the targets are judged by.

The systems, one process at a time (a fresh process each, so every one pays its own start):
  linear   Downhill softmax (`scripts/downhill train --model softmax`, its defaults: sgd 0.1, cosine,
           batch 256, L2 1e-4) against scikit-learn's SGDClassifier (log_loss) and LogisticRegression
           (lbfgs, multinomial)
  network  784-100-10 ReLU: Downhill `--model mlp --hidden 100` (the same defaults) against
           scikit-learn's MLPClassifier, PyTorch on the CPU in one process, and
           pyspark.ml.torch.distributor.TorchDistributor(num_processes=cores, local_mode=True,
           use_gpu=False) running DistributedDataParallel over gloo

Same data for everyone (Downhill's defaults, reproduced in numpy below): the 60,000 training rows less
Downhill's seeded validation split (a row is held out when xxhash64(seed, row index) mod 2^24 / 2^24 <
0.1, Spark's xxhash64 as DataLoader computes it: 54,036 rows remain with seed 42; the bench checks the
count against Downhill's summary.json), standardized with their mean and unbiased standard deviation
(features of standard deviation 0 become 0), as MLlib's StandardScaler does; float32.

Same training where the library allows (it is said where it does not):
  Downhill, PyTorch, TorchDistributor: plain SGD (no momentum) at Downhill's default rate for a network,
      0.2 (the linear model's is 0.1; the bench checks Downhill's summary.json took 0.2), with a cosine schedule per step
      over the run's epochs, batch 256 (TorchDistributor: 128 per process, DistributedSampler), He
      initialization, L2 1e-4 on weights (λ·ΣW², a gradient of 2λW: torch's weight_decay 2e-4 on the
      weight matrices only), a fresh permutation every epoch
  MLPClassifier: solver sgd, momentum 0, batch 256, rate 0.2 *constant* (scikit-learn has no cosine
      schedule), alpha = 2λ·256 (scikit-learn divides its L2 term by the batch size), its own Glorot
      initialization; one partial_fit per epoch (one shuffled pass)
  SGDClassifier: log_loss, one-vs-rest (it has no multinomial loss), one row per step (it has no
      minibatches), its default 'optimal' rate schedule (a rate of 0.1 per row is not the rate of 0.1
      per batch of 256), alpha = 2λ; one partial_fit per epoch on a fresh permutation, n_jobs = cores
  LogisticRegression: lbfgs, multinomial, C = 1/(2·n·λ) (the same objective as Downhill's softmax);
      it has no epochs, so it is fitted afresh at a ladder of max_iter values and its time to target is
      the fit time of the smallest max_iter that reaches it; its wall is the process less the other
      rungs' fits and evaluations

Threads: Downhill local[*] (a task per core, one OpenBLAS thread each, scripts/downhill's default);
PyTorch single-process twice, torch.set_num_threads(cores) (its default) and 1 (faster when the cores
are busy: OpenMP's waiting threads suffer most), both shown, the targets judged against the faster;
TorchDistributor `cores` processes with
torch.set_num_threads(1) each; scikit-learn with its BLAS on every core (OPENBLAS/OMP_NUM_THREADS =
cores). The data are held in memory as tensors and batches are gathered by index (no DataLoader
collation), the fastest plain-PyTorch way; TorchDistributor's processes each read and prepare the
data themselves and take their rows from a DistributedSampler.

The peers come from PyPI into their own virtual environment ($DOWNHILL_PEERS_VENV, else
runs/peers-venv): numpy, scikit-learn, torch, pyspark==the pom's <spark.version>. `pip install torch`
on Linux also downloads the CUDA libraries and triton that torch's wheel depends on (about 4 GB of the
environment's 6 GB, unused by these CPU runs); PyPI has no CPU-only build. A peer whose install fails
is skipped with one line saying why; the others still run. Not run in CI.

Targets: --target-linear 0.82 and --target-mlp 0.86, the highest round test accuracies that every
system reached and then held in a first 10-epoch look (docs/BENCHMARKS.md says why not 0.83 and 0.85).

The table goes to stdout and, as markdown, to --out (default runs/bench/peers-full.md or
peers-quick.md); the raw numbers beside it as .json. This file is also the code every peer process
runs (`--child SYSTEM`), so that there is one place to read.
"""
import argparse
import gzip
import json
import math
import os
import re
import shlex
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "bench-peers-result: "
SEED = 42
VAL_FRACTION = 0.1  # Downhill's default --val-fraction
REG = 1e-4  # Downhill's default --reg: λ·ΣW² on weights
LR = 0.2  # sgd's default rate in Downhill for a network (0.1 for a linear model); the peers' networks take it too
BATCH = 256  # Downhill's batch on 60,000 rows
HIDDEN = 100
LR_LADDER_FULL = [5, 10, 20, 40, 100]  # 100 is LogisticRegression's default max_iter
LR_LADDER_QUICK = [5, 10]
GROUPS = ("sklearn", "torch", "distributor")


# ---------------------------------------------------------------- data (every peer process)

def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    import numpy as np
    magic, = struct.unpack(">I", data[:4])
    ndims = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)


def idx_file(directory, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"bench peers: no {stem}[.gz] in {directory}")


def spark_xxhash64_long(values, seed):
    """Spark's XxHash64.hashLong(value, seed) for an array of longs (uint64 arithmetic wraps like Java's)."""
    import numpy as np
    p1, p2, p3, p4, p5 = (np.uint64(v) for v in (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                                 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5))

    def rotl(x, r):
        return (x << np.uint64(r)) | (x >> np.uint64(64 - r))

    with np.errstate(over="ignore"):
        x = np.asarray(values, dtype=np.int64).astype(np.uint64)
        h = np.asarray(seed, dtype=np.int64).astype(np.uint64) + p5 + np.uint64(8)
        h = h ^ (rotl(x * p2, 31) * p1)
        h = rotl(h, 27) * p1 + p4
        h = h ^ (h >> np.uint64(33))
        h = h * p2
        h = h ^ (h >> np.uint64(29))
        h = h * p3
        h = h ^ (h >> np.uint64(32))
    return h


def training_rows(n, seed=SEED, val_fraction=VAL_FRACTION):
    """The rows Downhill trains on: not in pmod(xxhash64(lit(seed), row_id), 2^24) / 2^24 < val_fraction.
    xxhash64 of two columns hashes the first with Spark's seed 42, the second with the first's hash."""
    import numpy as np
    first = spark_xxhash64_long(np.array([seed]), 42)[0]
    h = spark_xxhash64_long(np.arange(n), first)
    u = (h & np.uint64((1 << 24) - 1)).astype(np.float64) / (1 << 24)  # pmod by 2^24 = the low 24 bits
    return np.flatnonzero(u >= val_fraction)


def prepare(data_dir):
    """Fashion-MNIST as Downhill prepares it by default: training rows less the validation split,
    standardized with their mean and unbiased standard deviation (σ = 0 gives 0), float32."""
    import numpy as np
    xs = read_idx(idx_file(data_dir, "train-images-idx3-ubyte")).reshape(-1, 784)
    ys = read_idx(idx_file(data_dir, "train-labels-idx1-ubyte")).astype(np.int64)
    xt = read_idx(idx_file(data_dir, "t10k-images-idx3-ubyte")).reshape(-1, 784)
    yt = read_idx(idx_file(data_dir, "t10k-labels-idx1-ubyte")).astype(np.int64)
    keep = training_rows(len(xs))
    xs, ys = xs[keep].astype(np.float64) / 255, ys[keep]
    mean = xs.mean(axis=0)
    std = xs.std(axis=0, ddof=1)
    scale = np.where(std > 0, 1 / np.where(std > 0, std, 1), 0)
    xs = ((xs - mean) * scale).astype(np.float32)
    xt = ((xt.astype(np.float64) / 255 - mean) * scale).astype(np.float32)
    return xs, ys, xt, yt


# ---------------------------------------------------------------- the peers (child processes)

def accuracy(predicted, labels):
    return float((predicted == labels).mean())


def run_sgd_classifier(p):
    import warnings
    import numpy as np
    from sklearn.linear_model import SGDClassifier
    xs, ys, xt, yt = prepare(p["data_dir"])
    clf = SGDClassifier(loss="log_loss", penalty="l2", alpha=2 * REG, learning_rate="optimal",
                        random_state=SEED, n_jobs=p["cores"])
    rng = np.random.default_rng(SEED)
    classes = np.arange(10)
    epochs = []
    for _ in range(p["epochs"]):
        t0 = time.perf_counter()
        perm = rng.permutation(len(ys))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(xs[perm], ys[perm], classes=classes)
        seconds = time.perf_counter() - t0
        epochs.append({"seconds": seconds, "test_accuracy": accuracy(clf.predict(xt), yt)})
    return {"train_rows": len(ys), "epochs": epochs}


def run_logistic_regression(p):
    import warnings
    from sklearn.linear_model import LogisticRegression
    xs, ys, xt, yt = prepare(p["data_dir"])
    rungs = []
    for max_iter in p["ladder"]:
        clf = LogisticRegression(C=1 / (2 * len(ys) * REG), solver="lbfgs", max_iter=max_iter, tol=1e-12)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter is the point
            clf.fit(xs, ys)
        seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        acc = accuracy(clf.predict(xt), yt)
        rungs.append({"max_iter": max_iter, "iterations": int(max(clf.n_iter_)), "seconds": seconds,
                      "eval_seconds": time.perf_counter() - t1, "test_accuracy": acc})
    return {"train_rows": len(ys), "rungs": rungs}


def run_sklearn_mlp(p):
    import warnings
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    xs, ys, xt, yt = prepare(p["data_dir"])
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd", learning_rate="constant",
                        learning_rate_init=LR, momentum=0.0, nesterovs_momentum=False, batch_size=BATCH,
                        alpha=2 * REG * BATCH, shuffle=True, random_state=SEED)
    classes = np.arange(10)
    epochs = []
    for _ in range(p["epochs"]):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(xs, ys, classes=classes)
        seconds = time.perf_counter() - t0
        epochs.append({"seconds": seconds, "test_accuracy": accuracy(clf.predict(xt), yt)})
    return {"train_rows": len(ys), "epochs": epochs}


def torch_network(torch):
    """784-100-10 ReLU, He-initialized weights (N(0, 2/fan_in), as Downhill's `he`), zero biases."""
    net = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))
    for layer in (net[0], net[2]):
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        torch.nn.init.zeros_(layer.bias)
    return net


def torch_sgd(torch, net, epochs, steps_per_epoch):
    """Plain SGD at LR (0.2), L2 on the weight matrices only, Downhill's cosine per step (step s of S: rate
    LR·½(1 + cos(π·s/S)))."""
    weights = [q for name, q in net.named_parameters() if name.endswith("weight")]
    biases = [q for name, q in net.named_parameters() if name.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": 2 * REG}, {"params": biases, "weight_decay": 0.0}],
                          lr=LR, momentum=0.0)
    total = epochs * steps_per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    return opt, schedule


def torch_test_accuracy(torch, net, xt, yt):
    with torch.no_grad():
        return float((net(xt).argmax(dim=1) == yt).float().mean())


def run_torch(p):
    import torch
    torch.set_num_threads(p["threads"])
    torch.manual_seed(SEED)
    xs, ys, xt, yt = (torch.from_numpy(a) for a in prepare(p["data_dir"]))
    n = len(ys)
    steps = math.ceil(n / BATCH)
    net = torch_network(torch)
    opt, schedule = torch_sgd(torch, net, p["epochs"], steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(SEED)
    epochs = []
    for _ in range(p["epochs"]):
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=order)
        for i in range(0, n, BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xs[idx]), ys[idx]).backward()
            opt.step()
            schedule.step()
        seconds = time.perf_counter() - t0
        epochs.append({"seconds": seconds, "test_accuracy": torch_test_accuracy(torch, net, xt, yt)})
    return {"train_rows": n, "epochs": epochs, "threads": torch.get_num_threads()}


def ddp_train(p):
    """One TorchDistributor process: reads and prepares the data, takes its rows from a
    DistributedSampler, trains the DDP-wrapped network (gloo); rank 0 times the epochs (between
    barriers, so both processes start together), evaluates on the test rows outside the timing and
    returns its numbers."""
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import DistributedSampler, TensorDataset
    entered = time.time()
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(SEED)  # the same start everywhere (DDP also broadcasts rank 0's)
    xs, ys, xt, yt = (torch.from_numpy(a) for a in prepare(p["data_dir"]))
    sampler = DistributedSampler(TensorDataset(xs, ys), num_replicas=world, rank=rank, shuffle=True, seed=SEED)
    local_batch = BATCH // world  # the global batch stays 256, as Downhill splits it over partitions
    steps = math.ceil(len(sampler) / local_batch)
    net = DistributedDataParallel(torch_network(torch))
    opt, schedule = torch_sgd(torch, net, p["epochs"], steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    epochs = []
    for epoch in range(p["epochs"]):
        sampler.set_epoch(epoch)
        dist.barrier()
        t0 = time.perf_counter()
        mine = torch.tensor(list(iter(sampler)))
        for i in range(0, len(mine), local_batch):
            idx = mine[i:i + local_batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(xs[idx]), ys[idx]).backward()  # DDP all-reduces the gradients (the mean)
            opt.step()
            schedule.step()
        seconds = time.perf_counter() - t0
        if rank == 0:
            epochs.append({"seconds": seconds, "test_accuracy": torch_test_accuracy(torch, net.module, xt, yt)})
        dist.barrier()
    # Every process writes its return value to the same file (pyspark's FunctionPickler) and the last
    # one to finish wins, so every process returns rank 0's numbers.
    result = [{"train_rows": len(ys), "epochs": epochs, "processes": world, "entered": entered,
               "steps_per_epoch": steps}]
    dist.broadcast_object_list(result, src=0)
    dist.destroy_process_group()
    return result[0]


def run_distributor(p):
    called = time.time()
    from pyspark.sql import SparkSession
    from pyspark.ml.torch.distributor import TorchDistributor
    spark = (SparkSession.builder.master(f"local[{p['cores']}]").appName("bench-peers")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    session = time.time()
    out = TorchDistributor(num_processes=p["cores"], local_mode=True, use_gpu=False).run(ddp_train, p)
    spark.stop()
    out["spark_session_seconds"] = session - called
    out["spawn_seconds"] = out.pop("entered") - session  # torchrun and the processes' start, to the function
    return out


CHILDREN = {"sgd-classifier": run_sgd_classifier, "logistic-regression": run_logistic_regression,
            "sklearn-mlp": run_sklearn_mlp, "torch": run_torch, "distributor": run_distributor}


# ---------------------------------------------------------------- the run (the orchestrator)

def say(line):
    print(line, flush=True)


def spark_version():
    m = re.search(r"<spark.version>(.*?)</spark.version>", (ROOT / "pom.xml").read_text())
    if not m:
        raise SystemExit(f"bench peers: no <spark.version> in {ROOT / 'pom.xml'}")
    return m.group(1)


def data_dir(given):
    """Downhill's own search order for a named data set, so that both read the same files."""
    candidates = [given, os.environ.get("DOWNHILL_DATA"), str(ROOT.parent / "shared" / "data"), "/usr/share/datasets"]
    for c in candidates:
        if c and os.path.isdir(os.path.join(c, "fashion-mnist")):
            return os.path.abspath(c)
    raise SystemExit("bench peers: no fashion-mnist/ in --data-dir, $DOWNHILL_DATA, ../shared/data or "
                     "/usr/share/datasets (Debian: apt-get install dataset-fashion-mnist)")


def venv_python(venv):
    return str(Path(venv) / "bin" / "python")


def has(python, code):
    return subprocess.run([python, "-c", code], capture_output=True, text=True).returncode == 0


def install(python, packages, log):
    with open(log, "a") as f:
        f.write(f"$ pip install {' '.join(packages)}\n")
        f.flush()
        return subprocess.run([python, "-m", "pip", "install", "-q", *packages], stdout=f, stderr=f).returncode == 0


def ensure_peers(venv, wanted, out_dir):
    """Installs what the wanted peers need; returns {group: reason} for the groups to skip."""
    log = out_dir / "pip.log"
    skipped = {}
    if not os.path.exists(venv_python(venv)):
        say(f"peers: creating the virtual environment {venv}")
        if subprocess.run([sys.executable, "-m", "venv", venv]).returncode != 0:
            return {g: f"cannot create the virtual environment {venv} (Debian: apt-get install python3-venv)"
                    for g in wanted}
    python = venv_python(venv)
    if not has(python, "import numpy") and not install(python, ["numpy"], log):
        return {g: f"pip install numpy failed (no network? see {log})" for g in wanted}
    spark = spark_version()
    needs = {"sklearn": (["scikit-learn"], "import sklearn"),
             "torch": (["torch"], "import torch"),
             "distributor": (["torch", f"pyspark=={spark}"],
                             f"import torch, pyspark; assert pyspark.__version__ == '{spark}'")}
    for group in wanted:
        packages, check = needs[group]
        if has(python, check):
            continue
        if has(python, "import torch"):
            packages = [q for q in packages if q != "torch"]
        if "torch" in packages:
            say(f"peers: installing {' '.join(packages)} from PyPI (torch's Linux wheel pulls the CUDA libraries "
                "too, about 4 GB, unused here)")
        else:
            say(f"peers: installing {' '.join(packages)} from PyPI")
        if not install(python, packages, log) or not has(python, check):
            skipped[group] = f"pip install {' '.join(packages)} failed (no network? see {log})"
    return skipped


def run_child(python, system, params, log, env):
    """Runs one peer in its own process; returns its result with the process's wall time."""
    t0 = time.perf_counter()
    proc = subprocess.run([python, __file__, "--child", system, "--params", json.dumps(params)],
                          capture_output=True, text=True, env=env, cwd=str(ROOT))
    wall = time.perf_counter() - t0
    Path(log).write_text(proc.stdout + proc.stderr)
    results = [line[len(MARK):] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not results:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{system} failed (exit {proc.returncode}, log {log}): {tail[0]}")
    result = json.loads(results[-1])
    result["wall"] = wall
    return result


def run_downhill(model_flags, epochs, data, out_dir, name):
    """`scripts/downhill train` with its defaults; the epochs and accuracies from its summary.json."""
    run_dir = out_dir / name
    cmd = [str(ROOT / "scripts" / "downhill"), "train", "--data", "fashion-mnist", "--data-dir", data,
           *model_flags, "--epochs", str(epochs), "--out", str(run_dir)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT))
    wall = time.perf_counter() - t0
    (out_dir / f"{name}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"downhill failed (exit {proc.returncode}, log {out_dir / (name + '.log')})")
    s = json.loads((run_dir / "summary.json").read_text())
    return {"wall": wall, "train_rows": s["train_rows"], "batch_size": s["batch_size"], "lr": s["lr"],
            "schedule": s["schedule"], "partitions": s["partitions"], "sync": s.get("sync"),
            "epochs": [{"seconds": e["seconds"], "test_accuracy": e["test_accuracy"]} for e in s["epoch_metrics"]],
            "command": " ".join(["scripts/downhill", *cmd[1:]])}


def reach(result, target):
    """(training seconds to the target, where it was reached) or (None, None)."""
    if "rungs" in result:
        for r in result["rungs"]:
            if r["test_accuracy"] >= target:
                return r["seconds"], f"max_iter {r['max_iter']}"
        return None, None
    total = 0.0
    for i, e in enumerate(result["epochs"]):
        total += e["seconds"]
        if e["test_accuracy"] >= target:
            return total, f"epoch {i + 1}"
    return None, None


def final(result):
    rows = result.get("rungs") or result["epochs"]
    return rows[-1]["test_accuracy"], (rows[-1]["seconds"] if "rungs" in result else sum(e["seconds"] for e in rows))


def table(title, target, rows):
    """Markdown rows: Downhill first, then each peer with its ratios to Downhill."""
    lines = [f"### {title}: time to test accuracy {target}", "",
             "| system | reached at | training s to target | every run, s | final test accuracy | training s (all) "
             "| wall s | peer / Downhill: to target | training (all) | wall |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    base = rows[0][1] if rows and rows[0][0].startswith("Downhill") else None
    dh_to, _ = reach(base, target) if base and "error" not in base else (None, None)
    for name, r in rows:
        if "error" in r or "skipped" in r:
            lines.append(f"| {name} | {r.get('skipped') or r['error']} | | | | | | | | |")
            continue
        to, where = reach(r, target)
        acc, train = final(r)
        wall = r["wall"]
        ratio = f"{to / dh_to:.2f}x" if to is not None and dh_to else "—"
        wall_ratio = f"{wall / base['wall']:.2f}x" if base and "wall" in base else "—"
        train_ratio = f"{train / final(base)[1]:.2f}x" if base and "wall" in base else "—"
        to_text = f"{to:.2f}" if to is not None else f"never (best {max_accuracy(r):.4f})"
        runs = ", ".join("never" if t is None else f"{t:.2f}" for t in r.get("repeats", [to]))
        lines.append(f"| {name} | {where or '—'} | {to_text} | {runs} | {acc:.4f} | {train:.2f} | {wall:.1f} "
                     f"| {ratio} | {train_ratio} | {wall_ratio} |")
    return lines


def max_accuracy(r):
    return max(e["test_accuracy"] for e in (r.get("rungs") or r["epochs"]))


def verdicts(target, rows):
    """The issue's two targets, each met or missed. Single-process PyTorch is the faster of its runs
    (every core, or one thread) to the target: the stricter comparison."""
    dh = dict(rows).get("Downhill mlp-100")
    if not dh or "epochs" not in dh:
        return []
    dh_to, _ = reach(dh, target)
    torch_runs = [(n, r) for n, r in rows if n.startswith("PyTorch, one process")]
    timed = [(reach(r, target)[0], n, r) for n, r in torch_runs if "epochs" in r]
    timed.sort(key=lambda t: float("inf") if t[0] is None else t[0])
    single = (timed[0][1], timed[0][2]) if timed else (torch_runs[0] if torch_runs else ("PyTorch, one process", None))
    out = []
    for (name, r), want, text in ((("TorchDistributor (DDP, gloo)", dict(rows).get("TorchDistributor (DDP, gloo)")),
                                   2.0, "at least 2x sooner than TorchDistributor"),
                                  (single, 1 / 1.5, "within 1.5x of single-process PyTorch")):
        if not r or "epochs" not in r:
            out.append(f"- {text}: not measured ({name}: {r and (r.get('skipped') or r.get('error'))})")
            continue
        to, _ = reach(r, target)
        if dh_to is None or to is None:
            shown = lambda t: "never" if t is None else f"{t:.2f} s"
            out.append(f"- {text}: not decided (to {target}: Downhill {shown(dh_to)}, {name} {shown(to)})")
            continue
        ratio = to / dh_to
        shown = (f"Downhill {dh_to:.2f} s, {name} {to:.2f} s: Downhill {ratio:.2f}x sooner" if want > 1
                 else f"Downhill {dh_to:.2f} s, {name} {to:.2f} s: Downhill takes {1 / ratio:.2f}x its time")
        out.append(f"- {text}: {shown}: **{'met' if ratio >= want else 'missed'}**")
    return out


def parse(argv):
    ap = argparse.ArgumentParser(prog="scripts/bench peers", description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=None, help="epochs of every epoch-based system (default 10, "
                    "Downhill's auto on 60,000 rows; --quick: 2)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 2 epochs, LogisticRegression at max_iter 5, 10")
    ap.add_argument("--repeat", type=int, default=None, help="runs of every system, each a fresh process; the table "
                    "shows the run with the median time to the target and every run's time (default 3; --quick: 1)")
    ap.add_argument("--skip", default="", help="comma-separated peer groups to leave out: sklearn,torch,distributor")
    ap.add_argument("--out", default=None, help="markdown file for the table (default runs/bench/peers-MODE.md)")
    ap.add_argument("--data-dir", default=None, help="folder holding fashion-mnist/ (default: Downhill's search)")
    ap.add_argument("--target-linear", type=float, default=0.82, help="test accuracy the linear models race to")
    ap.add_argument("--target-mlp", type=float, default=0.86, help="test accuracy the networks race to")
    ap.add_argument("--cores", type=int, default=os.cpu_count(), help="cores: torch threads, TorchDistributor "
                    "processes, scikit-learn jobs (default: this machine's)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--params", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv):
    args = parse(argv)
    if args.child:
        result = CHILDREN[args.child](json.loads(args.params))
        print(MARK + json.dumps(result), flush=True)
        return 0
    if os.environ.get("CI"):
        say("bench peers: not run in CI (it installs scikit-learn, torch and pyspark from PyPI)")
        return 0
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = skip - set(GROUPS)
    if unknown:
        say(f"bench peers: --skip: unknown peer group(s) {', '.join(sorted(unknown))}; expected {', '.join(GROUPS)}")
        return 2
    epochs = args.epochs or (2 if args.quick else 10)
    repeat = args.repeat or (1 if args.quick else 3)
    if repeat < 1:
        say(f"bench peers: --repeat must be at least 1; found {repeat}")
        return 2
    mode = "quick" if args.quick else "full"
    out_file = Path(args.out) if args.out else ROOT / "runs" / "bench" / f"peers-{mode}.md"
    out_dir = ROOT / "runs" / "peers"
    out_dir.mkdir(parents=True, exist_ok=True)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    data = data_dir(args.data_dir)
    fashion = os.path.join(data, "fashion-mnist")
    venv = os.environ.get("DOWNHILL_PEERS_VENV") or str(ROOT / "runs" / "peers-venv")
    started = time.time()

    wanted = [g for g in GROUPS if g not in skip]
    skipped = ensure_peers(venv, wanted, out_dir) if wanted else {}
    for group, why in skipped.items():
        say(f"peers: skipping {group}: {why}")
    python = venv_python(venv)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.cores), OMP_NUM_THREADS=str(args.cores),
               MKL_NUM_THREADS=str(args.cores))
    params = {"data_dir": fashion, "epochs": epochs, "cores": args.cores,
              "ladder": LR_LADDER_QUICK if args.quick else LR_LADDER_FULL}

    # Builds the jar when it is missing or stale, outside any timing.
    subprocess.run([str(ROOT / "scripts" / "downhill"), "--version"], capture_output=True, cwd=str(ROOT))

    def attempt(name, group, fn, target):
        """Runs a system --repeat times, a fresh process each; keeps the run with the median time to the
        target (the others' times in "repeats"), so that one noisy run decides nothing."""
        if group in skip:
            return name, {"skipped": "skipped (--skip)"}
        if group in skipped:
            return name, {"skipped": "skipped: " + skipped[group]}
        runs = []
        for i in range(repeat):
            say(f"peers: {name} ..." + (f" (run {i + 1} of {repeat})" if repeat > 1 else ""))
            try:
                r = fn()
            except RuntimeError as e:
                say(f"peers: {name}: {e}")
                return name, {"error": str(e)}
            acc, _ = final(r)
            to, _ = reach(r, target)
            say(f"peers: {name}: test accuracy {acc:.4f}, to {target}: "
                + ("never" if to is None else f"{to:.2f} s") + f", wall {r['wall']:.1f} s")
            runs.append((float("inf") if to is None else to, i, r))
        runs.sort(key=lambda t: (t[0], t[1]))
        median = runs[(len(runs) - 1) // 2][2]
        if repeat > 1:
            median["repeats"] = [None if t == float("inf") else t for t, _, _ in sorted(runs, key=lambda t: t[1])]
        return name, median

    def child(system, threads=None):
        if threads is None:
            return lambda: run_child(python, system, params, out_dir / f"{system}.log", env)
        env_t = dict(env, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                     MKL_NUM_THREADS=str(threads))
        return lambda: run_child(python, system, dict(params, threads=threads), out_dir / f"{system}-{threads}.log",
                                 env_t)

    lin, mlp = args.target_linear, args.target_mlp
    linear = [attempt("Downhill softmax", None, lambda: run_downhill(["--model", "softmax"], epochs, data, out_dir,
                                                                     "downhill-softmax"), lin),
              attempt("scikit-learn SGDClassifier", "sklearn", child("sgd-classifier"), lin),
              attempt("scikit-learn LogisticRegression", "sklearn", child("logistic-regression"), lin)]
    network = [attempt("Downhill mlp-100", None, lambda: run_downhill(["--model", "mlp", "--hidden", str(HIDDEN)],
                                                                      epochs, data, out_dir, "downhill-mlp"), mlp),
               attempt("Downhill mlp-100, 1 partition", None,
                       lambda: run_downhill(["--model", "mlp", "--hidden", str(HIDDEN), "--partitions", "1"], epochs,
                                            data, out_dir, "downhill-mlp-1"), mlp),
               attempt("scikit-learn MLPClassifier", "sklearn", child("sklearn-mlp"), mlp),
               attempt(f"PyTorch, one process, {args.cores} threads", "torch", child("torch", threads=args.cores), mlp),
               attempt("PyTorch, one process, 1 thread", "torch", child("torch", threads=1), mlp),
               attempt("TorchDistributor (DDP, gloo)", "distributor", child("distributor"), mlp)]
    lr = dict(linear).get("scikit-learn LogisticRegression", {})
    if "rungs" in lr:  # its wall: the process less the rungs before the last
        lr["process_wall"] = lr["wall"]
        lr["wall"] -= sum(r["seconds"] + r["eval_seconds"] for r in lr["rungs"][:-1])

    notes = []
    for name, r in linear + network:
        if "train_rows" in r and r["train_rows"] != dict(linear)["Downhill softmax"].get("train_rows", r["train_rows"]):
            notes.append(f"- **{name} trained on {r['train_rows']} rows, Downhill on "
                         f"{dict(linear)['Downhill softmax']['train_rows']}: the split differs**")
    dist = dict(network).get("TorchDistributor (DDP, gloo)", {})
    if "spawn_seconds" in dist:
        notes.append(f"- TorchDistributor's wall holds {dist['spark_session_seconds']:.1f} s of Spark session and "
                     f"{dist['spawn_seconds']:.1f} s from `run` to its function starting in rank 0 (torchrun, "
                     f"{dist['processes']} processes, torch import)")
    dh = dict(network).get("Downhill mlp-100", {})
    if "lr" in dh and dh["lr"] != LR:
        notes.append(f"- **Downhill's network ran at lr {dh['lr']}, the peers at {LR}: the rates differ**")
    if "batch_size" in dh:
        notes.append(f"- Downhill ran with batch {dh['batch_size']}, lr {dh['lr']}, schedule {dh['schedule']}, "
                     f"{dh['partitions']} partitions, steps {dh['sync']}; {dh['train_rows']} training rows")

    lines = [f"## Peers ({mode}: {epochs} epochs, {args.cores} cores, {time.strftime('%Y-%m-%d')})", ""]
    lines += table("Linear", args.target_linear, linear) + [""]
    lines += table("Network 784-100-10", args.target_mlp, network) + [""]
    lines += verdicts(args.target_mlp, network)
    lines += notes
    lines += ["", f"Command: `{shlex.join(['scripts/bench', 'peers', *argv])}`; the whole bench took "
              f"{time.time() - started:.0f} s."]
    text = "\n".join(lines) + "\n"
    print()
    print(text, end="")
    out_file.write_text(text)
    out_file.with_suffix(".json").write_text(json.dumps({"linear": linear, "network": network, "epochs": epochs,
                                                         "cores": args.cores}, indent=1))
    say(f"peers: table in {out_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
