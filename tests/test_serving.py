"""The served app on 127.0.0.1: half-sent requests cannot take it, and behind nginx (TLS)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.mail_helpers import free_port

HALF_OPEN = 150
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Return once something accepts connections on the port (the server prints before it binds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on {port}")
            try:
                proc.wait(timeout=0.05)  # between tries: ends early when the process died
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"the process ended before it listened: {proc.communicate()[0]!r}")


@pytest.fixture
def served(tmp_path):
    """Start `tracker serve` as its own process; yield (port, data directory, start function)."""
    procs: list[subprocess.Popen] = []

    def start(**env: str) -> int:
        port = free_port()
        full = {**os.environ, "TRACKER_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1", **env}
        proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port)], env=full, cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(proc)
        wait_for_port(port, proc)
        return port

    yield start, tmp_path / "data"
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def half_requests(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /inloggen HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        sockets.append(s)
    return sockets


def test_150_half_sent_requests_do_not_keep_a_normal_request_from_being_served(served) -> None:
    start, _ = served
    port = start()
    sockets = half_requests(port, HALF_OPEN)
    try:
        began = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/inloggen", timeout=5) as answer:
            assert answer.status == 200 and b"Inloggen" in answer.read()
        assert time.monotonic() - began < 5
    finally:
        for s in sockets:
            s.close()


def test_a_silent_connection_is_closed_after_the_channel_timeout(served) -> None:
    start, _ = served
    port = start(TRACKER_SERVER_CHANNEL_TIMEOUT="2")
    (s,) = half_requests(port, 1)
    try:
        began = time.monotonic()
        assert s.recv(1024) == b""          # the server hung up on it (recv times out after 10 s)
        assert time.monotonic() - began < 9
    finally:
        s.close()


def test_server_settings_come_from_one_place_and_refuse_nonsense() -> None:
    from web.serving import ServerSettings

    settings = ServerSettings.from_env({"TRACKER_SERVER_THREADS": "4", "TRACKER_SERVER_CONNECTION_LIMIT": "500"})
    options = settings.waitress_options()
    assert options["threads"] == 4 and options["connection_limit"] == 500 and options["asyncore_use_poll"]
    with pytest.raises(ValueError, match="geen geheel getal"):
        ServerSettings.from_env({"TRACKER_SERVER_THREADS": "veel"})
    done = subprocess.run([sys.executable, "-m", "cli", "serve", "--port", str(free_port())], cwd=REPO,
                          env={**os.environ, "TRACKER_SERVER_THREADS": "0"}, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "TRACKER_SERVER_THREADS" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("trusted", [True, False])
def test_the_forwarded_address_counts_only_from_the_trusted_proxy(services, trusted) -> None:
    from tests.accounts import csrf_token
    from web import create_app

    config = {"DATA_DIR": str(services.data_dir)} | ({"TRUSTED_PROXY": "127.0.0.1"} if trusted else {})
    app = create_app(config)
    for _ in range(6):
        client = app.test_client()
        client.post("/inloggen", data={"email": "lezer@nijmegen.nl", "password": "fout",
                                       "csrf_token": csrf_token(client)},
                    headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    throttle = app.extensions["login_throttle"]
    counted, other = ("203.0.113.9", "127.0.0.1") if trusted else ("127.0.0.1", "203.0.113.9")
    assert throttle.wait("lezer@nijmegen.nl", counted) > 0
    assert throttle.wait("lezer@nijmegen.nl", other) == 0
    # From any other peer the header is never believed, trusted proxy or not.
    for _ in range(6):
        client = app.test_client()
        client.post("/inloggen", data={"email": "bea@nijmegen.nl", "password": "fout",
                                       "csrf_token": csrf_token(client)},
                    headers={"X-Forwarded-For": "198.51.100.1"}, environ_base={"REMOTE_ADDR": "192.0.2.200"})
    assert throttle.wait("bea@nijmegen.nl", "192.0.2.200") > 0
    assert throttle.wait("bea@nijmegen.nl", "198.51.100.1") == 0


# --- behind nginx -----------------------------------------------------------------------------

CONFIG = REPO / "deploy" / "nginx" / "tracker.conf"


def nginx_setup(tmp: Path, app_port: int, https_port: int, http_port: int) -> Path:
    """Write a self-signed certificate and an nginx.conf that includes the repository's config."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                   check=True, capture_output=True)
    site = CONFIG.read_text()
    for old, new in (("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("/etc/ssl/certs/voortgang.example.nl.pem", str(tmp / "cert.pem")),
                     ("/etc/ssl/private/voortgang.example.nl.key", str(tmp / "key.pem"))):
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # loopback IPv4 only
    (tmp / "tracker.conf").write_text(site)
    temp = "\n".join(f"  {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                       "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(f"""daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
{temp}
  include {tmp}/tracker.conf;
}}
""")
    return conf


def test_behind_nginx_tls_redirect_size_limit_and_the_clients_own_address(served, tmp_path) -> None:
    from web.throttle import THROTTLE_FILENAME, SignInThrottle

    assert NGINX, "nginx is missing: scripts/setup.sh --test installs Debian's nginx"
    start, data_dir = served
    app_port = start(TRACKER_TRUSTED_PROXY="127.0.0.1", TRACKER_BASE_URL="https://127.0.0.1")
    https_port, http_port = free_port(), free_port()
    tmp = tmp_path / "nginx"
    tmp.mkdir()
    conf = nginx_setup(tmp, app_port, https_port, http_port)
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen([NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(https_port, proxy)
        context = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                             urllib.request.HTTPCookieProcessor(jar))
        base = f"https://127.0.0.1:{https_port}"
        with opener.open(f"{base}/inloggen", timeout=10) as answer:
            page = answer.read().decode()
            assert answer.status == 200 and "max-age=" in answer.headers["Strict-Transport-Security"]
            assert answer.headers["Cache-Control"] == "no-store"
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        # A client that claims another address is not believed: the throttle counts its real one.
        for _ in range(6):
            request = urllib.request.Request(
                f"{base}/inloggen", headers={"X-Forwarded-For": "198.51.100.7", "Referer": f"{base}/inloggen"},
                data=f"email=lezer%40nijmegen.nl&password=fout&csrf_token={token}".encode())
            with pytest.raises(urllib.error.HTTPError) as refused:
                opener.open(request, timeout=10)
            assert refused.value.code in (401, 429), refused.value.read()[:300]
        throttle = SignInThrottle(data_dir / THROTTLE_FILENAME)
        assert throttle.wait("lezer@nijmegen.nl", "127.0.0.1") > 0
        assert throttle.wait("lezer@nijmegen.nl", "198.51.100.7") == 0
        # Plain http is sent to https; a request over 4 MB never reaches the app.
        plain = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                                 {"redirect_request": lambda *a, **k: None}))
        with pytest.raises(urllib.error.HTTPError) as moved:
            plain.open(f"http://127.0.0.1:{http_port}/inloggen", timeout=10)
        assert moved.value.code == 301 and moved.value.headers["Location"].startswith("https://")
        with pytest.raises(urllib.error.HTTPError) as too_big:
            opener.open(urllib.request.Request(f"{base}/plannen/importeren", data=b"x" * (5 * 1024 * 1024)),
                        timeout=30)
        assert too_big.value.code == 413
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
