#!/usr/bin/python3
"""Independent check of `alphintra analytics optimize` against cvxopt (Debian's python3-cvxopt).

Usage: /usr/bin/python3 optimizer_vs_cvxopt.py <path to the alphintra program>

Generates seeded random mean-variance problems (2 to 50 assets), sends each to the program as a
JSON request on stdin, solves the same problem with cvxopt's interior-point solvers (qp, and lp
for the maximum-return end of the frontier) at tight tolerances, and requires the weights to agree
to 1e-6 in the max-norm. The cvxopt formulations are written out here from the problem statement
(docs/analytics-portfolio.md), not taken from the program.

Exit codes: 0 all agree, 1 a mismatch or a failure, 77 cvxopt is not installed (ctest skip).
"""

import json
import math
import random
import subprocess
import sys

SKIP = 77
TOLERANCE = 1e-6

try:
    import cvxopt
    from cvxopt import matrix, solvers
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: cvxopt cannot be imported ({e}); install Debian's python3-cvxopt "
          f"(scripts/setup.sh) and run with /usr/bin/python3")
    sys.exit(SKIP)

solvers.options["show_progress"] = False
solvers.options["abstol"] = 1e-12
solvers.options["reltol"] = 1e-12
solvers.options["feastol"] = 1e-12
solvers.options["maxiters"] = 200


# ---------------------------------------------------------------------------------------------
# Random problems.

def random_covariance(rng, n):
    """A factor-model covariance B B' + D: positive definite, realistic correlations."""
    k = max(1, min(5, n // 3))
    b = [[rng.gauss(0.0, 0.12) for _ in range(k)] for _ in range(n)]
    d = [rng.uniform(0.02, 0.3) ** 2 for _ in range(n)]
    cov = [[sum(b[i][f] * b[j][f] for f in range(k)) + (d[i] if i == j else 0.0) for j in range(n)]
           for i in range(n)]
    return cov


def random_returns(rng, n):
    return [rng.uniform(0.01, 0.15) for _ in range(n)]


def feasible_upper(rng, n, lo=0.0):
    """Per-asset caps that leave room for a fully invested portfolio, some of them binding."""
    floor = max(2.0 / n, 0.05)
    upper = [rng.uniform(floor, max(floor, 0.4)) for _ in range(n)]
    if sum(upper) < 1.2 + lo:
        scale = (1.2 + lo) / sum(upper)
        upper = [u * scale for u in upper]
    return upper


# ---------------------------------------------------------------------------------------------
# cvxopt formulations. Variables x; min 1/2 x'Px + q'x s.t. Gx <= h, Ax = b.

def to_matrix(rows, ncols):
    """Row-major list of rows -> cvxopt 'd' matrix (cvxopt itself is column-major)."""
    if not rows:
        return None
    flat = [float(rows[i][j]) for j in range(ncols) for i in range(len(rows))]
    return matrix(flat, (len(rows), ncols), "d")


def col(values):
    return matrix([float(v) for v in values], (len(values), 1), "d")


def unit(n, i, value=1.0):
    row = [0.0] * n
    row[i] = value
    return row


def linear_constraints(n, nvars, lower, upper, groups):
    """Inequalities G x <= h on the first n variables (the weights) of nvars variables."""
    g, h = [], []
    for i in range(n):
        if lower is not None and lower[i] is not None:
            g.append(unit(nvars, i, -1.0))
            h.append(-lower[i])
        if upper is not None and upper[i] is not None:
            g.append(unit(nvars, i, 1.0))
            h.append(upper[i])
    for grp in groups or []:
        row = [0.0] * nvars
        for a in grp["assets"]:
            row[a] = 1.0
        if "max" in grp:
            g.append(row)
            h.append(grp["max"])
        if "min" in grp:
            g.append([-v for v in row])
            h.append(-grp["min"])
    return g, h


def solve_qp(p_rows, q, g, h, a, b, n):
    # cvxopt's abstol bounds the duality gap in absolute terms, and an interior-point iterate is
    # only accurate to about sqrt(gap / curvature) in the weights where a bound is (nearly) weakly
    # active; with covariances of order 0.01 that left up to 1e-6 of error in cvxopt's answer
    # (its objective was the higher one). Scaling the objective, which leaves the minimiser
    # unchanged, so the mean variance is 100 makes the gap tolerance negligible.
    scale = 100.0 * n / sum(p_rows[i][i] for i in range(n))
    nvars = len(q)
    sol = solvers.qp(to_matrix([[v * scale for v in r] for r in p_rows], nvars), col([v * scale for v in q]),
                     to_matrix(g, nvars), col(h) if h else None, to_matrix(a, nvars), col(b))
    return sol


def check_status(sol, what):
    # 'optimal' when the 1e-12 tolerances are met; with them this tight cvxopt may stop on
    # 'unknown' (no further progress) at a point that is still optimal to ~1e-10: accept that only
    # with small residuals, and report it.
    if sol["status"] == "optimal":
        return ""
    gap = abs(sol.get("gap") or 0.0)
    pinf = sol.get("primal infeasibility") or 0.0
    dinf = sol.get("dual infeasibility") or 0.0
    if sol["status"] == "unknown" and max(pinf, dinf) < 1e-9 and gap < 1e-9:
        return f" (cvxopt status unknown: gap {gap:.1e}, infeasibility {max(pinf, dinf):.1e})"
    raise RuntimeError(f"{what}: cvxopt status {sol['status']}, gap {gap}, "
                       f"primal infeasibility {pinf}, dual infeasibility {dinf}")


def cvxopt_weights(problem):
    """Solve the problem described by the request with cvxopt; return (weights, note)."""
    req = problem
    cov = req["covariance"]
    n = len(cov)
    mu = req.get("expected_returns")
    lower = per_asset(req.get("lower", 0.0), n)
    upper = per_asset(req.get("upper"), n)
    groups = req.get("groups")
    objective = req["objective"]

    if objective in ("min-variance", "target-return"):
        turnover = req.get("turnover")
        nvars = 2 * n if turnover else n
        p_rows = [[cov[i][j] if i < n and j < n else 0.0 for j in range(nvars)] for i in range(nvars)]
        q = [0.0] * nvars
        g, h = linear_constraints(n, nvars, lower, upper, groups)
        if turnover:
            # t_i >= w_i - c_i, t_i >= c_i - w_i, sum t <= max.
            cur = turnover["current"]
            for i in range(n):
                row = unit(nvars, i, 1.0)
                row[n + i] = -1.0
                g.append(row)
                h.append(cur[i])
                row = unit(nvars, i, -1.0)
                row[n + i] = -1.0
                g.append(row)
                h.append(-cur[i])
            g.append([0.0] * n + [1.0] * n)
            h.append(turnover["max"])
        a = [[1.0] * n + [0.0] * (nvars - n)]
        b = [1.0]
        if objective == "target-return":
            a.append(list(mu) + [0.0] * (nvars - n))
            b.append(req["target_return"])
        sol = solve_qp(p_rows, q, g, h, a, b, n)
        note = check_status(sol, objective)
        return [sol["x"][i] for i in range(n)], note

    if objective == "max-sharpe":
        # Homogenised: w = y / kappa with kappa = sum y; min 1/2 y'Sy s.t. (mu - rf)'y = 1,
        # bounds l_i kappa <= y_i <= u_i kappa (written out in y alone), kappa >= 0.
        rf = req.get("risk_free_rate", 0.0)
        g, h = [], []
        for i in range(n):
            if lower[i] is not None:
                row = [lower[i]] * n
                row[i] -= 1.0
                g.append(row)  # l_i sum y - y_i <= 0
                h.append(0.0)
            if upper[i] is not None:
                row = [-upper[i]] * n
                row[i] += 1.0
                g.append(row)  # y_i - u_i sum y <= 0
                h.append(0.0)
        g.append([-1.0] * n)  # kappa >= 0
        h.append(0.0)
        a = [[m - rf for m in mu]]
        sol = solve_qp(cov, [0.0] * n, g, h, a, [1.0], n)
        note = check_status(sol, objective)
        y = [sol["x"][i] for i in range(n)]
        kappa = sum(y)
        return [v / kappa for v in y], note

    if objective == "frontier":
        # Its last point is the maximum-return portfolio: an LP, max mu'w s.t. sum w = 1, bounds.
        # At 1e-12 cvxopt's LP iterations stall ('unknown', far from feasible); the solution is a
        # vertex, which an interior-point method approaches at the rate of the gap, so 1e-10 is
        # ample for 1e-6 in the weights.
        g, h = linear_constraints(n, n, lower, upper, groups)
        scale = 1.0 / max(abs(m) for m in mu)
        sol = solvers.lp(col([-m * scale for m in mu]), to_matrix(g, n), col(h), to_matrix([[1.0] * n], n),
                         col([1.0]), options=dict(solvers.options, abstol=1e-10, reltol=1e-10, feastol=1e-10))
        note = check_status(sol, "max-return LP")
        return [sol["x"][i] for i in range(n)], note

    raise ValueError(objective)


def per_asset(spec, n):
    if spec is None:
        return [None] * n
    if isinstance(spec, (int, float)):
        return [float(spec)] * n
    return list(spec)


# ---------------------------------------------------------------------------------------------
# The program under test.

def alphintra_weights(program, request):
    proc = subprocess.run([program, "analytics", "optimize"], input=json.dumps(request).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False)
    out = proc.stdout.decode()
    if proc.returncode != 0:
        raise RuntimeError(f"alphintra exited with {proc.returncode}: {out} {proc.stderr.decode()}")
    answer = json.loads(out)
    if request["objective"] == "frontier":
        return answer["frontier"][-1]["weights"]
    return answer["weights"]


def make_problems(seed=20240607):
    rng = random.Random(seed)
    problems = []
    for n in (2, 5, 10, 25, 50):
        cov = random_covariance(rng, n)
        mu = random_returns(rng, n)
        problems.append((f"min-variance long-only n={n}", {"objective": "min-variance", "covariance": cov}))

        upper = feasible_upper(rng, n)
        lower = [rng.choice([0.0, 0.0, rng.uniform(0.0, 0.5 / n)]) for _ in range(n)]
        problems.append((f"min-variance bounds n={n}",
                         {"objective": "min-variance", "covariance": cov, "lower": lower, "upper": upper}))

        # Shorting allowed (lower < 0 on some assets, none on others): a different active set.
        short_lower = [rng.choice([-0.1, -0.2, None]) for _ in range(n)]
        problems.append((f"min-variance long/short n={n}",
                         {"objective": "min-variance", "covariance": cov, "lower": short_lower,
                          "upper": [0.6] * n}))

        if n >= 5:
            # Three groups; cap the group holding the least volatile assets so the caps bind.
            order = sorted(range(n), key=lambda i: cov[i][i])
            g1, g2, g3 = order[: n // 3], order[n // 3: 2 * n // 3], order[2 * n // 3:]
            groups = [{"name": "low", "assets": sorted(g1), "max": 0.25},
                      {"name": "mid", "assets": sorted(g2), "min": 0.3, "max": 0.6},
                      {"name": "high", "assets": sorted(g3), "min": 0.2}]
            problems.append((f"min-variance groups n={n}",
                             {"objective": "min-variance", "covariance": cov, "upper": 0.5, "groups": groups}))

        lo, hi = min(mu), max(mu)
        target = lo + rng.uniform(0.55, 0.85) * (hi - lo)
        problems.append((f"target-return long-only n={n}",
                         {"objective": "target-return", "covariance": cov, "expected_returns": mu,
                          "target_return": target}))
        problems.append((f"target-return bounds+groups n={n}",
                         {"objective": "target-return", "covariance": cov, "expected_returns": mu,
                          "target_return": lo + 0.5 * (hi - lo), "upper": upper,
                          "groups": [{"assets": list(range(0, n, 2)), "max": 0.7}] if n >= 3 else []}))

        problems.append((f"max-sharpe long-only n={n}",
                         {"objective": "max-sharpe", "covariance": cov, "expected_returns": mu,
                          "risk_free_rate": 0.01}))
        problems.append((f"max-sharpe bounds n={n}",
                         {"objective": "max-sharpe", "covariance": cov, "expected_returns": mu,
                          "risk_free_rate": 0.005, "upper": upper}))

        current = [1.0 / n] * n
        problems.append((f"min-variance turnover n={n}",
                         {"objective": "min-variance", "covariance": cov, "upper": 0.8,
                          "turnover": {"current": current, "max": 0.3}}))

        # The maximum-return end of the frontier: a linear program (unique vertex, distinct mu).
        problems.append((f"max-return LP (frontier end) n={n}",
                         {"objective": "frontier", "covariance": cov, "expected_returns": mu, "points": 2,
                          "upper": upper}))
    # Drop empty group lists (the n = 2 case) rather than sending them.
    for _, req in problems:
        if req.get("groups") == []:
            del req["groups"]
    return problems


def main():
    if len(sys.argv) != 2:
        print("usage: optimizer_vs_cvxopt.py <path to alphintra>")
        return 1
    program = sys.argv[1]
    print(f"cvxopt {cvxopt.__version__}; tolerance {TOLERANCE:g} on max |w_alphintra - w_cvxopt|")
    worst = 0.0
    failures = 0
    problems = make_problems()
    for name, request in problems:
        try:
            ours = alphintra_weights(program, request)
            ref, note = cvxopt_weights(request)
            diff = max(abs(a - b) for a, b in zip(ours, ref))
            if len(ours) != len(ref) or not math.isfinite(diff):
                raise RuntimeError(f"weights {ours} vs {ref}")
        except Exception as e:  # report every problem, then fail
            print(f"FAIL {name}: {e}")
            failures += 1
            continue
        worst = max(worst, diff)
        ok = diff <= TOLERANCE
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {name:40s} n={len(ours):2d} max|dw| = {diff:.3e}{note}")
    print(f"{len(problems)} problems, {failures} failed, worst max|dw| = {worst:.3e}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
