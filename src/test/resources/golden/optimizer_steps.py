"""Golden values for OptimizerGoldenTest: the first three steps of every update rule, by hand.

Problem: f(theta) = 0.5 * (1 * theta0^2 + 4 * theta1^2), so g = (theta0, 4 * theta1);
theta starts at (1, -2); learning rate 0.05 for every rule (Adadelta's too: it multiplies
Zeiler's step, as PyTorch's lr does); both coordinates count as weights (AdamW decays them).
Hyperparameters: momentum 0.9, eps 1e-8, rho 0.99, beta1 0.9, beta2 0.999, weight decay 0.01.
Pure Python: run `python3 optimizer_steps.py`.
"""
import math

A = (1.0, 4.0)
LR = 0.05
MU, EPS, RHO, B1, B2, WD = 0.9, 1e-8, 0.99, 0.9, 0.999, 0.01


def grad(t):
    return [a * x for a, x in zip(A, t)]


def sgd(t, s, g):
    return [x - LR * gi for x, gi in zip(t, g)]


def momentum(t, s, g):
    s["v"] = [MU * v - LR * gi for v, gi in zip(s.setdefault("v", [0.0, 0.0]), g)]
    return [x + v for x, v in zip(t, s["v"])]


def nesterov(t, s, g):
    prev = s.setdefault("v", [0.0, 0.0])
    s["v"] = [MU * v - LR * gi for v, gi in zip(prev, g)]
    return [x - MU * p + (1 + MU) * v for x, p, v in zip(t, prev, s["v"])]


def adagrad(t, s, g):
    s["G"] = [G + gi * gi for G, gi in zip(s.setdefault("G", [0.0, 0.0]), g)]
    return [x - LR * gi / (math.sqrt(G) + EPS) for x, gi, G in zip(t, g, s["G"])]


def rmsprop(t, s, g):
    s["G"] = [RHO * G + (1 - RHO) * gi * gi for G, gi in zip(s.setdefault("G", [0.0, 0.0]), g)]
    return [x - LR * gi / (math.sqrt(G) + EPS) for x, gi, G in zip(t, g, s["G"])]


def adam_like(wd):
    def step(t, s, g):
        s["t"] = s.get("t", 0) + 1
        s["m"] = [B1 * m + (1 - B1) * gi for m, gi in zip(s.setdefault("m", [0.0, 0.0]), g)]
        s["v"] = [B2 * v + (1 - B2) * gi * gi for v, gi in zip(s.setdefault("v", [0.0, 0.0]), g)]
        c1, c2 = 1 - B1 ** s["t"], 1 - B2 ** s["t"]
        return [x - LR * ((m / c1) / (math.sqrt(v / c2) + EPS) + wd * x) for x, m, v in zip(t, s["m"], s["v"])]
    return step


def nadam(t, s, g):
    s["t"] = s.get("t", 0) + 1
    s["m"] = [B1 * m + (1 - B1) * gi for m, gi in zip(s.setdefault("m", [0.0, 0.0]), g)]
    s["v"] = [B2 * v + (1 - B2) * gi * gi for v, gi in zip(s.setdefault("v", [0.0, 0.0]), g)]
    c1, c1_next, c2 = 1 - B1 ** s["t"], 1 - B1 ** (s["t"] + 1), 1 - B2 ** s["t"]
    return [x - LR * (B1 * m / c1_next + (1 - B1) * gi / c1) / (math.sqrt(v / c2) + EPS)
            for x, gi, m, v in zip(t, g, s["m"], s["v"])]


def amsgrad(t, s, g):
    # PyTorch's Adam(amsgrad=True): the running maximum of the raw v, bias-corrected by the current step
    s["t"] = s.get("t", 0) + 1
    s["m"] = [B1 * m + (1 - B1) * gi for m, gi in zip(s.setdefault("m", [0.0, 0.0]), g)]
    s["v"] = [B2 * v + (1 - B2) * gi * gi for v, gi in zip(s.setdefault("v", [0.0, 0.0]), g)]
    s["vmax"] = [max(vm, v) for vm, v in zip(s.setdefault("vmax", [0.0, 0.0]), s["v"])]
    c1, c2 = 1 - B1 ** s["t"], 1 - B2 ** s["t"]
    return [x - LR * (m / c1) / (math.sqrt(vm / c2) + EPS) for x, m, vm in zip(t, s["m"], s["vmax"])]


def adamax(t, s, g):
    # Kingma & Ba 2015, section 7.1; eps inside the max as PyTorch's Adamax has it
    s["t"] = s.get("t", 0) + 1
    s["m"] = [B1 * m + (1 - B1) * gi for m, gi in zip(s.setdefault("m", [0.0, 0.0]), g)]
    s["u"] = [max(B2 * u, abs(gi) + EPS) for u, gi in zip(s.setdefault("u", [0.0, 0.0]), g)]
    c1 = 1 - B1 ** s["t"]
    return [x - LR / c1 * m / u for x, m, u in zip(t, s["m"], s["u"])]


def adadelta(t, s, g):
    # Zeiler 2012, Algorithm 1, with the step multiplied by the learning rate (PyTorch's Adadelta)
    s["G"] = [RHO * G + (1 - RHO) * gi * gi for G, gi in zip(s.setdefault("G", [0.0, 0.0]), g)]
    dx = [math.sqrt(D + EPS) / math.sqrt(G + EPS) * gi for D, G, gi in zip(s.setdefault("D", [0.0, 0.0]), s["G"], g)]
    s["D"] = [RHO * D + (1 - RHO) * d * d for D, d in zip(s["D"], dx)]
    return [x - LR * d for x, d in zip(t, dx)]


RULES = [("sgd", sgd), ("momentum", momentum), ("nesterov", nesterov), ("adagrad", adagrad),
         ("rmsprop", rmsprop), ("adam", adam_like(0.0)), ("adamw", adam_like(WD)),
         ("nadam", nadam), ("amsgrad", amsgrad), ("adamax", adamax), ("adadelta", adadelta)]

for name, rule in RULES:
    t, state = [1.0, -2.0], {}
    steps = []
    for _ in range(3):
        t = rule(t, state, grad(t))
        steps.append(t)
    print("%-9s %s" % (name, "  ".join("(%r, %r)" % (a, b) for a, b in steps)))

# AMSGrad's maximum on the problem above: v only grows in three steps, so amsgrad's steps equal
# adam's. Here the gradient drops after the first step (a fixed sequence, not a function of theta),
# v falls below its maximum, and amsgrad, adam and a maximum of the bias-corrected v-hat all differ.
DROP = [[1.0, -2.0], [0.01, 0.02], [0.01, -0.02]]
for name, rule in [("amsgrad", amsgrad), ("adam", adam_like(0.0))]:
    t, state = [1.0, -2.0], {}
    steps = []
    for g in DROP:
        t = rule(t, state, g)
        steps.append(t)
    print("drop %-9s %s" % (name, "  ".join("(%r, %r)" % (a, b) for a, b in steps)))
