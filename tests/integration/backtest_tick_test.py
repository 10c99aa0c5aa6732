#!/usr/bin/env python3
"""`alphintra backtest --format lobster` end to end: the tick backtest with the matching engine.

1. A generated LOBSTER message file (a consistent order flow: adds, partial cancels, deletes,
   executions of the order at the front of the best level) replayed with market_maker and an
   order latency: exit 0, the reports exist, every event is counted, the maker traded, and
   every fill is within a dollar of the replayed prices.
2. The same command twice gives byte-identical reports.
3. A malformed row is refused with exit code 2 and a message naming file:line and the column.

Usage: backtest_tick_test.py PATH/TO/alphintra
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def write_lobster(path, rows_wanted, seed):
    rng = random.Random(seed)
    mid = 1_000_000  # $100.00 in LOBSTER's 4 places; tick 100
    live = {}  # id -> [side, price, size]
    next_id = 1
    t = 34_200.0
    rows = []
    prices = set()
    events = 0
    while len(rows) < rows_wanted:
        t += rng.randint(1, 2_000) / 1e6
        if rng.random() < 0.01:
            mid += 100 * rng.choice((-1, 1))
        r = rng.random()
        bids = [o for o in live.items() if o[1][0] == 1]
        asks = [o for o in live.items() if o[1][0] == -1]
        if r < 0.45 or len(live) < 20:
            side = rng.choice((1, -1))
            price = mid - side * 100 * rng.randint(1, 6)
            size = 100 * rng.randint(1, 5)
            live[next_id] = [side, price, size]
            prices.add(price)
            rows.append(f"{t:.9f},1,{next_id},{size},{price},{side}")
            next_id += 1
            events += 1
        elif r < 0.65:
            oid = rng.choice(list(live))
            side, price, size = live.pop(oid)
            rows.append(f"{t:.9f},3,{oid},{size},{price},{side}")
            events += 1
        elif r < 0.8:
            oid = rng.choice(list(live))
            side, price, size = live[oid]
            if size <= 100:
                continue
            live[oid][2] -= 100
            rows.append(f"{t:.9f},2,{oid},100,{price},{side}")
            events += 1
        else:
            book = bids if rng.random() < 0.5 else asks
            if not book:
                continue
            best = max(o[1][1] for o in book) if book is bids else min(o[1][1] for o in book)
            oid = min(o[0] for o in book if o[1][1] == best)  # the front of the best level
            side, price, size = live[oid]
            take = min(size, 100 * rng.randint(1, 3))
            live[oid][2] -= take
            if live[oid][2] == 0:
                del live[oid]
            rows.append(f"{t:.9f},4,{oid},{take},{price},{side}")
            events += 2  # the order event and its trade
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    return events, prices


def run(alphintra, args):
    return subprocess.run([alphintra, "backtest"] + args, capture_output=True, text=True, timeout=300)


def main():
    alphintra = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "AAA_2024-01-02_34200000_57600000_message_10.csv")
        events, prices = write_lobster(data, 20_000, 5)
        common = ["--format", "lobster", "--data", data, "--symbol", "AAA", "--utc-offset", "-05:00",
                  "--price-precision", "2", "--strategy", "market_maker", "--param", "quantity=100",
                  "--param", "gamma=0.05", "--param", "k=200", "--param", "vol_window=20", "--latency", "100us",
                  "--fee-bps", "0.5"]
        outs = []
        for i in range(2):
            out = os.path.join(tmp, f"run{i}")
            r = run(alphintra, common + ["--out", out])
            assert r.returncode == 0, r.stderr
            outs.append(out)
        metrics = json.load(open(os.path.join(outs[0], "metrics.json")))
        assert metrics, "metrics.json is empty"
        assert f"{events} events" in r.stdout, (events, r.stdout)
        fills = open(os.path.join(outs[0], "fills.csv")).read().splitlines()[1:]
        assert len(fills) > 0, "the market maker never traded: the run proves nothing"
        lo, hi = min(prices), max(prices)
        for line in fills:  # taker fills at replayed prices, maker fills at our quotes near them
            price = round(float(line.split(",")[5]) * 10_000)
            assert lo - 10_000 <= price <= hi + 10_000, f"a fill at {price}, far from every replayed price: {line}"
        for name in ("metrics.json", "equity.csv", "trades.csv", "fills.csv", "tearsheet.html"):
            a = open(os.path.join(outs[0], name), "rb").read()
            b = open(os.path.join(outs[1], name), "rb").read()
            assert a == b, f"{name} differs between two identical runs"

        bad = os.path.join(tmp, "BBB_2024-01-02_34200000_57600000_message_10.csv")
        with open(bad, "w") as f:
            f.write("34200.1,1,1,100,1000000,1\n34200.2,1,2,100,1000100,0\n")
        r = run(alphintra, ["--format", "lobster", "--data", bad, "--symbol", "BBB", "--utc-offset", "-05:00",
                            "--strategy", "market_maker", "--out", os.path.join(tmp, "bad")])
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert f"{bad}:2" in r.stderr and "direction" in r.stderr, r.stderr
    print(f"ok: {events} events, {len(fills)} fills, reruns identical, malformed row named")


if __name__ == "__main__":
    main()
