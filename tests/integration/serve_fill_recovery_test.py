"""Fills survive a kill -9 that the fill history did not: the journal brings them back.

The server keeps GET /api/v1/fills across restarts in DATA_DIR/fills.db, committed every 200 ms.
A kill -9 can lose those last commits while the journal (durability fsync) holds every
acknowledged order. This test makes that loss certain instead of timing-dependent: after the
kill it removes the last fills from fills.db and winds its recorded sequence back to before them,
exactly what a lost commit leaves. The restarted server must list the same fills again (from a
snapshot no newer than that sequence, replaying the journal), once each, and keep them after a
further clean restart. Snapshots are taken every 5 commands, so newer snapshots exist and would
hide the fills if recovery used them.

usage: serve_fill_recovery_test.py ALPHINTRA
"""
import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import ServeRun, free_port, session, start_serve  # noqa: E402

ALPHINTRA = sys.argv[1]
ADMIN_PASSWORD = "fill-recovery-admin-pw"
SERVE_ARGS = ("--no-simulator", "--snapshot-every", "5")


def meta(db_path):
    db = sqlite3.connect(db_path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'events_through'").fetchone()
        count, top = db.execute("SELECT count(*), coalesce(max(exec_id), 0) FROM fills").fetchone()
        return (row[0] if row else 0), count, top
    finally:
        db.close()


def wait_for(what, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def fills_of(client):
    status, body = client.get("/api/v1/fills?limit=100")
    assert status == 200, (status, body)
    return sorted(body["fills"], key=lambda f: f["execId"])


def main():
    with ServeRun("alphintra-fill-recovery-") as run:
        port = free_port()
        db_path = os.path.join(run.data_dir, "fills.db")
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS, durability="fsync")
        trader = session(port, "trader", "trader-demo")
        # The start-up commands are committed first: the point the history has reached before our fills.
        before, count, _ = wait_for("the first commit of fills.db", lambda: meta(db_path)[0] > 0 and meta(db_path))
        assert count == 0, count

        for i, price in enumerate(("101.00", "102.00", "103.00")):
            bid = {"accountId": 1, "symbol": "MSFT", "side": "buy", "orderType": "limit", "quantity": str(i + 1),
                   "price": price, "clientOrderId": "fr-bid-%d" % i}
            ask = dict(bid, accountId=2, side="sell", clientOrderId="fr-ask-%d" % i)
            for order in (bid, ask):
                status, report = trader.post("/api/v1/orders", order)
                assert status in (200, 201), (status, report)
        expected = wait_for("six fills", lambda: len(fills_of(trader)) == 6 and fills_of(trader))
        wait_for("the fills committed to fills.db", lambda: meta(db_path)[1] == 6)
        # More commands after the fills, so that snapshots newer than `before` are written.
        for i in range(12):
            rest = {"accountId": 1, "symbol": "MSFT", "side": "buy", "orderType": "limit", "quantity": "1",
                    "price": "90.00", "clientOrderId": "fr-rest-%d" % i}
            assert trader.post("/api/v1/orders", rest)[0] in (200, 201)
        snapshots = os.listdir(os.path.join(run.data_dir, "snapshots"))
        assert snapshots, "no snapshot was written"

        run.proc.send_signal(signal.SIGKILL)
        run.proc.wait()
        run.proc = None
        # What a lost commit leaves: the fills gone and the recorded sequence from before them.
        db = sqlite3.connect(db_path)
        db.execute("DELETE FROM fills")
        db.execute("UPDATE meta SET value = ? WHERE key = 'events_through'", (before,))
        db.commit()
        db.close()
        assert meta(db_path)[:2] == (before, 0)

        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS, durability="fsync")
        trader = session(port, "trader", "trader-demo")
        recovered = fills_of(trader)
        assert recovered == expected, (recovered, expected)
        wait_for("the recovered fills committed", lambda: meta(db_path)[1] == 6)
        run.log.flush()
        with open(os.path.join(run.data_dir, "serve.log")) as f:
            assert "6 fills after the fill history's last commit recovered from the journal" in f.read()

        # A clean restart: the same six, once each, and nothing replayed into the history again.
        run.stop()
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, SERVE_ARGS, durability="fsync")
        trader = session(port, "trader", "trader-demo")
        assert fills_of(trader) == expected
        through, count, _ = meta(db_path)
        assert count == 6 and through > before, (through, count, before)
        run.stop()
    print("serve_fill_recovery: ok")


if __name__ == "__main__":
    main()
