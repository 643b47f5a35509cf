#!/usr/bin/env python3
"""Scenario 4: open N keep-alive connections first, then send one request on each, and count the answers.

wrk cannot do this (it keeps every connection busy). Prints `RESULT {json}`: opened, answered (status 200),
other statuses, failures, and the seconds each stage took. Opening all connections is bounded by --timeout, and
so is answering them.
"""
import argparse
import asyncio
import json
import re
import resource
import time


async def open_one(port, sem, deadline):
    async with sem:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), remaining)
        except (OSError, asyncio.TimeoutError):
            return None


async def ask(conn, request, deadline):
    reader, writer = conn
    try:
        writer.write(request)
        await writer.drain()
        remaining = max(0.1, deadline - time.monotonic())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), remaining)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length:
            remaining = max(0.1, deadline - time.monotonic())
            await asyncio.wait_for(reader.readexactly(int(length.group(1))), remaining)
        return int(m.group(1)) if m else -1
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return None


async def main(args):
    request = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (
        args.path, "".join(h + "\r\n" for h in args.header))
    request = request.encode()
    start = time.monotonic()
    deadline = start + args.timeout
    sem = asyncio.Semaphore(args.parallel_connects)
    conns = await asyncio.gather(*(open_one(args.port, sem, deadline) for _ in range(args.count)))
    opened = [c for c in conns if c is not None]
    t_open = time.monotonic() - start
    await asyncio.sleep(0.5)  # all idle at once: the server holds every connection before any request
    t1 = time.monotonic()
    statuses = await asyncio.gather(*(ask(c, request, t1 + args.timeout) for c in opened))
    t_answer = time.monotonic() - t1
    for _, writer in opened:
        writer.close()
    result = {
        "count": args.count, "opened": len(opened),
        "answered": sum(1 for s in statuses if s == 200),
        "other_status": sum(1 for s in statuses if s is not None and s != 200),
        "failed": sum(1 for s in statuses if s is None),
        "open_s": round(t_open, 3), "answer_s": round(t_answer, 3),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--parallel-connects", type=int, default=200)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, a.count + 1000)), hard))
    asyncio.run(main(a))
