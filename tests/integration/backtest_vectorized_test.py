#!/usr/bin/env python3
"""`alphintra backtest` end to end over a CSV file.

1. sma_cross over a generated OHLCV CSV (the downloader layout) must reproduce a plain
   vectorized computation of the same rule — position from the SMA crossover at each close,
   filled at the next bar's open, no costs — to 1e-9 in final equity (long-only and long/short).
2. The same command twice gives byte-identical reports (metrics, equity, trades, fills,
   tearsheet).
3. The tearsheet is self-contained: inline SVG, no script, no network reference.
4. A bad parameter and a malformed CSV are refused with exit code 2 and a message naming them.

Usage: backtest_vectorized_test.py PATH/TO/alphintra
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def write_csv(path, days, seed):
    rng = random.Random(seed)
    close = 10000  # cents
    rows = ["Date,Open,High,Low,Close,Adj Close,Volume"]
    bars = []
    day = 0
    # Calendar days from 2001-01-01, skipping weekends.
    import datetime
    date = datetime.date(2001, 1, 1)
    while len(bars) < days:
        if date.weekday() < 5:
            o = max(100, close + int(rng.gauss(0, 50)))
            close = max(100, o + int(rng.gauss(0, 150)))
            h = max(o, close) + rng.randint(0, 40)
            lo = max(1, min(o, close) - rng.randint(0, 40))
            bars.append((o, close))
            rows.append(f"{date.isoformat()},{o / 100:.2f},{h / 100:.2f},{lo / 100:.2f},{close / 100:.2f},"
                        f"{close / 100:.2f},{rng.randint(1000, 100000)}")
        date += datetime.timedelta(days=1)
        day += 1
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    return bars


def vectorized(bars, fast, slow, qty, allow_short, cash):
    closes = [c for _, c in bars]
    opens = [o for o, _ in bars]
    n = len(bars)
    # Signal at each close (vectorized: one list per step of the rule).
    fast_ma = [sum(closes[t + 1 - fast:t + 1]) / fast if t + 1 >= slow else None for t in range(n)]
    slow_ma = [sum(closes[t + 1 - slow:t + 1]) / slow if t + 1 >= slow else None for t in range(n)]
    target = [0] * n
    for t in range(n):
        if fast_ma[t] is None:
            target[t] = target[t - 1] if t else 0
        elif fast_ma[t] > slow_ma[t]:
            target[t] = qty
        elif allow_short and fast_ma[t] < slow_ma[t]:
            target[t] = -qty
        else:
            target[t] = 0
    # Position held during bar t is the target decided at t-1's close, traded at t's open.
    held = [0] + target[:-1]
    trades = [held[t] - (held[t - 1] if t else 0) for t in range(n)]
    cash_cents = cash * 100 - sum(trades[t] * opens[t] for t in range(n))
    return (cash_cents + held[-1] * closes[-1]) / 100


def run(binary, args):
    return subprocess.run([binary, "backtest"] + args, capture_output=True, text=True)


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "AAA.csv")
        bars = write_csv(csv, 2500, 42)
        for allow_short in (False, True):
            out = os.path.join(tmp, f"out_{allow_short}")
            args = ["--strategy", "sma_cross", "--data", csv, "--param", "fast=10", "--param", "slow=40",
                    "--param", "quantity=100", "--param", f"allow_short={'true' if allow_short else 'false'}",
                    "--cash", "100000", "--out", out]
            p = run(binary, args)
            if p.returncode != 0:
                failures.append(f"backtest failed: {p.stderr}")
                continue
            metrics = json.load(open(os.path.join(out, "metrics.json")))
            expected = vectorized(bars, 10, 40, 100, allow_short, 100000)
            diff = abs(metrics["final_equity"] - expected)
            print(f"allow_short={allow_short}: backtest {metrics['final_equity']:.6f}, vectorized {expected:.6f}, "
                  f"|diff| {diff:.3g}, fills {metrics['fills']}")
            if diff > 1e-9:
                failures.append(f"final equity differs by {diff} (allow_short={allow_short})")
            if metrics["fills"] < 20:
                failures.append("the rule hardly traded: the comparison proves little")
            # Determinism: the same run again, byte for byte.
            again = out + "_again"
            p2 = run(binary, args[:-1] + [again])
            for name in ("metrics.json", "equity.csv", "trades.csv", "fills.csv", "tearsheet.html"):
                a = open(os.path.join(out, name), "rb").read()
                b = open(os.path.join(again, name), "rb").read()
                if a != b:
                    failures.append(f"{name} differs between two identical runs")
            html = open(os.path.join(out, "tearsheet.html")).read()
            if "<svg" not in html or "<script" in html or "http://" in html.replace("http://www.w3.org/2000/svg", ""):
                failures.append("tearsheet is not a self-contained SVG page")
            for heading in ("Equity", "Drawdown", "Monthly returns", "Rolling Sharpe", "close and fills"):
                if heading not in html:
                    failures.append(f"tearsheet lacks {heading}")

        p = run(binary, ["--strategy", "sma_cross", "--data", csv, "--param", "fast=x", "--out", tmp + "/bad"])
        if p.returncode != 2 or "param.fast" not in p.stderr:
            failures.append(f"bad parameter not refused clearly: {p.returncode} {p.stderr}")
        broken = os.path.join(tmp, "broken.csv")
        with open(broken, "w") as f:
            f.write("Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,1.00,1.10,0.90,1.05,1.05,100\n"
                    "2020-01-03,1.00,abc,0.90,1.05,1.05,100\n")
        p = run(binary, ["--strategy", "sma_cross", "--data", broken, "--out", tmp + "/broken"])
        if p.returncode != 2 or "broken.csv:3" not in p.stderr:
            failures.append(f"malformed CSV not refused with file:line: {p.returncode} {p.stderr}")
    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
