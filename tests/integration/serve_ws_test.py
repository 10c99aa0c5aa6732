#!/usr/bin/env python3
"""`alphintra serve`'s WebSocket API, /metrics and JSON logs, end to end (python3 stdlib only).

Starts serve on 127.0.0.1 with --port 0 (the port is read from its log) on a fresh data
directory with ALPHINTRA_ADMIN_PASSWORD set, logs in as admin over REST, then over a minimal
WebSocket client (handshake checked, masked frames): requests before authenticate are refused,
bad frames (malformed JSON, unknown op, unknown channel, unknown symbol, bad token) are answered
with errors naming the field and the connection goes on; quotes, trades and book arrive after
their acks (book: a snapshot, then increments numbered one by one); an order placed over REST
comes back on the orders channel; ping is acked. A plain GET of the WebSocket path is 426.
/metrics carries the documented metric names; every log line on stderr is a JSON object and
each HTTP request has one with a request id. SIGTERM stops serve with exit code 0.

Usage: serve_ws_test.py PATH/TO/alphintra
"""
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

PASSWORD = "ws-test-password-1"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def request(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        ctype = resp.getheader("Content-Type", "")
        if ctype.startswith("application/json") and text:
            return resp.status, json.loads(text)
        return resp.status, text
    finally:
        conn.close()


class WebSocket:
    """A client of RFC 6455 just big enough for the test: text frames out (masked), frames in."""

    def __init__(self, port, path="/api/v1/ws"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((
            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            assert chunk, "the server closed during the handshake"
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        assert lines[0].startswith("HTTP/1.1 101"), lines[0]
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        assert headers.get("sec-websocket-accept") == expected, headers

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, obj):
        self.send_frame(0x1, (obj if isinstance(obj, str) else json.dumps(obj)).encode())

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def frame(self):
        b0, b1 = self._read(2)
        opcode, n = b0 & 0x0F, b1 & 0x7F
        assert not (b1 & 0x80), "server frames must not be masked"
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return opcode, self._read(n)

    def message(self, timeout=10):
        """The next JSON message (pings answered on the way); ('close', code, reason) on close."""
        self.sock.settimeout(timeout)
        while True:
            opcode, payload = self.frame()
            if opcode == 0x9:
                self.send_frame(0xA, payload)
            elif opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return ("close", code, payload[2:].decode())
            elif opcode == 0x1:
                return json.loads(payload.decode())

    def until(self, predicate, timeout=10, what="a message"):
        """Messages up to and including the first for which predicate holds."""
        seen = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.message(max(0.1, deadline - time.time()))
            assert not isinstance(m, tuple), ("closed while waiting for %s" % what, m)
            seen.append(m)
            if predicate(m):
                return seen
        raise AssertionError("no %s within %ss; saw %s" % (what, timeout, seen[-5:]))

    def reply(self, request_id, timeout=10):
        """The ack or error answering `request_id`."""
        return self.until(lambda m: m.get("type") in ("ack", "error") and m.get("id") == request_id, timeout,
                          "answer to request %s" % request_id)[-1]

    def close(self):
        try:
            self.send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


def start(binary, data_dir, log_path):
    env = dict(os.environ, ALPHINTRA_ADMIN_PASSWORD=PASSWORD)
    log = open(log_path, "wb")
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--data-dir", data_dir, "--durability", "none",
                             "--host", "127.0.0.1"], stdout=log, stderr=log, env=env)
    deadline = time.time() + 30
    port = None
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("serve exited early with %d:\n%s" % (proc.returncode, open(log_path).read()))
        if port is None:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", open(log_path, errors="replace").read())
            if m:
                port = int(m.group(1))
        if port is not None:
            try:
                if request(port, "GET", "/readyz")[0] == 200:
                    return proc, port
            except OSError:
                pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("serve did not become ready:\n" + open(log_path, errors="replace").read())


def check_errors(ws, token):
    # Before authenticate: refused, and the connection goes on.
    ws.send({"id": 1, "op": "subscribe", "channel": "quotes", "symbols": ["AAPL"]})
    e = ws.reply(1)
    assert e["type"] == "error" and e["code"] == "unauthorized", e
    ws.send("{not json")
    e = ws.until(lambda m: m.get("type") == "error")[-1]
    assert e["code"] == "malformed_json" and e["id"] is None, e
    ws.send({"id": 2, "op": "fly"})
    e = ws.reply(2)
    assert (e["code"], e["field"]) == ("unknown_op", "op"), e
    ws.send({"id": 3, "op": "authenticate", "token": "not-a-token"})
    e = ws.reply(3)
    assert (e["type"], e["code"], e["field"]) == ("error", "invalid_token", "token"), e
    ws.send({"id": 4, "op": "authenticate", "token": token})
    assert ws.reply(4) == {"type": "ack", "id": 4}
    ws.send({"id": 5, "op": "subscribe", "channel": "news", "symbols": ["AAPL"]})
    e = ws.reply(5)
    assert (e["code"], e["field"]) == ("unknown_channel", "channel"), e
    ws.send({"id": 6, "op": "subscribe", "channel": "quotes", "symbols": ["AAPL", "NO-SUCH"]})
    e = ws.reply(6)
    assert (e["code"], e["field"]) == ("unknown_symbol", "symbols") and "NO-SUCH" in e["message"], e
    ws.send({"id": 7, "op": "subscribe", "channel": "quotes", "symbols": ["AAPL"], "extra": True})
    e = ws.reply(7)
    assert (e["code"], e["field"]) == ("invalid_request", "extra"), e
    ws.send({"id": 8, "op": "ping"})
    assert ws.reply(8) == {"type": "ack", "id": 8}


def check_market_data(ws, symbols):
    ws.send({"id": 10, "op": "subscribe", "channel": "quotes", "symbols": symbols})
    assert ws.reply(10)["type"] == "ack"
    quote = ws.until(lambda m: m.get("type") == "quote", 10, "a quote")[-1]
    assert quote["symbol"] in symbols and isinstance(quote["time"], int), quote
    Decimal(quote.get("bid", quote.get("ask", quote.get("last"))))  # decimal strings

    ws.send({"id": 11, "op": "subscribe", "channel": "trades", "symbols": symbols})
    assert ws.reply(11)["type"] == "ack"
    trade = ws.until(lambda m: m.get("type") == "trade", 20, "a trade")[-1]
    assert Decimal(trade["quantity"]) > 0 and trade["symbol"] in symbols, trade

    ws.send({"id": 12, "op": "subscribe", "channel": "book", "symbols": ["AAPL"]})
    assert ws.reply(12)["type"] == "ack"
    snapshot = ws.until(lambda m: m.get("type") == "book", 5, "a book snapshot")[-1]
    assert snapshot["snapshot"] is True and snapshot["symbol"] == "AAPL", snapshot
    # The snapshot may come before the first depth sample (then empty); levels must follow.
    seen_levels = bool(snapshot["bids"] or snapshot["asks"])
    sequence = snapshot["sequence"]
    for _ in range(3):
        update = ws.until(lambda m: m.get("type") == "book", 10, "a book update")[-1]
        assert update["snapshot"] is False and update["sequence"] == sequence + 1, (sequence, update)
        sequence = update["sequence"]
        seen_levels = seen_levels or bool(update["bids"] or update["asks"])
    assert seen_levels, "the book channel carried no level"

    ws.send({"id": 13, "op": "subscribe", "channel": "bars", "symbols": symbols, "interval": "1m"})
    assert ws.reply(13)["type"] == "ack"
    bar = ws.until(lambda m: m.get("type") == "bar", 20, "a bar")[-1]
    assert bar["interval"] == "1m" and bar["time"] % 60 == 0 and Decimal(bar["high"]) >= Decimal(bar["low"]), bar

    for i, channel in enumerate(("quotes", "trades", "bars")):
        extra = {"interval": "1m"} if channel == "bars" else {}
        ws.send(dict({"id": 20 + i, "op": "unsubscribe", "channel": channel, "symbols": symbols}, **extra))
        assert ws.reply(20 + i)["type"] == "ack"
    ws.send({"id": 23, "op": "unsubscribe", "channel": "book", "symbols": ["AAPL"]})
    assert ws.reply(23)["type"] == "ack"


def check_orders(ws, port, token):
    ws.send({"id": 30, "op": "subscribe", "channel": "orders"})
    assert ws.reply(30)["type"] == "ack"
    status, body = request(port, "GET", "/api/v1/market-data/quote/AAPL", token=token)
    assert status == 200 and "bid" in body, body
    status, instruments = request(port, "GET", "/api/v1/instruments", token=token)
    tick = Decimal([i for i in instruments["instruments"] if i["symbol"] == "AAPL"][0]["tickSize"])
    price = (Decimal(body["bid"]) * Decimal("0.9") / tick).to_integral_value() * tick
    order = {"symbol": "AAPL", "side": "buy", "quantity": "10", "orderType": "limit", "price": str(price),
             "timeInForce": "gtc", "accountId": 1, "clientOrderId": "ws-test-1"}
    status, report = request(port, "POST", "/api/v1/orders", order, token=token)
    assert status == 201, (status, report)
    update = ws.until(lambda m: m.get("type") == "order" and m.get("orderId") == report["orderId"], 10,
                      "the order's update")[-1]
    assert update["status"] == "new" and update["clientOrderId"] == "ws-test-1", update
    status, _ = request(port, "DELETE", "/api/v1/orders/%d" % report["orderId"], token=token)
    assert status == 200, status
    update = ws.until(lambda m: m.get("type") == "order" and m.get("orderId") == report["orderId"], 10,
                      "the cancel's update")[-1]
    assert update["status"] == "canceled", update


def check_status(ws, port, token):
    """The status channel: the current status on subscribe, then a halt and a resume made over REST."""
    ws.send({"id": 40, "op": "subscribe", "channel": "status", "symbols": ["ETH/USD"]})
    seen = ws.until(lambda m: m.get("type") == "status" and m.get("symbol") == "ETH/USD", 10, "the status snapshot")
    assert seen[-1]["status"] == "continuous", seen[-1]
    assert any(m.get("type") == "ack" and m.get("id") == 40 for m in seen), seen
    for status in ("halted", "continuous"):
        code, body = request(port, "PUT", "/api/v1/admin/instruments/ETH%2FUSD/status", {"status": status}, token=token)
        assert code == 200 and body["accepted"], (code, body)
        update = ws.until(lambda m: m.get("type") == "status", 10, "the %s status" % status)[-1]
        assert update["symbol"] == "ETH/USD" and update["status"] == status, update
    ws.send({"id": 41, "op": "unsubscribe", "channel": "status", "symbols": ["ETH/USD"]})
    assert ws.reply(41)["type"] == "ack"


def wait_for_quote(port, token, symbol, low, high, seconds=20):
    """The simulator's two-sided quote for `symbol`, its prices within [low, high]."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        code, q = request(port, "GET", "/api/v1/market-data/quote/" + symbol, token=token)
        if code == 200 and q.get("bid") and q.get("ask"):
            assert low <= float(q["bid"]) < float(q["ask"]) <= high, q
            return q
        time.sleep(0.2)
    raise AssertionError("no two-sided quote for %s within %d s" % (symbol, seconds))


def check_listing(port, token):
    """An instrument listed with a reference price: the engine takes the price and the market
    simulator quotes it; a price off the tick is refused naming referencePrice."""
    listing = {"symbol": "NQ", "assetClass": "future", "tickSize": "0.25", "multiplier": "20",
               "referencePrice": "18000.10"}
    code, body = request(port, "POST", "/api/v1/admin/instruments", listing, token=token)
    assert code == 400 and body["field"] == "referencePrice", (code, body)
    listing["referencePrice"] = "18000.00"
    code, body = request(port, "POST", "/api/v1/admin/instruments", listing, token=token)
    assert code == 200 and body["accepted"], (code, body)
    wait_for_quote(port, token, "NQ", 18000 * 0.8, 18000 * 1.2)
    # Listed without a price, then given one: quoted from then on.
    code, body = request(port, "POST", "/api/v1/admin/instruments",
                         {"symbol": "RTY", "assetClass": "future", "tickSize": "0.10", "multiplier": "50"}, token=token)
    assert code == 200 and body["accepted"], (code, body)
    code, body = request(port, "PUT", "/api/v1/admin/instruments/RTY/reference-price", {"referencePrice": "2000.05"},
                         token=token)
    assert code == 400 and body["field"] == "referencePrice", (code, body)
    code, body = request(port, "PUT", "/api/v1/admin/instruments/RTY/reference-price", {"referencePrice": "2000.00"},
                         token=token)
    assert code == 200 and body["accepted"], (code, body)
    wait_for_quote(port, token, "RTY", 2000 * 0.8, 2000 * 1.2)


def check_metrics(port):
    status, text = request(port, "GET", "/metrics")
    assert status == 200, (status, text)
    for name in ("trading_orders_total{", "trading_order_latency_seconds_bucket{le=", "trading_pnl_realized_usd ",
                 "trading_pnl_unrealized_usd ", "trading_portfolio_value_usd ", "risk_exposure_gross_usd ",
                 "risk_exposure_net_usd ", "market_data_messages_total ", "http_requests_total{",
                 "websocket_connections ", "engine_sequence ", "risk_var_1day_usd "):
        assert ("\n" + name) in text, (name, text[:2000])
    value = float(re.search(r"\ntrading_portfolio_value_usd (\S+)", text).group(1))
    assert value > 1_000_000, value  # accounts 1 and 2 hold 1,000,000 USD each
    var = re.search(r"\nrisk_var_1day_usd (\S+)", text).group(1)
    assert var == "NaN" or float(var) >= 0, var  # NaN until a minute of history is recorded
    assert re.search(r'\ntrading_orders_total\{venue="[^"]+",status="new"\} [1-9]', text), text[:2000]
    assert re.search(r"\ntrading_order_latency_seconds_count [1-9]", text), text
    assert re.search(r'\nhttp_requests_total\{route="/api/v1/orders",status="201"\} [1-9]', text), text
    assert re.search(r"\nwebsocket_connections [1-9]", text), text


def check_logs(log_path):
    lines = [l for l in open(log_path, errors="replace").read().splitlines() if l.strip()]
    requests = 0
    for line in lines:
        if line.startswith("{"):
            entry = json.loads(line)
            assert {"time", "level", "msg"} <= entry.keys(), entry
            if entry["msg"] == "http request":
                requests += 1
                for key in ("requestId", "method", "path", "status", "durationUs"):
                    assert key in entry, (key, entry)
        else:  # only the generated-password notice may be plain text; here the password is given
            raise AssertionError("a log line that is not JSON: %r" % line)
    assert requests >= 5, requests


def check_rate_limit(port, token):
    # 400 pings at once on a fresh connection: about --ws-burst (100) are answered, then refusals
    # (rate_limited), and a client still sending after 100 refusals in a row is closed with 1008.
    ws = WebSocket(port)
    ws.send({"id": 1, "op": "authenticate", "token": token})
    assert ws.reply(1) == {"type": "ack", "id": 1}
    for i in range(400):
        ws.send({"id": 100 + i, "op": "ping"})
    acks, refused = 0, 0
    while True:
        m = ws.message(timeout=30)
        if isinstance(m, tuple):
            assert m[1:] == (1008, "rate limit exceeded"), m
            break
        if m.get("type") == "ack":
            acks += 1
        elif m.get("type") == "error":
            assert m["code"] == "rate_limited" and "retry in" in m["message"], m
            refused += 1
    assert 98 <= acks < 300, (acks, refused)
    ws.sock.close()


def check_settlement(port, token):
    """A future's final settlement on a live serve: the demo margin account's RTY position closes
    at the price (realized P&L by hand), the simulator's resting orders expire and it sends no
    new ones (the book stays empty), the instrument is closed and refuses orders and reopening."""
    # One contract: the simulator's best ask holds at least that (wait_for_quote saw it two-sided;
    # two could meet a single lot there). The simulator requotes all the time: a market order that
    # arrives while its ask is being replaced finds none and is cancelled unfilled; then again.
    for _ in range(10):
        code, body = request(port, "POST", "/api/v1/orders",
                             {"accountId": 2, "symbol": "RTY", "side": "buy", "quantity": "1", "orderType": "market"},
                             token=token)
        assert code == 201, (code, body)
        order = body["orderId"]
        deadline = time.time() + 10
        while body["status"] not in ("filled", "canceled") and time.time() < deadline:
            time.sleep(0.1)
            code, body = request(port, "GET", "/api/v1/orders/%d" % order, token=token)
        if body["status"] == "filled":
            break
        assert body["status"] == "canceled" and float(body["cumQuantity"]) == 0, body
        time.sleep(0.2)
    assert body["status"] == "filled", body

    def rty_position():
        code, portfolio = request(port, "GET", "/api/v1/portfolio/2", token=token)
        assert code == 200, portfolio
        return next(p for p in portfolio["positions"] if p["symbol"] == "RTY")
    held = rty_position()
    assert float(held["quantity"]) == 1, held
    code, body = request(port, "POST", "/api/v1/admin/instruments/RTY/settlement", {"price": "2001.30"}, token=token)
    assert code == 200 and body["accepted"] and body["value"] == 200130, (code, body)
    rty = rty_position()
    assert float(rty["quantity"]) == 0, rty
    # 1 contract × 50 USD a point from the average price paid to 2001.30; no fee on the settlement.
    expected = (2001.30 - float(held["averagePrice"])) * 50
    assert abs(float(rty["realizedPnl"]) - expected) < 0.006, (rty, held)
    assert rty["fees"] == held["fees"], (rty, held)
    code, body = request(port, "PUT", "/api/v1/admin/instruments/RTY/status", {"status": "continuous"}, token=token)
    assert code == 422 and body["code"] == "instrument_settled", (code, body)
    code, body = request(port, "POST", "/api/v1/admin/instruments/RTY/settlement", {"price": "2001.30"}, token=token)
    assert code == 422 and body["code"] == "instrument_settled", (code, body)
    check_settled(port, token)


def check_settled(port, token):
    """RTY after its settlement: closed, its book empty and staying so, a new order rejected."""
    code, instruments = request(port, "GET", "/api/v1/instruments", token=token)
    rty = next(i for i in instruments["instruments"] if i["symbol"] == "RTY")
    assert rty["status"] == "closed" and rty["settlementPrice"] == "2001.30", rty
    assert all("settlementPrice" not in i for i in instruments["instruments"] if i["symbol"] != "RTY"), instruments
    for _ in range(3):
        code, book = request(port, "GET", "/api/v1/market-data/book/RTY", token=token)
        assert code == 200 and not book["bids"] and not book["asks"], book
        time.sleep(0.5)
    code, body = request(port, "POST", "/api/v1/orders",
                         {"accountId": 2, "symbol": "RTY", "side": "buy", "quantity": "1", "orderType": "limit",
                          "price": "2000.00"}, token=token)
    assert code == 422 and body["report"]["status"] == "rejected", (code, body)


def check_expiry(port, token):
    """NQ's expiry scheduled two seconds ahead without a price: serve's clock tick settles it at
    its mark then (the simulator's last trade), and it closes."""
    at = time.time_ns() + 2_000_000_000
    code, body = request(port, "POST", "/api/v1/admin/instruments/NQ/settlement", {"at": at}, token=token)
    assert code == 200 and body["accepted"] and body["command"] == "schedule_settlement" and body["value"] == at, body
    # Until its time it trades on (serve ticks every second: checked up to 0.5 s before).
    while time.time_ns() < at - 500_000_000:
        code, instruments = request(port, "GET", "/api/v1/instruments", token=token)
        nq = next(i for i in instruments["instruments"] if i["symbol"] == "NQ")
        assert nq["status"] == "continuous" and "settlementPrice" not in nq, nq
        assert nq["scheduledSettlement"] == {"at": at}, nq  # pending, at the mark then (no price)
        time.sleep(0.2)
    deadline = time.time() + 15
    nq = None
    while time.time() < deadline:
        code, instruments = request(port, "GET", "/api/v1/instruments", token=token)
        nq = next(i for i in instruments["instruments"] if i["symbol"] == "NQ")
        if "settlementPrice" in nq:
            break
        time.sleep(0.2)
    assert nq is not None and nq["status"] == "closed" and "settlementPrice" in nq, nq
    assert "scheduledSettlement" not in nq, nq
    assert time.time_ns() >= at, "settled before its expiry"
    assert 18000 * 0.8 <= float(nq["settlementPrice"]) <= 18000 * 1.2, nq


def main():
    binary = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="alphintra-ws-")
    log_path = os.path.join(data_dir, "serve.log")
    proc = None
    ok = False
    try:
        proc, port = start(binary, os.path.join(data_dir, "data"), log_path)
        status, login = request(port, "POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        assert status == 200, (status, login)
        token = login["access_token"]

        status, body = request(port, "GET", "/api/v1/ws")
        assert status == 426 and body["code"] == "upgrade_required", (status, body)

        status, instruments = request(port, "GET", "/api/v1/instruments", token=token)
        assert status == 200, instruments
        symbols = [i["symbol"] for i in instruments["instruments"]]

        ws = WebSocket(port)
        check_errors(ws, token)
        check_market_data(ws, symbols)
        check_orders(ws, port, token)
        check_status(ws, port, token)
        check_listing(port, token)
        check_metrics(port)
        ws.close()
        check_rate_limit(port, token)

        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        assert code == 0, "serve exited %d after SIGTERM" % code
        proc = None
        check_logs(log_path)
        assert "serve: NQ listed at reference price 18000.00; the simulator quotes it" in open(log_path).read()

        # After a restart the listed instrument is quoted again (its price is in the journal).
        proc, port = start(binary, os.path.join(data_dir, "data"), log_path)
        status, login = request(port, "POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        assert status == 200, (status, login)
        wait_for_quote(port, login["access_token"], "NQ", 18000 * 0.8, 18000 * 1.2)
        wait_for_quote(port, login["access_token"], "RTY", 2000 * 0.8, 2000 * 1.2)
        check_settlement(port, login["access_token"])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        proc = None

        # After another restart the settled future stays closed and unquoted.
        proc, port = start(binary, os.path.join(data_dir, "data"), log_path)
        status, login = request(port, "POST", "/api/v1/auth/login", {"username": "admin", "password": PASSWORD})
        assert status == 200, (status, login)
        wait_for_quote(port, login["access_token"], "NQ", 18000 * 0.8, 18000 * 1.2)
        check_settled(port, login["access_token"])
        check_expiry(port, login["access_token"])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        proc = None
        ok = True
        print("serve_ws_test: ok")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        if ok:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print("serve log kept in", log_path, file=sys.stderr)


if __name__ == "__main__":
    main()
