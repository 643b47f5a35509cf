#!/usr/bin/env python3
"""Two `cfimages serve` instances, A and B, on one PostgreSQL database, with a standalone Cloudflare emulator.

Needs CFIMAGES_TEST_POSTGRES_URL (and CFIMAGES_TEST_POSTGRES_ROOT for the PostgreSQL restart), as
`scripts/postgres-test-cluster.sh run -- ...` sets them; makes a database of its own in that cluster. Checks, in order:

1. an upload URL made on A, the bytes posted to the emulator, the emulator's webhook delivered to B: A's
   `GET images/{id}/?wait=10&until=uploaded` answers `uploaded`, A's list shows it, and its logs have B's
   `webhook_received`;
2. a token revoked in the shared database (`cfimages token revoke`) is refused by both instances within the
   documented bound (5 s, the token cache's age, counted from the start of the check that cached it; 1 s of
   margin): no request sent later than that after the revocation is accepted, however slowly it is answered;
3. load on both instances (upload URLs and deletes) while A is SIGKILLed and restarted `--kills` times: B answers
   every request it gets while A is down, and A serves again after each restart;
4. under the same load PostgreSQL itself restarts (`pg_ctl restart -m fast`): requests then get 503 (never a
   hang, never another 5xx), and both instances serve again once it is back, without being restarted;
5. at the end every acknowledged write is there, read back through B: each upload URL answered 201 is an image
   (unless a delete of it was sent), each delete answered 204 is gone, and `image_counts` equals the images
   grouped by owner and status;
6. the Cloudflare budget is the account's, not each instance's: both restarted with a limit of 40 calls per
   window, upload URLs asked of A and B in turn get at most 40 between them (then 503), and each served some.

Stdlib only (psql for the database set-up and the counts). Usage:
    scripts/postgres-test-cluster.sh run -- scripts/two-instances-test.py --binary .build/debug/cfimages
"""
import argparse
import http.client
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
import urllib.parse
from collections import Counter

from throwaway_service import create_admin_token, free_port, multipart_png, pg_bin, psql, service_env, with_database

PREFIX = "/cloudflare-images/api/"
SECRET = "two-instances-webhook-secret"
API_TOKEN = "two-instances-api-token"
SIGNING_KEY = "two-instances-signing-key"
REVOCATION_BOUND = 5.0 + 1.0


def call(port, method, path, token=None, body=None, headers=None, timeout=15):
    """(status, parsed JSON or None); (None, error text) when there was no answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Token {token}"
    data = body
    if isinstance(body, dict):
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read()
        try:
            return response.status, (json.loads(text) if text else None)
        except ValueError:
            return response.status, None
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)
    finally:
        connection.close()


def wait_for(condition, seconds, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(step)
    return None


class Process:
    """A `cfimages` child (serve or emulator) that is up once `ready()` says so."""

    def __init__(self, name, arguments, workdir, env, ready):
        self.name, self.arguments, self.workdir, self.env, self.ready = name, arguments, workdir, env, ready
        self.child = None
        self.log = open(os.path.join(workdir, f"{name}.log"), "ab")

    def start(self, seconds=60):
        self.child = subprocess.Popen(self.arguments, cwd=self.workdir, env=self.env, stdout=self.log, stderr=self.log)
        if not wait_for(lambda: self.child.poll() is not None or self.ready(), seconds) or self.child.poll() is not None:
            self.kill()
            raise RuntimeError(f"{self.name} did not start (see {self.workdir}/{self.name}.log)")

    def kill(self, sig=signal.SIGKILL):
        if self.child and self.child.poll() is None:
            self.child.send_signal(sig)
        if self.child:
            try:
                self.child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()


class Ledger:
    """What clients were told, per image id, and every answer by instance and phase."""

    def __init__(self):
        self.lock = threading.Lock()
        self.images = {}  # id -> {"delete": None | "sent" | "ok"}
        self.answers = Counter()  # (instance, phase, outcome) -> count
        self.phase = "steady"

    def count(self, instance, status):
        outcome = "no answer" if status is None else ("2xx" if 200 <= status < 300 else str(status))
        with self.lock:
            self.answers[(instance, self.phase, outcome)] += 1

    def set_phase(self, phase):
        with self.lock:
            self.phase = phase


class Load(threading.Thread):
    """One client of one instance: create an upload URL, and delete about a third of them again."""

    def __init__(self, instance, port, token, ledger, stop, seed):
        super().__init__(daemon=True, name=f"load-{instance}-{seed}")
        self.instance, self.port, self.token, self.ledger, self.stop = instance, port, token, ledger, stop
        self.random = random.Random(seed)

    def run(self):
        while not self.stop.is_set():
            status, answer = call(self.port, "POST", PREFIX + "upload-url/", self.token,
                                  {"filename": f"two-{self.random.randrange(1 << 30)}.png", "expiry_minutes": 360},
                                  timeout=10)
            self.ledger.count(self.instance, status)
            if status != 201 or not isinstance(answer, dict) or "id" not in answer:
                time.sleep(0.02)
                continue
            image_id = answer["id"]
            with self.ledger.lock:
                self.ledger.images[image_id] = {"delete": None}
            if self.random.random() < 0.35:
                with self.ledger.lock:
                    self.ledger.images[image_id]["delete"] = "sent"
                status, _ = call(self.port, "DELETE", PREFIX + f"images/{image_id}/", self.token, timeout=10)
                self.ledger.count(self.instance, status)
                if status == 204:
                    with self.ledger.lock:
                        self.ledger.images[image_id]["delete"] = "ok"


def healthy(port):
    status, _ = call(port, "GET", "/healthz", timeout=2)
    return status == 200


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the cfimages executable")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of instance A under load")
    parser.add_argument("--threads", type=int, default=2, help="load clients per instance")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and the database")
    args = parser.parse_args()
    cluster_url = os.environ.get("CFIMAGES_TEST_POSTGRES_URL")
    cluster_root = os.environ.get("CFIMAGES_TEST_POSTGRES_ROOT")
    if not cluster_url:
        print("two-instances-test: CFIMAGES_TEST_POSTGRES_URL is not set (run it under scripts/postgres-test-cluster.sh)")
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="cfimages-two-")
    database = f"cfimages_two_{os.getpid()}"
    psql(cluster_url, f"CREATE DATABASE {database}")
    url = with_database(cluster_url, database)
    emulator_port, port_a, port_b = free_port(), free_port(), free_port()
    print(f"two-instances-test: seed {seed}, A :{port_a}, B :{port_b}, emulator :{emulator_port}, database {database}")

    emulator = Process("emulator", [
        binary, "emulator", "--port", str(emulator_port), "--api-token", API_TOKEN, "--signing-key", SIGNING_KEY,
        "--data-dir", os.path.join(workdir, "emulator"), "--webhook-secret", SECRET,
        "--webhook-url", f"http://127.0.0.1:{port_b}{PREFIX}webhook/",
    ], workdir, service_env(workdir, 0, "warning"),
        lambda: call(emulator_port, "GET", "/client/v4/accounts/emulator-account/images/v1/stats", timeout=2)[0]
        is not None)
    instances = {}
    for name, port in (("A", port_a), ("B", port_b)):
        folder = os.path.join(workdir, name)
        os.makedirs(folder)
        env = service_env(
            folder, port, "warning", CFIMAGES_DATABASE_URL=url, CLOUDFLARE_IMAGES_ACCOUNT_ID="emulator-account",
            CLOUDFLARE_IMAGES_API_TOKEN=API_TOKEN, CLOUDFLARE_IMAGES_ACCOUNT_HASH="emulator-hash",
            CLOUDFLARE_IMAGES_BASE_URL=f"http://127.0.0.1:{emulator_port}/client/v4",
            CLOUDFLARE_IMAGES_WEBHOOK_SECRET=SECRET, CLOUDFLARE_IMAGES_SIGNING_KEY=SIGNING_KEY)
        instances[name] = Process(f"serve-{name}", [binary, "serve"], folder, env, lambda p=port: healthy(p))
    a, b = instances["A"], instances["B"]
    failures = []
    ledger, stop = Ledger(), threading.Event()
    loads = []
    try:
        emulator.start()
        a.start()
        b.start()
        token = create_admin_token(binary, a.workdir, a.env, "two-instances")

        # 1. Made on A, uploaded to Cloudflare, its webhook heard by B: A sees it uploaded at once.
        status, image = call(port_a, "POST", PREFIX + "upload-url/", token, {"filename": "dot.png"})
        if status != 201:
            raise RuntimeError(f"upload-url on A answered {status}: {image}")
        body, headers = multipart_png()
        parts = urllib.parse.urlsplit(image["upload_url"])
        status, answer = call(parts.port, "POST", parts.path + (f"?{parts.query}" if parts.query else ""),
                              body=body, headers=headers)
        if status != 200:
            raise RuntimeError(f"the emulator's upload URL answered {status}: {answer}")
        started = time.monotonic()
        status, seen = call(port_a, "GET", PREFIX + f"images/{image['id']}/?wait=10&until=uploaded", token)
        waited = time.monotonic() - started
        if status != 200 or seen.get("status") != "uploaded":
            failures.append(f"A's wait for the upload answered {status}: {seen}")
        status, page = call(port_a, "GET", PREFIX + "images/", token)
        listed = {row["id"]: row["status"] for row in (page or {}).get("results", [])}
        if listed.get(image["id"]) != "uploaded":
            failures.append(f"A's list shows {listed.get(image['id'])} for the image B heard the webhook of")
        status, logs = call(port_a, "GET", PREFIX + f"images/{image['id']}/logs/", token)
        events = [row.get("event_type") for row in (logs if isinstance(logs, list) else (logs or {}).get("results", []))]
        if "webhook_received" not in events:
            failures.append(f"the image's logs have no webhook_received: {events}")
        print(f"two-instances-test: 1. made on A, webhook to B, A's wait answered uploaded after {waited:.2f}s")

        # 2. A token revoked in the shared database is refused by both instances within the bound.
        created = subprocess.run([binary, "token", "create", "doomed"], cwd=a.workdir, env=a.env,
                                 capture_output=True, text=True, timeout=60)
        doomed_id = created.stdout.split("token ", 1)[1].split(" ", 1)[0]
        doomed = created.stdout.strip().splitlines()[-1]
        for name, port in (("A", port_a), ("B", port_b)):
            status, _ = call(port, "GET", PREFIX + "images/", doomed)
            if status != 200:
                failures.append(f"the new token was refused by {name} ({status})")
        revoked = subprocess.run([binary, "token", "revoke", doomed_id], cwd=a.workdir, env=a.env,
                                 capture_output=True, text=True, timeout=60)
        if revoked.returncode != 0:
            raise RuntimeError(f"token revoke failed: {revoked.stderr.strip()}")
        # The bound is on the server's check, which follows the request's sending: a request sent later than the
        # bound after the revocation must be refused, however long its answer then takes on a loaded machine.
        started = time.monotonic()
        refused = {}
        late_accepts = {}
        while len(refused) < 2 and time.monotonic() < started + REVOCATION_BOUND + 30:
            for name, port in (("A", port_a), ("B", port_b)):
                if name in refused:
                    continue
                sent = time.monotonic() - started
                status, _ = call(port, "GET", PREFIX + "images/", doomed)
                if status == 401:
                    refused[name] = sent
                elif status == 200 and sent > REVOCATION_BOUND:
                    late_accepts.setdefault(name, sent)
            time.sleep(0.1)
        for name in ("A", "B"):
            if name in late_accepts:
                failures.append(f"{name} accepted the revoked token in a request sent {late_accepts[name]:.2f}s "
                                f"after the revocation (bound {REVOCATION_BOUND:.0f}s)")
            if name not in refused:
                failures.append(f"{name} never refused the revoked token")
        print("two-instances-test: 2. revoked token refused by " +
              ", ".join(f"{name} in a request sent after {seconds:.2f}s" for name, seconds in refused.items()))

        # 3. Load on both; A SIGKILLed and restarted under it; B answers everything meanwhile.
        loads = [Load(name, port, token, ledger, stop, rng.randrange(1 << 32))
                 for name, port in (("A", port_a), ("B", port_b)) for _ in range(args.threads)]
        for load in loads:
            load.start()
        for kill in range(args.kills):
            time.sleep(rng.uniform(0.5, 1.5))
            ledger.set_phase("A down")
            a.kill()
            time.sleep(rng.uniform(0.3, 1.0))
            a.start()
            ledger.set_phase("steady")
        time.sleep(1.0)
        down = {outcome: n for (instance, phase, outcome), n in ledger.answers.items()
                if instance == "B" and phase == "A down"}
        if set(down) - {"2xx"}:
            failures.append(f"B's answers while A was down: {down}")
        if not down.get("2xx"):
            failures.append("B answered nothing while A was down; the test checked nothing")
        print(f"two-instances-test: 3. A SIGKILLed {args.kills} times under load; B meanwhile: {down}")

        # 4. PostgreSQL restarts under the load: 503 meanwhile, then both serve again, unrestarted.
        if cluster_root:
            ledger.set_phase("postgres restart")
            owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
            # The restarted server keeps pg_ctl's output open: it goes to the cluster's log, not to a pipe.
            restarted = subprocess.run(owner + [pg_bin("pg_ctl"), "-D", os.path.join(cluster_root, "data"), "-l",
                                                os.path.join(cluster_root, "server.log"), "-m", "fast", "-w", "-t",
                                                "60", "restart"],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True, timeout=120)
            if restarted.returncode != 0:
                raise RuntimeError(f"pg_ctl restart failed: {restarted.stderr.strip()}")
            ledger.set_phase("after restart")
            for name, port in (("A", port_a), ("B", port_b)):
                if not wait_for(lambda: call(port, "GET", PREFIX + "images/", token)[0] == 200, 15, 0.1):
                    failures.append(f"{name} did not serve again within 15s of PostgreSQL's restart")
            time.sleep(1.0)
            during = Counter()
            for (instance, phase, outcome), n in ledger.answers.items():
                if phase in ("postgres restart", "after restart"):
                    during[outcome] += n
            unexpected = set(during) - {"2xx", "503"}
            if unexpected:
                failures.append(f"answers around PostgreSQL's restart: {dict(during)}")
            print(f"two-instances-test: 4. PostgreSQL restarted under load; answers around it: {dict(during)}")
        else:
            print("two-instances-test: 4. skipped (no CFIMAGES_TEST_POSTGRES_ROOT to restart PostgreSQL with)")
        stop.set()
        for load in loads:
            load.join(timeout=30)

        # 5. Every acknowledged write is there, read back through B.
        with ledger.lock:
            told = {key: dict(value) for key, value in ledger.images.items()}
        checked = Counter()
        for image_id, entry in told.items():
            if entry["delete"] == "sent":
                continue
            status, _ = call(port_b, "GET", PREFIX + f"images/{image_id}/", token)
            expected = 404 if entry["delete"] == "ok" else 200
            checked[expected] += 1
            if status != expected:
                failures.append(f"image {image_id}: B answers {status}, expected {expected}")
        counts = psql(url, "SELECT count(*) FROM (SELECT owner, status, count(*) AS n FROM images GROUP BY owner, "
                           "status) i FULL JOIN image_counts c USING (owner, status) "
                           "WHERE coalesce(i.n, 0) <> coalesce(c.image_count, 0)").strip()
        if counts != "0":
            failures.append(f"image_counts disagrees with the images in {counts} (owner, status) groups")
        print(f"two-instances-test: 5. {checked[200]} acknowledged images present, {checked[404]} acknowledged "
              f"deletes gone; image_counts consistent")
        if checked[200] == 0 or checked[404] == 0:
            failures.append("the load got no acknowledged create or delete; the test checked nothing")

        # 6. One budget for the account: 40 calls per window between both instances, not 40 each.
        limit = 40
        for process in (a, b):
            process.kill(signal.SIGTERM)
            process.env.update({"CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS": str(limit),
                                "CFIMAGES_CLOUDFLARE_RESERVED_CALLS": "0"})
        psql(url, "DELETE FROM cloudflare_request_grants")  # the grants the load booked under its huge limit
        a.start()
        b.start()
        served = Counter()
        for index in range(2 * limit + 10):
            name, port = (("A", port_a), ("B", port_b))[index % 2]
            status, _ = call(port, "POST", PREFIX + "upload-url/", token, {"filename": "budget.png"})
            served[(name, status)] += 1
        created = served[("A", 201)] + served[("B", 201)]
        others = {key: n for key, n in served.items() if key[1] not in (201, 503)}
        if created > limit or not served[("A", 201)] or not served[("B", 201)] or others:
            failures.append(f"upload URLs under a shared limit of {limit}: {dict(served)}")
        print(f"two-instances-test: 6. limit {limit} per window for the account: {served[('A', 201)]} upload URLs "
              f"on A + {served[('B', 201)]} on B, then 503")
    except RuntimeError as error:
        failures.append(str(error))
    finally:
        stop.set()
        for process in (a, b, emulator):
            process.kill(signal.SIGTERM)
        if not args.keep and not failures:
            shutil.rmtree(workdir, ignore_errors=True)
            try:
                psql(cluster_url, f"DROP DATABASE IF EXISTS {database}")
            except RuntimeError:
                pass
    for failure in failures:
        print(f"two-instances-test: FAIL: {failure} (logs in {workdir})")
    if not failures:
        print("two-instances-test: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
