#!/usr/bin/env python3
"""The web console and the upload widget in a real browser (`make console-test`, part of `make test`).

Starts the real `cfimages serve` (embedded emulator, SQLite in a temporary folder) on a free loopback port, makes
tokens with the CLI, and drives headless Chromium (Debian's chromium + chromium-driver) with Selenium through the
steps of issue #18. Every page is saved to .build/screenshots/<page>.png; any SEVERE browser console entry fails
the run (except the refusals a step expects, each matched by its URL and status). Exit status 0 only if every
step passed.
"""

import argparse
import base64
import http.server
import json
import shutil
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

PREFIX = "/cloudflare-images"
HOSTILE = "<img src=x onerror=alert(1)>"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG: a gradient over `rgb`."""
    rows = b""
    for y in range(height):
        rows += b"\x00" + b"".join(
            bytes(((rgb[0] + x * 3) % 256, (rgb[1] + y * 3) % 256, rgb[2])) for x in range(width))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service_:
    """`cfimages serve` on a free port with its own data folder; stopped however the run ends."""

    def __init__(self, binary: str, data: str, cors_origin: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.env = dict(os.environ, CFIMAGES_DATA_DIR=data, CFIMAGES_PORT=str(self.port), CFIMAGES_ACCESS_LOG="false",
                        CFIMAGES_LOG_LEVEL="warning", CFIMAGES_CORS_ORIGINS=cors_origin)
        self.env.pop("CFIMAGES_CONFIG_FILE", None)
        for name in ("CLOUDFLARE_IMAGES_ACCOUNT_ID", "CLOUDFLARE_IMAGES_API_TOKEN", "CLOUDFLARE_IMAGES_ACCOUNT_HASH"):
            self.env.pop(name, None)
        self.log = open(os.path.join(data, "serve.log"), "w")
        self.process = subprocess.Popen([binary, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.origin = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("cfimages serve exited; see " + self.log.name)
            try:
                urllib.request.urlopen(self.origin + "/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("cfimages serve did not answer /healthz within 60 s")

    def token(self, name: str, admin: bool = False) -> str:
        args = [self.binary, "token", "create", name] + (["--admin"] if admin else [])
        out = subprocess.run(args, env=self.env, check=True, capture_output=True, text=True, timeout=60).stdout
        return out.strip().splitlines()[-1]

    def api(self, method: str, path: str, key: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.origin + PREFIX + "/api/" + path, data=data, method=method,
                                         headers={"Authorization": "Token " + key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class HostApp:
    """An example host app: a page using cfimages-upload.js, and the few lines of backend that ask cfimages for an
    upload URL with the app's own key (the browser never sees it)."""

    def __init__(self, service: Service_, key: str, port: int) -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{self.port}"
        cfimages = service.origin

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host app</title>
<link rel="icon" href="data:,"></head><body><h1>New product</h1>
<form method="post" action="/save"><label for="photo">Photo</label>
<input type="file" id="photo" accept="image/*" data-cfimages-upload data-endpoint="/upload-url" data-field="image_id">
<button type="submit">Save</button></form>
<script src="{cfimages}{PREFIX}/console/static/cfimages-upload.js"></script></body></html>"""
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                asked = json.loads(self.rfile.read(length) or b"{}")
                status, answer = service.api("POST", "upload-url/", key,
                                             {"filename": asked.get("filename", "upload"), "require_signed_urls": False})
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


class Run:
    def __init__(self, driver, base: str, shots: str) -> None:
        self.driver = driver
        self.base = base
        self.shots = shots
        self.results: list[tuple[str, bool, str]] = []
        self.expected_refusals: list[tuple[str, int]] = []
        self.console_errors: list[str] = []

    def step(self, name: str, body) -> None:
        try:
            detail = body() or ""
            self.check_console()
            self.results.append((name, True, detail))
            print(f"ok    {name} {detail}", flush=True)
        except Exception as error:  # noqa: BLE001: every failure is reported, the run goes on
            self.results.append((name, False, f"{type(error).__name__}: {error}"))
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            try:
                self.shot("failed-" + name.split()[0].lower())
            except Exception:  # noqa: BLE001
                pass

    def check_console(self) -> None:
        for entry in self.driver.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            message = entry.get("message", "")
            if any(url in message and f"status of {code}" in message for url, code in self.expected_refusals):
                continue
            self.console_errors.append(message)
            raise AssertionError("browser console error: " + message)

    def expect_refusal(self, url: str, code: int) -> None:
        self.expected_refusals.append((url, code))

    def get(self, path: str) -> None:
        self.driver.get(self.base + path)

    def shot(self, page: str) -> str:
        path = os.path.join(self.shots, page + ".png")
        self.driver.save_screenshot(path)
        return path

    def wait(self, condition, what: str, timeout: float = 20):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # noqa: BLE001: keep polling until the deadline
                last = error
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}" + (f" ({last})" if last else ""))

    def css(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def sign_in(self, key: str) -> None:
        self.get("/sign-in")
        self.driver.find_element(By.ID, "key").send_keys(key)
        self.driver.find_element(By.ID, "sign-in").click()
        self.wait(lambda: self.css("#signed-in-as"), "the signed-in header")

    def sign_out(self) -> None:
        self.driver.find_element(By.ID, "sign-out").click()
        self.wait(lambda: self.css("#key"), "the sign-in page")

    def loaded_thumbnails(self) -> int:
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('img.thumbnail')).filter(i => i.complete && i.naturalWidth > 0).length")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--screenshots", default=".build/screenshots")
    args = parser.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    data = tempfile.mkdtemp(prefix="cfimages-console-")
    files = []
    for index, colour in enumerate([(200, 40, 40), (40, 90, 200)]):
        path = os.path.join(data, f"{'red' if index == 0 else 'blue'}-square.png")
        with open(path, "wb") as f:
            f.write(png(64 + index * 16, 48, colour))
        files.append(path)

    # The host app's origin is listed in CFIMAGES_CORS_ORIGINS, so its port is chosen before start-up.
    host_port = free_port()
    service = Service_(args.binary, data, f"http://127.0.0.1:{host_port}")
    driver = None
    host = None
    try:
        admin_key = service.token("root", admin=True)
        alice_key = service.token("alice")
        bob_key = service.token("bob")
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--disable-gpu", "--no-first-run"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        driver.set_page_load_timeout(30)
        run = Run(driver, service.origin + PREFIX + "/console", args.screenshots)
        state: dict = {}

        def sign_in_page():
            run.get("/images")
            run.wait(lambda: run.css("#key"), "a redirect to sign-in")
            run.shot("sign-in")
            run.sign_in(alice_key)
            run.wait(lambda: run.css("#empty"), "the empty gallery")
            return "redirected to sign-in, signed in as alice, empty gallery shown"

        def upload_two():
            run.get("/upload")
            run.driver.find_element(By.ID, "metadata").send_keys('{"album": "pets"}')
            run.driver.find_element(By.ID, "require-signed").click()  # default private: these two are public
            run.driver.find_element(By.ID, "files").send_keys("\n".join(files))
            run.driver.find_element(By.ID, "upload-start").click()
            run.wait(lambda: len(run.css(".uploaded-link")) == 2, "two finished uploads", timeout=40)
            run.wait(lambda: run.css("#upload-done"), "the done link")
            run.shot("upload")
            return "2 files sent by direct creator upload"

        def drag_and_drop():
            run.get("/upload")
            run.driver.find_element(By.ID, "require-signed").click()
            driver.execute_script("""
                var bytes = Uint8Array.from(atob(arguments[0]), function (c) { return c.charCodeAt(0); });
                var data = new DataTransfer();
                data.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
                data.items.add(new File(["not an image"], "notes.txt", { type: "text/plain" }));
                var zone = document.getElementById("dropzone");
                zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
                zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
                """, base64.b64encode(png(20, 20, (10, 160, 60))).decode())
            run.wait(lambda: any("Not an allowed type" in e.text for e in run.css("#upload-list .notice.error")), "the type refusal")
            run.driver.find_element(By.ID, "upload-start").click()
            run.wait(lambda: len(run.css(".uploaded-link")) == 1, "the dropped file uploaded", timeout=40)
            run.shot("upload-dropped")
            status, page = service.api("GET", "images/?search=dropped", alice_key)
            assert status == 200 and page["count"] == 1, (status, page)
            dropped = run.css(".uploaded-link")[0].get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
            # Out of the way of the next steps, which count the two images of the upload step.
            status, _ = service.api("DELETE", "images/" + dropped + "/", alice_key)
            assert status == 204, status
            return "dropped.png uploaded (then deleted), notes.txt refused before sending"

        def gallery_thumbnails():
            run.get("/images")
            run.wait(lambda: len(run.css("#gallery .card")) == 2, "two cards")
            run.wait(lambda: run.loaded_thumbnails() == 2, "two loaded thumbnails (naturalWidth > 0)")
            run.shot("gallery")
            driver.set_window_size(390, 900)
            run.shot("gallery-phone")
            driver.set_window_size(1280, 1000)
            return "2 cards, 2 thumbnails with naturalWidth > 0"

        def filter_and_search():
            search = run.driver.find_element(By.ID, "f-search")
            search.send_keys("red-square")
            Select(run.driver.find_element(By.ID, "f-status")).select_by_value("uploaded")
            run.driver.find_element(By.ID, "apply-filters").click()
            run.wait(lambda: len(run.css("#gallery .card")) == 1, "one card after search")
            names = [e.text for e in run.css("#gallery .card .name")]
            assert names == ["red-square.png"], names
            run.get("/images?meta_key=album&meta_value=pets&view=table")
            run.wait(lambda: len(run.css("#gallery tbody tr")) == 2, "two rows with metadata album=pets")
            run.wait(lambda: run.loaded_thumbnails() == 2, "table thumbnails")
            run.shot("gallery-table")
            run.get("/images?meta_key=album&meta_value=cats")
            run.wait(lambda: run.css("#empty"), "the empty state for album=cats")
            return "search+status: 1 result; metadata filter: 2; other value: empty state"

        def detail_and_playground():
            run.get("/images?search=red-square")
            run.css("#gallery .card .name")[0].click()
            run.wait(lambda: run.css("#image-title"), "the detail page")
            state["red"] = driver.current_url.rstrip("/").split("/")[-1]
            run.wait(lambda: driver.execute_script(
                "var i = document.getElementById('detail-image'); return i && i.complete && i.naturalWidth > 0"), "the preview")
            width = run.driver.find_element(By.ID, "p-width")
            width.clear()
            width.send_keys("40")
            Select(run.driver.find_element(By.ID, "p-fit")).select_by_value("cover")
            run.wait(lambda: "width=40" in run.driver.find_element(By.ID, "playground-url").text, "the playground URL")
            run.wait(lambda: driver.execute_script(
                "var i = document.getElementById('playground-image'); return i.complete && i.naturalWidth > 0"), "the transformed image")
            assert run.css("#snippet-img"), "no <img> snippet"
            assert run.css("#timeline li"), "no log timeline"
            run.shot("detail")
            return "playground URL " + run.driver.find_element(By.ID, "playground-url").text

        def bulk_delete_protected():
            status, _ = service.api("POST", "usages/", alice_key, {
                "content_type": "shop.product", "object_id": "42", "field_name": "photo", "image": state["red"]})
            assert status in (200, 201), f"usage not recorded: {status}"
            run.get("/images")
            run.driver.find_element(By.CSS_SELECTOR, "[data-select-all]").click()
            Select(run.driver.find_element(By.ID, "bulk-action")).select_by_value("delete")
            run.driver.find_element(By.ID, "bulk-apply").click()
            run.wait(lambda: run.css("#in-use"), "the in-use notice")
            outcomes = [e.text for e in run.css("#bulk-results .badge")]
            assert sorted(outcomes) == ["deleted", "in_use"], outcomes
            run.shot("bulk-delete")
            run.driver.find_element(By.ID, "force-delete").click()
            run.wait(lambda: [e.text for e in run.css("#bulk-results .badge")] == ["deleted"], "the forced delete")
            run.get("/images")
            run.wait(lambda: run.css("#empty"), "an empty gallery after deleting both")
            return "in_use kept, then deleted with the force confirmation"

        def hostile_filename():
            status, answer = service.api("POST", "upload-url/", alice_key, {"filename": HOSTILE, "metadata": {"note": HOSTILE}})
            assert status == 201, (status, answer)
            state["hostile"] = answer["id"]
            run.get("/images")
            run.wait(lambda: run.css("#gallery .card"), "the hostile card")
            names = [e.text for e in run.css("#gallery .card .name")]
            assert names == [HOSTILE], names
            assert not driver.execute_script("return document.querySelector('main img[src=\"x\"]')"), "markup was injected"
            run.get("/images/" + state["hostile"])
            run.wait(lambda: run.driver.find_element(By.ID, "image-title").text == HOSTILE, "the title as text")
            run.shot("detail-hostile")
            return "shown as text in gallery and detail"

        def csrf_refused():
            run.get("/images")
            run.expect_refusal("/console/images/bulk", 403)
            driver.execute_script("""
                var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];
                var i = document.createElement('input'); i.name = 'id'; i.value = arguments[1]; f.appendChild(i);
                var a = document.createElement('input'); a.name = 'action'; a.value = 'delete'; f.appendChild(a);
                document.body.appendChild(f); f.submit();""", run.base + "/images/bulk", state["hostile"])
            run.wait(lambda: "not sent by the console" in driver.page_source, "the CSRF refusal")
            run.shot("csrf-refused")
            status, _ = service.api("GET", "images/" + state["hostile"] + "/", alice_key)
            assert status == 200, "the image was deleted without a CSRF token"
            return "403, image kept"

        def user_isolation():
            run.sign_out()
            run.sign_in(bob_key)
            run.expect_refusal("/console/images/" + state["hostile"], 404)
            run.get("/images/" + state["hostile"])
            run.wait(lambda: "no such image" in driver.page_source, "bob refused alice's image")
            run.shot("not-found")
            run.expect_refusal("/console/tokens", 403)
            run.get("/tokens")
            run.wait(lambda: "for administrators" in driver.page_source, "bob refused the tokens page")
            run.shot("forbidden")
            run.expect_refusal("/console/health", 403)
            run.get("/health")
            run.wait(lambda: "for administrators" in driver.page_source, "bob refused the health page")
            return "404 for alice's image, 403 for tokens and health"

        def admin_pages():
            run.sign_out()
            run.sign_in(admin_key)
            run.get("/images")
            run.wait(lambda: run.css("#gallery .card"), "the admin sees alice's image")
            run.get("/stats")
            run.wait(lambda: run.css(".chart svg"), "the stats charts")
            run.shot("stats")
            run.get("/tokens")
            run.driver.find_element(By.ID, "t-user").send_keys("carol")
            run.driver.find_element(By.ID, "create-token").click()
            run.wait(lambda: run.css("#new-key"), "the new key")
            key = run.driver.find_element(By.ID, "new-key").text
            assert len(key) == 40, key
            run.shot("tokens")
            run.get("/health")
            run.wait(lambda: run.css("#checks"), "the readiness checks")
            run.shot("health")
            return "admin sees every image; stats, tokens (key shown once), health"

        def widget():
            nonlocal host
            host = HostApp(service, alice_key, host_port)
            driver.get(host.origin + "/")
            run.wait(lambda: run.css("input[type=hidden][name=image_id]"), "the widget's hidden input")
            run.driver.find_element(By.ID, "photo").send_keys(files[1])
            run.wait(lambda: driver.execute_script("return document.querySelector('input[name=image_id]').value"),
                     "the image id in the hidden input", timeout=30)
            image_id = driver.execute_script("return document.querySelector('input[name=image_id]').value")
            run.shot("widget")
            status, image = service.api("GET", "images/" + image_id + "/", alice_key)
            assert status == 200, status
            return "image " + image_id + " uploaded from " + host.origin

        def sign_out_refused():
            run.get("/images")
            run.sign_out()
            run.get("/images")
            run.wait(lambda: run.css("#key"), "the sign-in page after sign-out")
            run.shot("signed-out")
            return "gallery redirects to sign-in"

        run.step("sign in", sign_in_page)
        run.step("upload two PNG files", upload_two)
        run.step("drag and drop, type checked before sending", drag_and_drop)
        run.step("gallery with loaded thumbnails", gallery_thumbnails)
        run.step("filter and search", filter_and_search)
        run.step("detail page and playground", detail_and_playground)
        run.step("bulk delete with in-use protection", bulk_delete_protected)
        run.step("hostile filename shown as text", hostile_filename)
        run.step("form without CSRF token refused", csrf_refused)
        run.step("user cannot reach another user's image or admin pages", user_isolation)
        run.step("admin pages", admin_pages)
        run.step("sign out and be refused", sign_out_refused)
        run.step("host page with the upload widget", widget)

        failed = [r for r in run.results if not r[1]]
        print(f"\n{len(run.results) - len(failed)} of {len(run.results)} browser steps passed; screenshots in {args.screenshots}")
        return 1 if failed else 0
    finally:
        if driver is not None:
            driver.quit()
        if host is not None:
            host.stop()
        service.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
