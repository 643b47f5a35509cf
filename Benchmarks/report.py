"""Renders bench.py's results as one Markdown table: values per contestant, our ratio to each peer, targets."""
import datetime
import os
import platform
import subprocess

OURS = "cfimages"


def _load(res, scenario, field):
    v = res.get(scenario)
    if not isinstance(v, dict):
        return None
    return v.get(field)


# (label, phase, getter, better, unit)
METRICS = [
    ("S1 detail: requests/s (64 conns)", "s1", lambda r: _load(r, "s1", "ok_rps"), "higher", "rps"),
    ("S1 detail: p50 latency", "s1", lambda r: _load(r, "s1", "p50_ms"), "lower", "ms"),
    ("S1 detail: p99 latency", "s1", lambda r: _load(r, "s1", "p99_ms"), "lower", "ms"),
    ("S1 peak RSS", "s1", lambda r: r.get("s1_rss_kb"), "lower", "kb"),
    ("S2 list page (1M rows): requests/s", "s2", lambda r: _load(r, "s2_list", "ok_rps"), "higher", "rps"),
    ("S2 list page: p50 latency", "s2", lambda r: _load(r, "s2_list", "p50_ms"), "lower", "ms"),
    ("S2 list page: p99 latency", "s2", lambda r: _load(r, "s2_list", "p99_ms"), "lower", "ms"),
    ("S2 list page, list cache off: requests/s", "s2", lambda r: _load(r, "s2_list_uncached", "ok_rps"), "higher", "rps"),
    ("S2 list page, list cache off: p99 latency", "s2", lambda r: _load(r, "s2_list_uncached", "p99_ms"), "lower",
     "ms"),
    ("S2 stats (1M rows): requests/s", "s2", lambda r: _load(r, "s2_stats", "ok_rps"), "higher", "rps"),
    ("S2 stats: p50 latency", "s2", lambda r: _load(r, "s2_stats", "p50_ms"), "lower", "ms"),
    ("S2 stats: p99 latency", "s2", lambda r: _load(r, "s2_stats", "p99_ms"), "lower", "ms"),
    ("S2 peak RSS", "s2", lambda r: r.get("s2_rss_kb"), "lower", "kb"),
    ("S3 upload URLs/s (256 conns, +50 ms)", "s3", lambda r: _load(r, "s3", "ok_rps"), "higher", "rps"),
    ("S3 upload-url: p50 latency", "s3", lambda r: _load(r, "s3", "p50_ms"), "lower", "ms"),
    ("S3 upload-url: p99 latency", "s3", lambda r: _load(r, "s3", "p99_ms"), "lower", "ms"),
    ("S3 peak RSS", "s3", lambda r: r.get("s3_rss_kb"), "lower", "kb"),
    ("S4 answered of 10,000 idle conns", "s4", lambda r: _load(r, "s4", "answered"), "higher", "count"),
    ("S4 time to answer all", "s4", lambda r: (_load(r, "s4", "answer_s") or 0) * 1000 if r.get("s4") else None,
     "lower", "ms"),
    ("S4 peak RSS", "s4", lambda r: r.get("s4_rss_kb"), "lower", "kb"),
    ("S5 orphans page (1M images, 2M usages): requests/s", "s5", lambda r: _load(r, "s5_orphans", "ok_rps"), "higher", "rps"),
    ("S5 orphans page: p99 latency", "s5", lambda r: _load(r, "s5_orphans", "p99_ms"), "lower", "ms"),
    ("S5 usages of an image: requests/s", "s5", lambda r: _load(r, "s5_image_usages", "ok_rps"), "higher", "rps"),
    ("S5 usages of an image: p99 latency", "s5", lambda r: _load(r, "s5_image_usages", "p99_ms"), "lower", "ms"),
    ("S5 usages of an object: requests/s", "s5", lambda r: _load(r, "s5_object_usages", "ok_rps"), "higher", "rps"),
    ("S5 usages of an object: p99 latency", "s5", lambda r: _load(r, "s5_object_usages", "p99_ms"), "lower", "ms"),
    ("S5 stats with usage counts: requests/s", "s5", lambda r: _load(r, "s5_stats", "ok_rps"), "higher", "rps"),
    ("S5 stats with usage counts: p99 latency", "s5", lambda r: _load(r, "s5_stats", "p99_ms"), "lower", "ms"),
    ("S5 peak RSS", "s5", lambda r: r.get("s5_rss_kb"), "lower", "kb"),
    ("Idle RSS after start", "s1", lambda r: r.get("idle_rss_kb"), "lower", "kb"),
    ("Start to first 200", "s1", lambda r: r.get("startup_ms"), "lower", "ms"),
]


def _fmt(value, unit):
    if value is None:
        return None
    if unit == "rps":
        return "{:,.0f}".format(value) if value >= 10 else "{:.2f}".format(value)
    if unit == "ms":
        if value >= 10_000:
            return "{:.1f} s".format(value / 1000)
        return "{:.2f} ms".format(value) if value < 100 else "{:,.0f} ms".format(value)
    if unit == "kb":
        return "{:.1f} MB".format(value / 1024)
    return "{:,}".format(int(value))


S5_KEYS = {"S5 orphans": "s5_orphans", "S5 usages of an image": "s5_image_usages",
           "S5 usages of an object": "s5_object_usages", "S5 stats": "s5_stats"}


def _scenario(res, label):
    s5 = next((key for prefix, key in S5_KEYS.items() if label.startswith(prefix)), None)
    key = s5 or ("s2_list_uncached" if "cache off" in label else "s2_list" if label.startswith("S2 list") else "s2_stats" if label.startswith("S2 stats") else label[:2].lower())
    v = res.get(key)
    return v if isinstance(v, dict) else {}


def _errors_note(res, label):
    """Errors behind a throughput cell: non-2xx answers, socket errors, or the one-request fallback."""
    if "requests/s" not in label and "URLs/s" not in label:
        return ""
    v = _scenario(res, label)
    notes = []
    if v.get("non2xx"):
        notes.append("{:,} non-2xx".format(v["non2xx"]))
    if v.get("errors"):
        notes.append("{:,} socket errors/timeouts".format(v["errors"]))
    if v.get("single"):
        notes.append("wrk finished none; one request timed on a fresh start" if not v.get("no_answer_s")
                     else "wrk finished none; a lone request got no answer within %d s" % v["no_answer_s"])
    return " (" + ", ".join(notes) + ")" if notes else ""


def _cell(res, phase, getter, unit, label, phases):
    if "problem" in res:
        return "not run"
    if phase not in phases:
        return "–"
    err = res.get("errors", {}).get(phase)
    value = getter(res)
    if value is None:
        return "failed: " + err[:60] if err else "–"
    above = "> " if unit == "ms" and "latency" in label and _scenario(res, label).get("no_answer_s") else ""
    return above + _fmt(value, unit) + _errors_note(res, label)


def _ratio(ours, peer, better):
    if ours is None or peer is None:
        return "–"
    if better == "higher":
        if peer == 0:
            return "∞" if ours > 0 else "–"
        r = ours / peer
    else:
        if ours == 0:
            return "–"
        r = peer / ours
    return "{:,.1f}×".format(r) if r < 100 else "{:,.0f}×".format(r)


def _targets(results):
    """label -> (target text, pass?) for our column."""
    ours = results.get(OURS, {})
    get = {label: getter for label, _, getter, _, _ in METRICS}

    def v(label, who=OURS):
        r = results.get(who, {})
        return None if "problem" in r else get[label](r)

    def ratio(label, peer):
        a, b = v(label), v(label, peer)
        return a / b if a is not None and b else None

    s1 = "S1 detail: requests/s (64 conns)"
    out = {}
    rd, rh = ratio(s1, "Django"), ratio(s1, "Hummingbird")
    ok = None if rd is None and rh is None else (rd is None or rd >= 100) and (rh is None or rh >= 3)
    out[s1] = ("≥ 100× Django, ≥ 3× Hummingbird", ok)

    def limit(label, text, test):
        x = v(label)
        out[label] = (text, None if x is None else test(x))

    limit("S1 detail: p99 latency", "≤ 5 ms", lambda x: x <= 5)
    limit("S2 list page: p99 latency", "< 10 ms", lambda x: x < 10)
    limit("S2 stats: p99 latency", "< 10 ms", lambda x: x < 10)
    limit("S3 upload URLs/s (256 conns, +50 ms)", "≥ 2,560/s", lambda x: x >= 2560)
    for label in ("S5 orphans page: p99 latency", "S5 usages of an image: p99 latency",
                  "S5 usages of an object: p99 latency", "S5 stats with usage counts: p99 latency"):
        limit(label, "< 10 ms", lambda x: x < 10)
    limit("S4 answered of 10,000 idle conns", "all", lambda x: x >= (ours.get("s4") or {}).get("count", 10_000))
    limit("S4 peak RSS", "< 100 MB", lambda x: x < 100 * 1024)
    limit("Idle RSS after start", "< 30 MB", lambda x: x < 30 * 1024)
    limit("Start to first 200", "≤ 300 ms", lambda x: x <= 300)
    return out


def _load_now():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def _machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return "%s, %d cores, Linux %s, commit %s" % (cpu or platform.machine(), os.cpu_count() or 0, platform.release(),
                                                  rev or "?")


PG = "cfimages-pg"


def postgresql_table(results):
    """cfimages on PostgreSQL beside cfimages on SQLite from the same run, against the PostgreSQL targets."""
    ours, pg = results.get(OURS, {}), results.get(PG, {})
    if "problem" in pg:
        return ["", "PostgreSQL backend not run: " + pg["problem"]]
    get = {label: getter for label, _, getter, _, _ in METRICS}
    s1 = "S1 detail: requests/s (64 conns)"
    sqlite_s1, pg_s1 = get[s1](ours), get[s1](pg)
    pair = pg.get("s1_pair") or {}
    rows = [
        (s1, "≥ 50% of SQLite", get[s1], "rps",
         None if not (sqlite_s1 and pg_s1) else pg_s1 >= sqlite_s1 / 2,
         "" if not (sqlite_s1 and pg_s1) else " (%.0f%%)" % (100 * pg_s1 / sqlite_s1)),
        ("S1 detail: p50 latency", "", get["S1 detail: p50 latency"], "ms", None, ""),
        ("S1 detail: p99 latency", "", get["S1 detail: p99 latency"], "ms", None, ""),
        ("S1, two instances on one database (32 conns each): requests/s", "above one instance",
         lambda r: (r.get("s1_pair") or {}).get("ok_rps"), "rps",
         None if not (pair.get("ok_rps") and pg_s1) else pair["ok_rps"] > pg_s1,
         "" if not pair.get("a") else " (%s + %s)" % (_fmt(pair["a"]["ok_rps"], "rps"), _fmt(pair["b"]["ok_rps"], "rps"))),
    ]
    for label, target, limit in (("S2 list page: p99 latency", "< 10 ms", 10), ("S2 stats: p99 latency", "< 10 ms", 10)):
        value = get[label](pg)
        rows.append((label, target, get[label], "ms", None if value is None else value < limit, ""))
    s3 = "S3 upload URLs/s (256 conns, +50 ms)"
    rows.append((s3, "≥ 2,560/s", get[s3], "rps", None if get[s3](pg) is None else get[s3](pg) >= 2560, ""))
    for label in ("S1 peak RSS", "S2 peak RSS", "S3 peak RSS"):
        rows.append((label, "", get[label], "kb", None, ""))
    lines = ["", "### cfimages on PostgreSQL (same run; one instance unless said)", "",
             "| Metric | Target | cfimages (SQLite) | cfimages-pg | Pass |", "|---|---|---|---|---|"]
    for label, target, getter, unit, ok, note in rows:
        a = None if "problem" in ours else getter(ours) if getter is not None else None
        b = getter(pg)
        errs = pg.get("errors", {})
        cell = _fmt(b, unit) if b is not None else ("failed: " + next(iter(errs.values()))[:60] if errs else "–")
        lines.append("| %s | %s | %s | %s%s | %s |" % (
            label, target, _fmt(a, unit) if a is not None else "–", cell, note if b is not None else "",
            "" if not target else "✅" if ok else "❌" if ok is False else "–"))
    return lines


def render(results, names, args, elapsed):
    with_pg = PG in names
    names = [n for n in names if n != PG]
    peers = [n for n in names if n != OURS]
    phases = {
        OURS: ("s1", "s2", "s3", "s4", "s5"), "Django": ("s1", "s2", "s3", "s4"),
        "Hummingbird": ("s1", "s4"), "FlyingFox": ("s1", "s4"), "HTTPServer": ("s1", "s4"),
    }
    targets = _targets(results)
    head = ["Metric", "Target"] + names + ["ours vs %s" % p for p in peers] + ["Pass"]
    lines = [
        "## cfimages benchmark, %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "",
        "%s. wrk -t2, %d s per run; %s images for S1/S3/S4, %s for S2. Total %.0f s; load average %s at the "
        "start, %s at the end." % (
            _machine(), args.duration, "{:,}".format(args.small), "{:,}".format(args.big), elapsed,
            getattr(args, "load_start", "?"), _load_now()),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] * len(head)) + "|",
    ]
    for label, phase, getter, better, unit in METRICS:
        row = [label, targets.get(label, ("", None))[0]]
        for n in names:
            row.append(_cell(results.get(n, {}), phase, getter, unit, label, phases.get(n, ())))
        ours_res = results.get(OURS, {})
        ours_v = None if "problem" in ours_res else getter(ours_res)
        for p in peers:
            pr = results.get(p, {})
            pv = None if "problem" in pr or phase not in phases.get(p, ()) else getter(pr)
            row.append(_ratio(ours_v, pv, better))
        ok = targets.get(label, ("", None))[1]
        row.append("" if label not in targets else ("✅" if ok else "❌" if ok is False else "–"))
        lines.append("| " + " | ".join(row) + " |")
    not_run = ["%s: %s" % (n, results[n]["problem"]) for n in names if "problem" in results.get(n, {})]
    if not_run:
        lines += ["", "Not run: " + "; ".join(not_run)]
    errors = [(n, ph, e) for n in names for ph, e in results.get(n, {}).get("errors", {}).items()]
    if errors:
        lines += ["", "Failures: " + "; ".join("%s %s: %s" % e for e in errors)]
    if with_pg:
        lines += postgresql_table(results)
    lines += ["", "Ratios: how many times better cfimages is (throughput ours ÷ peer; latency and memory "
              "peer ÷ ours). S1/S4 peers (Hummingbird, FlyingFox, and our HTTPServer without the service) serve the "
              "record from memory; the "
              "Django peer and cfimages read SQLite."]
    return "\n".join(lines)
