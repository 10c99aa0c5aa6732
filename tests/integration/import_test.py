#!/usr/bin/env python3
"""`alphintra import` end to end: every format writes the history store files it should, with
the exact values; bad rows are refused with exit code 2 and an error naming file, line and field.

Usage: import_test.py PATH/TO/alphintra
"""
import os
import struct
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
HEADER = 32
BAR = 80
failures = []


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def bars(path):
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"ALPHMDH1", f"{path}: magic")
    out = []
    for at in range(HEADER, len(data), BAR):
        inst, start, o, h, l, c, v, n = struct.unpack_from("<Qqqqqqqq", data, at)
        notional = int.from_bytes(data[at + 64:at + 80], "little", signed=True)
        out.append((inst, start, o, h, l, c, v, n, notional))
    return out


with tempfile.TemporaryDirectory() as tmp:
    store = os.path.join(tmp, "store")

    # OHLCV CSV, daily bars: exact values, one file per year.
    csv = write(os.path.join(tmp, "aapl.csv"),
                "Date,Open,High,Low,Close,Adj Close,Volume\n"
                "2024-01-02,187.15,188.44,183.885,185.64,184.9,82488700\n"
                "2024-01-03,184.22,185.88,183.43,184.25,183.52,58414500\n"
                "2024-01-04,182.15,183.0872,180.88,181.91,181.18,71983600\n")
    r = run("import", "--format", "ohlcv-csv", "--file", csv, "--store", store, "--instrument", "3",
            "--price-places", "2")
    check(r.returncode == 0, f"ohlcv import exit {r.returncode}: {r.stderr}")
    check("3 bars" in r.stdout, f"ohlcv summary: {r.stdout}")
    got = bars(os.path.join(store, "3", "bars-1d", "2024.md"))
    check(len(got) == 3, f"3 daily bars stored, got {len(got)}")
    check(got[0][:7] == (3, 1704153600 * 10**9, 18715, 18844, 18388, 18564, 82488700), f"first bar {got[0]}")
    check(got[2][3] == 18309, f"183.0872 rounds half-even to 183.09: {got[2][3]}")
    with open(os.path.join(store, "3", "instrument.txt")) as f:
        meta = f.read()
    check("symbol=AAPL" in meta and "price_places=2" in meta, f"instrument.txt: {meta}")

    # The same file again: not after the last stored bar.
    r = run("import", "--format", "ohlcv-csv", "--file", csv, "--store", store, "--instrument", "3",
            "--price-places", "2")
    check(r.returncode == 2 and "aapl.csv:2:" in r.stderr and "not after the last stored" in r.stderr,
          f"re-import refused: {r.returncode} {r.stderr}")

    # A malformed file: the error names file, line and column.
    bad = write(os.path.join(tmp, "bad.csv"),
                "Date,Open,High,Low,Close,Adj Close,Volume\n"
                "2024-01-02,1,2,1,1,1,1\n"
                "2024-01-03,1,1,2,1,1,1\n")
    r = run("import", "--format", "ohlcv-csv", "--file", bad, "--store", store, "--instrument", "4")
    check(r.returncode == 2, f"bad file exit {r.returncode}")
    check("bad.csv:3: High: high 1 is below low 2" in r.stderr, f"bad file message: {r.stderr}")
    for text, fragment in (("", "bad2.csv:1: file is empty"),
                           ("Date,Open,High,Close,Volume\n", "no Low column"),
                           ("Date,Open,High,Low,Close,Volume\n2024-01-02,1,x,1,1,1\n", "bad2.csv:2: High:")):
        r = run("import", "--format", "ohlcv-csv", "--file", write(os.path.join(tmp, "bad2.csv"), text), "--store",
                store, "--instrument", "5")
        check(r.returncode == 2 and fragment in r.stderr, f"'{fragment}' in: {r.stderr}")

    # Binance klines (no header), hourly.
    kl = write(os.path.join(tmp, "BTCUSDT-1h.csv"),
               "1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.973789,47134,0,0,0\n"
               "1704070800000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704074399999,50942969.645636,42915,0,0,0\n")
    r = run("import", "--format", "binance-csv", "--file", kl, "--store", store, "--instrument", "10", "--symbol",
            "BTCUSDT", "--price-places", "2", "--quantity-places", "5", "--interval", "1h")
    check(r.returncode == 0, f"binance import: {r.stderr}")
    got = bars(os.path.join(store, "10", "bars-1h", "2024.md"))
    check(len(got) == 2 and got[0][6] == 127168108 and got[0][7] == 47134, f"binance bars {got}")
    r = run("import", "--format", "binance-csv", "--file", kl, "--store", store, "--instrument", "11", "--symbol",
            "X", "--interval", "7m")
    check(r.returncode == 2 and "7m" in r.stderr, f"bad interval refused: {r.stderr}")

    # Trades CSV: trades and 1s bars.
    tr = write(os.path.join(tmp, "trades.csv"),
               "time,price,qty,side\n"
               "2024-01-02T14:30:00.100Z,10.00,100,buy\n"
               "2024-01-02T14:30:00.900Z,10.02,50,sell\n"
               "2024-01-02T14:30:01.500Z,10.01,10,buy\n")
    r = run("import", "--format", "trades-csv", "--file", tr, "--store", store, "--instrument", "20", "--symbol",
            "ZVZZT", "--price-places", "2")
    check(r.returncode == 0 and "2 bars, 3 trades" in r.stdout, f"trades import: {r.stdout} {r.stderr}")
    got = bars(os.path.join(store, "20", "bars-1s", "2024-01-02.md"))
    check(len(got) == 2 and got[0][2:8] == (1000, 1002, 1000, 1002, 150, 2), f"1s bars from trades {got}")
    check(got[0][8] == 1000 * 100 + 1002 * 50, f"notional {got[0][8]}")
    size = os.path.getsize(os.path.join(store, "20", "trades", "2024-01-02.md"))
    check(size == HEADER + 3 * 56, f"trades file size {size}")

    # Quotes CSV.
    qt = write(os.path.join(tmp, "quotes.csv"),
               "time,bid,bid_size,ask,ask_size\n1704205800000,9.99,100,10.01,200\n1704205800500,,,10.02,100\n")
    r = run("import", "--format", "quotes-csv", "--file", qt, "--store", store, "--instrument", "20", "--symbol",
            "ZVZZT", "--price-places", "2")
    check(r.returncode == 0 and "2 quotes" in r.stdout, f"quotes import: {r.stdout} {r.stderr}")
    size = os.path.getsize(os.path.join(store, "20", "quotes", "2024-01-02.md"))
    check(size == HEADER + 2 * 56, f"quotes file size {size}")

    # LOBSTER: the day from the file name, New York summer time.
    lob = write(os.path.join(tmp, "AAPL_2012-06-21_34200000_57600000_message_1.csv"),
                "34200.004241176,1,16113575,18,5853300,1\n"
                "34200.201743844,4,16113575,5,5853300,1\n"
                "34200.3,3,16113575,13,5853300,1\n")
    r = run("import", "--format", "lobster", "--file", lob, "--store", store, "--instrument", "30", "--utc-offset",
            "-04:00")
    check(r.returncode == 0 and "1 trades" in r.stdout and "3 order events" in r.stdout,
          f"lobster import: {r.stdout} {r.stderr}")
    check(os.path.exists(os.path.join(store, "30", "orders", "2012-06-21.md")), "lobster orders file")
    got = bars(os.path.join(store, "30", "bars-1s", "2012-06-21.md"))
    check(len(got) == 1 and got[0][1] == (1340251200 + 34200) * 10**9 and got[0][2] == 5853300,
          f"lobster bar at 09:30:00 New York = 13:30:00Z: {got}")
    badlob = write(os.path.join(tmp, "MSFT_2012-06-21_x_message_1.csv"), "34200.1,9,1,1,100,1\n")
    r = run("import", "--format", "lobster", "--file", badlob, "--store", store, "--instrument", "31")
    check(r.returncode == 2 and "message_1.csv:1: type: 9 is not an event type" in r.stderr, f"lobster bad: {r.stderr}")

    # ITCH: a generated day, then a truncated copy.
    itch = os.path.join(tmp, "day.itch")
    r = run("bench", "itch", "--messages", "5000", "--stocks", "3", "--live-orders", "200", "--passes", "1",
            "--write", itch)
    check(r.returncode == 0 and '"bench":"itch","ok":true' in r.stdout, f"bench itch: {r.stdout} {r.stderr}")
    r = run("import", "--format", "itch", "--file", itch, "--store", store, "--instrument", "100", "--date",
            "2024-05-01", "--utc-offset", "-04:00")
    check(r.returncode == 0 and "3 instrument(s)" in r.stdout, f"itch import: {r.stdout} {r.stderr}")
    with open(os.path.join(store, "100", "instrument.txt")) as f:
        check("symbol=S00001" in f.read(), "itch stock directory → instrument.txt")
    check(os.path.isdir(os.path.join(store, "102", "bars-1s")), "itch bars for locate 3")
    with open(itch, "rb") as f:
        data = f.read()
    cut = write(os.path.join(tmp, "cut.itch"), "")
    with open(cut, "wb") as f:
        f.write(data[:-1])
    r = run("import", "--format", "itch", "--file", cut, "--store", os.path.join(tmp, "store2"), "--date",
            "2024-05-01")
    check(r.returncode == 2 and "cut.itch: offset" in r.stderr and "ends inside a message" in r.stderr,
          f"truncated itch: {r.stderr}")

    # Command-line errors.
    r = run("import", "--format", "ohlcv-csv", "--store", store)
    check(r.returncode != 0, "missing --file refused")

print("import test:", "FAILED" if failures else "ok", f"({len(failures)} failures)")
sys.exit(1 if failures else 0)
