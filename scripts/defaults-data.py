#!/usr/bin/env python3
"""Writes the small data sets of `scripts/defaults` as LIBSVM files (train and test, split 80/20, seeded).

    scripts/defaults-data.py DIR              write them
    scripts/defaults-data.py --reference DIR  scikit-learn's accuracy on their test splits, for scale:
                                              LogisticRegression at the best C of 0.01..100 (chosen on
                                              the test split: an optimistic reference) and MLPClassifier
                                              with 256 hidden units, on standardized features (sparse-text
                                              as it is)

digits, breast-cancer and wine are scikit-learn's bundled copies (`pip install scikit-learn`; no
download); sparse-text and nonlinear are generated here with a fixed seed:

- sparse-text: 5,000 rows of 20,000 features, binary. Each row draws about 30 "words" from a
  Zipf-like vocabulary (counts scaled by 1/sqrt(length), like tf); the label is the sign of a
  sparse linear score (500 informative words) plus noise, so the best linear model is not perfect.
- nonlinear: 8,000 rows of 20 features, 5 classes; each class is a mixture of 2 Gaussian blobs
  (scikit-learn's make_classification, 8 informative features, 4 redundant, 1% labels flipped), so
  a linear model cannot separate it (scikit-learn's LogisticRegression: 0.71) and a network does
  (MLPClassifier with 256 hidden units: 0.93).

Labels are 0..k-1, features 1-based, zeros left out. The data never goes into git (runs/ is ignored).
"""
import os
import sys

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split


def write_libsvm(path, x, y):
    with open(path, "w") as f:
        for row, label in zip(x, y):
            nz = np.nonzero(row)[0]
            f.write(str(int(label)))
            for j in nz:
                f.write(" %d:%.6g" % (j + 1, row[j]))
            f.write("\n")


def write_sparse_libsvm(path, rows, y):
    with open(path, "w") as f:
        for (cols, vals), label in zip(rows, y):
            f.write(str(int(label)))
            for j, v in zip(cols, vals):
                f.write(" %d:%.6g" % (j + 1, v))
            f.write("\n")


def split_write(out, name, x, y, seed=0):
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    write_libsvm(os.path.join(out, name + ".train"), xtr, ytr)
    write_libsvm(os.path.join(out, name + ".test"), xte, yte)


def sparse_text(out, n=5000, d=20000, seed=7):
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, d + 1)
    p = 1.0 / ranks ** 1.1
    p /= p.sum()
    informative = rng.choice(np.arange(20, 2000), size=500, replace=False)  # neither the commonest nor the rarest
    w = np.zeros(d)
    w[informative] = rng.normal(0, 1, size=500)
    rows, scores = [], []
    for _ in range(n):
        length = max(5, int(rng.poisson(30)))
        words = rng.choice(d, size=length, p=p)
        cols, counts = np.unique(words, return_counts=True)
        vals = counts / np.sqrt(length)
        rows.append((cols, vals))
        scores.append(float(np.dot(w[cols], vals)))
    scores = np.array(scores)
    scores = (scores - scores.mean()) / scores.std()
    y = (scores + rng.normal(0, 0.3, size=n) > 0).astype(int)
    idx = rng.permutation(n)
    cut = int(0.8 * n)
    tr, te = idx[:cut], idx[cut:]
    write_sparse_libsvm(os.path.join(out, "sparse-text.train"), [rows[i] for i in tr], y[tr])
    write_sparse_libsvm(os.path.join(out, "sparse-text.test"), [rows[i] for i in te], y[te])


def reference(out):
    import warnings
    from sklearn.datasets import load_svmlight_file
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    warnings.filterwarnings("ignore")
    for name, width in [("digits", 64), ("breast-cancer", 30), ("wine", 13), ("sparse-text", 20000), ("nonlinear", 20)]:
        xtr, ytr = load_svmlight_file(os.path.join(out, name + ".train"), n_features=width)
        xte, yte = load_svmlight_file(os.path.join(out, name + ".test"), n_features=width)
        if name != "sparse-text":
            scaler = StandardScaler().fit(xtr.toarray())
            xtr, xte = scaler.transform(xtr.toarray()), scaler.transform(xte.toarray())
        linear = max((LogisticRegression(C=c, max_iter=3000).fit(xtr, ytr).score(xte, yte), c)
                     for c in (0.01, 0.1, 1, 10, 100))
        mlp = MLPClassifier((256,), max_iter=200, random_state=0).fit(xtr, ytr).score(xte, yte)
        print("%s: LogisticRegression %.4f (C %g), MLPClassifier(256) %.4f" % (name, linear[0], linear[1], mlp))


def main():
    if sys.argv[1] == "--reference":
        reference(sys.argv[2])
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = datasets.load_digits()
    split_write(out, "digits", d.data, d.target)
    b = datasets.load_breast_cancer()
    split_write(out, "breast-cancer", b.data, b.target)
    w = datasets.load_wine()
    split_write(out, "wine", w.data, w.target)
    x, y = datasets.make_classification(n_samples=8000, n_features=20, n_informative=8, n_redundant=4,
                                        n_classes=5, n_clusters_per_class=2, class_sep=1.5, flip_y=0.01,
                                        random_state=3)
    split_write(out, "nonlinear", x, y)
    sparse_text(out)


if __name__ == "__main__":
    main()
