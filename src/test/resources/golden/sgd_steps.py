"""Golden values for SgdGoldenTest: three steps of full-batch SGD on a two-row problem, by hand.

Problem: d = 1 feature, k = 2 classes, rows (x=1, y=0) and (x=2, y=1); linear softmax model
scores = x*W + b with W (1 x 2) and b (2), both starting at 0; learning rate 1; L2 strength lam
on W only (R = lam * sum W^2). Pure Python, no libraries: run `python3 sgd_steps.py`.
"""
import math

def run(lam, steps=3, lr=1.0):
    X, Y = [1.0, 2.0], [0, 1]
    W, b = [0.0, 0.0], [0.0, 0.0]
    out = []
    for _ in range(steps):
        gW, gb, loss = [0.0, 0.0], [0.0, 0.0], 0.0
        for x, y in zip(X, Y):
            s = [x * W[j] + b[j] for j in range(2)]
            m = max(s)
            z = sum(math.exp(v - m) for v in s)
            p = [math.exp(v - m) / z for v in s]
            loss += -math.log(p[y])
            for j in range(2):
                d = p[j] - (1.0 if j == y else 0.0)
                gW[j] += x * d
                gb[j] += d
        n = len(X)
        loss = loss / n + lam * (W[0] ** 2 + W[1] ** 2)
        gW = [g / n + 2 * lam * w for g, w in zip(gW, W)]
        gb = [g / n for g in gb]
        W = [w - lr * g for w, g in zip(W, gW)]
        b = [v - lr * g for v, g in zip(b, gb)]
        out.append((loss, W[:], b[:]))
    return out

for lam in (0.0, 0.1):
    print("lam =", lam)
    for i, (loss, W, b) in enumerate(run(lam), 1):
        print("  step %d: loss %.15f  W %r  b %r" % (i, loss, W, b))
