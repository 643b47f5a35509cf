#!/usr/bin/env python3
"""Cloudflare's official Python SDK (`cloudflare` on PyPI) against a standalone `cfimages emulator`.

Every call goes through the SDK and its response must parse into the SDK's own models, once the way the SDK does it
and once more through pydantic's strict validation of the raw `result` (the SDK's loose parsing keeps a value it
cannot read as it was, so only the second pass catches a wrong type); values must round-trip. Private delivery is
checked with a signature computed here from Cloudflare's documented formula, a third signer beside the client's
and the emulator's own.

    python Tests/SDK/emulator_sdk_check.py --binary .build/debug/cfimages

Starts the emulator on a free port (`--port 0`) with a fresh data folder, waits at most 30 s for it, gives every
HTTP call a 10 s timeout and no retries, and stops the emulator (SIGTERM, then SIGKILL after 5 s) however it ends.
Exits 0 when every check passes; prints "N passed, N failed" last.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import cloudflare
import httpx
import pydantic
from cloudflare.types.images import Image, V2ListResponse
from cloudflare.types.images.v1 import KeyListResponse, Stat
from cloudflare.types.images.v2 import DirectUploadCreateResponse

ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353"
ACCOUNT_HASH = "Vi7wi5KSItxGFsWRG2Us6Q"
API_TOKEN = "sdk-check-token-" + os.urandom(8).hex()
SIGNING_KEY = "sdk-check-key-" + os.urandom(8).hex()
# A 4x3 PNG (the README's walkthrough image).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGP4z8AARww4OQD1MQv1NXv7ggAAAABJRU5ErkJggg=="
)
STARTUP_SECONDS = 30
BANNER = re.compile(r"emulator on (http://\S+/client/v4)")


class Emulator:
    """`cfimages emulator --port 0` in its own process group, stopped on exit."""

    def __init__(self, binary: str) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="cfimages-sdk-")
        self.process = subprocess.Popen(
            [
                binary, "emulator", "--host", "127.0.0.1", "--port", "0",
                "--account-id", ACCOUNT_ID, "--account-hash", ACCOUNT_HASH,
                "--api-token", API_TOKEN, "--signing-key", SIGNING_KEY,
                "--data-dir", self.data_dir, "--log-level", "error",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.api_base = self._wait_for_banner()
        self.base = self.api_base.removesuffix("/client/v4")

    def _wait_for_banner(self) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        seen = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self.process.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            match = BANNER.search(seen.decode("utf-8", "replace"))
            if match:
                return match.group(1)
        self.stop()
        raise RuntimeError(f"emulator did not start within {STARTUP_SECONDS} s; it printed: {seen.decode(errors='replace')!r}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.notes: list[str] = []

    def run(self, name: str, body: Callable[[], None]) -> None:
        try:
            body()
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the next check runs
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def strict(model: type[pydantic.BaseModel], raw: httpx.Response | Any, notes: list[str], label: str) -> Any:
    """Validates the raw envelope and its `result` strictly against `model`; notes fields the model lacks."""
    envelope = raw.json()
    expect(envelope.get("success") is True, f"{label}: success is {envelope.get('success')!r}")
    expect(isinstance(envelope.get("errors"), list) and isinstance(envelope.get("messages"), list),
           f"{label}: errors/messages must be lists: {envelope}")
    result = envelope.get("result")
    validated = model.model_validate_json(json.dumps(result), strict=True)
    extras = sorted(_extra_fields(validated))
    if extras:
        notes.append(f"{label}: fields outside the SDK model: {', '.join(extras)}")
    return validated


def _extra_fields(model: pydantic.BaseModel, prefix: str = "") -> set[str]:
    found = {prefix + name for name in (model.model_extra or {})}
    for name, value in model:
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, pydantic.BaseModel):
                found |= _extra_fields(item, f"{prefix}{name}.")
    return found


def expect_image(image: Any, *, id: str | None = None, filename: str | None = None, meta: Any = None,
                 signed: bool | None = None, creator: str | None = None, label: str = "image") -> None:
    expect(isinstance(image, Image), f"{label}: {type(image).__name__} is not Image")
    expect(isinstance(image.id, str) and image.id, f"{label}: id {image.id!r}")
    if id is not None:
        expect(image.id == id, f"{label}: id {image.id!r} != {id!r}")
    if filename is not None:
        expect(image.filename == filename, f"{label}: filename {image.filename!r} != {filename!r}")
    if meta is not None:
        expect(image.meta == meta, f"{label}: meta {image.meta!r} != {meta!r}")
    if signed is not None:
        expect(image.require_signed_urls is signed, f"{label}: requireSignedURLs {image.require_signed_urls!r}")
    if creator is not None:
        expect(image.creator == creator, f"{label}: creator {image.creator!r} != {creator!r}")
    expect(isinstance(image.uploaded, datetime) and image.uploaded.tzinfo is not None,
           f"{label}: uploaded {image.uploaded!r} is not an aware datetime")
    expect(abs(image.uploaded - datetime.now(timezone.utc)) < timedelta(minutes=10),
           f"{label}: uploaded {image.uploaded!r} is not about now")
    expect(isinstance(image.variants, list) and all(isinstance(v, str) for v in image.variants),
           f"{label}: variants {image.variants!r}")


def signed_url(variant_url: str, key: str, expires: int) -> str:
    """Cloudflare's "Serve private images" recipe: HMAC-SHA256(key, pathname + "?exp=..."), lowercase hex."""
    url = httpx.URL(variant_url)
    # The emulator serves imagedelivery.net's paths under /imagedelivery; Cloudflare signs the pathname after it.
    pathname = url.raw_path.decode().split("?", 1)[0].removeprefix("/imagedelivery")
    message = f"{pathname}?exp={expires}"
    sig = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return f"{variant_url}?exp={expires}&sig={sig}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="path to the cfimages executable")
    args = parser.parse_args()

    emulator = Emulator(args.binary)
    checks = Checks()
    notes = checks.notes
    state: dict[str, Any] = {}
    try:
        client = cloudflare.Cloudflare(api_token=API_TOKEN, base_url=emulator.api_base, max_retries=0, timeout=10)
        http = httpx.Client(timeout=10)
        images = client.images

        def direct_upload() -> None:
            expiry = datetime.now(timezone.utc) + timedelta(minutes=30)
            raw = images.v2.direct_uploads.with_raw_response.create(
                account_id=ACCOUNT_ID, id="sdk/direct upload/ü", creator="sdk-user", expiry=expiry,
                metadata=json.dumps({"album": "pets", "n": 1}), require_signed_urls=False)
            upload = raw.parse()
            expect(isinstance(upload, DirectUploadCreateResponse), f"{type(upload).__name__}")
            strict(DirectUploadCreateResponse, raw, notes, "v2.direct_uploads.create")
            expect(upload.id == "sdk/direct upload/ü", f"id {upload.id!r}")
            expect((upload.upload_url or "").startswith(emulator.base + "/"), f"uploadURL {upload.upload_url!r}")
            raw_draft = images.v1.with_raw_response.get(upload.id, account_id=ACCOUNT_ID)
            draft = raw_draft.parse()
            strict(Image, raw_draft, notes, "v1.get (draft)")
            expect_image(draft, id=upload.id, meta={"album": "pets", "n": 1}, signed=False, creator="sdk-user",
                         label="draft")
            expect(draft.variants == [], f"draft variants {draft.variants!r}")
            sent = http.post(upload.upload_url or "", files={"file": ("dot.png", PNG, "image/png")})
            expect(sent.status_code == 200, f"upload to uploadURL: {sent.status_code} {sent.text[:200]}")
            state["direct"] = upload.id

        def create_from_file() -> None:
            for index in range(12):
                raw = images.v1.with_raw_response.create(
                    account_id=ACCOUNT_ID, file=(f"dot{index}.png", PNG, "image/png"),
                    metadata=json.dumps({"index": index}), require_signed_urls=False, creator="sdk-user")
                image = raw.parse()
                strict(Image, raw, notes, "v1.create")
                expect_image(image, filename=f"dot{index}.png", meta={"index": index}, signed=False,
                             creator="sdk-user", label=f"v1.create #{index}")
                expect(len(image.variants or []) >= 1, f"variants {image.variants!r}")
                state.setdefault("created", []).append(image)
            # Given a dict, the SDK writes one `metadata.<key>` form field per key; Cloudflare documents only a
            # `metadata` field holding JSON text (used above). What comes back is reported, not judged.
            custom = images.v1.create(account_id=ACCOUNT_ID, id="sdk/custom", file=("c.png", PNG, "image/png"),
                                      metadata={"from": "dict"})
            expect_image(custom, id="sdk/custom", filename="c.png", label="v1.create custom id")
            if custom.meta != {"from": "dict"}:
                notes.append(f"v1.create: metadata given as a dict (sent as metadata.<key> fields) came back as "
                             f"{custom.meta!r}")
            state["custom"] = custom

        def get() -> None:
            first = state["created"][0]
            raw = images.v1.with_raw_response.get(first.id, account_id=ACCOUNT_ID)
            image = raw.parse()
            strict(Image, raw, notes, "v1.get")
            expect(image == first, f"get {image!r} != create {first!r}")
            custom = images.v1.get("sdk/custom", account_id=ACCOUNT_ID)
            expect(custom == state["custom"], "custom id round trip")
            public = http.get((image.variants or [""])[0])
            expect(public.status_code == 200 and public.content == PNG, f"public variant: {public.status_code}")

        def edit() -> None:
            target = state["created"][1]
            raw = images.v1.with_raw_response.edit(
                target.id, account_id=ACCOUNT_ID, metadata={"album": "cats", "nested": {"deep": [1, 2]}},
                require_signed_urls=True)
            image = raw.parse()
            strict(Image, raw, notes, "v1.edit")
            expect_image(image, id=target.id, meta={"album": "cats", "nested": {"deep": [1, 2]}}, signed=True,
                         label="v1.edit")
            again = images.v1.get(target.id, account_id=ACCOUNT_ID)
            expect(again == image, "edit is what get returns")
            variant = (image.variants or [""])[0]
            expect(http.get(variant).status_code == 403, "a private image needs a signature")
            key = state.get("key", SIGNING_KEY)
            now = int(time.time())
            opened = http.get(signed_url(variant, key, now + 300))
            expect(opened.status_code == 200 and opened.content == PNG,
                   f"documented signature: {opened.status_code} {opened.text[:200]}")
            expect(http.get(signed_url(variant, key, now - 1)).status_code == 403, "an expired signature")
            expect(http.get(signed_url(variant, key + "x", now + 300)).status_code == 403, "a wrong key")

        def list_v2() -> None:
            raw = images.v2.with_raw_response.list(account_id=ACCOUNT_ID, per_page=10, sort_order="asc")
            page = raw.parse()
            expect(isinstance(page, V2ListResponse), type(page).__name__)
            strict(V2ListResponse, raw, notes, "v2.list")
            expect(len(page.images or []) == 10, f"first page {len(page.images or [])}")
            expect(isinstance(page.continuation_token, str) and page.continuation_token,
                   f"continuation_token {page.continuation_token!r}")
            rest = images.v2.list(account_id=ACCOUNT_ID, per_page=10, sort_order="asc",
                                  continuation_token=page.continuation_token)
            expect(rest.continuation_token is None, f"last page token {rest.continuation_token!r}")
            listed = [image.id for image in (page.images or []) + (rest.images or [])]
            expected = [state["direct"]] + [image.id for image in state["created"]] + ["sdk/custom"]
            expect(listed == expected, f"v2.list order {listed} != {expected}")
            for image in (page.images or []) + (rest.images or []):
                expect_image(image, label=f"v2.list {image.id}")
            newest = images.v2.list(account_id=ACCOUNT_ID, per_page=10, sort_order="desc")
            expect((newest.images or [Image()])[0].id == "sdk/custom", "desc starts with the newest")

        def stats() -> None:
            raw = images.v1.stats.with_raw_response.get(account_id=ACCOUNT_ID)
            stat = raw.parse()
            expect(isinstance(stat, Stat), type(stat).__name__)
            strict(Stat, raw, notes, "v1.stats.get")
            expect(stat.count is not None and stat.count.current == 14, f"current {stat.count!r}")
            expect(stat.count is not None and isinstance(stat.count.allowed, (int, float)) and stat.count.allowed > 0,
                   f"allowed {stat.count!r}")

        def keys() -> None:
            raw = images.v1.keys.with_raw_response.list(account_id=ACCOUNT_ID)
            listed = raw.parse()
            expect(isinstance(listed, KeyListResponse), type(listed).__name__)
            strict(KeyListResponse, raw, notes, "v1.keys.list")
            values = [key.value for key in listed.keys or []]
            expect(SIGNING_KEY in values, f"keys {[key.name for key in listed.keys or []]}")
            state["key"] = SIGNING_KEY

        def delete() -> None:
            target = state["created"][2]
            raw = images.v1.with_raw_response.delete(target.id, account_id=ACCOUNT_ID)
            envelope = raw.json()
            expect(envelope.get("success") is True and envelope.get("result") == {}, f"delete: {envelope}")
            raw.parse()
            try:
                images.v1.get(target.id, account_id=ACCOUNT_ID)
            except cloudflare.NotFoundError as error:
                body = error.body if isinstance(error.body, dict) else {}
                expect(isinstance(body.get("errors"), list) and body["errors"], f"404 body {error.body!r}")
            else:
                raise AssertionError("a deleted image is still there")
            try:
                images.v1.delete(target.id, account_id=ACCOUNT_ID)
            except cloudflare.NotFoundError:
                pass
            else:
                raise AssertionError("deleting twice succeeded")
            stat = images.v1.stats.get(account_id=ACCOUNT_ID)
            expect(stat.count is not None and stat.count.current == 13, f"current after delete {stat.count!r}")
            images.v1.delete("sdk/custom", account_id=ACCOUNT_ID)

        def wrong_token() -> None:
            other = cloudflare.Cloudflare(api_token="not-the-token", base_url=emulator.api_base, max_retries=0,
                                          timeout=10)
            try:
                other.images.v1.stats.get(account_id=ACCOUNT_ID)
            except (cloudflare.AuthenticationError, cloudflare.PermissionDeniedError):
                pass
            else:
                raise AssertionError("a wrong token was accepted")

        checks.run("images.v2.direct_uploads.create, then upload to its URL", direct_upload)
        checks.run("images.v1.keys.list", keys)
        checks.run("images.v1.create (file upload)", create_from_file)
        checks.run("images.v1.get", get)
        checks.run("images.v1.edit, then the documented signature opens it", edit)
        checks.run("images.v2.list (both pages, both orders)", list_v2)
        checks.run("images.v1.stats.get", stats)
        checks.run("images.v1.delete", delete)
        checks.run("a wrong API token is refused", wrong_token)
        http.close()
        client.close()
    finally:
        emulator.stop()

    print(f"cloudflare SDK {cloudflare.__version__}, pydantic {pydantic.VERSION}")
    for note in sorted(set(notes)):
        print(f"note: {note}")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
