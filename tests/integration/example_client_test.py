#!/usr/bin/env python3
"""examples/alphintra_client.py end to end against a real `alphintra serve --demo-users`.

Runs the example as a user would and checks from its output that each step succeeded (login,
WebSocket authenticate and subscribe, quotes, order placed, replaced, canceled), then asks the
server itself whether the order it printed really ended canceled at the replaced price and
quantity. Also: a wrong password and an unreachable server end with exit status 1 and a clear
`error:` line. Standard library only. Usage: example_client_test.py ALPHINTRA
"""
import http.client
import json
import os
import re
import subprocess
import sys

from serve_harness import ServeRun, free_port, start_serve

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "alphintra_client.py")


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        return resp.status, (json.loads(text) if text else None)
    finally:
        conn.close()


def run_example(*args):
    result = subprocess.run([sys.executable, EXAMPLE] + list(args), capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def check_walkthrough(port):
    url = "http://127.0.0.1:%d" % port
    code, out, err = run_example("--url", url, "--user", "trader", "--password", "trader-demo", "--quotes", "3")
    assert code == 0, (code, out, err)
    lines = out.splitlines()
    assert lines[0].startswith("login: ok as trader (roles trader, accounts 1,2)"), out
    assert "stream: authenticated" in lines and "stream: subscribed to quotes of AAPL" in lines, out
    quotes = [line for line in lines if line.startswith("quote: AAPL ")]
    assert len(quotes) == 3, out
    assert all(re.match(r"^quote: AAPL bid (\d+\.\d{2}|-) x \S+ / ask (\d+\.\d{2}|-) x \S+ last \S+$", q)
               for q in quotes), quotes
    placed = re.search(r"^order placed: id (\d+) buy 10 AAPL @ (\d+\.\d{2}) status new$", out, re.M)
    assert placed, out
    order_id = int(placed.group(1))
    replaced = re.search(r"^order replaced: id %d now 20 @ (\d+\.\d{2}) \(execType replaced, status \w+\)$" % order_id,
                         out, re.M)
    assert replaced, out
    assert float(replaced.group(1)) < float(placed.group(2)), out  # 6 % below the market instead of 5 %
    assert re.search(r"^order canceled: id %d status canceled$" % order_id, out, re.M), out
    assert lines[-1] == "done", out

    # What the example printed is what the server holds.
    status, tokens = call(port, "POST", "/api/v1/auth/login", {"username": "trader", "password": "trader-demo"})
    assert status == 200, tokens
    status, order = call(port, "GET", "/api/v1/orders/%d" % order_id, token=tokens["access_token"])
    assert status == 200, order
    assert order["status"] == "canceled" and order["price"] == replaced.group(1), order
    assert order["quantity"] == "20" and order["account"] == 1 and order["symbol"] == "AAPL", order


def check_failures(port):
    code, out, err = run_example("--url", "http://127.0.0.1:%d" % port, "--user", "trader", "--password", "wrong")
    assert code == 1 and "error: POST /api/v1/auth/login answered 401 invalid_credentials" in err, (code, out, err)
    assert "order" not in out, out
    closed = free_port()  # nothing listens there
    code, out, err = run_example("--url", "http://127.0.0.1:%d" % closed, "--user", "trader", "--password", "x",
                                 "--timeout", "3")
    assert code == 1 and err.startswith("error: POST /api/v1/auth/login: cannot reach"), (code, out, err)


def main():
    binary = sys.argv[1]
    port = free_port()
    with ServeRun("alphintra-example-") as run:
        run.proc = start_serve(binary, port, run.data_dir, run.log, "example-admin-password")
        check_walkthrough(port)
        check_failures(port)
        run.stop()
        print("example client: ok")


if __name__ == "__main__":
    main()
