#!/usr/bin/env python3
"""Validates every exchange the API tests made against openapi.yaml (make openapi-exchanges).

Reads the JSON lines `swift test` wrote to CFIMAGES_EXCHANGE_LOG (Tests/ImagesAPITests/ExchangeLog.swift: one per
request sent through the tests' `sendRequest`) and checks each with openapi-core, by these rules:

1. The URL's path, read as the server reads it (empty segments dropped; a trailing slash added or dropped when
   only the other spelling is documented: the server takes both), must be one of the document's paths; otherwise
   the exchange is skipped as "not a documented path" (the emulator's URLs, routers mounted
   under another prefix, unknown paths a test probes). A path spelled as one of the document's literal paths is
   that path, not a template's match (`/images/bulk_delete/` is not `/images/{id}/`). `HEAD` is checked as the
   path's `GET`, by status only (its answer has no body); so are 204 and 304 answers, and bodies too large to
   record. Exchanges of the tests in OTHER_LISTENERS (a listener that is not the documented API) are skipped.
2. A documented path with an undocumented method: `OPTIONS` must answer 204 with `Allow`; any other method 405
   with `Allow`, or 401 (credentials are checked before the method, as in DRF).
3. A request that is valid against the document (parameters, body, security) must get a response the document
   states for that operation: a documented status, required headers present, the body valid against the schema
   (exactly one branch of every `oneOf`).
4. A request that is not valid against the document (the hostile-input tests and deliberate mistakes) must get a
   4xx that the operation documents, with a body valid against that response's schema. A 2xx, 3xx or 5xx to
   such a request is a mismatch: the server accepted something the document forbids, or failed on it.
5. A request whose body was too large to record, or that openapi-core cannot read (a form body whose fields are
   typed `[string, number]`, a form body that is not UTF-8, JSON nested deeper than Python's recursion limit:
   the hostile-input tests send those), is checked by its response only (as in rule 3, any status).

Prints how many exchanges were checked under each rule and how many skipped (and why); lists each mismatch
(operation, status, what failed, the test that sent it, the first few examples) and exits 1 when there is any.

Usage: check_exchanges.py EXCHANGES.jsonl [--spec openapi.yaml] [--examples 3]
"""
import argparse
import base64
import json
import logging
import os
import re
import sys
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import RequestValidationError
from openapi_core.validation.response.exceptions import ResponseValidationError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Tests that talk to a listener other than the API's: the separate metrics listener (CFIMAGES_METRICS_ADDRESS),
# which serves only /metrics and answers 404 to everything else.
OTHER_LISTENERS = ("separateListenerServesOnlyMetricsWithoutAuth",)
METHODS = ("get", "put", "post", "patch", "delete", "options", "head")


def header(headers, name):
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def body(exchange, key):
    if exchange.get(key + "_truncated"):
        return None
    return base64.b64decode(exchange.get(key, ""))


def text(error):
    try:
        return str(error)
    except Exception:  # openapi-core's message decodes the value as UTF-8, which a hostile body is not
        return type(error).__name__


def describe(error):
    """The error and its causes, one line."""
    parts = [text(error)]
    cause = error.__cause__
    while cause is not None:
        inner = getattr(cause, "schema_errors", None)
        if inner:
            parts.extend(getattr(e, "message", str(e)) for e in inner)
        else:
            parts.append(text(cause))
        cause = cause.__cause__
    return ": ".join(p for p in parts if p)[:600]


class Checker:
    def __init__(self, spec_path):
        with open(spec_path, encoding="utf-8") as file:
            self.document = yaml.safe_load(file)
        self.templates = [
            (path, re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path))))
            for path in self.document["paths"] if "{" in path
        ]
        self.openapi = OpenAPI.from_file_path(
            spec_path, config=Config(extra_media_type_deserializers={"application/yaml": lambda value, **_: yaml.safe_load(value)}))
        self.counts = Counter()
        self.mismatches = defaultdict(list)

    def request(self, exchange, path, method):
        url = urlsplit(exchange["url"])
        headers = {k: v for k, v in exchange["request_headers"] if k.lower() != "content-length"}
        data = body(exchange, "request_body")
        return MockRequest(
            f"{url.scheme}://{url.netloc}", method, path,
            args=parse_qsl(url.query, keep_blank_values=True), headers=headers, data=data or b"",
            content_type=header(exchange["request_headers"], "Content-Type") or "application/json",
        )

    def response(self, exchange):
        data = body(exchange, "response_body")
        return MockResponse(
            data or b"", status_code=exchange["status"], headers=dict(exchange["response_headers"]),
            content_type=header(exchange["response_headers"], "Content-Type") or "",
        )

    def template(self, path):
        """The document's path that `path` is: a literal path first, else the first template matching it."""
        if path in self.document["paths"]:
            return path
        for template, pattern in self.templates:
            if pattern.fullmatch(path):
                return template
        return None

    def locate(self, exchange, method):
        """(concrete path as documented, its template), or (None, the reason: PathNotFound or OperationNotFound)."""
        path = "/" + "/".join(part for part in urlsplit(exchange["url"]).path.split("/") if part)
        for spelling in ([path + "/", path] if path != "/" else [path]):
            template = self.template(spelling)
            if template is None:
                continue
            if method.lower() not in self.document["paths"][template]:
                return None, OperationNotFound(template, method)
            return (spelling, template), None
        return None, PathNotFound(path)

    def mismatch(self, exchange, operation, what):
        key = (operation, exchange["status"], what.split(":")[0][:160])
        self.mismatches[key].append((exchange.get("test", ""), exchange["method"], exchange["url"], what))

    def status_documented(self, path, method, status):
        responses = self.document["paths"][path][method.lower()]["responses"]
        return str(status) in responses or f"{str(status)[0]}XX" in responses or "default" in responses

    def check(self, exchange):
        if any(name in exchange.get("test", "") for name in OTHER_LISTENERS):
            self.counts["skipped: a test of another listener"] += 1
            return
        method = exchange["method"].upper()
        as_method = "GET" if method == "HEAD" else method
        located, failure = self.locate(exchange, as_method)
        status = exchange["status"]
        operation = f"{method} {urlsplit(exchange['url']).path}"
        if located is None:
            if isinstance(failure, OperationNotFound):
                allow = header(exchange["response_headers"], "Allow")
                if method == "OPTIONS":
                    ok = status == 204 and allow
                else:
                    ok = (status == 405 and allow) or status == 401
                self.counts["undocumented method on a documented path"] += 1
                if not ok:
                    self.mismatch(exchange, operation, f"expected {'204' if method == 'OPTIONS' else '405'} with Allow, got {status} (Allow: {allow})")
                return
            self.counts["skipped: not a documented path"] += 1
            return
        path, template = located
        request = self.request(exchange, path, as_method)
        response = self.response(exchange)
        if exchange.get("request_body_truncated"):
            rule = "request body not recorded: response checked"
            valid = True
        else:
            try:
                self.openapi.validate_request(request)
                rule, valid = "valid request: response checked", True
            except RequestValidationError as error:
                rule, valid, reason = "invalid request: 4xx checked", False, describe(error)
                if isinstance(error.__cause__, MediaTypeDeserializeError):
                    rule, valid = "request body not readable by openapi-core: response checked", True
            except Exception as error:  # openapi-core cannot read the body (form fields typed [string, number])
                rule, valid = f"request not readable by openapi-core ({type(error).__name__}): response checked", True
        self.counts[rule] += 1
        if not valid and not 400 <= status < 500:
            self.mismatch(exchange, operation, f"a request outside the document got {status} ({reason})")
            return
        if method == "HEAD" or status in (204, 304) or exchange.get("response_body_truncated"):
            if not self.status_documented(template, as_method, status):
                self.mismatch(exchange, operation, f"undocumented status {status}")
            return
        try:
            self.openapi.validate_response(request, response)
        except ResponseValidationError as error:
            self.mismatch(exchange, operation, describe(error))
        except Exception as error:  # an undocumented status, an undocumented content type
            self.mismatch(exchange, operation, f"{type(error).__name__}: {describe(error)}")


def main():
    # openapi-core warns for every allOf branch an invalid request fails; the checker reports what matters.
    logging.getLogger("openapi_core").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exchanges")
    parser.add_argument("--spec", default=os.path.join(REPO, "openapi.yaml"))
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()
    checker = Checker(args.spec)
    total = 0
    with open(args.exchanges, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            total += 1
            checker.check(json.loads(line))
    print(f"openapi-exchanges: {total} exchanges")
    for rule, count in sorted(checker.counts.items()):
        print(f"  {count:6d}  {rule}")
    if total == 0:
        print("openapi-exchanges: no exchange was recorded (was CFIMAGES_EXCHANGE_LOG set for swift test?)")
        return 1
    if not checker.mismatches:
        print("openapi-exchanges: every checked exchange matches openapi.yaml")
        return 0
    found = sum(len(v) for v in checker.mismatches.values())
    print(f"openapi-exchanges: {found} mismatching exchanges, {len(checker.mismatches)} distinct:")
    for (operation, status, _), examples in sorted(checker.mismatches.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        print(f"- {operation} -> {status} ({len(examples)}x): {examples[0][3]}")
        for test, method, url, _ in examples[: args.examples]:
            print(f"    {test}: {method} {url}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
