#!/usr/bin/env python3
"""Event figures for `cfimages serve`: deliveries per second to a local receiver, and many waiters.

1. Deliveries: with serve stopped, N events with one pending delivery each (distinct images, so the per-image order
   does not serialise them) are written into the database; serve is started and the time until a keep-alive
   receiver on loopback has accepted all N is measured (events/s, from the first delivery to the last).
2. Waiters: W pending images are created through the API, W concurrent `GET …/images/{id}/?wait=60&until=final`
   requests are held and serve's RSS is read. Then, while all W are held, S of them (`--samples`, one every 20 ms)
   are uploaded the way a browser does it, to their one-time URL on the embedded emulator, whose webhook tells
   serve: the time from the start of the upload to the waiter's answer is the wake latency of one change. Last, one
   transaction by another process (sqlite3) marks the rest uploaded at once: the time from that commit to each
   answer is the cross-process path (found by serve's poll, then every waited image re-read).
Stdlib only. Usage: Benchmarks/events_bench.py --binary .build/release/cfimages [--events 5000] [--waiters 10000] [--samples 200]
"""
import argparse
import asyncio
import calendar
import http.client
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from throwaway_service import DeliveryReceiver, free_port, multipart_png  # noqa: E402

PREFIX = "/cloudflare-images/api/"


def request(port, method, path, token, body=None, connection=None):
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, PREFIX + path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read()
    return response.status, (json.loads(text) if text else None)


def start(binary, workdir, env, port):
    log = open(os.path.join(workdir, "serve.log"), "ab")
    process = subprocess.Popen([binary, "serve"], cwd=workdir, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    raise RuntimeError("serve did not start")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def mapped_mb(pid):
    """Resident MB of each mapped file (from smaps), largest first: the binary's pages and SQLite's mapped database."""
    sizes, name = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5:
                name = os.path.basename(fields[5]) if len(fields) > 5 and fields[5].startswith("/") else None
            elif fields[0] == "Rss:" and name:
                sizes[name] = sizes.get(name, 0) + int(fields[1]) / 1024
    return sorted(((n, mb) for n, mb in sizes.items() if mb >= 1), key=lambda item: -item[1])


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def deliveries(binary, workdir, env, port, token, database, count):
    receiver = DeliveryReceiver()
    process = start(binary, workdir, env, port)
    status, endpoint = request(port, "POST", "event-endpoints/", token,
                               {"url": receiver.url, "events": ["image.upload_url_created"]})
    assert status == 201, endpoint
    status, image = request(port, "POST", "upload-url/", token, {"filename": "a.png"})
    assert status == 201, image
    deadline = time.monotonic() + 30
    while not receiver.snapshot() and time.monotonic() < deadline:
        time.sleep(0.05)
    stop(process)
    db = sqlite3.connect(database)
    seq, blob, created = db.execute("SELECT seq, image, created_at FROM events ORDER BY seq LIMIT 1").fetchone()
    now = int(time.time() * 1_000_000)
    with db:
        for i in range(count):
            cursor = db.execute("INSERT INTO events (id, type, image_id, image, created_at) VALUES (?, ?, ?, ?, ?)",
                                (f"evt_bench{i:016d}", "image.upload_url_created", f"bench-{i}", blob, now))
            db.execute("INSERT INTO event_deliveries (event_seq, endpoint_id, image_id, next_attempt_at) VALUES (?, ?, ?, ?)",
                       (cursor.lastrowid, endpoint["id"], f"bench-{i}", now))
    db.close()
    receiver.clear()
    process = start(binary, workdir, env, port)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if len(receiver.snapshot()) >= count:
            break
        time.sleep(0.05)
    times = [at for _, _, _, at in receiver.snapshot()]
    stop(process)
    receiver.server.shutdown()
    if len(times) < count:
        return f"deliveries: only {len(times)} of {count} in 600 s"
    elapsed = times[-1] - times[0]
    return f"deliveries: {count} events in {elapsed:.2f} s = {count / elapsed:.0f} events/s (receiver: Python ThreadingHTTPServer)"


async def hold(port, token, image_id, answers, opened, sent, go):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    opened.append(1)
    await go.wait()
    writer.write((f"GET {PREFIX}images/{image_id}/?wait=60&until=final HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Token {token}\r\nConnection: close\r\n\r\n").encode())
    await writer.drain()
    sent.append(1)
    data = await reader.read()
    answers[image_id] = (time.monotonic(), b'"status":"uploaded"' in data, time.time(), data)
    writer.close()


def changed_at(data):
    """The answer's `updated_at` (the server's clock when it wrote the change), in Unix seconds; None without one."""
    body = data.split(b"\r\n\r\n", 1)[-1]
    try:
        stamp = json.loads(body)["updated_at"]
    except (ValueError, KeyError, TypeError):
        return None
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    return seconds + (float("0." + fraction) if fraction else 0.0)


def upload(url):
    body, headers = multipart_png()
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    connection.close()


def percentiles(latencies):
    latencies = sorted(latencies)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    return (f"min {latencies[0] * 1000:.0f} ms, p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms")


async def waiters_phase(port, token, ids, upload_urls, database, pid):
    await asyncio.sleep(1)
    idle, idle_anon = rss_mb(pid), rss_mb(pid, "RssAnon")
    answers, opened, sent, go = {}, [], [], asyncio.Event()
    tasks = [asyncio.create_task(hold(port, token, i, answers, opened, sent, go)) for i in ids]
    while len(opened) < len(ids):
        await asyncio.sleep(0.1)
    # Every connection open and idle: what the connections cost before any request waits on them.
    await asyncio.sleep(1)
    connected = rss_mb(pid)
    go.set()
    while len(sent) < len(ids):
        await asyncio.sleep(0.1)
    # Until serve has registered every waiter (its RSS stops growing), so the commit finds them all waiting.
    held, last = rss_mb(pid), 0.0
    while abs(held - last) > 0.5:
        await asyncio.sleep(1)
        last, held = held, rss_mb(pid)
    # RSS counts the pages of the database file SQLite maps (once per connection that maps them); RssAnon is the
    # process's own memory.
    anon, file = rss_mb(pid, "RssAnon"), rss_mb(pid, "RssFile")
    files = ", ".join(f"{name} {mb:.0f} MB" for name, mb in mapped_mb(pid))
    # One change at a time while all are held: each sampled image uploaded through its one-time URL.
    started = {}

    def sample():
        for image_id, url in upload_urls.items():
            started[image_id] = time.monotonic()
            upload(url)
            time.sleep(0.02)

    await asyncio.get_running_loop().run_in_executor(None, sample)
    while any(image_id not in answers for image_id in upload_urls):
        await asyncio.sleep(0.05)
    single = [answers[image_id][0] - started[image_id] for image_id in upload_urls]
    # The change itself: from the image's updated_at, written with the status, to the answer (one clock: both here).
    stamps = [(answers[image_id][2], changed_at(answers[image_id][3])) for image_id in upload_urls]
    from_change = [answered - stamp for answered, stamp in stamps if stamp is not None]
    db = sqlite3.connect(database)
    with db:
        db.execute("UPDATE images SET status = 'uploaded' WHERE status = 'pending'")
    committed = time.monotonic()
    db.close()
    await asyncio.gather(*tasks)
    latencies = [answer[0] for image_id, answer in answers.items() if image_id not in upload_urls]
    woken = sum(1 for answer in answers.values() if answer[1])
    return (f"waiters: {len(ids)} held, serve RSS {held:.0f} MB while holding ({idle:.0f} MB after creating the images, "
            f"so {(held - idle) * 1024 / len(ids):.1f} KB per waiting request; {connected:.0f} MB with the connections "
            f"open and idle, so {(connected - idle) * 1024 / len(ids):.1f} KB of that is the connection's and "
            f"{(held - connected) * 1024 / len(ids):.1f} KB the wait's; of the {held:.0f} MB, {anon:.0f} MB anonymous and "
            f"{file:.0f} MB mapped files ({files}); anonymous memory grew {(anon - idle_anon) * 1024 / len(ids):.1f} KB per waiting request); {woken} answered uploaded; "
            f"one change at a time ({len(single)} uploads through the emulator, 20 ms apart, all {len(ids)} held), "
            f"upload start to answer: {percentiles(single)}, the change (its updated_at) to answer: "
            f"{percentiles(from_change)}; the other {len(latencies)} changed at once by "
            f"another process's commit, commit to answer: {percentiles([t - committed for t in latencies])}")


def waiters(binary, workdir, env, port, token, database, count, samples):
    process = start(binary, workdir, env, port)
    base = rss_mb(process.pid)
    ids, upload_urls = [], {}
    lock = threading.Lock()

    def create(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(n):
            status, image = request(port, "POST", "upload-url/", token, {"filename": "w.png"}, connection)
            assert status == 201, image
            with lock:
                ids.append(image["id"])
                if len(upload_urls) < samples:
                    upload_urls[image["id"]] = image["upload_url"]

    threads = [threading.Thread(target=create, args=(count // 8 + (1 if i < count % 8 else 0),)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = asyncio.run(waiters_phase(port, token, ids, upload_urls, database, process.pid))
    stop(process)
    return f"{result} (RSS before: {base:.0f} MB)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--waiters", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=200, help="waiters woken one change at a time")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    binary = os.path.abspath(args.binary)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    workdir = tempfile.mkdtemp(prefix="cfimages-events-bench-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFIMAGES_", "CLOUDFLARE_"))}
    env.update({
        "CFIMAGES_HOST": "127.0.0.1", "CFIMAGES_PORT": str(port), "CFIMAGES_DATA_DIR": os.path.join(workdir, "data"),
        "CFIMAGES_MIGRATIONS_DIR": os.path.join(repo, "Migrations"), "CFIMAGES_LOG_LEVEL": "warning",
        "CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS": "true", "CFIMAGES_ACCESS_LOG": "false",
        "CFIMAGES_CONFIG_FILE": os.path.join(workdir, "empty.env"),
        "CLOUDFLARE_IMAGES_RATE_LIMIT_REQUESTS": "1000000", "CFIMAGES_CLOUDFLARE_CALLS_PER_USER": "1000000",
        "CLOUDFLARE_IMAGES_RATE_LIMIT_PER_SECOND": "1000000",
    })
    open(env["CFIMAGES_CONFIG_FILE"], "w").close()
    created = subprocess.run([binary, "token", "create", "bench", "--admin"], cwd=workdir, env=env,
                             capture_output=True, text=True, timeout=120)
    token = created.stdout.strip().splitlines()[-1]
    database = os.path.join(workdir, "data", "cfimages.sqlite")
    if args.events:
        print(deliveries(binary, workdir, env, port, token, database, args.events), flush=True)
    if args.waiters:
        print(waiters(binary, workdir, env, port, token, database, args.waiters, args.samples), flush=True)


if __name__ == "__main__":
    sys.exit(main())
