"""Strategies running live in `alphintra serve` (docs/strategies.md, "Live in serve").

A moving-average crossover on 1-second bars trades AAPL on the demo margin account 2 against the
simulator's market, through the real engine. The test checks, over REST:
  * the strategy runs, sends orders with its own client order ids, and its fills move the
    account's position exactly as the engine books it (GET /portfolio);
  * roles: a viewer reads it but cannot stop it (403); a trader stops it (its orders are
    cancelled, it sends no more), stop again is 409, start again runs it, unknown ids are 404;
  * a clean restart (from a --config file this time) runs it again on the position it left;
  * bad --strategy values stop the start-up with exit 2 and a message naming the field.

usage: serve_strategy_test.py ALPHINTRA
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import ServeRun, free_port, session, start_serve  # noqa: E402

ALPHINTRA = sys.argv[1]
ADMIN_PASSWORD = "strategy-admin-pw"
SPEC = "sma_cross:account=2,instruments=AAPL,bar=1s,book=100ms,fast=2,slow=4,quantity=5,allow_short=true,id=trend"


def wait_for(what, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def strategy(client):
    status, body = client.get("/api/v1/strategies/trend")
    assert status == 200, (status, body)
    return body


def position(client):
    status, body = client.get("/api/v1/portfolio/2")
    assert status == 200, (status, body)
    for p in body["positions"]:
        if p["symbol"] == "AAPL":
            return p["quantity"]
    return "0"


def live_strategy_orders(client):
    status, body = client.get("/api/v1/orders?accountId=2&symbol=AAPL&limit=10000")
    assert status == 200, (status, body)
    return [o for o in body["orders"] if o.get("clientOrderId", "").startswith("trend.")
            and o["status"] in ("new", "partially_filled", "pending_new", "pending_cancel", "pending_replace")]


def settled(client):
    """The strategy's view of the position equals the engine's (a moment when neither moves)."""
    s = strategy(client)
    return s["positions"][0]["quantity"] == position(client) and s


def check_bad_specs():
    for spec, words in (("sma_cross:account=2,instruments=NOPE", "strategy.instruments"),
                        ("sma_cross:account=2,instruments=AAPL,fats=3", "param.fats"),
                        ("sma_cross:account=999,instruments=AAPL", "strategy.account"),
                        ("sma_cross:instruments=AAPL", "strategy.account"),
                        ("sma_cross:account=2,instruments=AAPL,bar=7q", "strategy.bar")):
        with ServeRun("alphintra-strategy-bad-") as run:
            proc = subprocess.run([ALPHINTRA, "serve", "--port", str(free_port()), "--data-dir", run.data_dir,
                                   "--durability", "none", "--no-simulator", "--strategy", spec],
                                  capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, ALPHINTRA_ADMIN_PASSWORD=ADMIN_PASSWORD))
            out = proc.stdout + proc.stderr
            assert proc.returncode == 2, (spec, proc.returncode, out[-2000:])
            assert words in out, (spec, words, out[-2000:])


def main():
    check_bad_specs()
    port = free_port()
    with ServeRun("alphintra-strategy-") as run:
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD,
                               ("--seed", "5", "--strategy", SPEC), durability="fsync")
        trader = session(port, "trader", "trader-demo")
        viewer = session(port, "viewer", "viewer-demo")
        status, listed = viewer.get("/api/v1/strategies")
        assert status == 200 and [s["id"] for s in listed["strategies"]] == ["trend"], listed
        s = listed["strategies"][0]
        assert s["name"] == "sma_cross" and s["accountId"] == 2 and s["instruments"] == ["AAPL"], s
        assert s["bar"] == "1s" and s["parameters"]["fast"] == "2" and s["state"] == "running", s

        # It trades: orders with its own client ids, filled against the simulator's market.
        wait_for("the strategy's first fills", lambda: strategy(viewer)["fills"] >= 2)
        # book=100ms: onBook every 100 ms while the simulator moves the book.
        s = strategy(viewer)
        assert s["book"] == "100ms" and s["bookUpdates"] > 0, s
        status, orders = trader.get("/api/v1/orders?accountId=2&symbol=AAPL&limit=10000")
        ids = [o.get("clientOrderId", "") for o in orders["orders"]]
        assert any(i.startswith("trend.") for i in ids), ids[:20]

        # Roles and errors.
        status, body = viewer.post("/api/v1/strategies/trend/stop", {})
        assert status == 403, (status, body)
        assert viewer.get("/api/v1/strategies/nobody")[0] == 404
        assert trader.post("/api/v1/strategies/nobody/stop", {})[0] == 404
        assert trader.call("GET", "/api/v1/strategies/trend/stop")[0] == 405

        # Stop: state stopped, its orders cancelled, no more orders; positions agree with the engine.
        status, body = trader.post("/api/v1/strategies/trend/stop", {})
        assert status == 200 and body["state"] == "stopped", (status, body)
        wait_for("the strategy's orders cancelled", lambda: not live_strategy_orders(trader), timeout=20)
        s = wait_for("the strategy's position equal to the engine's", lambda: settled(trader), timeout=20)
        sent = s["ordersSent"]
        time.sleep(3)
        assert strategy(trader)["ordersSent"] == sent, "a stopped strategy sent orders"
        status, body = trader.post("/api/v1/strategies/trend/stop", {})
        assert status == 409 and body["field"] == "state", (status, body)
        kept = position(trader)

        # Start again: a fresh instance on the same account.
        status, body = trader.post("/api/v1/strategies/trend/start", {})
        assert status == 200 and body["state"] == "running", (status, body)
        assert body["positions"][0]["quantity"] == kept, (body, kept)
        wait_for("orders after the restart", lambda: strategy(trader)["ordersSent"] > sent)
        run.stop()

        # A clean restart from a config file: the strategy runs on the position it left.
        config = os.path.join(run.data_dir, "serve.toml")
        with open(config, "w") as f:
            f.write('strategy = ["%s"]\nseed = 6\n' % SPEC)
        run.proc = start_serve(ALPHINTRA, port, run.data_dir, run.log, ADMIN_PASSWORD, ("--config", config),
                               durability="fsync")
        trader = session(port, "trader", "trader-demo")
        assert strategy(trader)["state"] == "running"
        # The position it starts from is the account's as recovered (compared until both agree:
        # it may already be trading).
        wait_for("the strategy's position equal to the engine's", lambda: settled(trader), timeout=20)
        run.stop()
    print("serve strategies: ok")


if __name__ == "__main__":
    main()
