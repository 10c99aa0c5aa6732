#!/usr/bin/env python3
"""`alphintra simulate --itch` end to end.

The ITCH file of a simulated day is read back by an independent reader written here (stdlib
only): it must be a valid TotalView-ITCH 5.0 day (system events, one stock directory and trading
action per stock, rising timestamps, reference numbers never reused, every order message naming a
live order) whose books at the end equal, level by level, the books the engine's matching engine
holds (printed by `simulate` in its JSON line), and whose prints are the engine's trades. Then
`alphintra import --format itch` stores exactly the trades `simulate --out` recorded from the
engine. Same seed, same bytes; bad options refused with the option named.

Usage: simulate_itch_test.py PATH/TO/alphintra
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
DAY = "2024-01-02"
MIDNIGHT_NS = 1704153600 * 10**9  # DAY at 00:00 UTC
OPEN_NS = (9 * 3600 + 30 * 60) * 10**9
failures = []

LENGTHS = {"S": 12, "R": 39, "H": 25, "Y": 20, "L": 26, "V": 35, "W": 12, "K": 28, "J": 35, "h": 21, "A": 36,
           "F": 40, "E": 31, "C": 36, "X": 23, "D": 19, "U": 35, "P": 44, "Q": 40, "B": 19, "I": 50, "N": 20,
           "O": 48}


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=240)


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def summary_of(result):
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


class Day:
    """An ITCH 5.0 file replayed into order-level books."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        self.system = []          # event codes, in order
        self.directory = {}       # locate -> symbol
        self.trading = {}         # locate -> trading state
        self.orders = {}          # ref -> [locate, side, price, shares]
        self.used_refs = set()
        self.prints = {}          # locate -> [trades, shares]
        self.counts = {}
        self.problems = []
        self.times = []
        self.decode()

    def problem(self, what):
        if len(self.problems) < 10:
            self.problems.append(what)

    def add(self, ref, locate, side, shares, price):
        if ref in self.used_refs:
            self.problem(f"reference {ref} used twice")
        self.used_refs.add(ref)
        self.orders[ref] = [locate, side, price, shares]

    def take(self, ref, shares, what):
        order = self.orders.get(ref)
        if order is None:
            self.problem(f"{what} of unknown order {ref}")
            return None
        if shares > order[3]:
            self.problem(f"{what} of {shares} shares from order {ref} holding {order[3]}")
        order[3] -= shares
        if order[3] <= 0:
            del self.orders[ref]
        return order

    def printed(self, locate, shares):
        entry = self.prints.setdefault(locate, [0, 0])
        entry[0] += 1
        entry[1] += shares

    def decode(self):
        data, at = self.data, 0
        while at < len(data):
            if at + 2 > len(data):
                self.problem(f"offset {at}: a truncated frame")
                return
            (length,) = struct.unpack_from(">H", data, at)
            msg = data[at + 2:at + 2 + length]
            at += 2 + length
            kind = chr(msg[0])
            if LENGTHS.get(kind) != length:
                self.problem(f"offset {at}: message {kind!r} of {length} bytes")
                return
            self.counts[kind] = self.counts.get(kind, 0) + 1
            locate = struct.unpack_from(">H", msg, 1)[0]
            ts = int.from_bytes(msg[5:11], "big")
            self.times.append(ts)
            if kind == "S":
                self.system.append(chr(msg[11]))
            elif kind == "R":
                self.directory[locate] = msg[11:19].decode().rstrip()
            elif kind == "H":
                self.trading[locate] = chr(msg[19])
            elif kind in "AF":
                ref, side, shares, stock, price = struct.unpack_from(">QcI8sI", msg, 11)
                if stock.decode().rstrip() != self.directory.get(locate):
                    self.problem(f"add {ref}: stock {stock} is not locate {locate}'s")
                self.add(ref, locate, side.decode(), shares, price)
            elif kind == "E":
                ref, shares, match = struct.unpack_from(">QIQ", msg, 11)
                order = self.take(ref, shares, "E")
                if order:
                    self.printed(order[0], shares)
            elif kind == "C":
                ref, shares, match, printable, price = struct.unpack_from(">QIQcI", msg, 11)
                order = self.take(ref, shares, "C")
                if order and printable == b"Y":
                    self.printed(order[0], shares)
            elif kind == "X":
                ref, shares = struct.unpack_from(">QI", msg, 11)
                self.take(ref, shares, "X")
            elif kind == "D":
                (ref,) = struct.unpack_from(">Q", msg, 11)
                if self.orders.pop(ref, None) is None:
                    self.problem(f"D of unknown order {ref}")
            elif kind == "U":
                old, new, shares, price = struct.unpack_from(">QQII", msg, 11)
                order = self.orders.pop(old, None)
                if order is None:
                    self.problem(f"U of unknown order {old}")
                    continue
                self.add(new, order[0], order[1], shares, price)
            elif kind == "P":
                shares = struct.unpack_from(">I", msg, 20)[0]
                self.printed(locate, shares)
            elif kind == "Q":
                (shares,) = struct.unpack_from(">Q", msg, 11)
                self.printed(locate, shares)

    def levels(self, locate, side):
        out = {}
        for loc, s, price, shares in self.orders.values():
            if loc == locate and s == side:
                level = out.setdefault(price, [price, 0, 0])
                level[1] += shares
                level[2] += 1
        return sorted(out.values(), key=lambda lv: -lv[0] if side == "B" else lv[0])


def trades_of(store, instrument):
    """The stored trades of an instrument: (time, price, quantity, trade id, aggressor)."""
    path = os.path.join(store, str(instrument), "trades", DAY + ".md")
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"ALPHMDH1", f"{path}: magic")
    out = []
    for at in range(32, len(data), 56):
        inst, exch, recv, price, qty, trade_id, aggressor = struct.unpack_from("<QqqqqQB", data, at)
        out.append((exch, price, qty, trade_id, aggressor))
    return out


with tempfile.TemporaryDirectory() as tmp:
    itch = os.path.join(tmp, "day.itch")
    recorded = os.path.join(tmp, "recorded")
    r = run("simulate", "--itch", itch, "--out", recorded, "--duration", "90s", "--rate", "1000", "--seed", "5",
            "--date", DAY)
    check(r.returncode == 0, f"simulate exit {r.returncode}: {r.stderr}")
    summary = summary_of(r)
    stocks = summary.get("stocks", [])
    check(summary.get("simulate") == "ok" and len(stocks) == 10, f"summary: {r.stdout[-500:]}")
    check(summary.get("itch_bytes") == os.path.getsize(itch), "itch_bytes is the file's size")
    check(summary.get("trades", 0) > 1000, f"the simulator traded: {summary.get('trades')}")

    day = Day(itch)
    check(not day.problems, f"the file replays cleanly: {day.problems}")
    check(day.counts.get("S") == 6 and day.system == ["O", "S", "Q", "M", "E", "C"], f"system events {day.system}")
    check(day.times == sorted(day.times), "timestamps never go back")
    check(day.times[0] == OPEN_NS and day.times[-1] == OPEN_NS + 90 * 10**9,
          f"the day runs 09:30 .. 09:31:30: {day.times[0]} .. {day.times[-1]}")
    check(sum(day.counts.get(k, 0) for k in "AFEDU") > 50000, f"an order flow: {day.counts}")
    for kind in "AFEDU":  # the simulator never shrinks an order in place (no X)
        check(day.counts.get(kind, 0) > 0, f"message {kind} appears: {day.counts}")
    check(summary.get("itch_messages") == sum(day.counts.values()), "itch_messages counts every message")

    for stock in stocks:
        locate, symbol = stock["locate"], stock["symbol"]
        check(day.directory.get(locate) == symbol and day.trading.get(locate) == "T",
              f"{symbol}: directory and trading action")
        bids = day.levels(locate, "B")
        asks = day.levels(locate, "S")
        check(bids == stock["bids"], f"{symbol}: bids rebuilt from ITCH {bids[:3]}... equal the engine's "
                                     f"{stock['bids'][:3]}...")
        check(asks == stock["asks"], f"{symbol}: asks rebuilt from ITCH {asks[:3]}... equal the engine's "
                                     f"{stock['asks'][:3]}...")
        check(len(bids) > 0 and len(asks) > 0 and bids[0][0] < asks[0][0], f"{symbol}: a live, uncrossed book")
        trades, shares = day.prints.get(locate, [0, 0])
        check(trades == stock["trades"] and shares == stock["volume"],
              f"{symbol}: prints {trades}/{shares} equal the engine's {stock['trades']}/{stock['volume']}")

    # Import the file: the same trades as the engine's, recorded by --out (prices there have the
    # instrument's 2 places, ITCH's 4).
    store = os.path.join(tmp, "imported")
    r = run("import", "--format", "itch", "--file", itch, "--store", store, "--date", DAY)
    check(r.returncode == 0, f"import exit {r.returncode}: {r.stderr}")
    check(f"{summary.get('trades')} trades" in r.stdout and "10 instrument(s)" in r.stdout,
          f"import summary: {r.stdout}")
    for stock in stocks:
        imported = trades_of(store, stock["instrument"])
        engine = [(t, p * 100, q, i, a) for (t, p, q, i, a) in trades_of(recorded, stock["instrument"])]
        check(len(imported) == stock["trades"], f"{stock['symbol']}: {len(imported)} imported trades")
        check(imported == engine, f"{stock['symbol']}: imported trades equal the engine's, field by field")
    check(os.path.isdir(os.path.join(recorded, "1", "bars-1s")), "--out also records 1-second bars")

    # Determinism.
    again = os.path.join(tmp, "again.itch")
    r = run("simulate", "--itch", again, "--duration", "90s", "--rate", "1000", "--seed", "5", "--date", DAY)
    check(r.returncode == 0, f"rerun exit {r.returncode}")
    with open(itch, "rb") as a, open(again, "rb") as b:
        check(a.read() == b.read(), "the same seed writes the same bytes")
    other = os.path.join(tmp, "other.itch")
    r = run("simulate", "--itch", other, "--duration", "10s", "--seed", "6", "--instruments", "MSFT, SHEL",
            "--start", "14:00", "--utc-offset", "-05:00", "--date", DAY)
    check(r.returncode == 0, f"another seed: {r.stderr}")
    day2 = Day(other)
    check(not day2.problems and day2.directory == {1: "MSFT", 2: "SHEL"}, f"--instruments: {day2.directory}")
    check(day2.times[0] == 14 * 3600 * 10**9, f"--start is local time after local midnight: {day2.times[0]}")

    # Bad options: exit 2, the option named, no file left behind.
    bad_file = os.path.join(tmp, "bad.itch")
    for args, fragment in ((["--duration", "0s"], "--duration"),
                           (["--duration", "5x"], "--duration"),
                           (["--duration", "15h"], "--duration"),  # 09:30 + 15 h is past midnight
                           (["--start", "25:00"], "--start"),
                           (["--instruments", "EUR/USD"], "--instruments: EUR/USD is fx, not an equity"),
                           (["--instruments", "AAPL,NOPE"], "--instruments: NOPE"),
                           (["--rate", "0"], "--rate"),
                           (["--date", "2024-13-01"], "--date"),
                           (["--itch", os.path.join(tmp, "missing", "x.itch")], "--itch: cannot create")):
        argv = ["simulate", "--itch", bad_file, *args] if args[0] != "--itch" else ["simulate", *args]
        r = run(*argv)
        check(r.returncode == 2 and fragment in r.stderr, f"{args}: exit {r.returncode}, {r.stderr.strip()}")
        check(not os.path.exists(bad_file), f"{args}: no file written")
    r = run("simulate", "--help")
    check(r.returncode == 0 and "--itch" in r.stdout and "--duration" in r.stdout, "simulate --help")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("simulate_itch: ok")
