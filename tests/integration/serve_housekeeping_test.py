"""The server's housekeeping: GTD orders expire on time, finished orders leave the engine's memory.

The server runs with --order-retention 1 --purge-every 1 and no simulator. A GTD order on an
instrument nothing else trades expires within a second or so of its time (the server's clock
tick is the only thing that can expire it). A resting order is
placed, then more than one chunk of the order table's window (8,192 orders) of IOC orders that
the empty book cancels at once. Within a few seconds the server logs that it retired them; the
REST API answers them from the order history (fills.db), singly and in lists. After a kill -9
(recovery replays the journal, purge included) and again after a clean stop (the snapshot holds
the purged table): the resting order is there and can be cancelled, a retired order is still
answered from the history, and a retired order's client order id can be used for a new order.
The journal, in 1 MiB segments with --journal-retention 0, loses its first segment at the clean
stop's snapshot; the server then restarts from it, also after a kill -9. With --history-retention
172800, a market-data history file of a day long past is deleted at start, yesterday's is kept,
and a retention under a day is refused.

usage: serve_housekeeping_test.py ALPHINTRA
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import ServeRun, free_port, session, start_serve  # noqa: E402

ALPHINTRA = sys.argv[1]
ADMIN_PASSWORD = "housekeeping-test-admin-pw"
SERVE_ARGS = ("--no-simulator", "--order-retention", "1", "--purge-every", "1", "--api-rate-limit", "0",
              "--journal-segment-mb", "1", "--journal-retention", "0", "--snapshot-every", "500",
              "--history-retention", "172800")
IOC_ORDERS = 8_500


def order(client_id, side="buy", price="50.00", tif="ioc"):
    return {"accountId": 2, "symbol": "MSFT", "side": side, "orderType": "limit", "quantity": "1", "price": price,
            "timeInForce": tif, "clientOrderId": client_id}


def post_many(port, token, orders):
    """Sends the orders over one keep-alive connection; answers their reports."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    reports = []
    try:
        for o in orders:
            conn.request("POST", "/api/v1/orders", body=json.dumps(o), headers=headers)
            resp = conn.getresponse()
            body = json.loads(resp.read().decode())
            assert resp.status in (200, 201), (resp.status, body)
            reports.append(body)
    finally:
        conn.close()
    return reports


def retired_in_log(log_path):
    with open(log_path, "rb") as f:
        text = f.read().decode(errors="replace")
    return sum(int(n) for n in re.findall(r"retired (\d+) finished orders", text))


def journal_start(data_dir):
    """The first sequence of the oldest journal segment (segments are named after it)."""
    names = sorted(n for n in os.listdir(os.path.join(data_dir, "journal")) if re.fullmatch(r"journal-\d{20}\.log", n))
    assert names, "no journal segment"
    return int(names[0][len("journal-"):-len(".log")])


def check_after_restart(trader, resting_id, retired_id, fresh_client_id):
    status, got = trader.get("/api/v1/orders/%d" % resting_id)
    assert status == 200 and got["status"] == "new", (status, got)
    status, got = trader.get("/api/v1/orders/%d" % retired_id)
    assert status == 200 and got["status"] == "canceled" and got["orderId"] == retired_id, (status, got)  # stored
    # The retired order's client order id is free again: a new order, with a new id.
    status, report = trader.post("/api/v1/orders", order(fresh_client_id))
    assert status in (200, 201) and report["orderId"] >= retired_id + IOC_ORDERS, report  # a new id


def seed_history(data_dir):
    """Partition files of an instrument no one trades: one of a day long past, one of yesterday."""
    folder = os.path.join(data_dir, "history", "999", "trades")
    os.makedirs(folder)
    old = os.path.join(folder, "2020-01-01.md")
    yesterday = os.path.join(folder, time.strftime("%Y-%m-%d.md", time.gmtime(time.time() - 86400)))
    for path in (old, yesterday):
        with open(path, "wb") as f:
            f.write(b"\0" * 4096)
    return old, yesterday


def main():
    # A retention shorter than a day would cut the files being written: refused, naming the option.
    refused = subprocess.run([ALPHINTRA, "serve", "--history-retention", "3600"], capture_output=True, text=True)
    assert refused.returncode != 0 and "--history-retention" in refused.stderr + refused.stdout, refused
    with ServeRun("alphintra-housekeeping-") as run:
        port = free_port()
        log_path = os.path.join(run.data_dir, "serve.log")
        # History retention (--history-retention 172800): at start, a day's files that ended more
        # than two days ago go; yesterday's stay.
        old_history, recent_history = seed_history(run.data_dir)
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS)
        deadline = time.time() + 10
        while os.path.exists(old_history):
            assert time.time() < deadline, "the old history file was not removed"
            time.sleep(0.1)
        assert os.path.exists(recent_history)
        with open(log_path, "rb") as f:
            assert b"history: removed 1 files (4096 bytes)" in f.read()
        trader = session(port, "trader", "trader-demo")

        # GTD: expires about a second from now, on a symbol no other order touches.
        gtd = dict(order("gtd-1", price="10.00", tif="gtd"), symbol="AAPL", expireTime=time.time_ns() + 1_000_000_000)
        status, report = trader.post("/api/v1/orders", gtd)
        assert status in (200, 201) and report["status"] == "new", (status, report)
        deadline = time.time() + 10
        while True:
            status, got = trader.get("/api/v1/orders/%d" % report["orderId"])
            assert status == 200, (status, got)
            if got["status"] == "expired":
                break
            assert time.time() < deadline, "the GTD order did not expire: %r" % got
            time.sleep(0.1)
        status, resting = trader.post("/api/v1/orders", order("keep", price="10.00", tif="gtc"))
        assert status in (200, 201) and resting["status"] == "new", resting
        reports = post_many(port, trader.token, [order("ioc-%d" % i) for i in range(IOC_ORDERS)])
        first_ioc = reports[0]["orderId"]
        status, got = trader.get("/api/v1/orders/%d" % reports[-1]["orderId"])
        assert status == 200 and got["status"] == "canceled", (status, got)  # IOC on an empty book

        deadline = time.time() + 60
        while retired_in_log(log_path) < 8_000:
            assert time.time() < deadline, "no purge logged"
            time.sleep(0.2)
        # Retired from memory with the engine, they are answered from the order history (fills.db).
        status, got = trader.get("/api/v1/orders/%d" % first_ioc)
        assert status == 200 and got["status"] == "canceled", (status, got)
        status, listed = trader.get("/api/v1/orders?status=canceled&limit=3")
        assert status == 200 and [o["orderId"] for o in listed["orders"]] == [first_ioc + i for i in range(3)], listed
        status, page = trader.get("/api/v1/orders?status=canceled&limit=3&afterOrderId=%d" % (first_ioc + 2))
        assert status == 200 and [o["orderId"] for o in page["orders"]] == [first_ioc + 3 + i for i in range(3)], page
        last_ioc = reports[-1]["orderId"]
        status, newest = trader.get("/api/v1/orders?status=canceled&order=desc&limit=2&beforeOrderId=%d" % last_ioc)
        assert status == 200 and [o["orderId"] for o in newest["orders"]] == [last_ioc - 1, last_ioc - 2], newest
        status, bad = trader.get("/api/v1/orders?afterOrderId=-1")
        assert status == 400 and bad["field"] == "afterOrderId", (status, bad)
        status, bad = trader.get("/api/v1/orders?order=newest")
        assert status == 400 and bad["field"] == "order", (status, bad)
        status, got = trader.get("/api/v1/orders/%d" % resting["orderId"])
        assert status == 200 and got["status"] == "new", (status, got)

        # kill -9: the journal, purges included, rebuilds the same table.
        run.proc.send_signal(signal.SIGKILL)
        run.proc.wait()
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS)
        trader = session(port, "trader", "trader-demo")
        check_after_restart(trader, resting["orderId"], first_ioc, "ioc-0")

        # A clean stop writes a snapshot of the purged table; the next start loads it.
        run.stop()
        # Journal retention (--journal-retention 0, 1 MiB segments; ~8,700 commands of ~160 bytes
        # fill one segment and part of a second): at the stop's snapshot, the segments wholly
        # before the older of the two kept snapshots were deleted.
        snapshots = [int(n[len("snapshot-"):-len(".snap")]) for n in os.listdir(os.path.join(run.data_dir, "snapshots"))
                     if re.fullmatch(r"snapshot-\d{20}\.snap", n)]
        start = journal_start(run.data_dir)
        assert 1 < start <= min(snapshots), (start, snapshots)
        with open(log_path, "rb") as f:
            assert b"journal: removed 1 segment" in f.read()
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS)
        trader = session(port, "trader", "trader-demo")
        check_after_restart(trader, resting["orderId"], first_ioc + 1, "ioc-1")
        status, canceled, _ = trader.call("DELETE", "/api/v1/orders/%d" % resting["orderId"])
        assert status == 200 and canceled["status"] == "canceled", (status, canceled)

        # kill -9 on the pruned journal: a snapshot and the records after it rebuild the state.
        run.proc.send_signal(signal.SIGKILL)
        run.proc.wait()
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS)
        trader = session(port, "trader", "trader-demo")
        status, got = trader.get("/api/v1/orders/%d" % resting["orderId"])
        assert status == 200 and got["status"] == "canceled", (status, got)
        assert journal_start(run.data_dir) == start
        run.stop()
    print("ok: the GTD order expired on time; retired orders stay retired across kill -9 and a clean restart "
          "and are answered from the order history; "
          "the kept order trades on; the journal's old segments were deleted and recovery did not need them; "
          "old market-data history was deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
