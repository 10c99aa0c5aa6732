#!/usr/bin/env python3
"""`alphintra serve --config FILE` and ALPHINTRA_* environment overrides (python3 stdlib only).

1. A TOML file sets the port, data directory, demo users and the simulator switch; an
   environment variable overrides the file's port and the command line overrides both.
2. Every bad file or value stops start-up with exit status 2 and a message naming the file and
   the key: unknown key, section, wrong type, array for a single value, out of range, not in the
   allowed set, TOML syntax error, missing file; a bad environment value names the option.
Servers bind 127.0.0.1 only and are stopped by process id.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from serve_harness import free_port

ALPHINTRA = sys.argv[1]


def wait_healthy(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"no ready server on port {port}")


def login(port, user, password):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/api/v1/auth/login", json.dumps({"username": user, "password": password}))
    response = conn.getresponse()
    return response.status


def run_bad(tmp, text, env=None, args=()):
    path = os.path.join(tmp, "bad.toml")
    with open(path, "w") as f:
        f.write(text)
    full_env = dict(os.environ, ALPHINTRA_ADMIN_PASSWORD="config-admin-pw", **(env or {}))
    proc = subprocess.run([ALPHINTRA, "serve", "--config", path, "--data-dir", os.path.join(tmp, "bad-data"), *args],
                          env=full_env, capture_output=True, text=True, timeout=30)
    return proc.returncode, proc.stderr + proc.stdout, path


def check_good(tmp):
    file_port, env_port, cli_port = free_port(), free_port(), free_port()
    data = os.path.join(tmp, "data")
    config = os.path.join(tmp, "serve.toml")
    with open(config, "w") as f:
        f.write(f'# alphintra serve options\nport = {file_port}\ndata-dir = "{data}"\n'
                f'demo-users = true\nno-simulator = true\nseed = 7\ndurability = "none"\n')
    env = dict(os.environ, ALPHINTRA_ADMIN_PASSWORD="config-admin-pw", ALPHINTRA_PORT=str(env_port))
    log = open(os.path.join(tmp, "serve.log"), "w")
    proc = subprocess.Popen([ALPHINTRA, "serve", "--config", config], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(env_port, proc)  # the environment beats the file
        assert login(env_port, "trader", "trader-demo") == 200, "demo-users from the file"
        assert os.path.exists(os.path.join(data, "auth.db")), "data-dir from the file"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", file_port)) != 0, "the file's port must not be used"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    log.close()
    text = open(os.path.join(tmp, "serve.log")).read()
    assert "simulator off" in text, text[-2000:]

    # The command line beats the environment and the file.
    proc = subprocess.Popen([ALPHINTRA, "serve", "--config", config, "--port", str(cli_port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(cli_port, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    print("config file, environment and command line: precedence ok")


def check_bad(tmp):
    cases = [
        ("bogus = 1\n", "bogus", "unknown option"),
        ("[serve]\nport = 1\n", "serve", "unknown option"),
        ('port = "abc"\n', "port", "convert"),
        ("port = [1, 2]\n", "port", "not an array"),
        ("port = 99999\n", "port", "99999"),
        ('durability = "sometimes"\n', "durability", "sometimes"),
        ("io-threads = 0\n", "io-threads", "0"),
        ("seed = { a = 1 }\n", "seed", "not a table"),
        ("port = \n", "bad.toml:1", "expected"),
        ("port = 8080\n[\x01x]\n", "bad.toml:2:2", "control character 0x01"),
    ]
    for text, key, why in cases:
        rc, out, path = run_bad(tmp, text)
        assert rc == 2, (text, rc, out)
        assert path in out and key in out and why in out, (text, out)
    proc = subprocess.run([ALPHINTRA, "serve", "--config", os.path.join(tmp, "missing.toml")], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2 and "missing.toml" in proc.stderr, proc.stderr
    # A bad environment value: refused by the option's own check, naming it.
    proc = subprocess.run([ALPHINTRA, "serve", "--data-dir", os.path.join(tmp, "env-data")], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, ALPHINTRA_PORT="abc"))
    assert proc.returncode != 0 and "--port" in proc.stderr + proc.stdout, (proc.returncode, proc.stderr)
    print(f"{len(cases) + 2} bad configurations refused with the key named")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_good(tmp)
        check_bad(tmp)
    print("serve_config: ok")


if __name__ == "__main__":
    main()
