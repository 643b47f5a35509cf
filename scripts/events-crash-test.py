#!/usr/bin/env python3
"""SIGKILL of `cfimages serve` between a change and its event delivery: the event is delivered after the restart.

Runs the server (embedded emulator, temp data dir) with a receiver on loopback that first answers 503, registers
the receiver as an event endpoint, creates an upload URL (event `image.upload_url_created`), waits until the first
delivery attempt has failed and been recorded (`GET api/events/`), SIGKILLs the server, lets the receiver answer 204, restarts the server and waits for
the same event (same `id`) to arrive; its signature is checked with the README's Python verifier.
Stdlib only. Usage: scripts/events-crash-test.py --binary .build/debug/cfimages
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from throwaway_service import DeliveryReceiver, free_port  # noqa: E402

PREFIX = "/cloudflare-images/api/"


def request(port, method, path, token, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Token {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    connection.request(method, PREFIX + path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read()
    return response.status, (json.loads(text) if text else None)


def start(binary, workdir, env, port, log):
    process = subprocess.Popen([binary, "serve"], cwd=workdir, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cfimages serve exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("cfimages serve did not answer /healthz")


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    return None


def readme_verifier(repo):
    text = open(os.path.join(repo, "README.md"), encoding="utf-8").read()
    code = re.search(r"<!-- verifier:python -->\n```python\n(.*?)```", text, re.S).group(1)
    scope = {}
    exec(code, scope)
    return scope["verify"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    verify = readme_verifier(repo)
    workdir = tempfile.mkdtemp(prefix="cfimages-events-crash-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFIMAGES_", "CLOUDFLARE_"))}
    env.update({
        "CFIMAGES_HOST": "127.0.0.1", "CFIMAGES_PORT": str(port), "CFIMAGES_DATA_DIR": os.path.join(workdir, "data"),
        "CFIMAGES_MIGRATIONS_DIR": os.path.join(repo, "Migrations"), "CFIMAGES_LOG_LEVEL": "warning",
        "CFIMAGES_EVENT_LOOPS": "1", "CFIMAGES_EVENTS_ALLOW_PRIVATE_URLS": "true",
        "CFIMAGES_CONFIG_FILE": os.path.join(workdir, "empty.env"),
    })
    open(env["CFIMAGES_CONFIG_FILE"], "w").close()
    log = open(os.path.join(workdir, "serve.log"), "ab")
    receiver = DeliveryReceiver(up=False)
    process = None
    failures = []
    try:
        created = subprocess.run([binary, "token", "create", "ops", "--admin"], cwd=workdir, env=env,
                                 capture_output=True, text=True, timeout=120)
        if created.returncode != 0:
            print(f"events-crash-test: token create failed: {created.stderr.strip()}")
            return 2
        token = created.stdout.strip().splitlines()[-1]
        process = start(binary, workdir, env, port, log)
        status, endpoint = request(port, "POST", "event-endpoints/", token,
                                   {"url": receiver.url, "events": ["image.upload_url_created"]})
        if status != 201:
            print(f"events-crash-test: event-endpoints answered {status}: {endpoint}")
            return 1
        status, image = request(port, "POST", "upload-url/", token, {"filename": "a.png"})
        if status != 201:
            print(f"events-crash-test: upload-url answered {status}: {image}")
            return 1
        first = wait_for(lambda: receiver.snapshot(), 30)
        if not first:
            failures.append("no delivery attempt before the kill")
        else:
            event_id = json.loads(first[0][2])["id"]

            def recorded():
                status, events = request(port, "GET", "events/", token)
                for event in (events or {}).get("results", []) if status == 200 else []:
                    if event["id"] == event_id and any(d["attempts"] >= 1 for d in event["deliveries"]):
                        return True
                return False

            # Killed only once the failed attempt is recorded: the retry is then due within the backoff. (A kill
            # between sending and recording is redelivered too, once the claim's lease lapses: 70 s later.)
            if not wait_for(recorded, 30):
                failures.append("the failed first attempt was not recorded within 30s")
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            print(f"events-crash-test: attempt 1 of {event_id} answered 503; serve SIGKILLed")
            with receiver.lock:
                receiver.up = True
            process = start(binary, workdir, env, port, log)
            delivered = wait_for(lambda: [r for r in receiver.snapshot() if r[0] == 204], 60)
            if not delivered:
                failures.append("the event was not delivered after the restart")
            else:
                _, headers, body, _ = delivered[0]
                got = json.loads(body)
                if got["id"] != event_id or got["data"]["image"]["id"] != image["id"]:
                    failures.append(f"delivered {got['id']} for {got['data']['image']['id']}, expected {event_id}")
                if not verify(endpoint["secret"], headers.get("Cfimages-Signature", ""), body):
                    failures.append("the README verifier refused the delivery's signature")
                print(f"events-crash-test: {event_id} delivered after the restart "
                      f"(attempts seen: {len(receiver.snapshot())})")
    finally:
        if process and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        receiver.server.shutdown()
        if not args.keep and not failures:
            shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        print(f"events-crash-test: FAIL: {failure} (data: {workdir})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
