"""Starting and stopping `alphintra serve` for the integration tests (python3 stdlib only).

`ServeRun` owns a temporary data directory with the server's log in it: on a failure it prints
the log's tail, and it always kills a server still running (by process id) and removes the
directory. Servers bind 127.0.0.1 only.
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(binary, port, data_dir, log, admin_password, extra=(), durability="none"):
    """Starts `serve --demo-users` and waits until /readyz answers 200."""
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data_dir, "--durability", durability,
                             "--demo-users", *extra], stdout=log, stderr=log,
                            env=dict(os.environ, ALPHINTRA_ADMIN_PASSWORD=admin_password))
    deadline = time.time() + 60  # generous: CI runs tests in parallel on 2 cores
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("serve exited early with %d" % proc.returncode)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("serve did not become ready")


def stop_serve(proc):
    """SIGTERM, and the clean stop's exit status 0."""
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0


class ServeRun:
    """with ServeRun("alphintra-x-") as run: run.proc = start_serve(..., run.data_dir, run.log, ...)"""

    def __init__(self, prefix):
        self.prefix = prefix
        self.proc = None

    def __enter__(self):
        self.data_dir = tempfile.mkdtemp(prefix=self.prefix)
        self.log = open(os.path.join(self.data_dir, "serve.log"), "w")
        return self

    def stop(self):
        stop_serve(self.proc)
        self.proc = None

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.log.flush()
            with open(os.path.join(self.data_dir, "serve.log"), "rb") as f:
                sys.stderr.write(f.read().decode(errors="replace")[-4000:])
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        return False


class Client:
    """A JSON client of the REST API: call() answers (status, parsed body or None, headers)."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
            h = {"Content-Type": "application/json"} if data is not None else {}
            if self.token:
                h["Authorization"] = "Bearer " + self.token
            h.update(headers or {})
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            text = resp.read().decode()
            return resp.status, (json.loads(text) if text else None), dict(resp.getheaders())
        finally:
            conn.close()

    def get(self, path):
        status, body, _ = self.call("GET", path)
        return status, body

    def post(self, path, body):
        status, body, _ = self.call("POST", path, body)
        return status, body


def session(port, username, password):
    """A Client holding an access token of `username`."""
    status, answer, _ = Client(port).call("POST", "/api/v1/auth/login", {"username": username, "password": password})
    assert status == 200, (username, status, answer)
    return Client(port, answer["access_token"])
