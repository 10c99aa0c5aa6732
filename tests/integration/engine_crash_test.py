#!/usr/bin/env python3
"""Crash test: `alphintra engine run` killed with SIGKILL at random points, restarted each time.

Each round starts the engine on the same data directory, streams a burst of random orders,
cancels and replaces (JSON lines) while reading the acknowledgements it prints, and kills it
with SIGKILL after a random delay, usually mid-burst. After every kill:

  * every order the engine acknowledged (an execution report answering its new_order request)
    must be present after recovery with the same account, side, price and quantity, with at
    least the cumulative quantity last reported, and with exactly the terminal status when the
    last report was terminal (filled, canceled, rejected, expired);
  * the state recovered from the newest snapshot plus the journal must hash equal to the state
    rebuilt by replaying the whole journal from the first record (`engine inspect --no-snapshot`).

Only the Python standard library is used. Usage: engine_crash_test.py ALPHINTRA [ROUNDS] [SEED]
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

TERMINAL = {"filled", "canceled", "rejected", "expired"}
STATUS_RANK = {"pending_new": 0, "new": 1, "partially_filled": 2}


def setup_lines():
    lines = []
    for iid, sym in ((1, "AAA"), (2, "BBB")):
        lines.append({"type": "define_instrument", "instrument": iid, "symbol": sym, "currency": "USD",
                      "assetClass": "equity", "pricePrecision": 2, "quantityPrecision": 0,
                      "tickSize": "0.01", "lotSize": "1"})
    for acct in range(1, 5):
        lines.append({"type": "open_account", "account": acct, "currency": "USD", "accountType": "margin",
                      "makerFeePpm": -20, "takerFeePpm": 30})
        lines.append({"type": "adjust_cash", "account": acct, "currency": "USD", "amount": "10000000.00"})
    return lines


class Round:
    def __init__(self, binary, data_dir, snapshot_every):
        self.proc = subprocess.Popen(
            [binary, "engine", "run", "--data-dir", data_dir, "--snapshot-every", str(snapshot_every)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.events = []
        self.stderr = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        self.err_reader.start()
        # Recovery runs before the engine reads stdin; it says so on stderr when it is done.
        if not self.ready.wait(timeout=60):
            self.proc.kill()
            raise AssertionError("engine did not become ready: " + "".join(self.stderr))

    def _read(self):
        for raw in self.proc.stdout:
            try:
                self.events.append(json.loads(raw))
            except ValueError:
                self.events.append({"event": "unparsable", "raw": raw.decode(errors="replace")})

    def _read_err(self):
        for raw in self.proc.stderr:
            line = raw.decode(errors="replace")
            self.stderr.append(line)
            if line.startswith("engine ready"):
                self.ready.set()

    def send(self, obj):
        try:
            self.proc.stdin.write((json.dumps(obj) + "\n").encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(timeout=10)
        self.err_reader.join(timeout=10)
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass


def inspect(binary, data_dir, no_snapshot=False, orders=False):
    cmd = [binary, "engine", "inspect", "--data-dir", data_dir]
    if no_snapshot:
        cmd.append("--no-snapshot")
    if orders:
        cmd.append("--orders")
    out = subprocess.run(cmd, capture_output=True, timeout=120)
    if out.returncode != 0:
        raise AssertionError("inspect failed: " + out.stderr.decode())
    return json.loads(out.stdout)


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261126
    rng = random.Random(seed)
    data_dir = tempfile.mkdtemp(prefix="alphintra-crash-")
    acked = {}        # clientOrderId -> request (account, side, price, quantity)
    last_report = {}  # clientOrderId -> last execution report seen
    request_of = {}   # requestId -> clientOrderId of a new_order
    next_request = 1
    kills_mid_burst = 0  # kills while the client was still streaming its burst
    kills_losing_commands = 0  # kills after which some sent commands had not been journaled
    sent_total = 0
    lost_before = 0
    total_acked_before = 0
    try:
        for r in range(rounds):
            rnd = Round(binary, data_dir, snapshot_every=rng.choice([50, 150, 400]))
            if r == 0:
                sent_total = 0
                for line in setup_lines():
                    line["requestId"] = next_request
                    next_request += 1
                    rnd.send(line)
                # The setup is not part of the scenario: wait until all of it is acknowledged.
                deadline = time.monotonic() + 30
                while sum(1 for e in rnd.events if e.get("event") == "command_result") < len(setup_lines()):
                    if time.monotonic() > deadline:
                        raise AssertionError("setup not acknowledged: %r" % rnd.events)
                    time.sleep(0.01)
            burst = rng.randint(200, 900)
            kill_after = rng.uniform(0.0, 0.04)
            start = time.monotonic()
            sent = 0
            own = list(acked.keys())
            for i in range(burst):
                roll = rng.random()
                if roll < 0.65 or not own:
                    cid = "r%d-%d" % (r, i)
                    obj = {"type": "new_order", "requestId": next_request, "account": rng.randint(1, 4),
                           "symbol": rng.choice(["AAA", "BBB"]), "clientOrderId": cid,
                           "side": rng.choice(["buy", "sell"]), "quantity": str(rng.randint(1, 50) * 10),
                           "price": "%.2f" % (100 + rng.randint(-15, 15) / 100.0)}
                    if rng.random() < 0.1:
                        obj["timeInForce"] = "ioc"
                    request_of[next_request] = (cid, obj)
                    own.append(cid)
                elif roll < 0.85:
                    cid = rng.choice(own)
                    req = acked.get(cid) or next((o for (c, o) in request_of.values() if c == cid), None)
                    obj = {"type": "cancel_order", "requestId": next_request, "account": req["account"],
                           "origClientOrderId": cid}
                else:
                    cid = rng.choice(own)
                    req = acked.get(cid) or next((o for (c, o) in request_of.values() if c == cid), None)
                    obj = {"type": "replace_order", "requestId": next_request, "account": req["account"],
                           "symbol": req["symbol"], "origClientOrderId": cid,
                           "quantity": str(rng.randint(1, 60) * 10)}
                next_request += 1
                if not rnd.send(obj):
                    break
                sent += 1
                sent_total += 1
                if i % 25 == 24:
                    time.sleep(0.002)  # a client streaming, not one big write: kills land mid-stream
                if time.monotonic() - start > kill_after:
                    break
            if sent == burst:
                time.sleep(rng.uniform(0.0, 0.02))  # sometimes the engine has caught up, sometimes not
            rnd.kill()

            # What the engine acknowledged before dying.
            for ev in rnd.events:
                if ev.get("event") == "unparsable":
                    raise AssertionError("round %d: unparsable output line %r" % (r, ev["raw"]))
                if ev.get("event") != "execution_report":
                    continue
                rid = ev.get("requestId")
                if rid in request_of and ev.get("clientOrderId") == request_of[rid][0]:
                    cid, obj = request_of[rid]
                    acked.setdefault(cid, obj)
                cid = ev.get("clientOrderId")
                first = None
                for c in (cid, ev.get("origClientOrderId")):
                    if c in acked:
                        first = c
                if first is not None:
                    prev = last_report.get(first)
                    if prev is None or ev["execId"] > prev["execId"]:
                        last_report[first] = ev

            # Recovery: acknowledged orders are all there, and snapshot + journal = full replay.
            state = inspect(binary, data_dir, orders=True)
            full = inspect(binary, data_dir, no_snapshot=True)
            if state["stateHash"] != full["stateHash"]:
                raise AssertionError("round %d: snapshot recovery hash %s != full replay hash %s"
                                     % (r, state["stateHash"], full["stateHash"]))
            if state["lastSequence"] != full["lastSequence"]:
                raise AssertionError("round %d: recovered sequences differ" % r)
            lost = sent_total + len(setup_lines()) - state["lastSequence"]  # sent, never journaled
            if lost > lost_before:
                kills_losing_commands += 1
            lost_before = lost
            if sent < burst:
                kills_mid_burst += 1
            by_first = {o["firstClientOrderId"]: o for o in state["orders"]}
            for cid, req in acked.items():
                o = by_first.get(cid)
                if o is None:
                    raise AssertionError("round %d: acknowledged order %s lost after kill -9" % (r, cid))
                if (o["account"], o["side"], o["symbol"]) != (req["account"], req["side"], req["symbol"]):
                    raise AssertionError("round %d: order %s changed identity: %r vs %r" % (r, cid, o, req))
                rep = last_report.get(cid)
                if rep is None:
                    continue
                if int(o["cumQuantity"]) < int(rep["cumQuantity"]):
                    raise AssertionError("round %d: order %s lost fills: %s < %s" % (r, cid, o["cumQuantity"],
                                                                                     rep["cumQuantity"]))
                if rep["status"] in TERMINAL and o["status"] != rep["status"]:
                    raise AssertionError("round %d: order %s was %s, recovered %s" % (r, cid, rep["status"],
                                                                                    o["status"]))
                if rep["status"] not in TERMINAL and rep["status"] != "done_for_day" and o["status"] in STATUS_RANK \
                        and STATUS_RANK[o["status"]] < STATUS_RANK.get(rep["status"], 0):
                    raise AssertionError("round %d: order %s went back from %s to %s" % (r, cid, rep["status"],
                                                                                       o["status"]))
            print("round %2d: sent %4d/%4d, acked %5d orders in total, recovered to sequence %6d (snapshot %6d)"
                  % (r, sent, burst, len(acked), state["lastSequence"], state["snapshotSequence"]), flush=True)
            total_acked_before = len(acked)
        if rounds >= 20 and kills_mid_burst < rounds // 3:
            raise AssertionError("only %d of %d kills landed mid-burst" % (kills_mid_burst, rounds))
        if total_acked_before == 0:
            raise AssertionError("no order was ever acknowledged")
        print("ok: %d kills (%d mid-burst, %d losing unacknowledged commands), %d acknowledged orders all recovered"
              % (rounds, kills_mid_burst, kills_losing_commands, len(acked)))
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
