#!/usr/bin/env python3
"""`alphintra serve --tls-cert --tls-key`: HTTPS and WSS, end to end (python3 stdlib + openssl CLI).

1. A self-signed certificate for 127.0.0.1 made by Debian's openssl; the server started with it.
2. HTTPS: health, login and an authenticated GET verified against that certificate; TLS 1.1 is
   refused; a plain-HTTP request to the TLS port gets no HTTP answer.
3. WSS: the WebSocket upgrade, authenticate and a subscribe acknowledged over TLS.
4. Configuration errors stop start-up with exit 2 naming the option: a missing certificate, a
   key without a certificate, a key that is not the certificate's.
Servers bind 127.0.0.1 only and are stopped by process id.
"""
import base64
import json
import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import http.client
import warnings

from serve_harness import free_port

warnings.filterwarnings("ignore", category=DeprecationWarning)  # the TLS 1.1 client below, on purpose
ALPHINTRA = sys.argv[1]
ENV = dict(os.environ, ALPHINTRA_ADMIN_PASSWORD="tls-admin-password")


def make_certificate(tmp, name):
    cert, key = os.path.join(tmp, name + ".pem"), os.path.join(tmp, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def client_context(cert):
    context = ssl.create_default_context(cafile=cert)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def https(port, context, method, path, body=None, token=None):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data) if data else None


def wait_ready(port, context, proc):
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            if https(port, context, "GET", "/readyz")[0] == 200:
                return
        except (OSError, ssl.SSLError):
            pass
        time.sleep(0.1)
    raise AssertionError("the TLS server did not become ready")


def ws_frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    n = len(payload)
    header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_read(sock):
    def exact(n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise AssertionError("connection closed")
            data += chunk
        return data
    first, second = exact(2)
    n = second & 0x7F
    if n == 126:
        n = struct.unpack("!H", exact(2))[0]
    elif n == 127:
        n = struct.unpack("!Q", exact(8))[0]
    payload = exact(n)
    return first & 0x0F, payload


def check_wss(port, context, token):
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(4096)
    assert response.startswith(b"HTTP/1.1 101"), response
    sock.sendall(ws_frame(json.dumps({"id": 1, "op": "authenticate", "token": token})))
    sock.sendall(ws_frame(json.dumps({"id": 2, "op": "subscribe", "channel": "quotes", "symbols": ["AAPL"]})))
    acks = set()
    deadline = time.time() + 10
    while time.time() < deadline and acks != {1, 2}:
        opcode, payload = ws_read(sock)
        if opcode == 1:
            message = json.loads(payload)
            if message.get("id") in (1, 2):
                assert message.get("type") == "ack", message
                acks.add(message["id"])
    assert acks == {1, 2}, acks
    sock.close()


def check_serving(tmp, cert, key):
    port = free_port()
    proc = subprocess.Popen([ALPHINTRA, "serve", "--port", str(port), "--data-dir", os.path.join(tmp, "data"),
                             "--durability", "none", "--demo-users", "--tls-cert", cert, "--tls-key", key],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    context = client_context(cert)
    try:
        wait_ready(port, context, proc)
        status, body = https(port, context, "POST", "/api/v1/auth/login",
                             {"username": "trader", "password": "trader-demo"})
        assert status == 200 and body["token_type"] == "Bearer", (status, body)
        token = body["access_token"]
        status, body = https(port, context, "GET", "/api/v1/instruments", token=token)
        assert status == 200 and len(body["instruments"]) > 0, (status, body)
        print("https: login and instruments over TLS")

        # An old protocol version is refused during the handshake.
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.load_verify_locations(cert)
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                with old.wrap_socket(raw, server_hostname="127.0.0.1"):
                    raise AssertionError("a TLS 1.1 handshake succeeded")
        except (ssl.SSLError, OSError):
            pass

        # Plain HTTP on the TLS port: no HTTP answer (the handshake fails and the server closes).
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = raw.recv(4096)
            except OSError:
                data = b""
            assert not data.startswith(b"HTTP/"), data

        check_wss(port, context, token)
        print("wss: upgrade, authenticate and subscribe over TLS")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()[-2000:]


def check_errors(tmp, cert, key):
    _, other_key = make_certificate(tmp, "other")
    cases = [
        (["--tls-cert", os.path.join(tmp, "missing.pem"), "--tls-key", key], "--tls-cert"),
        (["--tls-key", key], "--tls-cert"),
        (["--tls-cert", cert], "--tls-key"),
        (["--tls-cert", cert, "--tls-key", other_key], "--tls-key"),
        (["--tls-cert", key, "--tls-key", key], "--tls-cert"),
    ]
    for args, option in cases:
        proc = subprocess.run([ALPHINTRA, "serve", "--port", "0", "--data-dir", os.path.join(tmp, "bad"),
                               "--durability", "none", "--no-simulator", *args],
                              env=ENV, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr[-1000:])
        assert option in proc.stderr, (args, proc.stderr[-1000:])
    print(f"{len(cases)} bad TLS configurations refused, naming the option")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_certificate(tmp, "server")
        check_serving(tmp, cert, key)
        check_errors(tmp, cert, key)
    print("serve_tls: ok")


if __name__ == "__main__":
    main()
