#!/usr/bin/env python3
"""Property-based conformance test (make openapi-fuzz): schemathesis against a real `cfimages serve`.

Starts `cfimages serve` with its embedded Cloudflare emulator on a free loopback port, a temp data folder (so a
temp SQLite file) and an empty settings file; creates an admin token with `cfimages token create`; then runs
schemathesis (pinned by the Makefile) over every operation of the document the server serves (openapi.yaml, compiled
in), with a fixed seed and a bounded number of examples per operation, every check on (schemathesis.toml beside this
file says which 400s are state-dependent), authenticated with `Authorization: Token <key>`. The server is stopped
however the run ends. Exits with schemathesis' status (0: no mismatch found).

Usage: fuzz.py --binary .build/debug/cfimages --schemathesis .venv-conformance/bin/schemathesis
       [--max-examples 25] [--seed 17] [--keep]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
from throwaway_service import create_admin_token, free_port, service_env  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--schemathesis", required=True)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (server log, reports)")
    args, extra = parser.parse_known_args()
    args.binary, args.schemathesis = os.path.abspath(args.binary), os.path.abspath(args.schemathesis)

    workdir = tempfile.mkdtemp(prefix="cfimages-fuzz-")
    port = free_port()
    # Waits are capped at 2 s: the document allows `wait` up to 60, beyond the request timeout below.
    env = service_env(workdir, port, "error", CFIMAGES_ACCESS_LOG="false", CFIMAGES_WAIT_MAX_SECONDS="2")
    try:
        token = create_admin_token(args.binary, workdir, env, "fuzz")
    except RuntimeError as error:
        print(f"openapi-fuzz: {error}")
        return 2

    log = open(os.path.join(workdir, "serve.log"), "w")
    server = subprocess.Popen([args.binary, "serve"], cwd=workdir, env=env, stdout=log, stderr=log)
    try:
        # The document as the server serves it (schemathesis waits for it to answer): the one clients read.
        command = [
            args.schemathesis, "--config-file", os.path.join(REPO, "scripts", "openapi-conformance", "schemathesis.toml"),
            "run", f"http://127.0.0.1:{port}/cloudflare-images/api/openapi.yaml", "--wait-for-schema", "30",
            "--header", f"Authorization: Token {token}",
            "--checks", "all",
            "--max-examples", str(args.max_examples), "--seed", str(args.seed),
            # One worker: with two, CPython 3.11 sometimes fails inside schemathesis' coverage phase ("AST
            # constructor recursion depth mismatch"), an interpreter error, not a finding.
            "--workers", "1", "--request-timeout", "20", "--no-shrink",
            "--report", "junit", "--report-dir", os.path.join(workdir, "report"),
            *extra,
        ]
        print(f"openapi-fuzz: cfimages serve on port {port}, data {workdir}, seed {args.seed}, "
              f"{args.max_examples} examples per operation")
        status = subprocess.run(command, cwd=workdir, env={**os.environ, "SCHEMATHESIS_HOOKS": ""}).returncode
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
