#!/usr/bin/env python3
"""The benchmark harness behind `make bench` (started by Benchmarks/run.sh, which builds everything first).

Starts each contestant on loopback, drives it with wrk (scenarios 1-3) and with Benchmarks/manyconns.py
(scenario 4), and prints one Markdown table with our ratio to each peer; the table also goes to
bench-results/<date>.md. A contestant that is missing or fails to start is reported in the table as such.
See Benchmarks/README.md.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))
import console_pages  # noqa: E402
import seed  # noqa: E402
from throwaway_service import pg_bin  # noqa: E402

PREFIX = "/cloudflare-images/api"
DJANGO_TOKEN = "b3e1c0ffee0123456789abcdef0123456789abcd"
PEER_TOKEN = "peer-benchmark-token-0123456789"
CF = {"account": "bench-account", "token": "bench-cf-token", "hash": "benchhash"}

PROCS = []  # every Popen we started, killed on exit


# --------------------------------------------------------------------------------------------- processes
def cleanup(*_):
    for p in PROCS:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + 5
    for p in PROCS:
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    PROCS.clear()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def spawn(cmd, env=None, cwd=None, log=None):
    out = open(log, "ab") if log else subprocess.DEVNULL
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    PROCS.append(p)
    return p


def run_tracked(cmd, **kw):
    """subprocess.run for setup steps (migrate, seed), killed with the rest if the harness is interrupted."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                         start_new_session=True, **kw)
    PROCS.append(p)
    out, _ = p.communicate()
    PROCS.remove(p)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join([Path(cmd[0]).name] + [str(c) for c in cmd[1:3]]), out.strip()[-300:]))
    return out


def stop(p):
    if p is None or p.poll() is not None:
        return
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(5)
    except ProcessLookupError:
        pass
    if p in PROCS:
        PROCS.remove(p)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid):
    """pid and all its descendants (gunicorn: master + workers)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_kb(pid, field):
    total = 0
    for p in tree(pid):
        try:
            for line in open("/proc/%d/status" % p):
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def http_status(port, path, headers, timeout=1.0):
    """One GET on a fresh connection; the status code, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            head = "".join("%s: %s\r\n" % kv for kv in headers.items())
            s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n" % (path, head)).encode())
            first = s.recv(64)
            m = re.match(rb"HTTP/1\.[01] (\d{3})", first)
            return int(m.group(1)) if m else None
    except OSError:
        return None


def wait_ready(proc, port, path, headers, t0, timeout):
    """Poll until a 200 answers; seconds from t0 (process start) to that 200."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("exited with status %s" % proc.returncode)
        if http_status(port, path, headers, timeout=2) == 200:
            return time.time() - t0
        time.sleep(0.002)
    raise RuntimeError("no 200 within %ds" % timeout)


# --------------------------------------------------------------------------------------------- load
def wrk(port, script, conns, duration, env, timeout_s=10):
    """Runs wrk; returns dict(rps, p50_ms, p99_ms, requests, errors, non2xx) from the script's done()."""
    cmd = ["wrk", "-t2", "-c%d" % conns, "-d%ds" % duration, "--latency", "--timeout", "%ds" % timeout_s,
           "-s", str(HERE / "wrk" / script), "http://127.0.0.1:%d" % port]
    r = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, timeout=duration + 60)
    m = re.search(r"^BENCHJSON (.*)$", r.stdout, re.M)
    if not m:
        raise RuntimeError("wrk gave no result: %s" % (r.stderr.strip() or r.stdout.strip())[-300:])
    return json.loads(m.group(1))


def single_request(port, path, headers, method="GET", timeout=60):
    """Fallback when wrk completes nothing: one request, timed."""
    t = time.time()
    st = None
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            head = "".join("%s: %s\r\n" % kv for kv in headers.items())
            s.sendall(("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n" % (method, path, head)).encode())
            first = s.recv(64)
            m = re.match(rb"HTTP/1\.[01] (\d{3})", first)
            st = int(m.group(1)) if m else None
            while s.recv(65536):
                pass
    except OSError:
        return {"rps": 0, "ok_rps": 0, "p50_ms": timeout * 1000.0, "p99_ms": timeout * 1000.0, "requests": 0, "errors": 1, "non2xx": 0, "single": True,
                "no_answer_s": timeout}
    ms = (time.time() - t) * 1000
    return {"rps": 1000.0 / ms, "ok_rps": 1000.0 / ms if st == 200 else 0, "p50_ms": ms, "p99_ms": ms, "requests": 1,
            "errors": 0 if st == 200 else 1, "non2xx": 0 if st == 200 else 1, "single": True}


def many_connections(port, path, headers, count, timeout):
    cmd = [sys.executable, str(HERE / "manyconns.py"), "--port", str(port), "--path", path,
           "--count", str(count), "--timeout", str(timeout)]
    for k, v in headers.items():
        cmd += ["--header", "%s: %s" % (k, v)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=2 * timeout + 30)
    except subprocess.TimeoutExpired:
        raise RuntimeError("client did not finish within %d s" % (2 * timeout + 30)) from None
    m = re.search(r"^RESULT (.*)$", r.stdout, re.M)
    if not m:
        raise RuntimeError("manyconns gave no result: %s" % r.stderr[-300:])
    return json.loads(m.group(1))


# --------------------------------------------------------------------------------------------- contestants
class Contestant:
    """Knows how to prepare data for and start one server; `start` returns (proc, port)."""

    name = ""
    phases = ()
    problem = None  # set when the contestant cannot run at all (missing build, ...)

    def auth(self):
        return {}


class Ours(Contestant):
    name = "cfimages"
    phases = ("s1", "s2", "s3", "s4", "s5", "s6")

    def __init__(self, args, work):
        self.bin, self.work = args.cfimages, work
        if not self.bin or not Path(self.bin).is_file():
            self.problem = "not built (%s)" % (args.cfimages_problem or "no release binary")
        elif "serve" not in subprocess.run([self.bin, "--help"], capture_output=True, text=True).stdout:
            self.problem = "this build has no `serve` subcommand yet"
        self.key = None
        # Extra settings for the next start (e.g. the list cache turned off).
        self.extra_env = {}

    def base_env(self, db, emulator_port):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CFIMAGES_", "CLOUDFLARE_IMAGES_"))}
        env.update({
            "CFIMAGES_HOST": "127.0.0.1", "CFIMAGES_DATABASE": str(db), "CFIMAGES_DATA_DIR": str(self.work / "ours-data"),
            "CFIMAGES_MIGRATIONS_DIR": str(ROOT / "Migrations"), "CFIMAGES_ACCESS_LOG": "true",
            "CFIMAGES_LOG_LEVEL": "info", "CFIMAGES_CONFIG_FILE": str(self.config_file()),
            # A real account is limited by Cloudflare itself; the client-side budget would cap scenario 3.
            "CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS": "1000000", "CLOUDFLARE_IMAGES_RATE_LIMIT_PER_SECOND": "1000000",
            # One benchmark user makes every call: its share of the budget must not cap the scenarios either.
            "CFIMAGES_CLOUDFLARE_CALLS_PER_USER": "1000000",
        })
        if emulator_port:
            env.update({
                "CLOUDFLARE_IMAGES_ACCOUNT_ID": CF["account"], "CLOUDFLARE_IMAGES_API_TOKEN": CF["token"],
                "CLOUDFLARE_IMAGES_ACCOUNT_HASH": CF["hash"],
                "CLOUDFLARE_IMAGES_BASE_URL": "http://127.0.0.1:%d/client/v4" % emulator_port,
            })
        return env

    def config_file(self):
        """An empty settings file, so a developer's Config/cfimages.env never leaks into the run."""
        path = self.work / "cfimages.env"
        if not path.exists():
            path.write_text("# Empty: the benchmark sets everything through the environment.\n")
        return path

    def dataset(self, count, usages=False):
        """A cached, seeded database (with usage rows when `usages`); key file beside it."""
        digest = hashlib.sha256()
        for f in sorted((ROOT / "Migrations" / "sqlite").glob("*.sql")) + [HERE / "seed.py"]:
            digest.update(f.read_bytes())
        kind = "usages-" if usages else ""
        db = self.work / "cache" / ("ours-%s%d-%s.sqlite" % (kind, count, digest.hexdigest()[:12]))
        keyfile = db.with_suffix(".key")
        if not (db.exists() and keyfile.exists()):
            tmp = seeding_file(db)
            env = self.base_env(tmp, None)
            log("  seeding cfimages database with %d images" % count)
            run_tracked([self.bin, "migrate"], env=env, cwd=self.work)
            out = run_tracked([self.bin, "token", "create", "bench"], env=env, cwd=self.work)
            seed.seed_cfimages(str(tmp), "bench", count)
            if usages:
                log("  seeding %d usages" % sum(seed.usage_count(i) for i in range(1, count + 1)))
                seed.seed_usages(str(tmp), count)
            sqlite_checkpoint(tmp)
            keyfile.write_text(out.strip().splitlines()[-1].strip())
            tmp.rename(db)
        self.key = keyfile.read_text().strip()
        return db

    def auth(self):
        return {"Authorization": "Token %s" % self.key}

    def start(self, phase, count, emulator_port):
        src = self.dataset(count, usages=phase == "s5")
        db = self.work / ("ours-%s.sqlite" % phase)
        copy_db(src, db)
        port = free_port()
        env = self.base_env(db, emulator_port)
        env["CFIMAGES_PORT"] = str(port)
        env.update(self.extra_env)
        t0 = time.time()
        proc = spawn([self.bin, "serve"], env=env, cwd=self.work, log=self.work / ("ours-%s.log" % phase))
        return proc, port, t0


class OursPostgreSQL(Ours):
    """cfimages on PostgreSQL (`--postgres-url`, the throwaway cluster Benchmarks/run.sh starts): S1-S3 as on SQLite,
    and S1 again with two instances on the one database, each driven by its own wrk with half the connections."""
    name = "cfimages-pg"
    phases = ("s1", "s2", "s3")
    COLUMNS = ("id, cloudflare_id, owner, filename, original_filename, content_type, file_size, upload_url, status,"
               " require_signed_urls, metadata, creator, created_at, updated_at, uploaded_at, expires_at, format,"
               " variants, cloudflare_metadata")

    def __init__(self, args, work):
        super().__init__(args, work)
        self.url = args.postgres_url
        if not self.problem and not self.url:
            self.problem = "no PostgreSQL (--postgres-url, or postgresql not installed for Benchmarks/run.sh)"
        self.database = None

    def database_url(self, name):
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(path="/" + name))

    def psql(self, sql, database=None, stdin=None, before=()):
        cmd = [pg_bin("psql"), self.database_url(database) if database else self.url, "-X", "-q", "-At",
               "-v", "ON_ERROR_STOP=1"]
        for statement in list(before) + [sql]:
            cmd += ["-c", statement]
        done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError("psql failed: %s" % done.stderr.decode(errors="replace").strip()[-300:])
        return done.stdout.decode().strip()

    def base_env(self, db, emulator_port):
        env = super().base_env(db, emulator_port)
        env.pop("CFIMAGES_DATABASE", None)
        env["CFIMAGES_DATABASE_URL"] = self.database_url(self.database or "postgres")
        return env

    def dataset(self, count, usages=False):
        """A seeded database in the cluster (kept for the run), the key beside the SQLite caches."""
        digest = hashlib.sha256()
        for f in sorted((ROOT / "Migrations" / "postgresql").glob("*.sql")) + [HERE / "seed.py"]:
            digest.update(f.read_bytes())
        name = "bench_seed_%d_%s" % (count, digest.hexdigest()[:12])
        keyfile = self.work / "cache" / (name + ".key")
        keyfile.parent.mkdir(parents=True, exist_ok=True)
        exists = self.psql("SELECT 1 FROM pg_database WHERE datname = '%s'" % name) == "1"
        if not (exists and keyfile.exists()):
            log("  seeding a PostgreSQL database with %d images" % count)
            self.psql("DROP DATABASE IF EXISTS %s" % name)
            self.psql("CREATE DATABASE %s" % name)
            self.database = name
            env = self.base_env(None, None)
            run_tracked([self.bin, "migrate"], env=env, cwd=self.work)
            out = run_tracked([self.bin, "token", "create", "bench"], env=env, cwd=self.work)
            rows = []
            for i in range(1, count + 1):
                f = seed.fields(i)
                us = 1_000_000
                rows.append(",".join(self.csv(v) for v in (
                    f["id"], f["cloudflare_id"], "bench", f["filename"], f["filename"], f["content_type"],
                    f["file_size"], f["upload_url"], f["status"], f["require_signed_urls"], f["metadata"], "",
                    f["second"] * us, f["second"] * us, f["uploaded"] * us if f["uploaded"] else None,
                    f["expires"] * us, "", f["variants"], "{}")))
            # Without the counter triggers (each would update one row per image, in one transaction: quadratic),
            # then the counters from the rows, as the triggers would have left them.
            self.psql("COPY images (%s) FROM STDIN WITH (FORMAT csv)" % self.COLUMNS, name,
                      stdin=("\n".join(rows) + "\n").encode(), before=["SET session_replication_role = replica"])
            self.psql("INSERT INTO image_counts (owner, status, image_count, total_file_size, signed_url_count,"
                      " orphan_count, usage_count) SELECT owner, status, count(*), coalesce(sum(file_size), 0),"
                      " sum(require_signed_urls), count(*) FILTER (WHERE usage_count = 0), sum(usage_count)"
                      " FROM images GROUP BY owner, status", name)
            self.psql("INSERT INTO image_upload_days (owner, day, uploads) SELECT owner, uploaded_at / 86400000000,"
                      " count(*) FROM images WHERE uploaded_at IS NOT NULL GROUP BY 1, 2", name)
            self.psql("UPDATE image_generation SET generation = generation + 1", name)
            self.psql("VACUUM ANALYZE", name)
            keyfile.write_text(out.strip().splitlines()[-1].strip())
        self.key = keyfile.read_text().strip()
        return name

    @staticmethod
    def csv(value):
        if value is None:
            return ""
        text = str(value)
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') or text == "" else text

    def start(self, phase, count, emulator_port, instance=0):
        seeded = self.dataset(count)
        self.database = "bench_%s" % phase
        if instance == 0:
            self.psql("DROP DATABASE IF EXISTS %s" % self.database)
            self.psql("CREATE DATABASE %s TEMPLATE %s" % (self.database, seeded))
            self.psql("VACUUM ANALYZE", self.database)
        port = free_port()
        env = self.base_env(None, emulator_port)
        env["CFIMAGES_PORT"] = str(port)
        env["CFIMAGES_DATA_DIR"] = str(self.work / ("ours-pg-data-%d" % instance))
        env.update(self.extra_env)
        t0 = time.time()
        proc = spawn([self.bin, "serve"], env=env, cwd=self.work,
                     log=self.work / ("ours-pg-%s-%d.log" % (phase, instance)))
        return proc, port, t0


class Django(Contestant):
    name = "Django"
    phases = ("s1", "s2", "s3", "s4")

    def __init__(self, args, work):
        self.venv, self.work = Path(args.django_venv), work
        self.python = self.venv / "bin" / "python"
        if not (self.venv / "bin" / "gunicorn").exists():
            self.problem = "virtualenv not installed (%s)" % (args.django_problem or "no gunicorn")
        self.project = HERE / "django"

    def env(self, db, emulator_port):
        return {**os.environ, "BENCH_DJANGO_DB": str(db), "DJANGO_SETTINGS_MODULE": "benchsite.settings",
                "BENCH_CF_BASE_URL": "http://127.0.0.1:%d/client/v4" % (emulator_port or 9),
                "BENCH_CF_ACCOUNT_ID": CF["account"], "BENCH_CF_API_TOKEN": CF["token"],
                "BENCH_CF_ACCOUNT_HASH": CF["hash"]}

    def dataset(self, count):
        digest = hashlib.sha256()
        for f in [HERE / "seed.py"] + sorted(f for f in self.project.rglob("*.py") if ".venv" not in f.parts):
            digest.update(f.read_bytes())
        digest.update(subprocess.run([str(self.python), "-m", "pip", "freeze"], capture_output=True).stdout)
        db = self.work / "cache" / ("django-%d-%s.sqlite" % (count, digest.hexdigest()[:12]))
        if not db.exists():
            tmp = seeding_file(db)
            env = self.env(tmp, None)
            log("  seeding Django database with %d images" % count)
            run_tracked([str(self.python), "manage.py", "migrate", "-v0"], env=env, cwd=self.project)
            run_tracked([str(self.python), "manage.py", "bench_seed", "--token", DJANGO_TOKEN, "--images", str(count)],
                        env=env, cwd=self.project)
            sqlite_checkpoint(tmp)
            tmp.rename(db)
        return db

    def auth(self):
        return {"Authorization": "Token %s" % DJANGO_TOKEN}

    def start(self, phase, count, emulator_port):
        db = self.work / ("django-%s.sqlite" % phase)
        copy_db(self.dataset(count), db)
        port = free_port()
        t0 = time.time()
        proc = spawn([str(self.venv / "bin" / "gunicorn"), "benchsite.wsgi", "-b", "127.0.0.1:%d" % port,
                      "--workers", "2", "--threads", "4", "--timeout", "120", "--backlog", "4096"],
                     env=self.env(db, emulator_port), cwd=self.project, log=self.work / ("django-%s.log" % phase))
        return proc, port, t0


class Peer(Contestant):
    phases = ("s1", "s4")

    def __init__(self, name, binary, work):
        self.name, self.bin, self.work = name, binary, work
        if not binary or not Path(binary).is_file():
            self.problem = "not built"

    def auth(self):
        return {"Authorization": "Token %s" % PEER_TOKEN}

    def start(self, phase, count, emulator_port):
        port = free_port()
        env = {**os.environ, "PEER_HOST": "127.0.0.1", "PEER_PORT": str(port), "PEER_TOKEN": PEER_TOKEN,
               "PEER_RECORDS": str(count)}
        t0 = time.time()
        proc = spawn([self.bin], env=env, cwd=self.work, log=self.work / ("%s-%s.log" % (self.name, phase)))
        return proc, port, t0


def sqlite_checkpoint(path):
    import sqlite3

    c = sqlite3.connect(str(path))
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()


def seeding_file(db):
    """The empty temporary file a cached database `db` is seeded in (renamed to `db` when done); older caches of the
    same kind are dropped first."""
    db.parent.mkdir(parents=True, exist_ok=True)
    drop_stale(db)
    tmp = db.with_suffix(".tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    return tmp


def drop_stale(db):
    """Removes cached databases of the same kind and size made by older seed code or migrations."""
    kind = db.name.rsplit("-", 1)[0]
    for old in db.parent.glob(kind + "-*"):
        if not old.name.startswith(db.stem):
            old.unlink(missing_ok=True)


def copy_db(src, dst):
    """A fresh copy of a seeded database, on disk before the server starts: left dirty, the kernel would write it
    back (40 MB at S1's size, 400 MB at S2's) in the middle of a timed run of ours or Django's, never of the
    peers that serve from memory."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Emulator:
    def __init__(self, binary, work, latency_ms):
        self.port = free_port()
        # Fresh state every run: images created by earlier runs' scenario 3 only make the emulator's database grow.
        shutil.rmtree(work / ("emulator-%d" % latency_ms), ignore_errors=True)
        self.proc = spawn([binary, "emulator", "--port", str(self.port), "--account-id", CF["account"],
                           "--api-token", CF["token"], "--account-hash", CF["hash"], "--latency-ms",
                           str(latency_ms), "--log-level", "warning", "--data-dir",
                           str(work / ("emulator-%d" % latency_ms))],
                          cwd=work, log=work / ("emulator-%d.log" % latency_ms))
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("emulator exited with %s" % self.proc.returncode)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("emulator did not listen within 20 s")


# --------------------------------------------------------------------------------------------- run
def log(msg):
    print(msg, file=sys.stderr, flush=True)


def detail_path(i=1):
    return "%s/images/%s/" % (PREFIX, seed.image_id(i))


def run_phase(c, phase, args, emulators, results):
    """Starts `c` for one phase, runs that phase's loads, records into results[c.name]."""
    r = results.setdefault(c.name, {})
    count = args.big if phase in ("s2", "s5", "s6") else args.small
    emulator = emulators.get(50 if phase == "s3" else 0)
    log("[%s] %s: starting" % (c.name, phase))
    # The previous phase's access logs and databases (over 100 MB after S2) would otherwise be written back during
    # this phase's timed run.
    os.sync()
    proc = None
    try:
        proc, port, t0 = c.start(phase, count, emulator.port if emulator else None)
        ready = wait_ready(proc, port, detail_path(), c.auth(), t0, args.ready_timeout)
        env = {"BENCH_AUTH": c.auth().get("Authorization", ""), "BENCH_IMAGES": str(count)}
        if phase == "s1":
            r["startup_ms"] = ready * 1000
            time.sleep(1.0)
            r["idle_rss_kb"] = memory_kb(proc.pid, "VmRSS")
            r["s1"] = wrk(port, "detail.lua", 64, args.duration, env)
            r["s1_rss_kb"] = memory_kb(proc.pid, "VmHWM")
            if isinstance(c, OursPostgreSQL):
                r["s1_pair"] = two_instances_s1(c, proc, port, count, args, env)
        elif phase == "s2":
            for key, script, path in (("s2_list", "list.lua", PREFIX + "/images/?status=uploaded&page=1"),
                                      ("s2_stats", "stats.lua", PREFIX + "/stats/")):
                res = wrk(port, script, 64, args.duration, env, timeout_s=30)
                if res["requests"] == 0 or res["non2xx"] == res["requests"]:
                    # Requests still running would delay a lone one: restart the server, then time one request.
                    log("  %s: wrk completed nothing in time; timing one request on a fresh start" % key)
                    stop(proc)
                    proc, port, t0 = c.start(phase, count, emulator.port if emulator else None)
                    wait_ready(proc, port, detail_path(), c.auth(), t0, args.ready_timeout)
                    res = single_request(port, path, c.auth(), timeout=args.single_timeout)
                r[key] = res
            r["s2_rss_kb"] = memory_kb(proc.pid, "VmHWM")
            if isinstance(c, Ours):
                # The same list pages on a fresh start with the list response cache off: every page read and built.
                stop(proc)
                c.extra_env = {"CFIMAGES_LIST_CACHE_MB": "0"}
                try:
                    proc, port, t0 = c.start(phase, count, emulator.port if emulator else None)
                    wait_ready(proc, port, detail_path(), c.auth(), t0, args.ready_timeout)
                    r["s2_list_uncached"] = wrk(port, "list.lua", 64, args.duration, env, timeout_s=30)
                finally:
                    c.extra_env = {}
        elif phase == "s5":
            for key, script in (("s5_orphans", "orphans.lua"), ("s5_image_usages", "image_usages.lua"),
                                ("s5_object_usages", "object_usages.lua"), ("s5_stats", "stats.lua")):
                # A 1.2 GB database read at random: a first pass maps its pages in (page faults, not the queries,
                # would otherwise make the first seconds' tail), then the timed run.
                wrk(port, script, 64, max(3, args.duration // 2), env, timeout_s=30)
                r[key] = wrk(port, script, 64, args.duration, env, timeout_s=30)
            r["s5_rss_kb"] = memory_kb(proc.pid, "VmHWM")
        elif phase == "s6":
            # An admin token for the admin pages, made by the CLI beside the running server (as an operator would).
            db = c.work / ("ours-%s.sqlite" % phase)
            out = run_tracked([c.bin, "token", "create", "benchadmin", "--admin"], env=c.base_env(db, None), cwd=c.work)
            admin_key = out.strip().splitlines()[-1].strip()
            r["s6"] = console_pages.run(port, c.key, admin_key, count, c.work / ("ours-%s.log" % phase))
        elif phase == "s3":
            r["s3"] = wrk(port, "upload.lua", 256, args.duration, env, timeout_s=10)
            r["s3_rss_kb"] = memory_kb(proc.pid, "VmHWM")
        elif phase == "s4":
            r["s4"] = many_connections(port, detail_path(7), c.auth(), args.connections, args.s4_timeout)
            r["s4_rss_kb"] = memory_kb(proc.pid, "VmHWM")
        if proc.poll() is not None:
            raise RuntimeError("exited during the run (status %s)" % proc.returncode)
    except Exception as e:  # noqa: BLE001 - every failure becomes a table cell, never an aborted run
        r.setdefault("errors", {})[phase] = str(e)[:120]
        log("  %s %s failed: %s" % (c.name, phase, e))
    finally:
        stop(proc)


def two_instances_s1(c, first, first_port, count, args, env):
    """S1 with a second instance on the same database: 32 connections to each at once; the sum and each side."""
    second = None
    try:
        second, port, t0 = c.start("s1", count, None, instance=1)
        wait_ready(second, port, detail_path(), c.auth(), t0, args.ready_timeout)
        runs = {}

        def drive(key, p):
            runs[key] = wrk(p, "detail.lua", 32, args.duration, env)

        threads = [threading.Thread(target=drive, args=(k, p)) for k, p in (("a", first_port), ("b", port))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if set(runs) != {"a", "b"}:
            raise RuntimeError("a wrk run of the two-instance S1 gave no result")
        return {"ok_rps": runs["a"]["ok_rps"] + runs["b"]["ok_rps"], "a": runs["a"], "b": runs["b"],
                "p99_ms": max(runs["a"]["p99_ms"], runs["b"]["p99_ms"])}
    finally:
        stop(second)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cfimages", default=os.environ.get("BENCH_CFIMAGES"))
    ap.add_argument("--cfimages-problem", default=os.environ.get("BENCH_CFIMAGES_PROBLEM"))
    ap.add_argument("--peers-bin", default=os.environ.get("BENCH_PEERS_BIN"))
    ap.add_argument("--server-peer-bin", default=os.environ.get("BENCH_SERVER_PEER_BIN"))
    ap.add_argument("--django-venv", default=os.environ.get("BENCH_DJANGO_VENV", str(HERE / "django" / ".venv")))
    ap.add_argument("--django-problem", default=os.environ.get("BENCH_DJANGO_PROBLEM"))
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    ap.add_argument("--small", type=int, default=100_000, help="images for scenarios 1, 3, 4")
    ap.add_argument("--big", type=int, default=1_000_000, help="images for scenario 2")
    ap.add_argument("--connections", type=int, default=10_000, help="scenario 4 connections")
    ap.add_argument("--s4-timeout", type=int, default=60)
    ap.add_argument("--ready-timeout", type=int, default=30)
    ap.add_argument("--single-timeout", type=int, default=90, help="bound of the one-request fallback")
    ap.add_argument("--only", default="", help="comma-separated contestant names")
    ap.add_argument("--scenarios", default="s1,s2,s3,s4,s5,s6")
    ap.add_argument("--out", default=str(ROOT / "bench-results"))
    ap.add_argument("--postgres-url", default=os.environ.get("CFIMAGES_TEST_POSTGRES_URL"),
                    help="a PostgreSQL server for the cfimages-pg contestant (Benchmarks/run.sh starts one)")
    args = ap.parse_args()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    if max(soft, want) < args.connections + 1000:
        log("warning: open-file limit %d is low for %d connections" % (max(soft, want), args.connections))

    out_dir = Path(args.out).resolve()
    work = out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    import report

    # Each run's server logs start empty (opened for appending, they grew by hundreds of MB per run, without end).
    for old_log in work.glob("*.log"):
        old_log.unlink()
    # Whatever was just built or seeded goes to disk now rather than during a timed run.
    os.sync()
    args.load_start = report._load_now()

    # Servers run with the work folder as their current directory: every path given must be absolute.
    peers_bin = Path(args.peers_bin).resolve() if args.peers_bin else None
    server_peer_bin = Path(args.server_peer_bin).resolve() if args.server_peer_bin else None
    args.cfimages = str(Path(args.cfimages).resolve()) if args.cfimages else None
    args.django_venv = str(Path(args.django_venv).absolute())
    contestants = [
        Ours(args, work),
        OursPostgreSQL(args, work),
        Django(args, work),
        Peer("Hummingbird", peers_bin / "PeerHummingbird" if peers_bin else None, work),
        Peer("FlyingFox", peers_bin / "PeerFlyingFox" if peers_bin else None, work),
        Peer("HTTPServer", server_peer_bin / "PeerHTTPServer" if server_peer_bin else None, work),
    ]
    if args.only:
        wanted = {n.strip().lower() for n in args.only.split(",")}
        contestants = [c for c in contestants if c.name.lower() in wanted]
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]

    results = {}
    emulators = {}
    try:
        need_emulator = any(not c.problem and isinstance(c, (Ours, Django)) for c in contestants)
        if need_emulator and args.cfimages and Path(args.cfimages).is_file():
            for latency in (0, 50):
                try:
                    emulators[latency] = Emulator(args.cfimages, work, latency)
                except Exception as e:  # noqa: BLE001
                    log("emulator (%d ms) failed: %s" % (latency, e))
        for c in contestants:
            if c.problem:
                results[c.name] = {"problem": c.problem}
                log("[%s] skipped: %s" % (c.name, c.problem))
        # Scenario by scenario, every contestant in turn: the runs a ratio compares are minutes apart at most, not
        # the whole run, so the machine's drift moves them together.
        for phase in scenarios:
            for c in contestants:
                if not c.problem and phase in c.phases:
                    run_phase(c, phase, args, emulators, results)
    finally:
        cleanup()

    table = report.render(results, [c.name for c in contestants], args, time.time() - started)
    if "s6" in results.get("cfimages", {}):
        table += "\n" + console_pages.table(results["cfimages"]["s6"])
    print(table)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    path = out_dir / ("%s.md" % stamp)
    path.write_text(table + "\n")
    (out_dir / "latest.md").write_text(table + "\n")
    (out_dir / ("%s.json" % stamp)).write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    log("wrote %s" % path)


if __name__ == "__main__":
    main()
