#!/usr/bin/env python3
"""`alphintra engine run` end to end over its JSON-lines protocol (docs/engine-protocol.md).

Checks that the process answers a valid session with the expected reports, answers every bad
line with an error naming the field while carrying on, survives a stop at end of input with
exit code 0, and that a second start recovers the state (safe retry of an order answers the
existing order instead of creating a new one). Standard library only.
Usage: engine_protocol_test.py ALPHINTRA
"""
import json
import shutil
import subprocess
import sys
import tempfile


def run(binary, data_dir, lines):
    text = "".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines)
    out = subprocess.run([binary, "engine", "run", "--data-dir", data_dir, "--durability", "none"],
                         input=text.encode(), capture_output=True, timeout=60)
    if out.returncode != 0:
        raise AssertionError("engine run exited %d: %s" % (out.returncode, out.stderr.decode()))
    return [json.loads(l) for l in out.stdout.decode().splitlines()]


def by_request(events, rid):
    return [e for e in events if e.get("requestId") == rid]


def main():
    binary = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="alphintra-protocol-")
    try:
        setup = [
            {"type": "define_instrument", "requestId": 1, "instrument": 1, "symbol": "AAPL", "currency": "USD",
             "assetClass": "equity", "pricePrecision": 2, "quantityPrecision": 0, "tickSize": "0.01",
             "lotSize": "1"},
            {"type": "open_account", "requestId": 2, "account": 7, "currency": "USD", "accountType": "cash"},
            {"type": "adjust_cash", "requestId": 3, "account": 7, "currency": "USD", "amount": "50000.00"},
            {"type": "set_account_limits", "requestId": 4, "account": 7, "maxOrderNotional": "20000.00"},
        ]
        bad = [
            "{not json",
            {"type": "new_order", "requestId": 10, "account": 7, "symbol": "AAPL", "side": "buy",
             "quantity": "10", "price": "150.001"},
            {"type": "new_order", "requestId": 11, "account": 7, "symbol": "MSFT", "side": "buy",
             "quantity": "10", "price": "150.00"},
            {"type": "new_order", "requestId": 12, "account": 7, "symbol": "AAPL", "side": "buy",
             "quantity": "-5", "price": "150.00"},
            {"type": "new_order", "requestId": 13, "account": 7, "symbol": "AAPL", "side": "buy",
             "quantity": "10", "price": "150.00", "colour": "red"},
            {"type": "new_order", "requestId": 14, "account": 99, "symbol": "AAPL", "side": "buy",
             "quantity": "10", "price": "150.00"},
        ]
        good = [
            {"type": "new_order", "requestId": 20, "account": 7, "symbol": "AAPL", "clientOrderId": "x1",
             "side": "buy", "quantity": "10", "price": "150.00"},
            {"type": "new_order", "requestId": 21, "account": 7, "symbol": "AAPL", "clientOrderId": "x2",
             "side": "buy", "quantity": "1000", "price": "150.00"},
        ]
        events = run(binary, data_dir, setup + bad + good)
        for rid in (1, 2, 3, 4):
            res = by_request(events, rid)
            assert res and res[-1]["event"] == "command_result" and res[-1]["accepted"], (rid, res)
        errors = [e for e in events if e["event"] == "error"]
        expected_fields = ["", "price", "symbol", "quantity", "colour", "account"]
        assert [e["field"] for e in errors] == expected_fields, errors
        assert all(e["message"] for e in errors), errors
        ack = by_request(events, 20)
        assert ack and ack[0]["execType"] == "new" and ack[0]["status"] == "new", ack
        rejected = by_request(events, 21)
        assert rejected and rejected[0]["status"] == "rejected", rejected
        reason = rejected[0]["reason"]
        assert reason["source"] == "risk" and reason["code"] == "max_order_notional", reason
        assert reason["limit"] == "20000.00" and reason["value"] == "150000.00", reason

        # Restart: the order is still there; resending it is a safe retry.
        again = run(binary, data_dir, [good[0] | {"requestId": 30}])
        retry = by_request(again, 30)
        assert retry and retry[0]["execType"] == "order_status" and retry[0]["orderId"] == ack[0]["orderId"], retry
        print("ok: %d events, %d errors named their field, restart answered the retry" % (len(events), len(errors)))
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
