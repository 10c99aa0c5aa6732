#!/usr/bin/env python3
"""Fits the polynomial and rational coefficients of src/analytics/vector_math.hpp.

Each approximation is a weighted minimax fit (Remez exchange, 50-digit mpmath arithmetic):

  exp     e^r = 1 + r + r^2 P(r) on |r| <= ln2/2 (+ slack for the rounding of the reduction);
          minimizes the relative error of e^r.
  log     log((1 + s) / (1 - s)) = 2s + s z P(z), z = s^2, s in [-(3 - 2 sqrt 2), 3 - 2 sqrt 2]
          (the mantissa m in [sqrt(1/2), sqrt 2), s = (m - 1) / (m + 1)); minimizes the relative
          error of the logarithm.
  mills   N(-y) = exp(-y^2 / 2) P(y) / Q(y) on 0 <= y <= sqrt(32); minimizes the relative error
          of N(-y), so that one rational serves both N(x) = 1 - N(-x) and the lower tail.

The coefficients are rounded to double and the rounded approximation is measured again on a
dense grid; the script prints C++ initializers and those measured errors. Run:

  python3 src/analytics/tools/fit_vector_math.py [exp] [log] [mills]     (a few minutes)

Needs only mpmath (pip's mpmath or Debian's python3-mpmath).
"""
import sys

import mpmath as mp

mp.mp.dps = 50


def chebyshev_points(a, b, count):
    return [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (count - 1 - i) / (count - 1)) for i in range(count)]


def poly(coeffs, x):  # coeffs[0] + coeffs[1] x + ...
    acc = mp.mpf(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def extrema(err, a, b, grid):
    """Local extrema of err on [a, b] (ends included), refined by golden-section search."""
    xs = [a + (b - a) * (1 - mp.cos(mp.pi * i / grid)) / 2 for i in range(grid + 1)]
    es = [err(x) for x in xs]
    found = [(xs[0], es[0])]
    for i in range(1, grid):
        if abs(es[i]) >= abs(es[i - 1]) and abs(es[i]) >= abs(es[i + 1]):
            lo, hi = xs[i - 1], xs[i + 1]
            g = (mp.sqrt(5) - 1) / 2
            for _ in range(60):
                m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
                if abs(err(m1)) > abs(err(m2)):
                    hi = m2
                else:
                    lo = m1
            x = (lo + hi) / 2
            found.append((x, err(x)))
    found.append((xs[-1], es[-1]))
    return found


def alternating(points, count):
    """count extrema of alternating sign with the largest magnitudes (standard exchange)."""
    groups = []
    for x, e in points:
        if groups and mp.sign(groups[-1][1]) == mp.sign(e):
            if abs(e) > abs(groups[-1][1]):
                groups[-1] = (x, e)
        else:
            groups.append((x, e))
    while len(groups) > count:  # drop the smaller end, or merge the weakest pair inside
        if abs(groups[0][1]) < abs(groups[-1][1]):
            groups.pop(0)
        else:
            groups.pop()
    return [x for x, _ in groups]


def remez(f, weight, a, b, num_degree, den_degree=0, iterations=30, grid=3000, initial=None):
    """Minimax P/Q (Q[0] = 1) of f on [a, b] for the error (P/Q - f) * weight."""
    unknowns = num_degree + 1 + den_degree
    ref = initial or chebyshev_points(a, b, unknowns + 1)
    den = [mp.mpf(1)] + [mp.mpf(0)] * den_degree
    best = None
    for _ in range(iterations):
        fx = [f(x) for x in ref]
        for _ in range(20 if den_degree else 1):  # fixed point in Q for the E Q(x) term
            rows, rhs = [], []
            for i, x in enumerate(ref):
                qprev = poly(den, x)
                row = [x**k for k in range(num_degree + 1)]
                row += [-fx[i] * x**k for k in range(1, den_degree + 1)]
                row.append((-1) ** i * qprev / weight(x))
                rows.append(row)
                rhs.append(fx[i])
            sol = mp.lu_solve(mp.matrix(rows), mp.matrix(rhs))
            num = [sol[k] for k in range(num_degree + 1)]
            den_new = [mp.mpf(1)] + [sol[num_degree + 1 + k] for k in range(den_degree)]
            converged = max(abs(u - v) for u, v in zip(den, den_new)) < mp.mpf(10) ** -40
            den = den_new
            if converged:
                break
        level = abs(sol[unknowns])

        def err(x):
            return (poly(num, x) / poly(den, x) - f(x)) * weight(x)

        pts = extrema(err, a, b, grid)
        worst = max(abs(e) for _, e in pts)
        best = (num, den, worst)
        if worst - level < level * mp.mpf("1e-6"):
            break
        ref = alternating(pts, unknowns + 1)
        if len(ref) < unknowns + 1:
            break
    return best


def measure(f, weight, a, b, num, den, grid=20000):
    """Largest weighted error of the double-rounded coefficients, evaluated exactly."""
    worst = mp.mpf(0)
    for i in range(grid + 1):
        x = a + (b - a) * mp.mpf(i) / grid
        worst = max(worst, abs((poly(num, x) / poly(den, x) - f(x)) * weight(x)))
    return worst


def to_double(coeffs):
    return [mp.mpf(float(c)) for c in coeffs]


def show(name, coeffs):
    # highest power first: the order in which Horner's rule uses them
    body = ", ".join(repr(float(c)) for c in reversed(coeffs))
    print(f"  {name} (highest power first): {{{body}}}")


def fit_exp(degree):
    half = mp.log(2) / 2 * (1 + mp.mpf("1e-3"))

    def f(r):  # (e^r - 1 - r) / r^2 by its series: no cancellation near r = 0
        return mp.fsum(r**k / mp.factorial(k + 2) for k in range(60))

    def weight(r):  # relative error of e^r = 1 + r + r^2 P, floored near r = 0 (where any P is exact)
        return (r**2 + (half / 8) ** 2) / mp.exp(r)

    num, den, level = remez(f, weight, -half, half, degree)
    num = to_double(num)
    print(f"exp: degree {degree} in r (total {degree + 2}), minimax relative error {mp.nstr(level, 3)}, "
          f"rounded {mp.nstr(measure(f, weight, -half, half, num, [1]), 3)}")
    show("P", num)


def fit_log(degree):
    smax = 3 - 2 * mp.sqrt(2)
    zmax = smax**2 * (1 + mp.mpf("1e-6"))

    def f(z):  # (log((1 + s) / (1 - s)) - 2 s) / (s z) = sum 2 z^k / (2k + 3)
        return mp.fsum(2 * z**k / (2 * k + 3) for k in range(60))

    def weight(z):  # error of s z P relative to log = 2 atanh(s) ~ 2 s (1 + z / 3)
        return (z + zmax / 64) / (2 * (1 + z / 3))  # floored near z = 0, where any P is exact

    num, den, level = remez(f, weight, mp.mpf(0), zmax, degree)
    num = to_double(num)
    print(f"log: degree {degree} in z, minimax relative error {mp.nstr(level, 3)}, "
          f"rounded {mp.nstr(measure(f, weight, mp.mpf(0), zmax, num, [1]), 3)}")
    show("P", num)


def fit_mills(num_degree, den_degree):
    top = mp.sqrt(32)

    def f(y):
        return mp.ncdf(-y) * mp.exp(y * y / 2)

    def weight(y):
        return 1 / f(y)

    num, den, level = remez(f, weight, mp.mpf(0), top, num_degree, den_degree, grid=1500)
    num, den = to_double(num), to_double(den)
    print(f"mills: degree {num_degree}/{den_degree}, minimax relative error {mp.nstr(level, 3)}, "
          f"rounded {mp.nstr(measure(f, weight, mp.mpf(0), top, num, den, grid=4000), 3)}")
    show("P", num)
    show("Q", den)
    if min(den) < 0 or min(num) < 0:
        print("  note: a negative coefficient (Horner loses its all-positive conditioning)")


if __name__ == "__main__":
    what = sys.argv[1:] or ["exp", "log", "mills"]
    if "exp" in what:
        fit_exp(9)
    if "log" in what:
        fit_log(6)
    if "mills" in what:
        fit_mills(8, 8)
