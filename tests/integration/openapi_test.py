#!/usr/bin/env python3
"""The OpenAPI document of `alphintra serve` (docs/openapi.json) checked against the real server.

Starts `alphintra serve --demo-users` on a free loopback port and a fresh data directory, fetches
GET /api/v1/openapi.json without credentials, then:
  * structure: OpenAPI 3.0 fields, every $ref resolves, path parameters declared, security
    schemes known, operation ids unique;
  * every documented operation is called for real (as a user with a role the operation's
    x-roles allows; orders, users and API keys are created for the routes that need them): the
    status must be one the operation documents and the body must validate against its schema
    (a small JSON-schema validator for the subset the document uses);
  * security: each operation needing credentials answers 401 without them, each public one
    does not; each role outside x-roles gets 403;
  * the reverse direction: requests the server is known to answer must all be documented, an
    undocumented path answers 404, an undocumented method 405, and the analytics commands the
    server lists equal the documented enum;
  * the validator itself fails on wrong documents (mutated copies), so a test pass means
    something.
Standard library only. Usage: openapi_test.py ALPHINTRA
"""
import base64
import copy
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

from serve_harness import ServeRun, free_port, start_serve

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ADMIN_PASSWORD = "openapi-admin-password"
USERS = {"admin": ("admin", ADMIN_PASSWORD), "trader": ("trader", "trader-demo"),
         "viewer": ("viewer", "viewer-demo"), "risk_officer": ("risk", "risk-demo")}


# ---------------------------------------------------------------------------------------------
# A JSON-schema validator for the subset of OpenAPI 3.0 schemas the document uses.

class Validator:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, ref):
        assert ref.startswith("#/"), "only local references: %s" % ref
        node = self.doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise KeyError(ref)
            node = node[part]
        return node

    def errors(self, schema, value, where="$"):
        if "$ref" in schema:
            return self.errors(self.resolve(schema["$ref"]), value, where)
        if value is None:
            return [] if schema.get("nullable") else ["%s: null where %s" % (where, schema.get("type", "a value"))]
        if "oneOf" in schema:
            matches = [i for i, s in enumerate(schema["oneOf"]) if not self.errors(s, value, where)]
            if len(matches) != 1:
                details = [self.errors(s, value, where) for s in schema["oneOf"]]
                return ["%s: matches %d of oneOf (exactly 1 needed): %s" % (where, len(matches), details)]
        out = []
        kind = schema.get("type")
        checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
                  "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
                  "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
        if kind is not None and not checks[kind](value):
            return ["%s: %r is not of type %s" % (where, value, kind)]
        if "enum" in schema and value not in schema["enum"]:
            out.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
        if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
            out.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
        if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
            out.append("%s: %r is below %s" % (where, value, schema["minimum"]))
        if "maximum" in schema and isinstance(value, (int, float)) and value > schema["maximum"]:
            out.append("%s: %r is above %s" % (where, value, schema["maximum"]))
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    out.append("%s: required member %r missing" % (where, name))
            extra = schema.get("additionalProperties", True)
            for name, member in value.items():
                if name in props:
                    out += self.errors(props[name], member, "%s.%s" % (where, name))
                elif extra is False:
                    out.append("%s: member %r is not documented" % (where, name))
                elif isinstance(extra, dict):
                    out += self.errors(extra, member, "%s.%s" % (where, name))
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                out += self.errors(schema["items"], item, "%s[%d]" % (where, i))
        return out


def all_refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.append(value)
            else:
                all_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            all_refs(value, found)
    return found


def check_structure(doc):
    assert re.match(r"^3\.0\.\d+$", doc.get("openapi", "")), doc.get("openapi")
    assert isinstance(doc["info"]["title"], str) and isinstance(doc["info"]["version"], str), doc["info"]
    validator = Validator(doc)
    refs = all_refs(doc, [])
    assert refs, "the document uses no $ref at all"
    for ref in refs:
        validator.resolve(ref)  # KeyError names a dangling reference
    schemes = doc["components"]["securitySchemes"]
    operation_ids = set()
    for requirement in doc.get("security", []):
        assert set(requirement) <= set(schemes), requirement
    for template, item in doc["paths"].items():
        assert template.startswith("/"), template
        names = set(re.findall(r"\{([^}]+)\}", template))
        operations = {m: op for m, op in item.items() if m in METHODS}
        assert operations, "%s has no operation" % template
        assert set(item) <= set(METHODS) | {"parameters", "summary", "description"}, (template, list(item))
        for method, op in operations.items():
            params = item.get("parameters", []) + op.get("parameters", [])
            for p in params:
                p = validator.resolve(p["$ref"]) if "$ref" in p else p
                assert p["in"] in ("path", "query", "header", "cookie") and "schema" in p, (template, p)
                if p["in"] == "path":
                    assert p.get("required") is True and p["name"] in names, (template, p)
            declared = {p["name"] for p in params if p.get("in") == "path"}
            assert declared == names, (template, method, declared, names)
            assert op.get("operationId") and op["operationId"] not in operation_ids, (template, method)
            operation_ids.add(op["operationId"])
            assert op.get("responses"), (template, method)
            for code, response in op["responses"].items():
                assert re.match(r"^[1-5]\d\d$", code), (template, method, code)
                response = validator.resolve(response["$ref"]) if "$ref" in response else response
                assert isinstance(response.get("description"), str), (template, method, code)
            for requirement in op.get("security", []):
                assert set(requirement) <= set(schemes), (template, method, requirement)
            for role in op.get("x-roles", []):
                assert role in USERS, (template, method, role)
            if op.get("security", doc.get("security")):
                assert op.get("x-roles"), "%s %s needs credentials but lists no x-roles" % (method, template)


# ---------------------------------------------------------------------------------------------
# Requests, matched to the document.

def template_regex(template):
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("^" + "".join("([^/]+)" if p.startswith("{") else re.escape(p) for p in parts) + "$")


class Contract:
    """The document, with the operation a request belongs to and the checks of its answer."""

    def __init__(self, doc):
        self.doc = doc
        self.validator = Validator(doc)
        # Literal paths first, so /api/v1/risk/kill-switch/reset is not read as a parameter.
        self.templates = sorted(doc["paths"], key=lambda t: (t.count("{"), -len(t)))

    def operation(self, method, path):
        for template in self.templates:
            if template_regex(template).match(path):
                op = self.doc["paths"][template].get(method.lower())
                return template, op
        return None, None

    def security(self, op):
        return op.get("security", self.doc.get("security", []))

    def response_errors(self, method, path, status, content_type, body):
        template, op = self.operation(method, path)
        if op is None:
            return ["%s %s is not documented" % (method, path)]
        response = op["responses"].get(str(status))
        if response is None:
            return ["%s %s (%s): status %d is not documented (%s)" % (method, path, template, status,
                                                                       sorted(op["responses"]))]
        if "$ref" in response:
            response = self.validator.resolve(response["$ref"])
        content = response.get("content")
        if not content:
            return [] if not body else ["%s %s: %d documents no body but got %r" % (method, path, status, body[:80])]
        media = content_type.split(";")[0].strip()
        if media not in content:
            return ["%s %s: %d answered %s, documented %s" % (method, path, status, media, sorted(content))]
        schema = content[media]["schema"]
        if media == "application/json":
            try:
                value = json.loads(body)
            except ValueError as e:
                return ["%s %s: body is not JSON: %s" % (method, path, e)]
        else:
            value = body.decode(errors="replace") if isinstance(body, bytes) else body
        return ["%s %s -> %d: %s" % (method, path, status, e) for e in self.validator.errors(schema, value)]

    def request_errors(self, method, path, body):
        _, op = self.operation(method, path)
        if op is None or "requestBody" not in op:
            return [] if body is None else ["%s %s takes no documented body" % (method, path)]
        if body is None:
            return ["%s %s: requestBody is documented as required" % (method, path)] \
                if op["requestBody"].get("required") else []
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        return ["request %s %s: %s" % (method, path, e) for e in self.validator.errors(schema, body)]


class Server:
    def __init__(self, port, contract):
        self.port = port
        self.contract = contract
        self.tokens = {}
        self.exercised = {}  # (template, method) → the first successful call: (role, method, target, body)
        self.failures = []

    def raw(self, method, target, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            data = None if body is None else (body if isinstance(body, (str, bytes)) else json.dumps(body))
            h = {"Content-Type": "application/json"} if data is not None else {}
            h.update(headers or {})
            conn.request(method, target, body=data, headers=h)
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type", ""), resp.read()
        finally:
            conn.close()

    def login(self, role):
        username, password = USERS[role]
        status, _, body = self.raw("POST", "/api/v1/auth/login", {"username": username, "password": password})
        assert status == 200, (role, status, body)
        self.tokens[role] = json.loads(body)["access_token"]

    def auth_headers(self, role):
        return {} if role is None else {"Authorization": "Bearer " + self.tokens[role]}

    def call(self, role, method, target, body=None, expect=None, headers=None, record=True):
        """Calls the server and checks the answer against the document; returns (status, JSON or text)."""
        path = target.split("?")[0]
        h = self.auth_headers(role)
        h.update(headers or {})
        status, content_type, raw = self.raw(method, target, body, h)
        errors = self.contract.response_errors(method, path, status, content_type, raw)
        if expect is not None and status != expect:
            errors.append("%s %s as %s: expected %d, got %d %s" % (method, target, role, expect, status, raw[:300]))
        if 200 <= status < 300 and not isinstance(body, (str, bytes)):
            errors += self.contract.request_errors(method, path, body)
        self.failures += errors
        template, op = self.contract.operation(method, path)
        if op is not None and record and 200 <= status < 300:
            self.exercised.setdefault((template, method.lower()), (role, method, target, body))
        if content_type.startswith("application/json") and raw:
            try:
                return status, json.loads(raw)
            except ValueError:
                pass
        return status, raw.decode(errors="replace")


def wait_for(predicate, what, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def websocket_handshake(port):
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split(b" ", 2)[1])


# ---------------------------------------------------------------------------------------------
# Every operation, for real.

def exercise(server, port):
    c = server.call
    # Operations and the public routes.
    c(None, "GET", "/healthz", expect=200)
    c(None, "GET", "/readyz", expect=200)
    status, text = c(None, "GET", "/metrics", expect=200)
    assert "engine_sequence" in text, text[:200]
    c(None, "GET", "/api/v1/openapi.json", expect=200)
    status, _ = c(None, "GET", "/")
    assert status in (200, 404), status  # 404 when the dashboard was not built
    server.exercised.setdefault(("/", "get"), (None, "GET", "/", None))
    status, _ = c(None, "GET", "/api/v1/ws", expect=426)
    status = websocket_handshake(port)
    if status != 101 or "101" not in server.contract.doc["paths"]["/api/v1/ws"]["get"]["responses"]:
        server.failures.append("GET /api/v1/ws with Upgrade answered %d" % status)
    server.exercised[("/api/v1/ws", "get")] = (None, "GET", "/api/v1/ws", None)

    # Login, refresh, logout, me.
    for role in USERS:
        server.login(role)
    status, tokens = c(None, "POST", "/api/v1/auth/login", {"username": "trader", "password": "trader-demo"},
                       expect=200)
    c(None, "POST", "/api/v1/auth/login", {"username": "viewer", "password": "not-the-password"}, expect=401)
    c(None, "POST", "/api/v1/auth/login", {"username": "viewer"}, expect=400)
    status, renewed = c(None, "POST", "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, expect=200)
    c(None, "POST", "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, expect=401)
    c(None, "POST", "/api/v1/auth/logout", {"refresh_token": renewed["refresh_token"]}, expect=204)
    c(None, "POST", "/api/v1/auth/logout", {"token": "x"}, expect=400)
    status, me = c("viewer", "GET", "/api/v1/auth/me", expect=200)
    assert me["username"] == "viewer" and me["roles"] == ["viewer"], me

    # Users, second factors and API keys (admin).
    c("admin", "GET", "/api/v1/admin/users", expect=200)
    new_user = {"username": "openapi-user", "password": "openapi-password", "roles": ["trader"], "accounts": [1]}
    c("admin", "POST", "/api/v1/admin/users", new_user, expect=201)
    c("admin", "POST", "/api/v1/admin/users", new_user, expect=409)
    c("admin", "POST", "/api/v1/admin/users", dict(new_user, username="other", roles=["boss"]), expect=400)
    c("admin", "GET", "/api/v1/admin/users/openapi-user", expect=200)
    c("admin", "GET", "/api/v1/admin/users/nobody", expect=404)
    c("admin", "PATCH", "/api/v1/admin/users/openapi-user", {"accounts": [1, 2], "disabled": False}, expect=200)
    c("admin", "PATCH", "/api/v1/admin/users/openapi-user", {"roles": "trader"}, expect=400)
    c("admin", "PATCH", "/api/v1/admin/users/admin", {"roles": ["viewer"]}, expect=409)
    c("admin", "POST", "/api/v1/admin/users/openapi-user/mfa", expect=200)
    c("admin", "DELETE", "/api/v1/admin/users/openapi-user/mfa", expect=204)
    c("admin", "POST", "/api/v1/admin/users/nobody/mfa", expect=404)
    c("admin", "GET", "/api/v1/admin/api-keys", expect=200)
    status, key = c("admin", "POST", "/api/v1/admin/api-keys", {"username": "trader", "label": "openapi"},
                    expect=201)
    c("admin", "POST", "/api/v1/admin/api-keys", {"username": "nobody"}, expect=404)
    # The API-key security scheme: a signed request acts as the key's user.
    secret = base64.urlsafe_b64decode(key["secret"] + "=" * (-len(key["secret"]) % 4))
    stamp = str(int(time.time() * 1000))
    signature = hmac.new(secret, ("%s\nGET\n/api/v1/auth/me\n" % stamp).encode(), hashlib.sha256).hexdigest()
    status, me = c(None, "GET", "/api/v1/auth/me", expect=200, record=False,
                   headers={"X-API-Key": key["keyId"], "X-API-Timestamp": stamp, "X-API-Signature": signature})
    assert me["username"] == "trader", me
    c("admin", "DELETE", "/api/v1/admin/api-keys/" + key["keyId"], expect=204)
    c("admin", "DELETE", "/api/v1/admin/api-keys/" + key["keyId"], expect=404)

    # Reference and market data.
    status, listed = c("viewer", "GET", "/api/v1/instruments", expect=200)
    symbols = [i["symbol"] for i in listed["instruments"]]
    assert "AAPL" in symbols and "BTC/USD" in symbols, symbols
    quote = wait_for(lambda: (lambda r: r[1] if r[0] == 200 else None)(
        server.call("viewer", "GET", "/api/v1/market-data/quote/AAPL")), "a quote for AAPL")
    c("viewer", "GET", "/api/v1/market-data/quote/NOPE", expect=404)
    c("viewer", "GET", "/api/v1/market-data/quote/BTC%2FUSD")
    c("viewer", "GET", "/api/v1/market-data/book/AAPL?depth=5", expect=200)
    c("viewer", "GET", "/api/v1/market-data/book/AAPL?depth=0", expect=400)
    c("viewer", "GET", "/api/v1/market-data/book/NOPE", expect=404)
    c("viewer", "GET", "/api/v1/market-data/history/AAPL?interval=1s&limit=50", expect=200)
    c("viewer", "GET", "/api/v1/market-data/history/AAPL?interval=7q", expect=400)
    c("viewer", "GET", "/api/v1/market-data/history/AAPL?interval=1s&start=10000000000", expect=400)  # past 2262
    c("viewer", "GET", "/api/v1/market-data/history/NOPE", expect=404)

    # Orders: place (201, retry 200, rejected 422, invalid 400), read, replace, cancel.
    bid = quote.get("bid") or quote.get("last")
    low = "%.2f" % max(0.01, round(float(bid) * 0.5, 2))
    order = {"accountId": 1, "symbol": "AAPL", "side": "buy", "orderType": "limit", "timeInForce": "gtc",
             "quantity": "10", "price": low, "clientOrderId": "openapi-1"}
    status, report = c("trader", "POST", "/api/v1/orders", order, expect=201)
    order_id = report["orderId"]
    c("trader", "POST", "/api/v1/orders", order, expect=200)
    c("trader", "POST", "/api/v1/orders", dict(order, clientOrderId="openapi-big", quantity="100000000"), expect=422)
    c("trader", "POST", "/api/v1/orders", dict(order, price="1.001"), expect=400)
    c("trader", "POST", "/api/v1/orders", "{not json", expect=400)
    # A marketable order so that fills and positions exist.
    c("trader", "POST", "/api/v1/orders", {"accountId": 1, "symbol": "AAPL", "side": "buy", "orderType": "market",
                                           "quantity": "3", "clientOrderId": "openapi-mkt"}, expect=201)
    c("viewer", "GET", "/api/v1/orders/%d" % order_id, expect=200)
    c("viewer", "GET", "/api/v1/orders/999999999", expect=404)
    c("viewer", "GET", "/api/v1/orders?accountId=1&status=new&symbol=AAPL&limit=100", expect=200)
    c("viewer", "GET", "/api/v1/orders?colour=red", expect=400)
    c("trader", "GET", "/api/v1/orders?accountId=1000000", expect=403)
    replaced_price = "%.2f" % (float(low) - 0.01)
    c("trader", "PATCH", "/api/v1/orders/%d" % order_id, {"price": replaced_price, "quantity": "12"}, expect=200)
    c("trader", "PATCH", "/api/v1/orders/%d" % order_id, {"side": "sell"}, expect=400)
    c("trader", "PATCH", "/api/v1/orders/999999999", {"price": low}, expect=404)
    c("trader", "DELETE", "/api/v1/orders/%d" % order_id, expect=200)
    c("trader", "DELETE", "/api/v1/orders/%d" % order_id, expect=409)
    c("trader", "PATCH", "/api/v1/orders/%d" % order_id, {"price": low}, expect=409)
    wait_for(lambda: server.call("trader", "GET", "/api/v1/fills?accountId=1", record=False)[1]["fills"], "a fill")
    c("trader", "GET", "/api/v1/fills?accountId=1&symbol=AAPL&limit=10", expect=200)
    c("trader", "GET", "/api/v1/fills?limit=0", expect=400)
    c("trader", "POST", "/api/v1/orders", dict(order, clientOrderId="openapi-2"), expect=201)
    c("trader", "DELETE", "/api/v1/orders?accountId=1&symbol=AAPL", expect=200)
    c("trader", "DELETE", "/api/v1/orders", expect=400)

    # Portfolio, risk, kill switch, limits.
    status, portfolio = c("viewer", "GET", "/api/v1/portfolio/1", expect=200)
    assert portfolio["positions"], portfolio  # the market order filled
    c("admin", "GET", "/api/v1/portfolio/999", expect=404)
    c("viewer", "GET", "/api/v1/portfolio/1/risk", expect=200)
    c("admin", "GET", "/api/v1/portfolio/999/risk", expect=404)
    c("trader", "GET", "/api/v1/portfolio/1000000", expect=403)
    c("risk_officer", "POST", "/api/v1/risk/kill-switch", {"scope": "account", "accountId": 2}, expect=200)
    c("trader", "POST", "/api/v1/orders", dict(order, accountId=2, clientOrderId="openapi-ks"), expect=422)
    c("risk_officer", "POST", "/api/v1/risk/kill-switch", {"scope": "sideways"}, expect=400)
    c("risk_officer", "POST", "/api/v1/risk/kill-switch/reset", {"scope": "account", "accountId": 2}, expect=200)
    c("risk_officer", "POST", "/api/v1/risk/kill-switch/reset", {"scope": "account", "accountId": 2,
                                                                  "colour": "red"}, expect=400)
    c("risk_officer", "GET", "/api/v1/admin/risk-limits/1", expect=200)
    c("admin", "GET", "/api/v1/admin/risk-limits/999", expect=404)
    c("risk_officer", "PUT", "/api/v1/admin/risk-limits/2", {"limits": {"maxOpenOrders": 50}}, expect=200)
    c("risk_officer", "PUT", "/api/v1/admin/risk-limits/2", {"maxOpenOrders": 50}, expect=400)
    c("risk_officer", "GET", "/api/v1/admin/risk-limits/1000000", expect=403)

    # Analytics: a real price, then every documented command exists (an empty request is refused
    # by the command, not answered 404).
    status, priced = c("viewer", "POST", "/api/v1/analytics/price",
                       {"model": "bsm", "type": "call", "spot": 100, "strike": 100, "expiry": 1.0, "rate": 0.05,
                        "dividend": 0.02, "volatility": 0.2}, expect=200)
    assert abs(priced["price"] - 9.227005508154061) < 1e-9, priced
    command = server.contract.doc["paths"]["/api/v1/analytics/{command}"]["parameters"][0]["schema"]["enum"]
    for name in command:
        status, answer = c("viewer", "POST", "/api/v1/analytics/" + name, {})
        if status == 404:
            server.failures.append("documented analytics command %s answers 404" % name)
    status, answer = c("viewer", "POST", "/api/v1/analytics/astrology", {}, expect=404)
    listed = sorted(n.strip() for n in answer["message"].split("there are:")[1].split(","))
    if listed != sorted(command):
        server.failures.append("analytics commands: server %s, document %s" % (listed, sorted(command)))

    # Live strategies (one runs on account 2: --strategy in main()).
    status, listed = c("viewer", "GET", "/api/v1/strategies", expect=200)
    assert [s["id"] for s in listed["strategies"]] == ["trend"], listed
    c("viewer", "GET", "/api/v1/strategies/trend", expect=200)
    c("viewer", "GET", "/api/v1/strategies/nobody", expect=404)
    c("trader", "POST", "/api/v1/strategies/trend/stop", expect=200)
    c("trader", "POST", "/api/v1/strategies/trend/stop", expect=409)
    c("trader", "POST", "/api/v1/strategies/nobody/stop", expect=404)
    c("trader", "POST", "/api/v1/strategies/trend/start", expect=200)
    c("trader", "POST", "/api/v1/strategies/trend/start", expect=409)

    # A new instrument (admin): listed once accepted, the same symbol again refused, bad members named.
    c("admin", "POST", "/api/v1/admin/instruments", {"symbol": "OAPI.NEW", "assetClass": "equity", "currency": "USD",
                                                     "pricePrecision": 2, "tickSize": "0.05"}, expect=200)
    wait_for(lambda: any(i["symbol"] == "OAPI.NEW" for i in
                         server.call("viewer", "GET", "/api/v1/instruments", record=False)[1]["instruments"]),
             "the new instrument in the list")
    c("admin", "POST", "/api/v1/admin/instruments", {"symbol": "OAPI.NEW"}, expect=422)
    c("admin", "POST", "/api/v1/admin/instruments", {"symbol": "OAPI.BAD", "tickSize": "0.003"}, expect=400)
    # Its reference price (admin): on the tick, then an off-tick one named, an unknown symbol.
    c("admin", "PUT", "/api/v1/admin/instruments/OAPI.NEW/reference-price", {"referencePrice": "10.05"}, expect=200)
    c("admin", "PUT", "/api/v1/admin/instruments/OAPI.NEW/reference-price", {"referencePrice": "10.03"}, expect=400)
    c("admin", "PUT", "/api/v1/admin/instruments/NOPE/reference-price", {"referencePrice": "1.00"}, expect=404)
    # A future's final settlement (admin): listed, settled once, then refused; an equity and a
    # price with too many places refused naming it; the settled future reads as closed.
    c("admin", "POST", "/api/v1/admin/instruments", {"symbol": "OAPI.FUT", "assetClass": "future", "currency": "USD",
                                                     "pricePrecision": 2, "tickSize": "0.25", "multiplier": "50"},
      expect=200)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.FUT/settlement", {"at": 4102444800000000000}, expect=200)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.FUT/settlement", {"at": 0}, expect=400)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.FUT/settlement", {"price": "5004.00"}, expect=200)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.FUT/settlement", {"price": "5004.00"}, expect=422)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.NEW/settlement", {"price": "10.00"}, expect=422)
    c("admin", "POST", "/api/v1/admin/instruments/OAPI.FUT/settlement", {"price": "5004.001"}, expect=400)
    c("admin", "POST", "/api/v1/admin/instruments/NOPE/settlement", {"price": "1.00"}, expect=404)
    wait_for(lambda: any(i["symbol"] == "OAPI.FUT" and i["status"] == "closed" for i in
                         server.call("viewer", "GET", "/api/v1/instruments", record=False)[1]["instruments"]),
             "the settled future closed in the instrument list")

    # Instrument trading status (admin): halted, shown by the instrument list, the same change
    # again refused by the venue, a status FIX does not name refused at the edge, resumed.
    def status_of(symbol):
        listed = server.call("viewer", "GET", "/api/v1/instruments", record=False)[1]["instruments"]
        return next(i["status"] for i in listed if i["symbol"] == symbol)
    c("admin", "PUT", "/api/v1/admin/instruments/ETH%2FUSD/status", {"status": "halted"}, expect=200)
    wait_for(lambda: status_of("ETH/USD") == "halted", "ETH/USD halted in the instrument list")
    c("admin", "PUT", "/api/v1/admin/instruments/ETH%2FUSD/status", {"status": "halted"}, expect=422)
    c("admin", "PUT", "/api/v1/admin/instruments/ETH%2FUSD/status", {"status": "open"}, expect=400)
    c("admin", "PUT", "/api/v1/admin/instruments/NOPE/status", {"status": "halted"}, expect=404)
    c("admin", "PUT", "/api/v1/admin/instruments/ETH%2FUSD/status", {"status": "continuous"}, expect=200)
    wait_for(lambda: status_of("ETH/USD") == "continuous", "ETH/USD continuous again")

    # Admin user deletion last (the user is not needed any more).
    c("admin", "DELETE", "/api/v1/admin/users/openapi-user", expect=204)
    c("admin", "DELETE", "/api/v1/admin/users/openapi-user", expect=404)
    c("admin", "DELETE", "/api/v1/admin/users/admin", expect=409)


def check_every_operation_exercised(server):
    doc = server.contract.doc
    documented = {(t, m) for t, item in doc["paths"].items() for m in item if m in METHODS}
    missing = sorted(documented - set(server.exercised))
    if missing:
        server.failures.append("documented operations never answered with success: %s" % missing)


def check_security(server):
    """No credentials → 401 where the document asks for credentials (and not where it does not);
    a role outside x-roles → 403, a role in it anything but 403.

    The requests repeat each operation's first successful call on accounts every demo user is
    granted. Refused ones change nothing (credentials and roles are checked first); allowed ones
    may repeat an effect (a second kill switch, a cancel of a canceled order: 409), which later
    checks do not depend on."""
    for (template, method), (role, verb, target, body) in sorted(server.exercised.items()):
        op = server.contract.doc["paths"][template][method]
        if template in ("/api/v1/ws", "/"):
            continue  # checked above (handshake, dashboard)
        needs = server.contract.security(op) != []
        status, answer = server.call(None, verb, target, body, record=False)
        if needs and status != 401:
            server.failures.append("%s %s without credentials answered %d, not 401" % (verb, target, status))
        if not needs and status == 401 and isinstance(answer, dict) and answer.get("field") == "Authorization":
            server.failures.append("%s %s is documented as public but asks for credentials" % (verb, target))
        for other in USERS:
            status, _ = server.call(other, verb, target, body, record=False)
            allowed = other in op.get("x-roles", list(USERS))
            if allowed and status == 403:
                server.failures.append("%s %s as %s (in x-roles) answered 403" % (verb, target, other))
            if not allowed and status != 403:
                server.failures.append("%s %s as %s (not in x-roles) answered %d, not 403" % (verb, target, other,
                                                                                              status))


def check_reverse(server):
    """Requests the server answers must be documented; undocumented paths 404, methods 405."""
    known = [("GET", "/api/v1/orders?accountId=2"), ("GET", "/api/v1/market-data/book/MSFT"),
             ("GET", "/api/v1/market-data/quote/MSFT"), ("GET", "/api/v1/portfolio/2"),
             ("GET", "/api/v1/portfolio/2/risk"), ("GET", "/api/v1/fills"), ("GET", "/api/v1/admin/risk-limits/2"),
             ("GET", "/api/v1/admin/users/trader"), ("GET", "/api/v1/auth/me"), ("GET", "/api/v1/instruments"),
             ("GET", "/api/v1/market-data/history/MSFT"), ("GET", "/readyz"), ("GET", "/healthz"),
             ("GET", "/metrics"), ("GET", "/api/v1/openapi.json")]
    for verb, target in known:
        status, _ = server.call("admin", verb, target, record=False)
        if status == 404 or not 200 <= status < 300:
            server.failures.append("%s %s answered %d" % (verb, target, status))
    for target in ("/api/v1/nonexistent", "/api/v1/market-data/tape/AAPL", "/api/v1/portfolio/1/history",
                   "/api/v2/orders"):
        status, content_type, raw = server.raw("GET", target, headers=server.auth_headers("admin"))
        template, _ = server.contract.operation("GET", target)
        if status != 404 or template is not None:
            server.failures.append("undocumented %s answered %d (document: %s)" % (target, status, template))
    for verb, target in (("POST", "/api/v1/instruments"), ("PUT", "/api/v1/orders"), ("POST", "/healthz"),
                         ("DELETE", "/api/v1/fills"), ("POST", "/api/v1/openapi.json")):
        status, _, raw = server.raw(verb, target, headers=server.auth_headers("admin"))
        _, op = server.contract.operation(verb, target)
        if status != 405 or op is not None:
            server.failures.append("undocumented %s %s answered %d (documented: %s)" % (verb, target, status,
                                                                                      op is not None))


def check_validator_fails_on_wrong_documents(doc, samples):
    """Mutated documents must be caught, or the checks above prove nothing."""
    def errors_with(mutate, method, path, status, body):
        wrong = copy.deepcopy(doc)
        mutate(wrong["components"]["schemas"], wrong["paths"])
        return Contract(wrong).response_errors(method, path, status, "application/json", body)

    order, instruments = samples
    assert not Contract(doc).response_errors("POST", "/api/v1/orders", 201, "application/json", order)
    mutations = [
        (lambda s, p: s["ExecutionReport"]["properties"]["execType"]["enum"].remove("new"),
         "POST", "/api/v1/orders", 201, order),
        (lambda s, p: s["ExecutionReport"]["properties"].pop("clientOrderId"), "POST", "/api/v1/orders", 201, order),
        (lambda s, p: s["ExecutionReport"]["properties"].__setitem__("orderId", {"type": "string"}),
         "POST", "/api/v1/orders", 201, order),
        (lambda s, p: p["/api/v1/orders"]["post"]["responses"].pop("201"), "POST", "/api/v1/orders", 201, order),
        (lambda s, p: s["Instrument"]["required"].append("isin"), "GET", "/api/v1/instruments", 200, instruments),
        (lambda s, p: s["Instrument"]["properties"]["tickSize"].__setitem__("pattern", "^[0-9]+$"),
         "GET", "/api/v1/instruments", 200, instruments),
        (lambda s, p: p.pop("/api/v1/instruments"), "GET", "/api/v1/instruments", 200, instruments),
    ]
    for i, (mutate, method, path, status, body) in enumerate(mutations):
        assert errors_with(mutate, method, path, status, body), "mutation %d of the document went unnoticed" % i


def main():
    binary = sys.argv[1]
    port = free_port()
    with ServeRun("alphintra-openapi-") as run:
        run.proc = start_serve(binary, port, run.data_dir, run.log, ADMIN_PASSWORD,
                               ("--seed", "11", "--strategy",
                                "sma_cross:account=2,instruments=MSFT,bar=1s,fast=2,slow=3,quantity=1,id=trend"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/openapi.json")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.getheader("Content-Type").startswith("application/json"), resp.status
        doc = json.loads(resp.read())
        conn.close()
        check_structure(doc)
        contract = Contract(doc)
        server = Server(port, contract)
        exercise(server, port)
        check_every_operation_exercised(server)
        check_security(server)
        check_reverse(server)
        if server.failures:
            for failure in server.failures:
                print("FAIL:", failure)
            raise AssertionError("%d mismatches between the document and the server" % len(server.failures))
        order_status, _, order_raw = server.raw("POST", "/api/v1/orders", {
            "accountId": 1, "symbol": "MSFT", "side": "buy", "quantity": "1", "price": "1.00",
            "clientOrderId": "openapi-sample"}, server.auth_headers("trader"))
        assert order_status == 201, (order_status, order_raw)
        instruments = server.raw("GET", "/api/v1/instruments", headers=server.auth_headers("viewer"))[2]
        check_validator_fails_on_wrong_documents(doc, (order_raw, instruments))
        run.stop()
        operations = sum(1 for item in doc["paths"].values() for m in item if m in METHODS)
        print("serve openapi: ok (%d operations, %d schemas)" % (operations, len(doc["components"]["schemas"])))


if __name__ == "__main__":
    main()
