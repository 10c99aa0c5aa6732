#!/usr/bin/env python3
"""An example client of `alphintra serve` (docs/api.md), Python 3 standard library only.

Logs in, streams a few quotes over the WebSocket API, then places a limit order below the
market, replaces it and cancels it, printing each step:

    python3 examples/alphintra_client.py --url http://127.0.0.1:8080 --user trader --password trader-demo

Prices are exact decimals (the API's decimal strings, computed with `decimal`, never floats).
Exits 0 when every step succeeded, 1 with `error: ...` on stderr when one failed (the server's
error code, message and field are shown), 2 for bad arguments.

The WebSocket client below is the minimum RFC 6455 needs for this: the opening handshake with
its accept check, masked text frames out, unmasked frames in (fragments joined, pings answered,
close honoured). It is for reading the example, not a library.
"""
import argparse
import base64
import decimal
import hashlib
import json
import os
import socket
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class ApiError(Exception):
    """A failed step: what was being done and what the server said."""


# ---------------------------------------------------------------------------------------------
# REST

class RestClient:
    def __init__(self, base_url, timeout=10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token = None

    def request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                text = resp.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            try:
                err = json.loads(text)
                detail = "%s: %s" % (err.get("code"), err.get("message"))
                if err.get("field"):
                    detail += " (field %s)" % err["field"]
            except ValueError:
                detail = text[:200]
            raise ApiError("%s %s answered %d %s" % (method, path, e.code, detail)) from None
        except (urllib.error.URLError, OSError) as e:
            raise ApiError("%s %s: cannot reach %s: %s" % (method, path, self.base_url, e)) from None

    def login(self, username, password):
        answer = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        self.token = answer["access_token"]
        return answer


# ---------------------------------------------------------------------------------------------
# WebSocket (RFC 6455), client side

class WebSocket:
    def __init__(self, url, timeout=10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "ws":
            raise ApiError("only ws:// URLs are supported (no TLS in this example): %s" % url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path or "/"
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (path, parts.netloc, key)).encode())
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode(errors="replace").split("\r\n")
        if lines[0].split(" ")[1:2] != ["101"]:
            raise ApiError("WebSocket handshake refused: %s" % lines[0])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise ApiError("WebSocket handshake: wrong Sec-WebSocket-Accept")

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ApiError("the server closed the WebSocket connection")
        self.buffer += chunk

    def _take(self, n):
        while len(self.buffer) < n:
            self._fill()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)  # clients mask every frame
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_json(self, message):
        self._send_frame(0x1, json.dumps(message).encode())

    def receive_json(self):
        """The next text message as JSON; answers pings, raises on close."""
        fragments = b""
        while True:
            first, second = self._take(2)
            opcode, final = first & 0x0F, bool(first & 0x80)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._take(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._take(8))[0]
            mask = self._take(4) if second & 0x80 else None
            payload = self._take(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:  # ping → pong with the same payload
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise ApiError("the server closed the stream: %d %s" % (code, payload[2:].decode(errors="replace")))
            fragments += payload
            if final:
                return json.loads(fragments.decode())

    def close(self):
        try:
            self._send_frame(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()


def request_ws(ws, message):
    """Sends a request and waits for its ack (other messages before it are kept)."""
    ws.send_json(message)
    kept = []
    while True:
        answer = ws.receive_json()
        if answer.get("id") == message["id"] and answer.get("type") in ("ack", "error"):
            if answer["type"] == "error":
                raise ApiError("WebSocket %s refused: %s: %s (field %s)" % (message["op"], answer.get("code"),
                                                                            answer.get("message"), answer.get("field")))
            return kept
        kept.append(answer)


# ---------------------------------------------------------------------------------------------
# The walk-through

def stream_quotes(base_url, token, symbol, count, timeout):
    ws_url = urllib.parse.urlsplit(base_url)._replace(scheme="ws", path="/api/v1/ws").geturl()
    ws = WebSocket(ws_url, timeout)
    try:
        request_ws(ws, {"id": 1, "op": "authenticate", "token": token})
        print("stream: authenticated")
        pending = request_ws(ws, {"id": 2, "op": "subscribe", "channel": "quotes", "symbols": [symbol]})
        print("stream: subscribed to quotes of %s" % symbol)
        quotes = []
        deadline = time.time() + timeout
        while len(quotes) < count:
            if time.time() > deadline:
                raise ApiError("no %d quotes for %s within %.0f s (got %d)" % (count, symbol, timeout, len(quotes)))
            message = pending.pop(0) if pending else ws.receive_json()
            if message.get("type") != "quote":
                continue
            quotes.append(message)
            print("quote: %s bid %s x %s / ask %s x %s last %s" % (
                message["symbol"], message.get("bid", "-"), message.get("bidQuantity", "-"), message.get("ask", "-"),
                message.get("askQuantity", "-"), message.get("last", "-")))
        return quotes
    finally:
        ws.close()


def below_market(quote, instrument, fraction):
    """A price `fraction` below the best bid (or last), on the instrument's tick, as exact text."""
    reference = decimal.Decimal(quote.get("bid") or quote.get("last") or quote.get("ask"))
    tick = decimal.Decimal(instrument["tickSize"])
    price = (reference * (1 - decimal.Decimal(fraction)) / tick).to_integral_value(decimal.ROUND_FLOOR) * tick
    price = max(price, tick)
    return format(price.quantize(decimal.Decimal(1).scaleb(-instrument["pricePrecision"])), "f")


def run(args):
    rest = RestClient(args.url, args.timeout)
    session = rest.login(args.user, args.password)
    user = session["user"]
    print("login: ok as %s (roles %s, accounts %s)" % (user["username"], ",".join(user["roles"]),
                                                        ",".join(str(a) for a in user["accounts"])))
    account = args.account if args.account is not None else (user["accounts"] or [1])[0]

    quotes = stream_quotes(args.url, session["access_token"], args.symbol, args.quotes, args.timeout)
    instruments = rest.request("GET", "/api/v1/instruments")["instruments"]
    instrument = next((i for i in instruments if i["symbol"] == args.symbol), None)
    if instrument is None:
        raise ApiError("no instrument %s" % args.symbol)

    price = below_market(quotes[-1], instrument, "0.05")
    client_id = "example-%d" % int(time.time() * 1000)
    placed = rest.request("POST", "/api/v1/orders", {
        "accountId": account, "symbol": args.symbol, "side": "buy", "orderType": "limit", "timeInForce": "gtc",
        "quantity": args.quantity, "price": price, "clientOrderId": client_id})
    order_id = placed["orderId"]
    print("order placed: id %d buy %s %s @ %s status %s" % (order_id, placed["quantity"], args.symbol,
                                                            placed["price"], placed["status"]))

    new_price = below_market(quotes[-1], instrument, "0.06")
    new_quantity = str(decimal.Decimal(args.quantity) * 2)
    replaced = rest.request("PATCH", "/api/v1/orders/%d" % order_id, {"price": new_price, "quantity": new_quantity})
    print("order replaced: id %d now %s @ %s (execType %s, status %s)" % (
        order_id, replaced["quantity"], replaced["price"], replaced["execType"], replaced["status"]))

    canceled = rest.request("DELETE", "/api/v1/orders/%d" % order_id)
    print("order canceled: id %d status %s" % (order_id, canceled["status"]))
    if canceled["status"] != "canceled":
        raise ApiError("the cancel answered status %s" % canceled["status"])
    print("done")


def main():
    parser = argparse.ArgumentParser(description="Example client of the Alphintra REST and WebSocket API.")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the server (default %(default)s)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--symbol", default="AAPL", help="the instrument (default %(default)s)")
    parser.add_argument("--account", type=int, help="the account to trade (default: the user's first)")
    parser.add_argument("--quantity", default="10", help="the order quantity, a decimal (default %(default)s)")
    parser.add_argument("--quotes", type=int, default=3, help="quotes to print (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per step (default %(default)s)")
    args = parser.parse_args()
    try:
        run(args)
    except ApiError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:
        print("error: unexpected answer or connection failure: %r" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
