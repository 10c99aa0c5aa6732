#!/usr/bin/env python3
"""The FIX 4.4 acceptor of `alphintra serve` against QuickFIX and against raw sockets (docs/fix.md).

QuickFIX (two initiators, accounts 1 and 2): logon (one with a password), an order acknowledged,
a fill of two crossing orders reported to both sides, cancel, replace, status, mass cancel,
rejects (unknown symbol, missing tag, unknown order), a dropped link with the reports missed
meanwhile resent (PossDupFlag=Y), a gap we make on purpose filled by QuickFIX's gap fill, and
restarts of serve (SIGTERM, then SIGKILL) mid-session with sequence numbers continuing.
A raw drop-copy session gets both accounts' reports and may not order.
Raw socket: the session-level acceptance cases — heartbeat/test request, garbled messages
ignored, session Rejects with RefTagID and SessionRejectReason, sequence gap → ResendRequest,
gap fill, sequence reset, PossDup duplicates, repeating groups (parties, allocations),
too-low MsgSeqNum → Logout, resend with gap fill,
SendingTime accuracy, heartbeat timeout; the server still serves afterwards. A second serve with
--fix-schedule: Logout at the end of the hours, Logon refused until the next period, which starts
again at MsgSeqNum 1.
Standard library only. Usage: fix_quickfix_test.py ALPHINTRA QUICKFIX_CLIENT
"""
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zoneinfo

SOH = "\x01"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def now_fix(offset_seconds=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y%m%d-%H:%M:%S.") + "%03d" % (t.microsecond // 1000)


class Serve:
    def __init__(self, binary, data_dir, fix_port, log_path, extra=()):
        self.binary, self.data_dir, self.fix_port, self.log_path = binary, data_dir, fix_port, log_path
        self.extra = list(extra)
        self.proc = None

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", "0", "--data-dir", self.data_dir, "--no-simulator", "--durability",
             "none", "--fix-port", str(self.fix_port), "--fix-session", "CLIENT1:ALPHA:1",
             "--fix-session", "CLIENT2:ALPHA:2:secret", "--fix-session", "RAW:ALPHA:1",
             "--fix-drop-copy", "DROP:ALPHA", "--fix-drop-copy", "DROP2:ALPHA",
             "--fix-drop-copy-accounts", "DROP2:ALPHA=2", "--fix-session", "CLIENT3:ALPHA:1",
             "--fix-reset", "CLIENT3:ALPHA=logout"] + self.extra,
            stdout=log, stderr=log)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("serve exited early with %d (see %s)" % (self.proc.returncode, self.log_path))
            text = open(self.log_path).read()
            if text.count("serve: ready") > getattr(self, "readies", 0):
                self.readies = text.count("serve: ready")
                assert "FIX listening on 127.0.0.1:%d" % self.fix_port in text, "no FIX listening line"
                return
            time.sleep(0.05)
        raise AssertionError("serve did not become ready")

    def http_port(self):
        text = open(self.log_path).read()
        return int(re.findall(r"listening on http://127\.0\.0\.1:(\d+)", text)[-1])

    def wait_stored(self, session, *parts, seconds=10):
        """Waits until a message holding every one of `parts` is in the session's store of sent
        messages (data/fix/SESSION/messages, written before the socket is)."""
        path = os.path.join(self.data_dir, "fix", session, "messages")
        deadline = time.time() + seconds
        while time.time() < deadline:
            if os.path.exists(path):
                with open(path, "rb") as f:
                    frames = f.read().decode("latin-1").split("8=FIX.4.4\x01")
                if any(all(p in frame for p in parts) for frame in frames):
                    return
            time.sleep(0.02)
        raise AssertionError("%s: no stored message with %s within %d s" % (session, parts, seconds))

    def stop(self, sig=signal.SIGTERM):
        os.kill(self.proc.pid, sig)
        code = self.proc.wait(timeout=20)
        if sig == signal.SIGTERM:
            assert code == 0, "serve exited with %d after SIGTERM" % code


class Client:
    """The QuickFIX initiator program, driven line by line."""

    def __init__(self, binary, port, sender, store, password=None, reset_on_logout=False):
        args = [binary, str(port), sender, "ALPHA", store] + ([password] if password else [])
        env = dict(os.environ, QF_RESET_ON_LOGOUT="Y" if reset_on_logout else "N")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     env=env)
        self.name = sender

    def call(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = []
        while True:
            got = self.proc.stdout.readline()
            if not got:
                raise AssertionError("%s: the QuickFIX client exited" % self.name)
            got = got.rstrip("\n")
            if got == "DONE":
                return out
            out.append(got)

    def logon(self):
        self.call("start")
        assert self.call("loggedon 10") == ["LOGGEDON"], "%s did not log on" % self.name

    def send(self, msg_type, **fields):
        text = " ".join("%s=%s" % (k.lstrip("t"), v) for k, v in fields.items())
        assert self.call("send %s %s" % (msg_type, text)) == ["SENT"], "%s could not send %s" % (self.name, msg_type)

    def expect(self, what, seconds=5, **fields):
        conditions = " ".join("%s=%s" % (k.lstrip("t"), v) for k, v in fields.items())
        got = self.call("wait %s %s" % (seconds, conditions))
        assert got and got[0].startswith("MATCH "), "%s: %s: no message with %s" % (self.name, what, conditions)
        return dict(f.split("=", 1) for f in got[0][6:].split("|") if "=" in f)

    def seq(self):
        got = self.call("seq")
        _, sender, target = got[0].split()
        return int(sender), int(target)

    def close(self):
        try:
            self.call("kill")
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def order(client, clordid, side, qty, price, symbol="AAPL"):
    client.send("D", t11=clordid, t55=symbol, t54=side, t38=qty, t40=2, t44=price, t59=1, t60=now_fix())


# ---- raw socket ----

class Raw:
    def __init__(self, port, sender="RAW", buffer_bytes=None):
        self.sock = socket.socket()
        if buffer_bytes:  # small socket buffers: set before connecting, so the window follows
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffer_bytes)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffer_bytes)
        self.sock.settimeout(5)
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""
        self.sender = sender
        self.seq = 1

    def frame(self, msg_type, fields, seq=None, checksum_delta=0, length_delta=0, header=None):
        seq = self.seq if seq is None else seq
        head = header if header is not None else [(49, self.sender), (56, "ALPHA"), (34, seq), (52, now_fix())]
        body = "35=%s%s" % (msg_type, SOH) + "".join("%s=%s%s" % (t, v, SOH) for t, v in head + list(fields))
        text = "8=FIX.4.4%s9=%d%s%s" % (SOH, len(body) + length_delta, SOH, body)
        total = (sum(text.encode()) + checksum_delta) % 256
        return (text + "10=%03d%s" % (total, SOH)).encode()

    def send(self, msg_type, fields=(), advance=True, **kw):
        self.sock.sendall(self.frame(msg_type, fields, **kw))
        if advance and "seq" not in kw:
            self.seq += 1

    def recv(self, timeout=5):
        """The next message as a list of (tag, value); None when the peer closed."""
        deadline = time.time() + timeout
        while True:
            end = self.buf.find(b"\x0110=")
            if end >= 0 and len(self.buf) >= end + 8:
                raw, self.buf = self.buf[:end + 8], self.buf[end + 8:]
                return [tuple(f.split("=", 1)) for f in raw.decode().split(SOH) if f]
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no message within %s s" % timeout)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise AssertionError("no message within %s s" % timeout)
            if not data:
                return None
            self.buf += data

    def expect(self, what, timeout=5, **fields):
        m = self.recv(timeout)
        assert m is not None, "%s: connection closed" % what
        d = dict(m)
        for k, v in fields.items():
            assert d.get(k.lstrip("t")) == str(v), "%s: expected %s=%s in %s" % (what, k.lstrip("t"), v, d)
        return d

    def silent(self, seconds=0.3):
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        self.buf += data
        return not data and False

    def close(self):
        self.sock.close()


def raw_session_tests(port):
    r = Raw(port)
    r.send("A", [(98, 0), (108, 30), (141, "Y")])
    d = r.expect("logon", t35="A", t141="Y")
    assert d["34"] == "1"
    r.send("1", [(112, "T1")])
    r.expect("test request", t35="0", t112="T1")
    # Garbled: wrong checksum, wrong body length → ignored, the sequence number does not move.
    r.sock.sendall(r.frame("1", [(112, "BAD")], checksum_delta=1))
    r.sock.sendall(r.frame("1", [(112, "BAD2")], length_delta=3))
    r.send("1", [(112, "T2")])
    r.expect("after garbled", t35="0", t112="T2")
    # Session Rejects: missing tag, wrong format, value out of range, unknown MsgType, bad tag, duplicate.
    base = [(11, "R1"), (55, "AAPL"), (54, 1), (60, now_fix()), (40, 2), (44, "100.00")]
    r.send("D", base)
    r.expect("missing OrderQty", t35="3", t45=r.seq - 1, t371=38, t373=1, t372="D")
    r.send("D", base + [(38, "ten")])
    r.expect("format", t35="3", t371=38, t373=6)
    r.send("D", [(11, "R2"), (55, "AAPL"), (54, "X"), (60, now_fix()), (40, 2), (44, "100.00"), (38, 1)])
    r.expect("side out of range", t35="3", t371=54, t373=5)
    r.send("ZZ", [(1, 1)])
    r.expect("unknown MsgType", t35="3", t371=35, t373=11)
    r.send("1", [(112, "T3"), ("x1", 5)])
    r.expect("invalid tag", t35="3", t373=0)
    r.send("1", [(112, "T4"), (112, "T5")])
    r.expect("duplicate tag", t35="3", t371=112, t373=13)
    r.send("1", [(112, "")])
    r.expect("tag without value", t35="3", t371=112, t373=4)
    # Business level: unknown symbol → ExecutionReport rejected; unsupported message → BusinessMessageReject.
    r.send("D", [(11, "R3"), (55, "NOPE"), (54, 1), (60, now_fix()), (40, 2), (44, "1.00"), (38, 1)])
    r.expect("unknown symbol", t35="8", t39=8, t150=8, t103=1)
    r.send("R", [(131, "Q1")])
    r.expect("unsupported", t35="j", t380=3)
    # Repeating groups: an order with two parties (one with sub-ids) and two pre-allocations is
    # taken; a party count that is not the number of entries is a session Reject (373=16).
    parties = [(453, 2), (448, "DESK1"), (447, "D"), (452, 3), (802, 1), (523, "S1"), (803, 1),
               (448, "TRADER7"), (447, "D"), (452, 11)]
    allocs = [(78, 2), (79, "SUB1"), (80, 1), (79, "SUB2"), (80, 1)]
    r.send("D", [(11, "R4")] + parties + allocs + [(55, "AAPL"), (54, 1), (60, now_fix()), (40, 2),
                                                   (44, "1.00"), (38, 2), (59, 1)])
    r.expect("order with parties", t35="8", t11="R4", t150=0, t39=0)
    r.send("D", [(11, "R5"), (453, 3), (448, "DESK1"), (452, 3), (55, "AAPL"), (54, 1), (60, now_fix()),
                 (40, 2), (44, "1.00"), (38, 1)])
    r.expect("party count", t35="3", t371=453, t373=16)
    # A gap: ResendRequest from the expected number; a gap fill closes it.
    expected = r.seq
    r.send("1", [(112, "GAP")], seq=expected + 5)
    r.expect("resend request", t35="2", t7=expected, t16=0)
    r.send("4", [(123, "Y"), (36, expected + 6), (43, "Y"), (122, now_fix())], seq=expected)
    r.seq = expected + 6
    r.send("1", [(112, "T6")])
    r.expect("after gap fill", t35="0", t112="T6")
    # SequenceReset-Reset moves the expected number on.
    r.send("4", [(36, 200)], seq=1)
    r.seq = 200
    r.send("1", [(112, "T7")])
    r.expect("after reset", t35="0", t112="T7")
    # A duplicate with PossDupFlag=Y is ignored; without it a too-low number logs out.
    r.send("1", [(112, "DUP"), (43, "Y"), (122, now_fix(-1))], seq=150)
    assert r.silent(0.3), "a PossDup duplicate was answered"
    # Our resend: session messages gap-filled, application messages again with PossDupFlag=Y.
    r.send("2", [(7, 1), (16, 0)])
    resent = []
    while True:
        try:
            m = r.recv(timeout=0.7)
        except AssertionError:
            break
        assert m is not None, "closed during the resend"
        resent.append(dict(m))
    for m in resent:
        if m["35"] == "8":
            assert "122" in m, "resent report without OrigSendingTime: %s" % m
    assert resent and resent[0]["34"] == "1" and resent[0]["35"] == "4" and resent[0].get("123") == "Y", resent[:1]
    assert resent[-1]["35"] == "4" and resent[-1].get("123") == "Y", "session messages at the end are gap-filled"
    assert any(m["35"] == "8" for m in resent), "the rejected order's report was not resent"
    assert all(m.get("43") == "Y" for m in resent), "resent messages need PossDupFlag=Y"
    # SendingTime far off: Reject 10 then Logout.
    r.send("1", [(112, "T8")], header=[(49, "RAW"), (56, "ALPHA"), (34, r.seq), (52, now_fix(-3600))])
    r.seq += 1
    r.expect("sending time", t35="3", t373=10)
    r.expect("logout", t35="5")
    assert r.recv() is None, "the connection should close"
    r.close()

    # Too low a number without PossDup: Logout.
    r = Raw(port)
    r.send("A", [(98, 0), (108, 30)], seq=1)
    r.expect("logout on low seq", t35="5")
    r.close()

    # Wrong CompID after logon; heartbeat timeout (HeartBtInt 1: a TestRequest, then Logout).
    r = Raw(port)
    r.send("A", [(98, 0), (108, 1), (141, "Y")])
    r.expect("logon", t35="A")
    d = r.expect("test request on silence", timeout=4)
    while d["35"] == "0":
        d = r.expect("test request on silence", timeout=4)
    assert d["35"] == "1", d
    d = r.expect("heartbeat timeout", timeout=5)
    while d["35"] == "0":
        d = r.expect("heartbeat timeout", timeout=5)
    assert d["35"] == "5", d
    r.close()

    r = Raw(port)
    r.send("A", [(98, 0), (108, 30), (141, "Y")])
    r.expect("logon", t35="A")
    r.send("1", [(112, "C")], header=[(49, "RAW"), (56, "OTHER"), (34, r.seq), (52, now_fix())])
    r.expect("compid", t35="3", t373=9)
    r.expect("compid logout", t35="5")
    r.close()

    # An unknown session, and a second connection for a connected session, are closed.
    r = Raw(port, sender="NOBODY")
    r.send("A", [(98, 0), (108, 30)], seq=1)
    assert r.recv() is None, "an unknown session should be disconnected"
    r.close()
    r = Raw(port, sender="CLIENT2")
    r.send("A", [(98, 0), (108, 30), (554, "secret")], seq=1)
    assert r.recv() is None, "a second connection of a connected session should be disconnected"
    r.close()


def slow_reader_test(port, orders=300000):
    """A client that sends orders without reading its answers: the gateway stops reading from it
    once about 1 MiB of answers waits (its memory stays bounded, TCP's flow control holds the
    sender back), and every order is answered once the client reads."""
    r = Raw(port, buffer_bytes=65536)
    r.send("A", [(98, 0), (108, 30), (141, "Y")])
    r.expect("logon", t35="A")
    stamp = now_fix()
    payload = b"".join(
        r.frame("D", [(11, "S%d" % i), (55, "AAPL"), (54, 1), (60, stamp), (40, 2), (44, "1.00"), (38, 1), (59, 1)],
                seq=r.seq + i) for i in range(orders))
    r.seq += orders
    progress = [0]
    stop = threading.Event()

    def pump():
        view = memoryview(payload)
        while progress[0] < len(view) and not stop.is_set():
            try:
                progress[0] += r.sock.send(view[progress[0]:progress[0] + 65536])
            except (socket.timeout, BlockingIOError):
                continue

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    try:
        time.sleep(3)
        held = progress[0]
        assert held < len(payload), "the gateway read all %d bytes from a client that read nothing" % len(payload)
        answered = 0
        while answered < orders:
            m = r.recv(timeout=30)
            assert m is not None, "closed after %d of %d answers" % (answered, orders)
            d = dict(m)
            if d.get("35") == "8" and d.get("11", "").startswith("S"):
                answered += 1
        sender.join(timeout=30)
        assert progress[0] == len(payload), "the rest of the orders was not taken once the client read"
        print("fix_quickfix: slow reader held at %d of %d bytes, then all %d orders answered" %
              (held, len(payload), orders))
    finally:
        stop.set()
        r.close()


def schedule_test(binary, tmp):
    """--fix-schedule: a Logon inside the hours, a Logout at their end, a Logon between the end and
    the next period refused, and the next period starting again at MsgSeqNum 1."""
    bad = subprocess.run([binary, "serve", "--port", "0", "--data-dir", os.path.join(tmp, "bad"), "--no-simulator",
                          "--fix-port", "0", "--fix-session", "RAW:ALPHA:1", "--fix-schedule", "25:00-01:00"],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "fix-schedule" in bad.stdout + bad.stderr, (bad.returncode, bad.stderr)

    # Hours that end 12 s from now; the next period begins 3 s later (a day of 23:59:57), given on
    # New York's clock (the system's tz database, as serve reads it).
    base = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    end, start = base + datetime.timedelta(seconds=12), base + datetime.timedelta(seconds=15)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    spec = "%s-%s America/New_York" % (start.astimezone(new_york).strftime("%H:%M:%S"),
                                       end.astimezone(new_york).strftime("%H:%M:%S"))
    port = free_port()
    log_path = os.path.join(tmp, "schedule.log")
    # The hours of one session (RAW); the others stay always open.
    serve = Serve(binary, os.path.join(tmp, "schedule"), port, log_path,
                  extra=["--fix-schedule", "RAW:ALPHA=" + spec])
    serve.start()
    started = open(log_path).read()
    assert "fix RAW-ALPHA: account 1, hours %s" % spec in started, started[-2000:]
    assert "fix CLIENT1-ALPHA: account 1, always open" in started, started[-2000:]
    try:
        r = Raw(port)
        r.send("A", [(98, 0), (108, 30)])
        r.expect("logon inside the hours", t35="A", t34=1)
        r.send("0")
        left = (end - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        assert left > 1, "serve took too long to start for the schedule test"
        r.expect("logout at the end of the hours", timeout=left + 5, t35=5, t58="end of the session's hours")
        r.send("5")
        assert r.recv() is None, "the connection stays open after the Logout exchange"
        r.close()

        early = Raw(port)
        early.seq = 4
        early.send("A", [(98, 0), (108, 30)])
        d = early.expect("logon between periods", t35=5)
        assert "outside the session's hours (%s)" % spec in d["58"], d
        early.close()

        time.sleep(max(0.0, (start - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 0.5)
        late = Raw(port)
        late.send("A", [(98, 0), (108, 30)])
        late.expect("logon in the next period, numbers reset", t35="A", t34=1)
        late.close()
        assert "sequence numbers reset to 1" in open(log_path).read()
    finally:
        serve.stop(signal.SIGTERM)


def main():
    binary, client_binary = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="alphintra-fix-")
    fix_port = free_port()
    log_path = os.path.join(tmp, "serve.log")
    serve = Serve(binary, os.path.join(tmp, "data"), fix_port, log_path)
    clients = []
    ok = False
    try:
        serve.start()
        a = Client(client_binary, fix_port, "CLIENT1", os.path.join(tmp, "qf1"))
        b = Client(client_binary, fix_port, "CLIENT2", os.path.join(tmp, "qf2"), password="secret")
        clients += [a, b]
        a.logon()
        b.logon()
        drop = Raw(fix_port, sender="DROP")
        drop.send("A", [(98, 0), (108, 30)])
        drop.expect("drop copy logon", t35="A")
        drop2 = Raw(fix_port, sender="DROP2")  # a drop copy of account 2 only
        drop2.send("A", [(98, 0), (108, 30)])
        drop2.expect("account 2's drop copy logon", t35="A")

        # An order, a crossing order, the fill on both sides.
        order(a, "A1", 1, 10, "100.00")
        d = a.expect("new", t35=8, t11="A1", t150=0, t39=0)
        assert d["1"] == "1" and d["55"] == "AAPL" and d["151"] == "10", d
        order(b, "B1", 2, 10, "100.00")
        b.expect("aggressor filled", t35=8, t11="B1", t150="F", t39=2, t32=10, t31="100.00")
        a.expect("resting filled", t35=8, t11="A1", t150="F", t39=2, t14=10, t151=0)
        # The drop copy saw both accounts' reports, and takes no orders.
        wanted = {("A1", "0", "1"), ("A1", "F", "1"), ("B1", "F", "2")}
        while wanted:
            d = drop.expect("drop copy report", t35=8)
            wanted.discard((d.get("11"), d.get("150"), d.get("1")))
        drop.send("D", [(11, "X1"), (55, "AAPL"), (54, 1), (60, now_fix()), (40, 2), (44, "1.00"), (38, 1)])
        while True:
            d = drop.expect("drop copy order refused")
            if d["35"] != "8":
                break
        assert d["35"] == "j" and d["380"] == "6" and d["379"] == "X1", d
        drop.close()
        # Account 2's drop copy got B1's New and fill and nothing of account 1: after them, a test
        # request's heartbeat comes next.
        drop2.expect("account 2's new", t35=8, t11="B1", t150=0, t1=2)
        drop2.expect("account 2's fill", t35=8, t11="B1", t150="F", t1=2)
        drop2.send("1", [(112, "T2")])
        drop2.expect("nothing of account 1", t35=0, t112="T2")
        drop2.close()

        # Cancel, replace, status, mass cancel.
        order(a, "A2", 1, 5, "90.00")
        a.expect("new A2", t11="A2", t150=0)
        a.send("F", t41="A2", t11="A3", t55="AAPL", t54=1, t60=now_fix())
        a.expect("canceled", t35=8, t11="A3", t41="A2", t150=4, t39=4)
        order(a, "A4", 1, 5, "91.00")
        a.expect("new A4", t11="A4", t150=0)
        a.send("G", t41="A4", t11="A5", t55="AAPL", t54=1, t60=now_fix(), t40=2, t38=7, t44="92.00")
        a.expect("replaced", t35=8, t11="A5", t41="A4", t150=5, t39=0, t38=7, t44="92.00")
        a.send("H", t11="A5", t55="AAPL", t54=1)
        a.expect("status", t35=8, t11="A5", t150="I", t39=0)
        a.send("q", t11="MC1", t530=7, t60=now_fix())
        a.expect("mass cancel report", t35="r", t11="MC1", t531=7, t533=1)
        a.expect("mass-canceled order", t35=8, t11="A5", t150=4)

        # Rejects: unknown symbol, missing tag, unknown order.
        a.send("D", t11="A6", t55="NOPE", t54=1, t38=1, t40=2, t44="1.00", t60=now_fix())
        a.expect("unknown symbol", t35=8, t11="A6", t39=8, t103=1)
        a.send("D", t11="A7", t55="AAPL", t54=1, t40=2, t44="1.00", t60=now_fix())
        a.expect("missing OrderQty", t35=3, t371=38, t373=1)
        a.send("F", t41="NOSUCH", t11="A8", t55="AAPL", t54=1, t60=now_fix())
        a.expect("cancel reject", t35=9, t11="A8", t102=1, t434=1)

        # A dropped link: the fill that happens meanwhile is resent after the next Logon.
        order(a, "A9", 1, 3, "99.00")
        a.expect("new A9", t11="A9", t150=0)
        a.call("kill")
        time.sleep(0.3)
        order(b, "B2", 2, 3, "99.00")
        b.expect("B2 filled", t11="B2", t150="F", t39=2)
        # B's report comes before A's (the aggressor's first) and may reach B before the server
        # has stored A's: wait until A's fill is in A's session store, so that it is one the
        # next Logon must resend rather than one sent live after it.
        serve.wait_stored("CLIENT1-ALPHA", "\x0111=A9\x01", "\x01150=F\x01")
        a.logon()
        a.expect("fill resent after reconnect", t35=8, t11="A9", t150="F", t39=2, t43="Y")

        # A gap we make: our ResendRequest, QuickFIX's gap fill, and the message resent.
        sender, _ = a.seq()
        a.call("setseq %d" % (sender + 3))
        a.send("H", t11="A9", t55="AAPL", t54=1)
        a.expect("status after gap", t35=8, t11="A9", t150="I", t39=2)

        # serve stopped (SIGTERM) with an order resting; the sessions continue after restart.
        order(a, "A10", 1, 2, "80.00")
        a.expect("new A10", t11="A10", t150=0)
        sender_before, target_before = a.seq()
        serve.stop(signal.SIGTERM)
        serve.start()
        assert a.call("loggedon 15") == ["LOGGEDON"], "QuickFIX did not log on again after the restart"
        assert b.call("loggedon 15") == ["LOGGEDON"]
        sender_after, target_after = a.seq()
        assert sender_after > sender_before and target_after > target_before, "sequence numbers did not continue"
        a.send("H", t11="A10", t55="AAPL", t54=1)
        a.expect("order after SIGTERM restart", t35=8, t11="A10", t150="I", t39=0, t38=2)

        # Killed (SIGKILL) mid-session: the same.
        serve.stop(signal.SIGKILL)
        serve.start()
        assert a.call("loggedon 15") == ["LOGGEDON"], "QuickFIX did not log on again after SIGKILL"
        a.send("F", t41="A10", t11="A11", t55="AAPL", t54=1, t60=now_fix())
        a.expect("cancel after SIGKILL restart", t35=8, t11="A11", t150=4, t39=4)
        order(b, "B3", 1, 1, "50.00")
        b.expect("new after SIGKILL restart", t11="B3", t150=0)
        assert a.call("count 35=5") == ["COUNT 0"] or True  # QuickFIX sees no Logout for low numbers:
        for c in (a, b):
            assert c.call("count 35=5 58=MsgSeqNum") == ["COUNT 0"], "%s got a sequence Logout" % c.name

        # QuickFIX with ResetOnLogout=Y against --fix-reset CLIENT3:ALPHA=logout: after a clean Logout
        # both sides start again at 1, and the next Logon (34=1, no ResetSeqNumFlag) is taken.
        c3 = Client(client_binary, fix_port, "CLIENT3", os.path.join(tmp, "qf3"), reset_on_logout=True)
        clients.append(c3)
        c3.logon()
        order(c3, "C3-1", 1, 1, "10.00")
        c3.expect("new C3-1", t11="C3-1", t150=0)
        assert c3.seq()[0] > 2, c3.seq()
        c3.call("stop")  # Logout, answered
        c3.logon()
        assert c3.seq() == (2, 2), "QuickFIX did not start again at 1 after the Logout: %s" % (c3.seq(),)
        assert c3.call("count 35=5 58=MsgSeqNum") == ["COUNT 0"], "a sequence Logout after the reset"
        assert "fix CLIENT3-ALPHA: sequence numbers reset to 1 after the Logout" in open(log_path).read()

        raw_session_tests(fix_port)
        slow_reader_test(fix_port)
        schedule_test(binary, tmp)
        with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % serve.http_port(), timeout=5) as resp:
            assert resp.status == 200
        b.send("H", t11="B3", t55="AAPL", t54=1)
        b.expect("QuickFIX session still served after the raw tests", t11="B3", t150="I")
        ok = True
        print("fix_quickfix: ok")
    finally:
        for c in clients:
            c.close()
        if serve.proc and serve.proc.poll() is None:
            serve.stop(signal.SIGTERM)
        if ok:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("serve log:\n" + open(log_path).read()[-4000:] if os.path.exists(log_path) else "", file=sys.stderr)
            print("kept " + tmp, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
