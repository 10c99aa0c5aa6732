#!/usr/bin/env python3
"""`alphintra serve` end to end over HTTP (docs/api.md).

Starts the server on a free port and a fresh data directory, waits for /readyz, then checks:
the instrument list; a limit order answered 201 with status new, found by id and in the list;
bad orders answered 400 naming the field (off-tick price, unknown symbol), malformed JSON 400,
a body over 64 KiB 413; the simulator moving a quote; a cancel answered 200 with status
canceled; SIGTERM → exit 0; and after a restart on the same directory the order is still there.
Every request but the health checks logs in first (the demo user `trader`); the access token
keeps working after the restart (the signing key is persistent). Standard library only. Usage: serve_test.py ALPHINTRA
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TOKEN = {"value": None}  # the access token sent with every request once logged in


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if TOKEN["value"]:
            headers["Authorization"] = "Bearer " + TOKEN["value"]
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        return resp.status, (json.loads(text) if text else None)
    finally:
        conn.close()


def start(binary, port, data_dir, log):
    env = dict(os.environ, ALPHINTRA_ADMIN_PASSWORD="admin-password")
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data_dir, "--durability", "none",
                             "--demo-users"], stdout=log, stderr=log, env=env)
    deadline = time.time() + 60  # generous: CI runs tests in parallel on 2 cores
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("serve exited early with %d" % proc.returncode)
        try:
            status, _ = request(port, "GET", "/readyz")
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("serve did not become ready")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=30)
    assert code == 0, "serve exited %d after SIGTERM" % code


def wait_quote(port, symbol, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, body = request(port, "GET", "/api/v1/market-data/quote/" + symbol)
        if status == 200 and "bid" in body and "ask" in body:
            return body
        time.sleep(0.1)
    raise AssertionError("no two-sided quote for %s" % symbol)


def main():
    binary = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="alphintra-serve-")
    log = open(os.path.join(data_dir, "serve.log"), "wb")
    port = free_port()
    proc = None
    try:
        proc = start(binary, port, data_dir, log)
        assert request(port, "GET", "/healthz") == (200, {"status": "ok"})
        status, err = request(port, "GET", "/api/v1/instruments")
        assert status == 401 and err["code"] == "unauthorized", (status, err)
        status, login = request(port, "POST", "/api/v1/auth/login", {"username": "trader", "password": "trader-demo"})
        assert status == 200 and login["token_type"] == "Bearer", (status, login)
        TOKEN["value"] = login["access_token"]

        status, body = request(port, "GET", "/api/v1/instruments")
        assert status == 200, body
        by_symbol = {i["symbol"]: i for i in body["instruments"]}
        assert "AAPL" in by_symbol, by_symbol.keys()
        aapl = by_symbol["AAPL"]
        for key in ("id", "assetClass", "currency", "tickSize", "lotSize", "pricePrecision", "quantityPrecision",
                    "status"):
            assert key in aapl, (key, aapl)

        # A buy well below the market rests: 201, status new.
        quote = wait_quote(port, "AAPL")
        tick = Decimal(aapl["tickSize"])
        price = (Decimal(quote["bid"]) * Decimal("0.97") / tick).to_integral_value() * tick
        order = {"symbol": "AAPL", "side": "buy", "quantity": "10", "orderType": "limit", "price": str(price),
                 "timeInForce": "gtc", "accountId": 1, "clientOrderId": "serve-test-1"}
        status, report = request(port, "POST", "/api/v1/orders", order)
        assert status == 201, (status, report)
        assert report["status"] == "new" and report["execType"] == "new", report
        order_id = report["orderId"]

        status, got = request(port, "GET", "/api/v1/orders/%d" % order_id)
        assert status == 200 and got["orderId"] == order_id and got["status"] == "new", got
        status, listed = request(port, "GET", "/api/v1/orders?accountId=1&status=new&symbol=AAPL")
        assert status == 200 and order_id in [o["orderId"] for o in listed["orders"]], listed

        # Bad orders: the error names the field.
        bad_price = dict(order, clientOrderId="serve-test-2", price=str(price) + "1")
        status, err = request(port, "POST", "/api/v1/orders", bad_price)
        assert status == 400 and err["field"] == "price" and err["message"], (status, err)
        bad_symbol = dict(order, clientOrderId="serve-test-3", symbol="NOPE")
        status, err = request(port, "POST", "/api/v1/orders", bad_symbol)
        assert status == 400 and err["field"] == "symbol", (status, err)
        status, err = request(port, "POST", "/api/v1/orders", '{"symbol":"AAPL",')
        assert status == 400 and err["code"] == "malformed_json" and err["field"] == "", (status, err)
        status, err = request(port, "POST", "/api/v1/orders", "x" * (64 * 1024 + 1))
        assert status == 413 and err["code"] == "body_too_large", (status, err)
        status, err = request(port, "GET", "/api/v1/orders/999999999")
        assert status == 404 and set(err) >= {"code", "message", "field"}, (status, err)

        # The simulator trades: some default symbol's quote changes within a few seconds.
        symbols = ["AAPL", "MSFT", "NVDA", "BTC/USD", "EUR/USD"]
        first = {s: request(port, "GET", "/api/v1/market-data/quote/" + s.replace("/", "%2F"))[1] for s in symbols}
        moved = False
        deadline = time.time() + 15
        while not moved and time.time() < deadline:
            time.sleep(0.25)
            for s in symbols:
                status, q = request(port, "GET", "/api/v1/market-data/quote/" + s.replace("/", "%2F"))
                if status == 200 and q.get("sequence") != (first[s] or {}).get("sequence"):
                    moved = True
        assert moved, "no quote changed: is the simulator running?"

        # Cancel: 200, canceled; a second cancel is refused with 409.
        # The simulator's trades become 1-second bars in the history store.
        deadline = time.time() + 20
        bars = []
        while time.time() < deadline and not bars:
            status, hist = request(port, "GET", "/api/v1/market-data/history/AAPL?interval=1s")
            assert status == 200 and hist["interval"] == "1s", (status, hist)
            bars = hist["bars"]
            time.sleep(0.2)
        assert bars, "no bars recorded"
        for b in bars:
            assert Decimal(b["low"]) <= Decimal(b["open"]) <= Decimal(b["high"]), b
            assert Decimal(b["low"]) <= Decimal(b["close"]) <= Decimal(b["high"]), b
        assert [b["time"] for b in bars] == sorted(set(b["time"] for b in bars)), bars
        status, err = request(port, "GET", "/api/v1/market-data/history/AAPL?interval=7x")
        assert status == 400 and err["field"] == "interval", (status, err)
        status, err = request(port, "GET", "/api/v1/market-data/history/NOPE")
        assert status == 404 and err["code"] == "unknown_symbol", (status, err)

        status, canceled = request(port, "DELETE", "/api/v1/orders/%d" % order_id)
        assert status == 200 and canceled["status"] == "canceled", (status, canceled)
        status, err = request(port, "DELETE", "/api/v1/orders/%d" % order_id)
        assert status == 409 and err["code"] == "order_not_live", (status, err)

        # Analytics over HTTP: the same JSON commands as `alphintra analytics NAME`.
        status, priced = request(port, "POST", "/api/v1/analytics/price",
                                 {"model": "bsm", "type": "call", "spot": 100, "strike": 100, "expiry": 1.0,
                                  "rate": 0.05, "dividend": 0.02, "volatility": 0.2})
        assert status == 200 and abs(priced["price"] - 9.227005508154061) < 1e-9, (status, priced)
        status, err = request(port, "POST", "/api/v1/analytics/price",
                              {"model": "bsm", "type": "call", "spot": 100, "strike": 100, "expiry": 1.0,
                               "rate": 0.05, "dividend": 0.02, "volatility": -0.2})
        assert status == 400 and err["field"] == "volatility", (status, err)
        status, err = request(port, "POST", "/api/v1/analytics/nonsense", {})
        assert status == 404 and err["code"] == "not_found", (status, err)
        status, err = request(port, "GET", "/api/v1/analytics/price")
        assert status == 405, (status, err)

        # A fill against the simulator's market (an IOC buy at a generous limit).
        status, quote = request(port, "GET", "/api/v1/market-data/quote/AAPL")
        assert status == 200 and quote.get("ask"), (status, quote)
        limit = (Decimal(quote["ask"]) * Decimal("1.02")).quantize(Decimal("0.01"))
        status, report = request(port, "POST", "/api/v1/orders",
                                 {"symbol": "AAPL", "side": "buy", "quantity": "1", "orderType": "limit",
                                  "price": str(limit), "timeInForce": "ioc", "accountId": 1,
                                  "clientOrderId": "serve-test-fill"})
        assert status == 201, (status, report)
        deadline = time.time() + 10
        fills = []
        while time.time() < deadline and not fills:
            fills = request(port, "GET", "/api/v1/fills?accountId=1")[1]["fills"]
            time.sleep(0.1)
        assert fills, "the IOC buy did not fill"
        time.sleep(0.5)  # the fill history commits every 200 ms; SIGTERM commits too
        stop(proc)
        proc = None

        # Restart: the order is recovered from the journal / snapshot; the fills from the history.
        proc = start(binary, port, data_dir, log)
        status, got = request(port, "GET", "/api/v1/orders/%d" % order_id)
        assert status == 200 and got["orderId"] == order_id and got["status"] == "canceled", (status, got)
        assert got["clientOrderId"] == "serve-test-1", got
        status, after = request(port, "GET", "/api/v1/fills?accountId=1")
        assert status == 200, (status, after)
        assert [f["execId"] for f in after["fills"]] == [f["execId"] for f in fills], (fills, after)
        assert after["fills"][0]["clientOrderId"] == "serve-test-fill", after
        stop(proc)
        proc = None
        print("serve_test: ok")
    except BaseException:
        log.flush()
        with open(os.path.join(data_dir, "serve.log"), "rb") as f:
            sys.stderr.write(f.read().decode(errors="replace")[-4000:])
        raise
    finally:
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
