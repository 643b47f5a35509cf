#!/usr/bin/env python3
"""Writes the hand-made seed corpora under Fuzz/Corpus/ (committed; rerun after editing the lists below).

Each file is one fuzz input in the target's format (see the comment at the top of each target's main.swift).
"""
import json, os, pathlib

ROOT = pathlib.Path(__file__).resolve().parent / "Corpus"


def write(target, name, data):
    folder = ROOT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# HTTP parser: byte 0 seeds the read sizes, then the raw stream.
http = {
    "get": b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "get-query": b"GET /cloudflare-images/api/images/?status=uploaded&page=2&q=%20x HTTP/1.1\r\nHost: a\r\n\r\n",
    "absolute-form": b"GET http://a.example/x?y=1 HTTP/1.1\r\nHost: a.example\r\n\r\n",
    "asterisk": b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    "http10": b"GET / HTTP/1.0\r\n\r\n",
    "http10-keepalive": b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "close": b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "post-length": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    "post-json": b'POST /cloudflare-images/api/upload-url/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"filename":"a"}\n',
    "chunked": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
    "chunked-trailer": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n",
    "chunked-upper-hex": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
    "expect-continue": b"PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
    "expect-other": b"PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nok",
    "pipelined": b"GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nPOST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
    "leading-crlf": b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "smuggle-cl-te": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "smuggle-two-cl": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
    "cl-list": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
    "cl-plus": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc",
    "cl-huge": b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    "chunk-huge": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n",
    "te-not-last": b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    "bare-lf": b"GET / HTTP/1.1\nHost: a\n\n",
    "obs-fold": b"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n  c\r\n\r\n",
    "space-before-colon": b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    "no-host": b"GET / HTTP/1.1\r\n\r\n",
    "two-hosts": b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "version-2": b"GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    "version-junk": b"GET / HTTP/1.x\r\nHost: a\r\n\r\n",
    "lowercase-method": b"get / HTTP/1.1\r\nHost: a\r\n\r\n",
    "ctl-in-target": b"GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n",
    "utf8-header": "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9 \u2603\r\n\r\n".encode(),
    "nul-header": b"GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n",
    "request-id": b"GET / HTTP/1.1\r\nHost: a\r\nX-Request-ID: abc-123_\xff\r\n\r\n",
    "long-line": b"GET /" + b"a" * 120 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
    "many-headers": b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(14)) + b"\r\n",
    "percent": b"GET /a%2Fb%zz%00/%E2%98%83?x=%ZZ&y=%2&&=&z HTTP/1.1\r\nHost: a\r\n\r\n",
}
for i, (name, stream) in enumerate(sorted(http.items())):
    write("http-parser", name, bytes([i * 37 % 256]) + stream)

# Multipart: the Content-Type value, LF, then the body.
def mp(boundary, parts, close=True, eol=b"\r\n", preamble=b""):
    body = preamble
    for headers, data in parts:
        body += b"--" + boundary + eol + b"".join(h + eol for h in headers) + eol + data + eol
    if close:
        body += b"--" + boundary + b"--" + eol
    return body

ct = b"multipart/form-data; boundary=XyZ"
multipart = {
    "field": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"1")]),
    "file": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="file"; filename="a.png"', b"Content-Type: image/png"], b"\x89PNG\r\n\x1a\n\x00\x00")]),
    "two-fields": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"x"), ([b'Content-Disposition: form-data; name="b"'], b"y\r\nz")]),
    "quoted-boundary": b'multipart/form-data; boundary="a b:c"\n' + mp(b"a b:c", [([b'Content-Disposition: form-data; name="q"'], b"v")]),
    "upper-type": b"Multipart/Form-Data; BOUNDARY=XyZ; charset=utf-8\n" + mp(b"XyZ", [([b'content-disposition: FORM-DATA; NAME="a"'], b"v")]),
    "filename-star": ct + b"\n" + mp(b"XyZ", [([b"Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; filename*=UTF-8''%E2%98%83.txt"], b"snow")]),
    "escaped-name": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a\\"b%22c"'], b"v")]),
    "bare-lf": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"v")], eol=b"\n"),
    "preamble-epilogue": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"v")], preamble=b"preamble\r\n") + b"epilogue",
    "padding": ct + b"\n--XyZ  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ-- \r\n",
    "no-close": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"v")], close=False),
    "empty-body": ct + b"\n",
    "only-close": ct + b"\n--XyZ--\r\n",
    "no-disposition": ct + b"\n" + mp(b"XyZ", [([b"Content-Type: text/plain"], b"v")]),
    "bad-header": ct + b"\n" + mp(b"XyZ", [([b"Content-Disposition form-data"], b"v")]),
    "folded-header": ct + b"\n" + mp(b"XyZ", [([b"Content-Disposition: form-data;", b' name="a"'], b"v")]),
    "boundary-in-data": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"--XyZx --Xy")]),
    "no-boundary": b"multipart/form-data\n--x\r\n\r\n",
    "empty-boundary": b'multipart/form-data; boundary=""\n--\r\n',
    "long-boundary": b"multipart/form-data; boundary=" + b"b" * 71 + b"\n--" + b"b" * 71 + b"--\r\n",
    "not-multipart": b"application/json\n{}",
    "mixed": b"multipart/mixed; boundary=XyZ\n--XyZ--\r\n",
    "many-parts": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="p%d"' % i], b"%d" % i) for i in range(70)]),
    "empty-name": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name=""'], b"")]),
    "unquoted-params": ct + b"\n" + mp(b"XyZ", [([b"Content-Disposition: form-data; name=a; filename=b.txt"], b"v")]),
    "semicolon-junk": b"multipart/form-data;;; boundary=XyZ;=;x\n" + mp(b"XyZ", [([b'Content-Disposition: form-data;; name="a";'], b"v")]),
    "utf8-name": ct + b"\n" + mp(b"XyZ", [(['Content-Disposition: form-data; name="caf\u00e9"; filename="\u2603.gif"'.encode()], b"GIF89a")]),
    "nul-data": ct + b"\n" + mp(b"XyZ", [([b'Content-Disposition: form-data; name="a"'], b"\x00\xff\xfe")]),
}
for name, data in multipart.items():
    write("multipart", name, data)

# API bodies: byte 0 picks the endpoint (0 upload JSON, 1 upload form, 2 webhook, 3 bulk status check,
# 4 image update, 5 list query string, 6 JSONValue.parse alone), then the body.
def j(value):
    return json.dumps(value).encode()

api = {
    "upload-empty": (0, b""),
    "upload-empty-object": (0, b"{}"),
    "upload-full": (0, j({"custom_id": "cat/1", "metadata": {"a": 1, "b": [True, None]}, "require_signed_urls": "yes", "expiry_minutes": "30.0", "filename": " cat.png ", "creator": ""})),
    "upload-bad-types": (0, j({"custom_id": 5, "metadata": [1], "require_signed_urls": "maybe", "expiry_minutes": 1e300, "filename": None})),
    "upload-uuid-id": (0, j({"custom_id": "urn:uuid:{12345678-1234-5678-1234-567812345678}"})),
    "upload-slash-id": (0, j({"custom_id": "/x/"})),
    "upload-big-metadata": (0, j({"metadata": {"k": "v" * 1100}})),
    "upload-null-char": (0, j({"filename": "a\u0000b"})),
    "upload-array": (0, b"[1,2]"),
    "upload-null": (0, b"null"),
    "upload-broken": (0, b'{"custom_id": "a'),
    "upload-deep": (0, b"[" * 200 + b"]" * 200),
    "upload-numbers": (0, b'{"expiry_minutes": -0.0, "filename": 1.5e-7, "creator": 12345678901234567890}'),
    "form": (1, b"custom_id=abc&filename=x.png&expiry_minutes=60&require_signed_urls=on"),
    "form-repeated": (1, b"filename=a&filename=b&metadata=x&%ZZ=%&=&&"),
    "form-utf8": (1, "creator=caf%C3%A9+%E2%98%83&filename=%FF".encode()),
    "webhook-flat": (2, j({"id": "fuzz-image", "uploaded": "2024-01-01T00:00:00.000Z", "variants": ["https://imagedelivery.net/h/fuzz-image/public"], "requireSignedURLs": False, "meta": {"a": 1}, "filename": "a.png"})),
    "webhook-draft": (2, j({"id": "fuzz-image", "draft": True})),
    "webhook-unknown": (2, j({"id": "nope", "uploaded": "2024-01-01T00:00:00Z"})),
    "webhook-notification": (2, j({"data": {"id": "fuzz-image", "status": "failed"}, "event": "image.upload.failed"})),
    "webhook-bad-date": (2, j({"id": "fuzz-image", "uploaded": "yesterday", "variants": "x"})),
    "webhook-not-object": (2, b'"x"'),
    "bulk-ids": (3, j({"image_ids": ["12345678-1234-5678-1234-567812345678", 3, None, "x"]})),
    "bulk-empty": (3, j({"image_ids": []})),
    "bulk-missing": (3, j({})),
    "update": (4, j({"filename": "b.png", "metadata": {"x": "y"}, "require_signed_urls": 0})),
    "update-nulls": (4, j({"filename": None, "metadata": None, "status": "uploaded", "is_ready": "true"})),
    "list": (5, b"status=uploaded&search=cat&page=2&page_size=10&ordering=-created_at"),
    "list-bad": (5, b"status=nope&page=-1&page_size=99999&created_after=2024-13-40&is_ready=maybe&uploaded_by=x"),
    "list-dates": (5, b"created_after=2024-01-01T00:00:00Z&created_before=2024-02-01&uploaded_after=1&has_variants=1"),
    "json-unicode": (6, '{"\u00e9": "\\ud83d\\ude00 \\u0000", "n": [1, -1.5e10, 0.1, 1e-400]}'.encode()),
    "json-surrogate": (6, b'["\\ud800", "\\udc00x"]'),
    "json-big-int": (6, b"[9223372036854775807, 9223372036854775808, -9223372036854775809]"),
    "json-dup-keys": (6, b'{"a": 1, "a": 2}'),
    "json-whitespace": (6, b' \t\r\n{ } '),
    "json-bom": (6, b"\xef\xbb\xbf{}"),
}
for name, (selector, body) in api.items():
    write("api-body", name, bytes([selector]) + body)

print("seeds:", {t: len(os.listdir(ROOT / t)) for t in ("http-parser", "multipart", "api-body")})
