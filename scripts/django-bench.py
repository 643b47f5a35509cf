#!/usr/bin/env python3
"""django-bench.py: time and peak memory of `cfimages import-django` on a synthetic dump of N images and 2N logs.

Writes a dump shaped like `manage.py dumpdata auth.user authtoken.token contenttypes django_cloudflareimages_toolkit`
without --indent (one line, as dumpdata writes it): USERS users with DRF tokens, the content types, N images spread
over the users, LOGS_PER_IMAGE logs per image and N/USAGE_EVERY usages. The dump is streamed to disk, never held in
memory. Then runs the import into a fresh data directory (and, with --rerun, the same import again, which must change
nothing), and reports wall time, objects per second and peak RSS (from the kernel's rusage of the child, which is
what `/usr/bin/time -v` reports as "Maximum resident set size").

    python3 scripts/django-bench.py --images 1000000 --binary .build/release/cfimages --rerun

With --postgresql the import goes into a fresh database of the PostgreSQL at CFIMAGES_TEST_POSTGRES_URL (run it
under scripts/postgres-test-cluster.sh run --), dropped after.

Exit 1 when an import fails or the rerun creates or updates anything.
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from throwaway_service import psql, with_database  # noqa: E402
TOOLKIT = "django_cloudflareimages_toolkit"
HASH = "Vi7wi5KSItxGFsWRG2Us6Q"


def iso(seconds: float) -> str:
    """Django's form: milliseconds when there is a fraction, Z for UTC."""
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000))
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return text + (f".{millis:03d}" if millis else "") + "Z"


def write_dump(path: Path, images: int, logs_per_image: int, users: int, usage_every: int) -> dict:
    counts = {"users": users, "tokens": users, "images": images, "logs": images * logs_per_image,
              "usages": images // usage_every if usage_every else 0}
    encode = json.JSONEncoder(ensure_ascii=False).encode
    start = 1_735_689_600  # 2025-01-01
    with open(path, "w", buffering=8 << 20) as out:
        first = True

        def put(obj):
            nonlocal first
            out.write(("[" if first else ", ") + encode(obj))
            first = False

        for u in range(1, users + 1):
            put({"model": "auth.user", "pk": u, "fields": {
                "password": "!unusable", "last_login": None, "is_superuser": u == 1, "username": f"user{u:05d}",
                "first_name": "", "last_name": "", "email": f"user{u}@example.com", "is_staff": u <= 2,
                "is_active": True, "date_joined": iso(start), "groups": [], "user_permissions": []}})
        for u in range(1, users + 1):
            put({"model": "authtoken.token", "pk": f"{u:040x}", "fields": {"user": u, "created": iso(start)}})
        content_types = [("auth", "user"), ("authtoken", "token"), (TOOLKIT, "cloudflareimage"),
                         (TOOLKIT, "imageuploadlog"), (TOOLKIT, "imageusage"), ("blog", "post")]
        for pk, (app, model) in enumerate(content_types, start=1):
            put({"model": "contenttypes.contenttype", "pk": pk, "fields": {"app_label": app, "model": model}})

        # Random-looking UUID4s, as Django makes them (inserts land all over the indexes), but repeatable.
        def image_id(i: int) -> str:
            return str(uuid.UUID(bytes=hashlib.md5(b"image %d" % i).digest(), version=4))

        def cloudflare_id(i: int) -> str:
            return str(uuid.UUID(bytes=hashlib.md5(b"cloudflare %d" % i).digest(), version=4))

        for i in range(images):
            cf = cloudflare_id(i)
            created = start + i * 0.5
            put({"model": f"{TOOLKIT}.cloudflareimage", "pk": image_id(i), "fields": {
                "cloudflare_id": cf, "user": 1 + i % users, "filename": f"photo-{i}.jpg",
                "original_filename": f"IMG_{i:07d}.JPG", "content_type": "image/jpeg", "file_size": 100_000 + i % 5000,
                "upload_url": f"https://upload.imagedelivery.net/{HASH}/{cf}", "status": "uploaded",
                "require_signed_urls": i % 3 == 0, "metadata": {"album": f"album-{i % 100}", "n": i},
                "creator": f"user{1 + i % users:05d}", "created_at": iso(created), "updated_at": iso(created + 12.25),
                "uploaded_at": iso(created + 10.125), "expires_at": iso(created + 1800), "width": 1920, "height": 1080,
                "format": "jpeg", "variants": [f"https://imagedelivery.net/{HASH}/{cf}/public",
                                               f"https://imagedelivery.net/{HASH}/{cf}/thumbnail"],
                "cloudflare_metadata": {"album": f"album-{i % 100}"}, "last_referenced_at": None}})
        pk = 0
        for i in range(images):
            created = start + i * 0.5
            for n in range(logs_per_image):
                pk += 1
                put({"model": f"{TOOLKIT}.imageuploadlog", "pk": pk, "fields": {
                    "image": image_id(i), "event_type": "upload_url_created" if n == 0 else "webhook_received",
                    "message": "Direct upload URL created successfully" if n == 0 else "Webhook processed successfully",
                    "data": {"response": {"id": i, "n": n}}, "timestamp": iso(created + n * 10.125)}})
        if usage_every:
            for n, i in enumerate(range(0, images, usage_every), start=1):
                created = start + i * 0.5 + 60
                put({"model": f"{TOOLKIT}.imageusage", "pk": n, "fields": {
                    "content_type": 6, "object_id": str(n), "field_name": "hero", "source": "auto",
                    "cloudflare_id": cloudflare_id(i), "image": image_id(i),
                    "created_at": iso(created), "updated_at": iso(created)}})
        out.write("]\n" if not first else "[]\n")
    return counts


def run_import(binary: str, dump: Path, data: Path, label: str, database_url: str = None) -> dict:
    env = dict(os.environ, CFIMAGES_DATA_DIR=str(data), CFIMAGES_MIGRATIONS_DIR=str(REPO / "Migrations"),
               CFIMAGES_LOG_LEVEL="warning")
    if database_url:
        env["CFIMAGES_DATABASE_URL"] = database_url
    started = time.monotonic()
    # A fresh process per run: ru_maxrss of RUSAGE_CHILDREN is the largest of the children waited for so far, so
    # each import runs under its own `python3 -c` parent that reports only its child.
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr); "
             "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", probe, binary, "import-django", "--from-file", str(dump)],
                            capture_output=True, text=True, env=env, cwd=data.parent)
    elapsed = time.monotonic() - started
    found = re.search(r"MAXRSS_KB (\d+)", result.stderr)
    if not found:
        raise SystemExit(f"error: the import did not run: {result.stderr.strip()}")
    rss = int(found.group(1))
    print(f"--- {label}: exit {result.returncode}, {elapsed:.1f} s, peak RSS {rss / 1024:.1f} MB")
    print("\n".join("    " + line for line in result.stdout.splitlines()[:12]))
    return {"exit": result.returncode, "seconds": elapsed, "rss_mb": rss / 1024, "stdout": result.stdout}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--images", type=int, default=1_000_000)
    parser.add_argument("--logs-per-image", type=int, default=2)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--usage-every", type=int, default=10, help="one usage per this many images (0: none)")
    parser.add_argument("--binary", default=str(REPO / ".build/release/cfimages"))
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--rerun", action="store_true", help="import the same dump again (must change nothing)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--postgresql", action="store_true", help="import into PostgreSQL (CFIMAGES_TEST_POSTGRES_URL)")
    args = parser.parse_args()
    cluster_url = os.environ.get("CFIMAGES_TEST_POSTGRES_URL")
    if args.postgresql and not cluster_url:
        print("error: --postgresql needs CFIMAGES_TEST_POSTGRES_URL (scripts/postgres-test-cluster.sh run -- ...)",
              file=sys.stderr)
        return 2
    database = f"cfimages_django_bench_{os.getpid()}"
    database_url = with_database(cluster_url, database) if args.postgresql else None
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        print(f"error: no cfimages binary at {args.binary} (swift build -c release --product cfimages)", file=sys.stderr)
        return 2
    work = args.dir or Path(tempfile.mkdtemp(prefix="cfimages-django-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    dump, data = work / "dump.json", work / "data"
    shutil.rmtree(data, ignore_errors=True)
    try:
        started = time.monotonic()
        counts = write_dump(dump, args.images, args.logs_per_image, args.users, args.usage_every)
        size = dump.stat().st_size
        objects = counts["users"] * 2 + 6 + counts["images"] + counts["logs"] + counts["usages"]
        print(f"dump: {counts} = {objects} objects, {size / 1e6:.0f} MB, written in {time.monotonic() - started:.1f} s")
        if database_url:
            psql(cluster_url, f"CREATE DATABASE {database}")
        first = run_import(args.binary, dump, data, "import", database_url)
        status = 0 if first["exit"] == 0 else 1
        if database_url:
            stored = int(psql(database_url, "SELECT pg_database_size(current_database())"))
        else:
            stored = (data / "cfimages.sqlite").stat().st_size
        print(f"database: {stored / 1e6:.0f} MB; "
              f"{objects / first['seconds']:.0f} objects/s, {size / 1e6 / first['seconds']:.1f} MB/s of dump")
        if args.rerun:
            again = run_import(args.binary, dump, data, "same dump again", database_url)
            changed = re.findall(r"(\d+) created, (\d+) updated", again["stdout"])
            if again["exit"] != 0 or any(a != "0" or b != "0" for a, b in changed):
                print("error: the rerun changed something", file=sys.stderr)
                status = 1
        return status
    finally:
        if database_url:
            psql(cluster_url, f"DROP DATABASE IF EXISTS {database}")
        if args.keep or args.dir:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
