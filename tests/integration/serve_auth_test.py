#!/usr/bin/env python3
"""Authentication and authorization of `alphintra serve` end to end (docs/api.md).

Starts the server with ALPHINTRA_ADMIN_PASSWORD and --demo-users on a free port and a fresh data
directory, then checks: requests without, with malformed, tampered or revoked tokens → 401; login
errors and throttling (429 with Retry-After); a TOTP second factor computed here independently
(RFC 6238 with Python's hmac); refresh-token rotation and theft detection; logout; roles — a
viewer cannot trade, a trader cannot touch accounts not granted nor use the kill switch or the
admin routes, a risk officer can; API-key request signing, replay and stale timestamps; the
portfolio, risk, fills, book depth, kill switch, risk limits and cancel-all routes with a fill
against a second account. Standard library only. Usage: serve_auth_test.py ALPHINTRA
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import Client, ServeRun, free_port, start_serve  # noqa: E402


def login(port, username, password, mfa=None):
    body = {"username": username, "password": password}
    if mfa is not None:
        body["mfa_token"] = mfa
    status, answer, headers = Client(port).call("POST", "/api/v1/auth/login", body)
    return status, answer, headers


def session(port, username, password):
    status, answer, _ = login(port, username, password)
    assert status == 200, (username, status, answer)
    return Client(port, answer["access_token"]), answer


def totp(secret_b32, t, step=30, digits=6):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t // step)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


def expect_error(result, status, code, field=None):
    got_status, body = result[0], result[1]
    assert got_status == status, (status, code, result)
    assert body["code"] == code, (code, body)
    if field is not None:
        assert body["field"] == field, (field, body)


def check_tokens(port):
    anonymous = Client(port)
    expect_error(anonymous.get("/api/v1/orders"), 401, "unauthorized", "Authorization")
    expect_error(Client(port, "not.a.token").get("/api/v1/orders"), 401, "unauthorized")
    status, body, headers = anonymous.call("GET", "/api/v1/orders", headers={"Authorization": "Basic abc"})
    assert status == 401 and headers.get("WWW-Authenticate") == "Bearer", (status, body, headers)

    trader, tokens = session(port, "trader", "trader-demo")
    assert tokens["expires_in"] == 900 and tokens["user"]["roles"] == ["trader"], tokens
    assert tokens["user"]["accounts"] == [1, 2], tokens
    status, me = trader.get("/api/v1/auth/me")
    assert status == 200 and me["username"] == "trader", me
    # A token whose payload was changed (another user's name) under the original signature.
    header, payload, signature = tokens["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    expect_error(Client(port, ".".join([header, forged, signature])).get("/api/v1/orders"), 401, "unauthorized")

    # Login errors: the same answer for an unknown user and a wrong password; bad bodies name the field.
    expect_error(login(port, "trader", "wrong-password"), 401, "invalid_credentials")
    expect_error(login(port, "nobody", "wrong-password"), 401, "invalid_credentials")
    expect_error(Client(port).post("/api/v1/auth/login", {"username": "trader"}), 400, "invalid_request", "password")
    expect_error(Client(port).post("/api/v1/auth/login", {"username": 5, "password": "x"}), 400, "invalid_request",
                 "username")
    expect_error(Client(port).post("/api/v1/auth/login", {"username": "a", "password": "b", "extra": 1}), 400,
                 "invalid_request", "extra")
    expect_error(Client(port).post("/api/v1/auth/login", "{not json"), 400, "malformed_json")

    # Refresh: rotation, then the spent token again revokes the new one too.
    status, renewed = Client(port).post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert status == 200 and renewed["refresh_token"] != tokens["refresh_token"], renewed
    expect_error(Client(port).post("/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}), 401,
                 "unauthorized", "refresh_token")
    expect_error(Client(port).post("/api/v1/auth/refresh", {"refresh_token": renewed["refresh_token"]}), 401,
                 "unauthorized", "refresh_token")
    _, again = session(port, "trader", "trader-demo")
    status, _, _ = Client(port).call("POST", "/api/v1/auth/logout", {"refresh_token": again["refresh_token"]})
    assert status == 204, status
    expect_error(Client(port).post("/api/v1/auth/refresh", {"refresh_token": again["refresh_token"]}), 401,
                 "unauthorized")


def check_throttling(port, admin):
    status, _ = admin.post("/api/v1/admin/users", {"username": "mallory", "password": "mallory-password",
                                                   "roles": ["viewer"], "accounts": [1]})
    assert status == 201, status
    for _ in range(5):
        expect_error(login(port, "mallory", "guess-guess"), 401, "invalid_credentials")
    status, body, headers = login(port, "mallory", "mallory-password")  # right password, still locked
    assert status == 429 and body["code"] == "too_many_attempts", (status, body)
    assert int(headers["Retry-After"]) > 0, headers


def check_mfa(port, admin):
    status, _ = admin.post("/api/v1/admin/users", {"username": "mfauser", "password": "mfa-password",
                                                   "roles": ["trader"], "accounts": [2]})
    assert status == 201
    status, enrolled = admin.post("/api/v1/admin/users/mfauser/mfa", {})
    assert status == 200 and enrolled["otpauth_uri"].startswith("otpauth://totp/"), enrolled
    expect_error(login(port, "mfauser", "mfa-password"), 401, "mfa_required", "mfa_token")
    expect_error(login(port, "mfauser", "mfa-password", "123"), 401, "invalid_mfa_token", "mfa_token")
    code = totp(enrolled["secret"], time.time())
    status, tokens, _ = login(port, "mfauser", "mfa-password", code)
    assert status == 200, tokens
    expect_error(login(port, "mfauser", "mfa-password", code), 401, "invalid_mfa_token")  # used once already


def check_roles(port, admin, trader, viewer, risk):
    order = {"accountId": 1, "symbol": "AAPL", "side": "buy", "orderType": "limit", "timeInForce": "gtc",
             "quantity": "10", "price": "100.00", "clientOrderId": "auth-1"}
    expect_error(viewer.post("/api/v1/orders", order), 403, "forbidden", "accountId")
    expect_error(trader.post("/api/v1/orders", dict(order, accountId=1000000)), 403, "forbidden", "accountId")
    status, report = trader.post("/api/v1/orders", order)
    assert status == 201 and report["status"] == "new", (status, report)
    order_id = report["orderId"]
    assert viewer.get("/api/v1/orders/%d" % order_id)[0] == 200  # viewers read granted accounts
    expect_error(viewer.call("DELETE", "/api/v1/orders/%d" % order_id)[:2], 403, "forbidden", "orderId")
    expect_error(trader.get("/api/v1/portfolio/1000000"), 403, "forbidden", "accountId")
    expect_error(trader.get("/api/v1/orders?accountId=1000000"), 403, "forbidden", "accountId")
    expect_error(trader.get("/api/v1/admin/users"), 403, "forbidden")
    expect_error(trader.post("/api/v1/risk/kill-switch", {"scope": "global"}), 403, "forbidden")
    status, listed = viewer.get("/api/v1/orders")
    assert status == 200 and all(o["account"] in (1, 2) for o in listed["orders"]), listed

    # Demoting a user revokes its tokens at once.
    status, _ = admin.post("/api/v1/admin/users", {"username": "temp", "password": "temp-password",
                                                   "roles": ["trader"], "accounts": [1]})
    assert status == 201
    temp, _ = session(port, "temp", "temp-password")
    assert temp.get("/api/v1/orders")[0] == 200
    status, _, _ = admin.call("PATCH", "/api/v1/admin/users/temp", {"roles": ["viewer"]})
    assert status == 200
    expect_error(temp.get("/api/v1/orders"), 401, "unauthorized")
    expect_error(admin.call("PATCH", "/api/v1/admin/users/temp", {"roles": ["boss"]})[:2], 400, "invalid_request",
                 "roles")
    expect_error(admin.call("DELETE", "/api/v1/admin/users/admin")[:2], 409, "conflict")
    status, users = admin.get("/api/v1/admin/users")
    assert status == 200 and {"admin", "trader", "viewer", "risk", "temp"} <= {u["username"] for u in users["users"]}

    # Risk officer: limits and the kill switch; the switch blocks new orders until reset.
    status, limits = risk.get("/api/v1/admin/risk-limits/1")
    assert status == 200 and limits["limits"]["maxOpenOrders"] == 0, limits
    status, body, _ = risk.call("PUT", "/api/v1/admin/risk-limits/1", {"limits": {"maxOpenOrders": 50}})
    assert status == 200, body
    assert risk.get("/api/v1/admin/risk-limits/1")[1]["limits"]["maxOpenOrders"] == 50
    expect_error(risk.call("PUT", "/api/v1/admin/risk-limits/1", {"limits": {"maxOpenOrders": -1}})[:2], 400,
                 "invalid_request", "maxOpenOrders")
    status, body = risk.post("/api/v1/risk/kill-switch", {"scope": "account", "accountId": 1})
    assert status == 200, body
    status, body = trader.post("/api/v1/orders", dict(order, clientOrderId="auth-2"))
    assert status == 422 and body["code"] == "kill_switch", (status, body)
    status, riskview = trader.get("/api/v1/portfolio/1/risk")
    assert status == 200 and riskview["killSwitch"] is True, riskview
    status, body = risk.post("/api/v1/risk/kill-switch/reset", {"scope": "account", "accountId": 1})
    assert status == 200, body
    status, body = trader.post("/api/v1/orders", dict(order, clientOrderId="auth-3"))
    assert status == 201, body


def check_accounts(port, trader):
    # Account 2 sells to account 1: a fill on both sides, seen in fills, portfolio and risk.
    bid = {"accountId": 1, "symbol": "MSFT", "side": "buy", "orderType": "limit", "quantity": "5", "price": "400.00"}
    status, report = trader.post("/api/v1/orders", bid)
    assert status == 201, report
    status, book = trader.get("/api/v1/market-data/book/MSFT?depth=5")
    assert status == 200 and {"price": "400.00", "quantity": "5", "orders": 1} in book["bids"], book
    ask = {"accountId": 2, "symbol": "MSFT", "side": "sell", "orderType": "limit", "quantity": "5", "price": "400.00"}
    status, report = trader.post("/api/v1/orders", ask)
    assert status == 201, report
    deadline = time.time() + 5
    fills = []
    while time.time() < deadline and len(fills) < 2:
        fills = trader.get("/api/v1/fills?symbol=MSFT")[1]["fills"]
        time.sleep(0.05)
    assert len(fills) == 2 and {f["accountId"] for f in fills} == {1, 2}, fills
    assert all(f["price"] == "400.00" and f["quantity"] == "5" for f in fills), fills
    status, portfolio = trader.get("/api/v1/portfolio/1")
    assert status == 200, portfolio
    msft = [p for p in portfolio["positions"] if p["symbol"] == "MSFT"]
    assert msft and msft[0]["quantity"] == "5" and msft[0]["averagePrice"] == "400.00", portfolio
    for key in ("totalValue", "cash", "marginUsed", "realizedPnl", "unrealizedPnl"):
        assert key in portfolio, (key, portfolio)
    status, riskview = trader.get("/api/v1/portfolio/2/risk")
    assert status == 200 and riskview["grossExposure"] != "0.00", riskview
    # VaR from the market risk model: figures once a minute of MSFT history is recorded, until
    # then an explicit reason naming the instrument (or the model's first estimate pending).
    var = riskview["valueAtRisk"]
    if var["available"]:
        assert var["method"] == "parametric_ewma" and var["confidence"] == "0.9900", var
        assert float(var["var"]) > 0 and float(var["expectedShortfall"]) > float(var["var"]), var
        assert [c["symbol"] for c in var["components"]] == ["MSFT"], var
    else:
        assert var["reason"].startswith("MSFT: ") or "not estimated" in var["reason"], var
    expect_error(trader.get("/api/v1/portfolio/99"), 403, "forbidden")
    # Cancel all of account 1.
    status, body, _ = trader.call("DELETE", "/api/v1/orders?accountId=1")
    assert status == 200 and body["event"] == "command_result", body
    status, listed = trader.get("/api/v1/orders?accountId=1&status=new")
    assert status == 200 and listed["orders"] == [], listed


def check_api_keys(port, admin):
    status, key = admin.post("/api/v1/admin/api-keys", {"username": "trader", "label": "algo"})
    assert status == 201 and key["keyId"].startswith("ak_"), key
    secret = base64.urlsafe_b64decode(key["secret"] + "=" * (-len(key["secret"]) % 4))

    def signed(method, target, body, ts=None):
        ts = str(int(time.time() * 1000)) if ts is None else ts
        text = body if body is not None else ""
        signature = hmac.new(secret, ("%s\n%s\n%s\n%s" % (ts, method, target, text)).encode(), hashlib.sha256)
        headers = {"X-API-Key": key["keyId"], "X-API-Timestamp": ts, "X-API-Signature": signature.hexdigest()}
        return headers

    headers = signed("GET", "/api/v1/orders?accountId=1", None)
    status, body, _ = Client(port).call("GET", "/api/v1/orders?accountId=1", headers=headers)
    assert status == 200, body
    expect_error(Client(port).call("GET", "/api/v1/orders?accountId=1", headers=headers)[:2], 401, "unauthorized",
                 "X-API-Signature")  # the same request again: a replay
    stale = signed("GET", "/api/v1/orders", None, ts=str(int(time.time() * 1000) - 60_000))
    expect_error(Client(port).call("GET", "/api/v1/orders", headers=stale)[:2], 401, "unauthorized", "X-API-Timestamp")
    order = json.dumps({"accountId": 1, "symbol": "AAPL", "side": "buy", "quantity": "1", "price": "90.00"})
    headers = signed("POST", "/api/v1/orders", order)
    status, body, _ = Client(port).call("POST", "/api/v1/orders", order.replace('"1"', '"100"'), headers=headers)
    assert status == 401 and body["field"] == "X-API-Signature", body  # body changed after signing
    headers = signed("POST", "/api/v1/orders", order)
    status, body, _ = Client(port).call("POST", "/api/v1/orders", order, headers=headers)
    assert status == 201, body
    status, keys = admin.get("/api/v1/admin/api-keys")
    assert status == 200 and [k["keyId"] for k in keys["keys"]] == [key["keyId"]], keys
    assert "secret" not in keys["keys"][0]


def main():
    binary = sys.argv[1]
    with ServeRun("alphintra-auth-") as run:
        port = free_port()
        run.proc = start_serve(binary, port, run.data_dir, run.log, "admin-password", ("--no-simulator",))
        admin, _ = session(port, "admin", "admin-password")
        trader, _ = session(port, "trader", "trader-demo")
        viewer, _ = session(port, "viewer", "viewer-demo")
        risk, _ = session(port, "risk", "risk-demo")
        check_tokens(port)
        check_throttling(port, admin)
        check_mfa(port, admin)
        check_roles(port, admin, trader, viewer, risk)
        check_accounts(port, trader)
        check_api_keys(port, admin)
        run.stop()
        mode = os.stat(os.path.join(run.data_dir, "auth.db")).st_mode & 0o777
        assert mode & 0o077 == 0, oct(mode)  # secrets: owner only
    print("serve auth: ok")


if __name__ == "__main__":
    main()
