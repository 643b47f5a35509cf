#!/usr/bin/env python3
"""Regenerates Tests/Fixtures/django from the real django-cloudflareimages-toolkit 1.1.6 (`make django-fixture`).

Creates .venv-django (pinned by requirements.txt) if needed and re-runs itself inside it; then, in a fresh temporary
SQLite database of the project under project/ (toolkit urls at /cloudflare-images/):

  1. migrates; creates users alice, bob (plain), carol (is_staff), dave (is_superuser, not is_staff) with fixed
     DRF tokens; creates CloudflareImage and ImageUploadLog rows through the ORM, then host objects (demo app) whose
     saves register auto usages through the toolkit's signals, plus manual usages through
     registry.register_usage, two of them unregistered (no CloudflareImage row);
  2. writes dump.json, dump-natural.json and dump-natural-no-contenttypes.json with `dumpdata`;
  3. records the reference's REST answers (DRF APIClient, `Authorization: Token <key>`) into
     reference-answers.json: every read first, then the destructive requests, each inside a transaction that is
     rolled back (so the dumps, written before, are the state every read saw);
  4. records reconcile_image_usage's behaviour into reconcile.json (also rolled back);
  5. checks that the database still dumps as dump.json, and runs roundtrip.py on every dump.

The clock (django.utils.timezone.now) is replaced by a settable one, token keys, password salts and UUIDs are fixed,
and Cloudflare is never called (the service's delete_image is a no-op, any other request raises), so regenerating
gives the same files byte for byte.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bootstrap  # noqa: E402

_bootstrap.ensure_venv()

import argparse  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from unittest import mock  # noqa: E402

PREFIX = "/cloudflare-images/"
HASH = "Vi7wi5KSItxGFsWRG2Us6Q"
DELIVERY = f"https://imagedelivery.net/{HASH}"
UPLOAD = f"https://upload.imagedelivery.net/{HASH}"
FAR_FUTURE = "2099-01-01T00:00:00Z"  # expiry of pending/draft upload URLs: is_expired is false whatever the clock
REQUEST_TIME = "2025-07-01T12:00:00Z"  # the frozen clock while the REST answers are recorded


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Clock:
    """Stands in for django.utils.timezone.now: returns whatever was set last."""

    def __init__(self, start: str):
        self.value = ts(start)

    def __call__(self) -> datetime:
        return self.value

    def set(self, text: str) -> None:
        self.value = ts(text)


CLOCK = Clock("2025-01-01T00:00:00Z")


# --- The dataset -------------------------------------------------------------------------------------------------

USERS = [
    # username, first, last, is_staff, is_superuser, date_joined
    ("alice", "Alice", "Anders", False, False, "2025-01-05T08:00:00Z"),
    ("bob", "Bob", "Brandt", False, False, "2025-01-06T08:00:00Z"),
    ("carol", "Carol", "Chen", True, False, "2025-01-07T08:00:00Z"),
    ("dave", "Dave", "Diaz", False, True, "2025-01-08T08:00:00Z"),
]


def token_key(username: str) -> str:
    return hashlib.sha1(f"cfimages-django-fixture-token-{username}".encode()).hexdigest()


def variants(cloudflare_id: str, *names: str) -> list:
    return [f"{DELIVERY}/{cloudflare_id}/{name}" for name in names]


def upload_url(cloudflare_id: str) -> str:
    return f"{UPLOAD}/{cloudflare_id}"


def image(key, uuid, user, cloudflare_id, status, created, updated, expires, **fields):
    return dict(key=key, id=uuid, user=user, cloudflare_id=cloudflare_id, status=status, created=created,
                updated=updated, expires=expires, fields=fields)


A1, A2, A3 = "7c0f5d2a-3b44-4a1e-9f39-5b2c1d9e0a01", "products/123/hero", "alice-avatar-2025"
A4, A5 = "3f9d1e20-8c7b-4d55-a6e1-0c2b4e6f7a04", "5a2e7c91-1d3f-4b8a-9e60-7f4c2d1b0a05"
A6, A7 = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c06", "e1d2c3b4-a596-4877-8695-a4b3c2d1e007"
B1, B2 = "bob/profile/avatar", "0d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b01"
B3, B4 = "c3b2a190-8f7e-4d6c-9b5a-4e3d2c1b0a03", "b2a19080-7f6e-4c5d-8a4b-3d2c1b0a9f04"
B5, B6 = "a1908070-6e5d-4b4c-9a3b-2c1b0a9f8e05", "90807060-5d4c-4a3b-8b2a-1b0a9f8e7d06"
N1 = "legacy/press-kit/logo"
UNREG_AUTO, UNREG_MANUAL = "legacy/missing-0001", "external/legacy-42"

IMAGES = [
    # alice: one image in every status, two of them in use, one with a path-style custom id
    image("A1", "0a11ce00-0000-4000-8000-000000000001", "alice", A1, "uploaded",
          "2025-03-01T09:00:00Z", "2025-03-01T09:02:10.250000Z", "2025-03-01T09:30:00Z",
          filename="hero.jpg", original_filename="IMG_2041.JPG", content_type="image/jpeg", file_size=245678,
          require_signed_urls=False, creator="alice",
          metadata={"alt": "Mountain lake at dawn", "tags": ["landscape", "hero"],
                    "source": {"camera": "X100V", "exif": {"iso": 200, "f": 5.6}}, "published": True},
          uploaded_at="2025-03-01T09:02:05.482913Z", width=1920, height=1080, format="jpeg",
          variants=variants(A1, "public", "thumbnail"),
          cloudflare_metadata={"alt": "Mountain lake at dawn", "uploader": "alice"}),
    image("A2", "0a11ce00-0000-4000-8000-000000000002", "alice", A2, "uploaded",
          "2025-03-02T10:00:00Z", "2025-03-02T10:05:00Z", "2025-03-02T10:30:00Z",
          filename="hero.png", original_filename="product-123-hero.png", content_type="image/png", file_size=1048576,
          require_signed_urls=True, creator="alice",
          metadata={"sku": "123", "placement": {"page": "product", "slot": "hero"}},
          uploaded_at="2025-03-02T10:04:30Z", width=2400, height=1600, format="png",
          variants=variants(A2, "thumbnail", "public"), cloudflare_metadata={"sku": "123"}),
    image("A3", "0a11ce00-0000-4000-8000-000000000003", "alice", A3, "uploaded",
          "2025-03-03T11:00:00Z", "2025-03-03T11:00:00Z", "2025-03-03T11:00:00Z",
          # registered by id (CloudflareImage.objects.register_uploaded): no upload URL, no file facts
          require_signed_urls=False, upload_url="", metadata={}, uploaded_at="2025-02-20T18:45:00Z",
          variants=variants(A3, "public"), cloudflare_metadata={}),
    image("A4", "0a11ce00-0000-4000-8000-000000000004", "alice", A4, "pending",
          "2025-03-04T12:00:00Z", "2025-03-04T12:00:00Z", FAR_FUTURE,
          original_filename="draft-cover.webp", require_signed_urls=True, metadata={"purpose": "cover"}),
    image("A5", "0a11ce00-0000-4000-8000-000000000005", "alice", A5, "draft",
          "2025-03-05T13:00:00Z", "2025-03-05T13:01:00Z", FAR_FUTURE,
          require_signed_urls=False, metadata={}, cloudflare_metadata={"draft": True}),
    image("A6", "0a11ce00-0000-4000-8000-000000000006", "alice", A6, "failed",
          "2025-03-06T14:00:00Z", "2025-03-06T14:10:00Z", "2025-03-06T14:30:00Z",
          filename="broken.gif", original_filename="broken.gif", content_type="image/gif", file_size=0,
          require_signed_urls=True, metadata={"retry": {"count": 3, "last_error": "timeout"}}),
    image("A7", "0a11ce00-0000-4000-8000-000000000007", "alice", A7, "expired",
          "2025-03-07T15:00:00Z", "2025-03-07T16:00:00Z", "2025-03-07T15:30:00Z",
          require_signed_urls=False, metadata={"note": "never uploaded"}),
    # bob: the same spread, different shapes
    image("B1", "0b0b0000-0000-4000-8000-000000000001", "bob", B1, "uploaded",
          "2025-03-01T09:30:00Z", "2025-03-01T09:31:00Z", "2025-03-01T10:00:00Z",
          filename="avatar.webp", original_filename="me.webp", content_type="image/webp", file_size=48213,
          require_signed_urls=False, creator="bob", metadata={"kind": "avatar"},
          uploaded_at="2025-03-01T09:30:45Z", width=512, height=512, format="webp",
          variants=variants(B1, "public"), cloudflare_metadata={"kind": "avatar"}),
    image("B2", "0b0b0000-0000-4000-8000-000000000002", "bob", B2, "uploaded",
          "2025-03-02T09:30:00Z", "2025-03-02T09:40:00Z", "2025-03-02T10:00:00Z",
          filename="old-thumb.jpg", original_filename="old-thumb.jpg", content_type="image/jpeg", file_size=30001,
          require_signed_urls=True, metadata={"lang": "de", "labels": {"de": "Alt", "en": "Old"}},
          uploaded_at="2025-03-02T09:35:00Z", variants=variants(B2, "public", "thumbnail"),
          cloudflare_metadata={"lang": "de"}),
    image("B3", "0b0b0000-0000-4000-8000-000000000003", "bob", B3, "pending",
          "2025-03-03T09:30:00Z", "2025-03-03T09:30:00Z", FAR_FUTURE,
          original_filename="new-thumb.jpg", require_signed_urls=False, metadata={}),
    image("B4", "0b0b0000-0000-4000-8000-000000000004", "bob", B4, "draft",
          "2025-03-04T09:30:00Z", "2025-03-04T09:30:30Z", FAR_FUTURE,
          require_signed_urls=True, metadata={"batch": 7}),
    image("B5", "0b0b0000-0000-4000-8000-000000000005", "bob", B5, "failed",
          "2025-03-05T09:30:00Z", "2025-03-05T09:45:00Z", "2025-03-05T10:00:00Z",
          filename="huge.png", content_type="image/png", file_size=20000000, require_signed_urls=False,
          metadata={"error": "too large"}),
    image("B6", "0b0b0000-0000-4000-8000-000000000006", "bob", B6, "expired",
          "2025-03-06T09:30:00Z", "2025-03-06T10:30:00Z", "2025-03-06T10:00:00Z",
          require_signed_urls=True, metadata={}),
    # no owner (user NULL, e.g. created by a script): visible in no image list, its usage only to staff
    image("N1", "0e0e0e0e-0000-4000-8000-000000000001", None, N1, "uploaded",
          "2025-02-15T08:00:00Z", "2025-02-15T08:00:00Z", "2025-02-15T08:30:00Z",
          filename="logo.svg", content_type="image/svg+xml", file_size=5120, require_signed_urls=False,
          metadata={"brand": {"name": "ACME", "colors": ["#ff0000", "#000000"]}}, uploaded_at="2025-02-15T08:01:00Z",
          variants=variants(N1, "public"), format="svg"),
]


def logs_for(spec) -> list:
    """(timestamp, event_type, message, data) rows in the shapes the toolkit's service writes."""
    cf, created, status = spec["cloudflare_id"], spec["created"], spec["status"]
    if spec["fields"].get("upload_url") == "":
        return [(created, "image_registered", "Image registered from Cloudflare",
                 {"result": {"id": cf, "draft": False, "uploaded": spec["fields"]["uploaded_at"]}})]
    rows = [(created, "upload_url_created", "Direct upload URL created successfully",
             {"response": {"id": cf, "uploadURL": upload_url(cf)}})]
    if status == "uploaded":
        rows.append((spec["fields"]["uploaded_at"], "webhook_received", "Webhook processed successfully",
                     {"payload": {"id": cf, "uploaded": spec["fields"]["uploaded_at"],
                                  "variants": spec["fields"]["variants"]}}))
    elif status in ("draft", "failed", "expired"):
        rows.append((spec["updated"], "status_checked", f"Image status checked: {status}",
                     {"response": {"id": cf, "draft": status == "draft"}}))
    return rows


# --- Building the database ---------------------------------------------------------------------------------------


def build_dataset():
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django_cloudflareimages_toolkit import registry
    from django_cloudflareimages_toolkit.models import CloudflareImage, ImageUploadLog
    from rest_framework.authtoken.models import Token

    from demo.models import Article, Gallery, Page

    users = {}
    for username, first, last, is_staff, is_superuser, joined in USERS:
        CLOCK.set(joined)
        users[username] = User.objects.create(
            username=username, email=f"{username}@example.com", first_name=first, last_name=last,
            is_staff=is_staff, is_superuser=is_superuser,
            password=make_password(f"{username}-password", salt=f"cfimagesfixture{username}"))
        Token.objects.create(user=users[username], key=token_key(username))

    for spec in IMAGES:
        CLOCK.set(spec["created"])
        fields = dict(spec["fields"])
        if "uploaded_at" in fields:
            fields["uploaded_at"] = ts(fields["uploaded_at"])
        fields.setdefault("upload_url", upload_url(spec["cloudflare_id"]))
        CloudflareImage.objects.create(
            id=spec["id"], cloudflare_id=spec["cloudflare_id"], status=spec["status"],
            user=users.get(spec["user"]), expires_at=ts(spec["expires"]), **fields)
        for stamp, event_type, message, data in logs_for(spec):
            CLOCK.set(stamp)
            ImageUploadLog.objects.create(image_id=spec["id"], event_type=event_type, message=message, data=data)
    # updated_at is auto_now: set the intended values with update(), which bypasses it (and every signal).
    for spec in IMAGES:
        CloudflareImage.objects.filter(pk=spec["id"]).update(updated_at=ts(spec["updated"]))

    # Host objects: each save goes through the toolkit's post_save receiver (auto usages, last_referenced_at).
    CLOCK.set("2025-03-10T10:00:00Z")
    article1 = Article.objects.create(title="Spring launch", hero=A1, thumbnail=A2)
    CLOCK.set("2025-03-10T11:00:00Z")
    Gallery.objects.create(title="Launch gallery", cover=CloudflareImage.objects.get(cloudflare_id=A2))
    CLOCK.set("2025-03-11T08:00:00Z")
    article2 = Article.objects.create(title="Bob's story", hero=B1, thumbnail=B2)
    CLOCK.set("2025-03-12T08:00:00.123456Z")
    article2.thumbnail = B3  # the usage row moves to B3; B2 loses its reference (its last_referenced_at is bumped)
    article2.save()
    CLOCK.set("2025-03-13T09:00:00Z")
    Article.objects.create(title="Imported post", hero=UNREG_AUTO)  # unregistered: no CloudflareImage row
    # Manual usages through the public registry API, on a model without an image field (UUID primary key).
    CLOCK.set("2025-03-14T10:00:00Z")
    about = Page.objects.create(id="5a9e0000-0000-4000-8000-00000000ab01", slug="about",
                                body={"blocks": [{"type": "image", "id": A1},
                                                 {"type": "gallery", "ids": [UNREG_MANUAL]}]})
    registry.register_usage(about, A1, field_name="body")
    CLOCK.set("2025-03-14T10:00:01Z")
    registry.register_usage(about, UNREG_MANUAL, field_name="gallery")
    CLOCK.set("2025-03-15T10:00:00Z")
    press = Page.objects.create(id="5a9e0000-0000-4000-8000-00000000ab02", slug="press", body={"logo": N1})
    registry.register_usage(press, N1)  # default field_name "manual"
    assert article1.pk == 1
    separate_usage_times()


def separate_usage_times() -> None:
    """Give every ImageUsage a distinct created_at and updated_at (+1 ms steps, in pk order).

    Under the frozen clock, the rows one host save writes share a timestamp (Article #1's hero and thumbnail; a
    re-save also re-touches the unchanged hero row's updated_at), so `ordering` (-updated_at by default) would tie
    and the order of tied rows would be the database's choice. Real clocks differ by microseconds; 1 ms survives
    dumpdata (which keeps milliseconds).
    """
    from datetime import timedelta

    from django_cloudflareimages_toolkit.models import ImageUsage

    taken = {"created_at": set(), "updated_at": set()}
    for usage in ImageUsage.objects.order_by("pk"):
        created, updated = usage.created_at, usage.updated_at
        while created in taken["created_at"]:
            created += timedelta(milliseconds=1)
            if usage.updated_at == usage.created_at:
                updated = created
        while updated in taken["updated_at"]:
            updated += timedelta(milliseconds=1)
        taken["created_at"].add(created)
        taken["updated_at"].add(updated)
        if (created, updated) != (usage.created_at, usage.updated_at):
            ImageUsage.objects.filter(pk=usage.pk).update(created_at=created, updated_at=updated)


def dump_commands() -> list:
    labels = ["auth.user", "authtoken.token", "contenttypes", "django_cloudflareimages_toolkit"]
    return [
        ("dump.json", labels, {}),
        ("dump-natural.json", labels, {"use_natural_foreign_keys": True, "use_natural_primary_keys": True}),
        ("dump-natural-no-contenttypes.json", [x for x in labels if x != "contenttypes"],
         {"use_natural_foreign_keys": True, "use_natural_primary_keys": True}),
    ]


def dumpdata(labels, options, database="default") -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("dumpdata", *labels, indent=2, stdout=out, database=database, **options)
    return out.getvalue().rstrip("\n") + "\n"


# --- REST answers ------------------------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.entries = []

    def call(self, user, method, path, data=None):
        from rest_framework.test import APIClient

        client = APIClient()
        if user != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_key(user)}")
        full = PREFIX + path
        send = getattr(client, method.lower())
        response = send(full, data, format="json") if data is not None else send(full)
        if not response.content:
            body = None
        elif response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)
        else:
            body = response.content.decode()
        entry = {"user": user, "method": method, "path": full, "status": response.status_code, "body": body}
        if data is not None:
            entry["request"] = data
        self.entries.append(entry)
        return entry

    def rolled_back(self, steps):
        """Run (user, method, path[, data]) calls in one transaction, then roll it back."""
        from django.db import transaction

        with transaction.atomic():
            for step in steps:
                self.call(*step)
            transaction.set_rollback(True)


def record_answers() -> list:
    rec = Recorder()
    owned = {"alice": [s for s in IMAGES if s["user"] == "alice"], "bob": [s for s in IMAGES if s["user"] == "bob"]}
    by_key = {s["key"]: s["id"] for s in IMAGES}

    rec.call("anonymous", "GET", "api/images/")
    for user in ("alice", "bob", "carol", "dave"):
        for path in ("api/images/", "api/images/?orphaned=true", "api/images/?orphaned=false",
                     "api/images/?page_size=2", "api/images/orphans/",
                     "api/usages/", "api/usages/?content_type=demo.article", "api/usages/?field_name=hero",
                     "api/usages/?unregistered=true", "api/usages/?search=products", "api/usages/?ordering=created_at",
                     "api/stats/"):
            if user in ("carol", "dave") and path.startswith("api/images/?"):
                continue  # they own no image: the plain list says it
            rec.call(user, "GET", path)
        for spec in owned.get(user, []):
            for suffix in ("", "usages/", "logs/"):
                rec.call(user, "GET", f"api/images/{spec['id']}/{suffix}")
    # A few more shapes: pagination's second page and past the end, ordering with NULLs, filters, the slash lookup,
    # another user's image, the router's root, the usages list paginated.
    for path in ("api/images/?page_size=2&page=2", "api/images/?page=99", "api/images/?ordering=file_size&page_size=3",
                 "api/images/?search=products", f"api/images/by-cloudflare-id/{A2}/", "api/",
                 "api/usages/?page_size=2"):
        rec.call("alice", "GET", path)
    rec.call("bob", "GET", "api/images/?status=uploaded")
    rec.call("carol", "GET", "api/usages/?page_size=2&page=2")
    rec.call("bob", "GET", f"api/images/{by_key['A1']}/")
    rec.call("bob", "GET", f"api/images/{by_key['A1']}/usages/")
    rec.call("carol", "GET", f"api/images/{by_key['A1']}/")

    # Destructive requests last, each scenario rolled back (Cloudflare's delete is a no-op mock).
    rec.rolled_back([("alice", "DELETE", f"api/images/{by_key['A1']}/")])  # in use: 409
    rec.rolled_back([("alice", "DELETE", f"api/images/{by_key['A3']}/")])  # free: 204
    rec.rolled_back([("bob", "DELETE", f"api/images/{by_key['A1']}/")])  # not bob's: 404
    rec.rolled_back([("alice", "POST", "api/images/bulk_delete/", {
        "ids": [by_key["A1"], by_key["A3"], "deadbeef-0000-4000-8000-000000000000", by_key["B1"]],
        "cloudflare_ids": [A2, "nope/not-here", A1, A4],
        "force": False,
    })])
    rec.rolled_back([("alice", "POST", "api/images/bulk_delete/", {"force": True})])  # 400: nothing to act on
    # force=true on an image used by a CloudflareImageField (row kept, unlinked) and a ForeignKey (SET_NULL: the
    # host is re-synced and its row removed), then what staff sees.
    rec.rolled_back([("alice", "DELETE", f"api/images/{by_key['A2']}/?force=true"),
                     ("carol", "GET", "api/usages/?unregistered=true"),
                     ("alice", "GET", "api/stats/")])
    return rec.entries


# --- reconcile_image_usage ---------------------------------------------------------------------------------------


def usage_rows() -> list:
    from django_cloudflareimages_toolkit.models import ImageUsage

    return [
        {"id": u.pk, "content_type": f"{u.content_type.app_label}.{u.content_type.model}", "object_id": u.object_id,
         "field_name": u.field_name, "source": u.source, "cloudflare_id": u.cloudflare_id,
         "image": str(u.image_id) if u.image_id else None,
         "created_at": u.created_at.isoformat().replace("+00:00", "Z"),
         "updated_at": u.updated_at.isoformat().replace("+00:00", "Z")}
        for u in ImageUsage.objects.select_related("content_type").order_by("pk")
    ]


def record_reconcile() -> list:
    from django.core.management import call_command
    from django.db import transaction
    from django_cloudflareimages_toolkit.models import ImageUsage

    from demo.models import Article, Page

    CLOCK.set("2025-08-01T00:00:00Z")
    scenarios = []

    def run(name, description, prepare, *argv):
        with transaction.atomic():
            prepare()
            before = usage_rows()
            out = io.StringIO()
            call_command("reconcile_image_usage", *argv, stdout=out)
            after = usage_rows()
            transaction.set_rollback(True)
        old, new = {r["id"]: r for r in before}, {r["id"]: r for r in after}
        scenarios.append({
            "scenario": name, "description": description,
            "command": " ".join(["manage.py", "reconcile_image_usage", *argv]),
            "stdout": out.getvalue().splitlines(),
            "removed": [r for i, r in old.items() if i not in new],
            "added": [r for i, r in new.items() if i not in old],
            "changed": [{"before": old[i], "after": r} for i, r in new.items() if i in old and old[i] != r],
        })

    run("clean-dry-run", "the fixture's own state", lambda: None, "--dry-run")
    run("clean", "the fixture's own state (re-records every auto reference: updated_at changes, nothing else)",
        lambda: None)
    run("renamed-field",
        "Article.thumbnail used to be called 'thumb': its auto rows still say field_name='thumb'",
        lambda: ImageUsage.objects.filter(field_name="thumbnail").update(field_name="thumb"))
    run("bypassed-signals",
        "Article #1's hero was cleared with QuerySet.update (no post_save), Article #2's hero moved to B2 the same way",
        lambda: (Article.objects.filter(pk=1).update(hero=None), Article.objects.filter(pk=2).update(hero=B2)))
    run("deleted-owner", "Page 'press' was deleted without its post_delete signal (QuerySet._raw_delete, like raw "
        "SQL): its manual usage row dangles",
        lambda: Page.objects.filter(slug="press")._raw_delete(Page.objects.db))
    return scenarios


# --- main --------------------------------------------------------------------------------------------------------


def summary_table() -> str:
    from django_cloudflareimages_toolkit.models import CloudflareImage

    lines = ["| key | id | cloudflare_id | owner | status | usages | signed |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for spec in IMAGES:
        img = CloudflareImage.objects.get(pk=spec["id"])
        where = ", ".join(f"{u.content_type.model}#{u.object_id}.{u.field_name} ({u.source})"
                          for u in img.usages.select_related("content_type").order_by("pk")) or "none (orphan)"
        lines.append(f"| {spec['key']} | `{spec['id']}` | `{spec['cloudflare_id']}` | {spec['user'] or '(none)'} "
                     f"| {spec['status']} | {where} | {'yes' if img.require_signed_urls else 'no'} |")
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    path.write_text(text)
    print(f"wrote {path.relative_to(_bootstrap.REPO)} ({len(text.encode()) // 1024} KB)")


def generate(args) -> int:
    """Everything inside the temporary database: build, dump, record, re-check the dumps."""
    from django.core.management import call_command
    from django_cloudflareimages_toolkit import services

    def no_cloudflare(*_args, **_kwargs):
        raise AssertionError("the fixture must not call Cloudflare")

    args.out.mkdir(parents=True, exist_ok=True)
    with mock.patch.object(services.CloudflareImagesService, "_request", no_cloudflare), \
            mock.patch("requests.Session.request", no_cloudflare), \
            mock.patch.object(services.cloudflare_service, "delete_image", return_value=True) as delete_image:
        call_command("migrate", verbosity=0)
        build_dataset()
        dumps = {}
        for name, labels, options in dump_commands():
            dumps[name] = dumpdata(labels, options)
            write(args.out / name, dumps[name])

        CLOCK.set(REQUEST_TIME)
        answers = record_answers()
        # One answer a line (the file stays near 100 KB; `jq .` pretty-prints it).
        write(args.out / "reference-answers.json",
              "[\n" + ",\n".join(json.dumps(a, ensure_ascii=False) for a in answers) + "\n]\n")
        write(args.out / "reconcile.json", json.dumps(record_reconcile(), indent=2, ensure_ascii=False) + "\n")
        deleted = [call.args[0].cloudflare_id for call in delete_image.call_args_list]
        print(f"mocked Cloudflare deletes (rolled back): {deleted}")

        for name, labels, options in dump_commands():
            if dumpdata(labels, options) != dumps[name]:
                print(f"error: the database no longer dumps as {name} after the requests", file=sys.stderr)
                return 1
        if args.table:
            print(summary_table())
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=_bootstrap.FIXTURES, help="output folder (Tests/Fixtures/django)")
    parser.add_argument("--keep-db", action="store_true", help="leave the temporary SQLite database in place")
    parser.add_argument("--no-check", action="store_true", help="skip the roundtrip.py check of each dump")
    parser.add_argument("--table", action="store_true", help="print the dataset as a Markdown table")
    args = parser.parse_args()
    started = time.monotonic()

    import django.utils.timezone

    # Before django.setup(): auto_now(_add) and every `default=timezone.now` then read the settable clock.
    django.utils.timezone.now = CLOCK
    tmp = Path(tempfile.mkdtemp(prefix="cfimages-django-ref-"))
    _bootstrap.setup_django({"default": tmp / "reference.sqlite3"})

    try:
        if generate(args):
            return 1
    finally:
        if args.keep_db:
            print(f"database kept: {tmp / 'reference.sqlite3'}")
        else:
            shutil.rmtree(tmp)

    if not args.no_check:
        roundtrip = Path(__file__).resolve().parent / "roundtrip.py"
        for name, _, _ in dump_commands():
            result = subprocess.run([sys.executable, str(roundtrip), str(args.out / name),
                                     "--expected", str(args.out / "dump.json"), "--quiet"])
            if result.returncode != 0:
                print(f"error: roundtrip.py {name} failed", file=sys.stderr)
                return 1
            print(f"roundtrip {name} -> loaddata -> dumpdata = dump.json: ok")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
