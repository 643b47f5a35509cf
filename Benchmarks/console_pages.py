"""Scenario S6 of Benchmarks/bench.py: the web console's pages at 1,000,000 images.

Signs in through the console's own form (as a browser does: the sign-in check cookie, then the session cookie),
requests each page `ROUNDS` times one after another, and reads each request's server time (`http.duration_ms`) from
cfimages' access log, so the figures are the server's, not the client's or the loopback's. The gallery is timed on
its first page, filtered by status, by metadata, and halfway down by keyset cursor both ways, the detail page on a random seeded image.
"""
import http.client
import random
import re
import statistics
import time
import urllib.parse

CONSOLE = "/cloudflare-images/console"
ROUNDS = 30
TARGET_MS = 50


def image_id(i):
    return "00000000-0000-4000-8000-%012x" % i


def _request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookie(headers, name):
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


def sign_in(port, key):
    """The session cookie (`cfimages_session=…`) for `key`."""
    _, headers, _ = _request(port, "GET", CONSOLE + "/sign-in")
    check = _cookie(headers, "cfimages_signin")
    body = urllib.parse.urlencode({"check": check.split("=", 1)[1], "key": key})
    status, headers, _ = _request(port, "POST", CONSOLE + "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": check})
    session = _cookie(headers, "cfimages_session")
    if status != 303 or not session:
        raise RuntimeError("console sign-in answered %d" % status)
    return session


def pages(count):
    """(label, path, needs admin) of every timed page; paths are fresh per round where they vary."""
    return [
        ("gallery", lambda: "/images", False),
        ("gallery, status filter", lambda: "/images?status=uploaded", False),
        ("gallery, metadata filter", lambda: "/images?meta_key=source&meta_value=benchmark", False),
        ("gallery, cursor halfway down", lambda: "/images?after=" + image_id(count // 2), False),
        ("gallery, previous page halfway", lambda: "/images?before=" + image_id(count // 2), False),
        ("gallery, table view by upload time", lambda: "/images?view=table&ordering=-uploaded_at", False),
        ("detail", lambda: "/images/" + image_id(random.randint(1, count)), False),
        ("upload", lambda: "/upload", False),
        ("stats", lambda: "/stats", False),
        ("gallery (admin, every user)", lambda: "/images", True),
        ("tokens (admin)", lambda: "/tokens", True),
        ("health (admin)", lambda: "/health", True),
    ]


def run(port, user_key, admin_key, count, access_log):
    """{label: {"p50_ms", "max_ms", "status"}} from the access log's server times, matched by X-Request-ID."""
    sessions = {False: sign_in(port, user_key), True: sign_in(port, admin_key)}
    timed = {}
    for index, (label, path, admin) in enumerate(pages(count)):
        statuses = set()
        ids = []
        for round_ in range(ROUNDS):
            request_id = "console-s6-%02d-%03d-%08x" % (index, round_, random.getrandbits(32))
            status, _, _ = _request(port, "GET", CONSOLE + path(), headers={
                "Cookie": sessions[admin], "X-Request-ID": request_id})
            statuses.add(status)
            ids.append(request_id)
        timed[label] = (ids, statuses)
    time.sleep(1.5)  # the access log is buffered
    durations = _durations(access_log)
    results = {}
    for label, (ids, statuses) in timed.items():
        values = [durations[i] for i in ids if i in durations]
        results[label] = {
            "p50_ms": statistics.median(values) if values else None,
            "max_ms": max(values) if values else None,
            "status": ",".join(str(s) for s in sorted(statuses)),
            "requests": len(values),
        }
    return results


def _durations(access_log):
    """request id -> http.duration_ms for every access-log line of a console page."""
    durations = {}
    pattern = re.compile(r"http\.duration_ms=([0-9.]+) .*?request_id=(console-s6-\S+)")
    with open(access_log, errors="replace") as f:
        for line in f:
            m = pattern.search(line)
            if m:
                durations[m.group(2)] = float(m.group(1))
    return durations


def table(results):
    lines = ["", "### S6: console pages at 1,000,000 images (server time from the access log, %d requests each)" % ROUNDS, "",
             "| Page | p50 ms | max ms | Status | Under %d ms |" % TARGET_MS, "|---|---|---|---|---|"]
    for label, r in results.items():
        ok = r["p50_ms"] is not None and r["max_ms"] < TARGET_MS
        fmt = lambda v: "–" if v is None else "%.2f" % v  # noqa: E731
        lines.append("| %s | %s | %s | %s | %s |" % (label, fmt(r["p50_ms"]), fmt(r["max_ms"]), r["status"], "✅" if ok else "❌"))
    return "\n".join(lines)
