"""A throwaway `cfimages serve` for the scripts that drive one (crash-test.py, openapi-conformance/fuzz.py).

It runs on a free loopback port with a data folder (so a SQLite file) and an empty settings file in `workdir`, the
embedded Cloudflare emulator, nothing inherited from the caller's CFIMAGES_*/CLOUDFLARE_* variables, and a request
budget that one token's load cannot exhaust.
"""
import base64
import http.server
import os
import socket
import subprocess
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A 4x3 PNG, what the scripts upload to one-time URLs of the embedded emulator.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGP4z8AARww4OQD1MQv1NXv7ggAAAABJRU5ErkJggg==")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DeliveryReceiver:
    """An event endpoint on loopback (keep-alive): answers 204 while `up`, else 503, and records every delivery as
    (status answered, headers (an email.message.Message), body bytes, monotonic time)."""

    def __init__(self, up=True):
        self.lock = threading.Lock()
        self.received = []
        self.up = up
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = 204 if receiver.up else 503
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                # Recorded once answered, so the sender is not kept waiting for it.
                with receiver.lock:
                    receiver.received.append((status, self.headers, body, time.monotonic()))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def snapshot(self):
        with self.lock:
            return list(self.received)

    def clear(self):
        with self.lock:
            self.received.clear()


def multipart_png():
    """(body, headers) of a multipart form with `PNG` as its `file` field, as a browser posts to an upload URL."""
    boundary = "cfimagesscriptboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dot.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def pg_bin(name):
    """The path of PostgreSQL's program `name` (psql, pg_ctl, ...), of the newest version Debian installed."""
    versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".") if p.isdigit()])
    return os.path.join("/usr/lib/postgresql", versions[-1], "bin", name)


def psql(url, sql):
    """Runs one SQL statement with psql on the database at `url`; its output (unaligned, tuples only)."""
    done = subprocess.run([pg_bin("psql"), url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    return done.stdout


def with_database(url, name):
    """The PostgreSQL URL `url` naming database `name` instead."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def service_env(workdir, port, log_level, **extra):
    """The environment for `cfimages` commands on this service; `extra` adds or overrides variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFIMAGES_", "CLOUDFLARE_"))}
    env.update({
        "CFIMAGES_HOST": "127.0.0.1", "CFIMAGES_PORT": str(port), "CFIMAGES_DATA_DIR": os.path.join(workdir, "data"),
        "CFIMAGES_MIGRATIONS_DIR": os.path.join(REPO, "Migrations"), "CFIMAGES_LOG_LEVEL": log_level,
        "CFIMAGES_EVENT_LOOPS": "2",
        # One token drives all the load: neither the account's budget nor one user's share may throttle it.
        "CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS": "1000000", "CFIMAGES_CLOUDFLARE_CALLS_PER_USER": "1000000",
        "CLOUDFLARE_IMAGES_RATE_LIMIT_PER_SECOND": "1000000",
        "CFIMAGES_CONFIG_FILE": os.path.join(workdir, "empty.env"),
    })
    env.update(extra)
    open(env["CFIMAGES_CONFIG_FILE"], "w").close()
    return env


def create_admin_token(binary, workdir, env, name):
    """The key of a new admin token (`cfimages token create NAME --admin`); raises with the command's error."""
    created = subprocess.run([binary, "token", "create", name, "--admin"], cwd=workdir, env=env,
                             capture_output=True, text=True, timeout=60)
    if created.returncode != 0:
        raise RuntimeError(f"token create failed: {created.stderr.strip()}")
    return created.stdout.strip().splitlines()[-1]
