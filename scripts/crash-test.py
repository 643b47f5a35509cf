#!/usr/bin/env python3
"""Crash safety test for `cfimages serve` (make crash-test).

Runs the server with its embedded Cloudflare emulator on a free port in a temp data dir, drives upload-url,
upload (bytes to the emulator's one-time URLs), webhook (Cloudflare's Notifications envelope with
cf-webhook-auth) and delete load at it from a few threads, and SIGKILLs it at random moments (--kills times), restarting
it each time. After every kill, with the server down, the database is checked against what clients were told:

- every upload-url answered 201: the row with that id exists (unless a delete of it was sent since);
- every delete answered 204: the row is gone;
- every webhook answered 200: the image is `uploaded` and has its `webhook_received` log (unless deleted since);
- no half-written rows: required columns set, JSON columns valid, image_counts equal to COUNT/SUM by owner and
  status, every log row references an existing image, every image has its `upload_url_created` log;
- PRAGMA integrity_check is ok and PRAGMA foreign_key_check is empty.
Finally `cfimages migrate` must exit 0 on the crashed database. Prints a summary; exits 1 on any violation.

Stdlib only. Usage: scripts/crash-test.py --binary .build/debug/cfimages [--kills 25] [--seed N]
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

from throwaway_service import create_admin_token, free_port, multipart_png, service_env

SECRET = "crash-test-webhook-secret"
PREFIX = "/cloudflare-images/api/"


class Ledger:
    """What clients were told, per image id. Written by the load threads, read by the checker."""

    def __init__(self):
        self.lock = threading.Lock()
        self.images = {}  # id -> {"cf": str, "webhook": None|"ok"|"sent", "delete": None|"ok"|"sent"}
        self.outcomes = Counter()  # (endpoint, outcome) -> count

    def count(self, endpoint, outcome):
        with self.lock:
            self.outcomes[(endpoint, outcome)] += 1

    def snapshot(self):
        with self.lock:
            return {key: dict(value) for key, value in self.images.items()}


class Load(threading.Thread):
    """One client: create an upload URL, then maybe deliver its webhook, then maybe delete it."""

    def __init__(self, index, port, token, ledger, stop, seed):
        super().__init__(daemon=True, name=f"load-{index}")
        self.port, self.token, self.ledger, self.stop = port, token, ledger, stop
        self.random = random.Random(seed)

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON or None), or (None, None) when the connection failed or the answer was cut off."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            try:
                parsed = json.loads(data) if data else None
            except ValueError:
                parsed = None
            return response.status, parsed
        except (OSError, http.client.HTTPException):
            return None, None
        finally:
            connection.close()

    def upload(self, url):
        """POSTs a 4x3 PNG to a one-time upload URL of the embedded emulator; whether it answered 2xx."""
        path = url.split(f"127.0.0.1:{self.port}", 1)[-1] if url else ""
        if not path.startswith("/"):
            return False
        body, headers = multipart_png()
        status, _ = self.request("POST", path, body, headers)
        self.ledger.count("upload", self.outcome(status))
        return status is not None and 200 <= status < 300

    def outcome(self, status):
        if status is None:
            return "no answer"
        return "2xx" if 200 <= status < 300 else str(status)

    def run(self):
        auth = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        while not self.stop.is_set():
            body = json.dumps({
                "filename": f"crash-{self.random.randrange(1 << 30)}.png",
                "metadata": {"run": "crash-test", "n": self.random.randrange(1000)},
                "expiry_minutes": 360,
            })
            status, answer = self.request("POST", PREFIX + "upload-url/", body, auth)
            self.ledger.count("upload-url", self.outcome(status))
            if status is None:
                time.sleep(0.05)  # the server is probably down; do not spin
                continue
            if status != 201 or not isinstance(answer, dict) or "id" not in answer:
                continue
            image_id, cloudflare_id = answer["id"], answer["cloudflare_id"]
            with self.ledger.lock:
                self.ledger.images[image_id] = {"cf": cloudflare_id, "webhook": None, "delete": None}

            if self.random.random() < 0.6:
                # Upload the bytes as a browser would, then deliver Cloudflare's Notifications envelope for it (the
                # secret in cf-webhook-auth, as Cloudflare sends it): the server re-fetches the image from
                # Cloudflare, so a 200 means it stored what the emulator has, the upload.
                if not self.upload(answer.get("upload_url", "")):
                    continue
                payload = json.dumps({
                    "name": "crash-test images", "text": "Image uploaded", "ts": int(time.time()),
                    "account_id": "emulator-account", "policy_id": "p", "policy_name": "crash-test images",
                    "alert_type": "image_notification", "alert_correlation_id": str(self.random.randrange(1 << 60)),
                    "alert_event": "", "data": {"image_id": cloudflare_id, "status": "uploaded"},
                }).encode()
                with self.ledger.lock:
                    self.ledger.images[image_id]["webhook"] = "sent"
                status, _ = self.request("POST", PREFIX + "webhook/", payload, {
                    "Content-Type": "application/json", "cf-webhook-auth": SECRET})
                self.ledger.count("webhook", self.outcome(status))
                if status == 200:
                    with self.ledger.lock:
                        self.ledger.images[image_id]["webhook"] = "ok"

            if self.random.random() < 0.4:
                with self.ledger.lock:
                    self.ledger.images[image_id]["delete"] = "sent"
                status, _ = self.request("DELETE", PREFIX + f"images/{image_id}/", None, auth)
                self.ledger.count("delete", self.outcome(status))
                if status == 204:
                    with self.ledger.lock:
                        self.ledger.images[image_id]["delete"] = "ok"


def check_database(path, ledger_snapshot):
    """Every violation found, as text. Opens the database while the server is down (recovers the WAL)."""
    problems = []
    db = sqlite3.connect(path, timeout=10)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:5]}")

        rows = {row[0]: row for row in db.execute(
            "SELECT id, cloudflare_id, owner, status, created_at, updated_at, expires_at, "
            "json_valid(metadata), json_valid(variants), json_valid(cloudflare_metadata), uploaded_at FROM images")}
        for image_id, row in rows.items():
            _, cf, owner, status, created, updated, expires, m_ok, v_ok, c_ok, uploaded = row
            if not cf or not owner or created is None or updated is None or expires is None:
                problems.append(f"image {image_id}: required column empty: {row}")
            if not (m_ok and v_ok and c_ok):
                problems.append(f"image {image_id}: invalid JSON column")
            if status == "uploaded" and uploaded is None:
                problems.append(f"image {image_id}: uploaded without uploaded_at")

        counted = {(o, s): (n, size, signed) for o, s, n, size, signed in db.execute(
            "SELECT owner, status, COUNT(*), SUM(coalesce(file_size, 0)), SUM(require_signed_urls) "
            "FROM images GROUP BY owner, status")}
        stored = {(o, s): (n, size, signed) for o, s, n, size, signed in db.execute(
            "SELECT owner, status, image_count, total_file_size, signed_url_count FROM image_counts")}
        for key in set(counted) | set(stored):
            expected = counted.get(key, (0, 0, 0))
            if stored.get(key, (0, 0, 0)) != expected:
                problems.append(f"image_counts{key} = {stored.get(key)}, images say {expected}")

        orphans = db.execute(
            "SELECT COUNT(*) FROM image_upload_logs l LEFT JOIN images i ON i.id = l.image_id WHERE i.id IS NULL"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{orphans} log rows reference no image")
        missing_log = db.execute(
            "SELECT id FROM images i WHERE NOT EXISTS (SELECT 1 FROM image_upload_logs l "
            "WHERE l.image_id = i.id AND l.event_type = 'upload_url_created')").fetchall()
        if missing_log:
            problems.append(f"{len(missing_log)} images without their upload_url_created log, e.g. {missing_log[0][0]}")

        webhook_logs = {row[0] for row in db.execute(
            "SELECT DISTINCT image_id FROM image_upload_logs WHERE event_type = 'webhook_received'")}
        for image_id, told in ledger_snapshot.items():
            row = rows.get(image_id)
            if told["delete"] == "ok":
                if row is not None:
                    problems.append(f"image {image_id}: delete answered 204 but the row is still there")
                continue
            if told["delete"] == "sent":
                continue  # the delete's fate is unknown (no answer, or an error answer)
            if row is None:
                problems.append(f"image {image_id}: upload-url answered 201 but the row is gone")
                continue
            if told["webhook"] == "ok":
                if row[3] != "uploaded":
                    problems.append(f"image {image_id}: webhook answered 200 but status is {row[3]}")
                if image_id not in webhook_logs:
                    problems.append(f"image {image_id}: webhook answered 200 but no webhook_received log")
        return problems, len(rows)
    finally:
        db.close()


class Server:
    def __init__(self, binary, workdir, env):
        self.binary, self.workdir, self.env = binary, workdir, env
        self.process = None
        self.log = open(os.path.join(workdir, "serve.log"), "ab")

    def start(self, port, deadline=30):
        self.process = subprocess.Popen(
            [self.binary, "serve"], cwd=self.workdir, env=self.env, stdout=self.log, stderr=self.log)
        give_up = time.monotonic() + deadline
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise RuntimeError(f"cfimages serve exited with {self.process.returncode} (see {self.workdir}/serve.log)")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"cfimages serve did not answer /healthz within {deadline}s")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the cfimages executable")
    parser.add_argument("--kills", type=int, default=25, help="SIGKILLs (at least 20 for the make target)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent load clients")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed; pass it to replay timings)")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop killing after this long")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="cfimages-crash-")
    port = free_port()
    env = service_env(workdir, port, "warning", CLOUDFLARE_IMAGES_WEBHOOK_SECRET=SECRET)
    database = os.path.join(workdir, "data", "cfimages.sqlite")
    print(f"crash-test: seed {seed}, port {port}, data {workdir}, {args.kills} kills")

    try:
        token = create_admin_token(binary, workdir, env, "crash")
    except RuntimeError as error:
        print(f"crash-test: {error}")
        return 2

    ledger, stop = Ledger(), threading.Event()
    server = Server(binary, workdir, env)
    violations = []
    kills, rows = 0, 0
    started = time.monotonic()
    loads = []
    try:
        server.start(port)
        loads = [Load(i, port, token, ledger, stop, rng.randrange(1 << 32)) for i in range(args.threads)]
        for load in loads:
            load.start()
        while kills < args.kills and time.monotonic() - started < args.max_seconds:
            time.sleep(rng.uniform(0.2, 2.0))
            server.kill()
            kills += 1
            problems, rows = check_database(database, ledger.snapshot())
            for problem in problems:
                violations.append(f"after kill {kills}: {problem}")
            server.start(port)
        time.sleep(1.0)
        stop.set()
        for load in loads:
            load.join(timeout=15)
        server.kill()
        problems, rows = check_database(database, ledger.snapshot())
        violations += [f"final: {p}" for p in problems]
        migrate = subprocess.run([binary, "migrate"], cwd=workdir, env=env, capture_output=True, text=True, timeout=60)
        if migrate.returncode != 0:
            violations.append(f"cfimages migrate exited {migrate.returncode}: {migrate.stderr.strip()[-300:]}")
        problems, rows = check_database(database, ledger.snapshot())
        violations += [f"after migrate: {p}" for p in problems]
    except RuntimeError as error:
        violations.append(str(error))
    finally:
        stop.set()
        server.kill()

    images = ledger.snapshot()
    told = Counter()
    for entry in images.values():
        told["created"] += 1
        told["webhook 200"] += entry["webhook"] == "ok"
        told["delete 204"] += entry["delete"] == "ok"
    print(f"crash-test: {kills} SIGKILLs in {time.monotonic() - started:.0f}s, {rows} image rows at the end")
    for endpoint in ("upload-url", "upload", "webhook", "delete"):
        parts = [f"{outcome} {n}" for (e, outcome), n in sorted(ledger.outcomes.items()) if e == endpoint]
        print(f"  {endpoint}: " + (", ".join(parts) or "none"))
    print(f"  checked against the database: {told['created']} created, {told['webhook 200']} webhooks applied, "
          f"{told['delete 204']} deletes")
    if kills < min(args.kills, 20):
        violations.append(f"only {kills} kills happened")
    if told["created"] == 0 or told["webhook 200"] == 0 or told["delete 204"] == 0:
        violations.append("the load never got every kind of 2xx answer; the test checked nothing")
    if violations:
        print(f"crash-test: FAILED, {len(violations)} violations (data kept in {workdir}):")
        for violation in violations[:40]:
            print("  " + violation)
        return 1
    print("crash-test: OK (integrity_check ok, counts and logs consistent, migrate exit 0)")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
