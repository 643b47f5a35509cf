#!/usr/bin/env python3
"""roundtrip.py EXPORT.json [--expected dump.json]: does django-cloudflareimages-toolkit 1.1.6 accept an export?

Loads EXPORT.json (dumpdata format, plain or natural keys, e.g. what `cfimages export-django` writes) into a fresh
migrated SQLite database of the reference project (project/, same apps as the fixture) with `loaddata`, then dumps
auth.user, authtoken.token and the toolkit's models again (--natural-foreign, primary keys kept).

Without --expected it prints that dump. With --expected FILE, FILE is loaded the same way into a second fresh
database and dumped alike, and every CloudflareImage, ImageUploadLog and ImageUsage of FILE must be in the export's
dump under the same primary key with equal fields (foreign keys compared by natural key: user by username,
content_type as [app_label, model]); every user of FILE must exist with the same is_active/is_staff/is_superuser
and every token of FILE must exist for the same user (--toolkit-only skips users and tokens). Other user fields
(password hash, names, e-mail, dates) and records the export has beyond FILE are reported, not failed. Timestamps
compare as dumpdata writes them (milliseconds).

Exit 0 when loaddata succeeded and nothing differs; 1 with a readable diff when something differs; 2 when loaddata
refused EXPORT.json; 3 when it refused FILE.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bootstrap  # noqa: E402

_bootstrap.ensure_venv()

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

TOOLKIT = "django_cloudflareimages_toolkit"
TOOLKIT_MODELS = [f"{TOOLKIT}.cloudflareimage", f"{TOOLKIT}.imageuploadlog", f"{TOOLKIT}.imageusage"]
USER_IDENTITY = ["is_active", "is_staff", "is_superuser"]


def load_and_dump(path: Path, database: str, verbosity: int):
    """loaddata PATH into DATABASE, then its dump as a list of records (None and the error when loaddata fails)."""
    from django.core.management import call_command

    try:
        call_command("loaddata", str(path), database=database, verbosity=verbosity)
    except Exception as error:  # loaddata wraps everything in CommandError/DeserializationError/IntegrityError
        return None, f"{type(error).__name__}: {error}"
    out = io.StringIO()
    call_command("dumpdata", "auth.user", "authtoken.token", TOOLKIT, use_natural_foreign_keys=True,
                 database=database, indent=2, stdout=out)
    return json.loads(out.getvalue()), None


def show(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def value_diff(path: str, want, have) -> list:
    """Lines naming each differing leaf of two JSON values (metadata.source.exif.iso: expected 200, got 400)."""
    if isinstance(want, dict) and isinstance(have, dict):
        lines = []
        for key in sorted(set(want) | set(have)):
            where = f"{path}.{key}"
            if key not in have:
                lines.append(f"{where}: missing (expected {show(want[key])})")
            elif key not in want:
                lines.append(f"{where}: unexpected {show(have[key])}")
            else:
                lines += value_diff(where, want[key], have[key])
        return lines
    if isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
        return [line for i, (a, b) in enumerate(zip(want, have)) for line in value_diff(f"{path}[{i}]", a, b)]
    if want != have or type(want) is not type(have):
        return [f"{path}: expected {show(want)}, got {show(have)}"]
    return []


def compare(got: list, expected: list, toolkit_only: bool):
    """(failures, notes): lists of lines."""
    failures, notes = [], []

    def index(records, model, key):
        return {key(r): r for r in records if r["model"] == model}

    for model in TOOLKIT_MODELS:
        short = model.split(".")[1]
        have = index(got, model, lambda r: str(r["pk"]))
        want = index(expected, model, lambda r: str(r["pk"]))
        for pk, record in want.items():
            other = have.get(pk)
            if other is None:
                same = [p for p, r in have.items() if r["fields"] == record["fields"]]
                hint = f" (equal fields under pk {', '.join(same)})" if same else ""
                failures.append(f"{short} {pk}: missing{hint}")
                continue
            for field in sorted(set(record["fields"]) | set(other["fields"])):
                if field not in other["fields"]:
                    failures.append(f"{short} {pk}: field {field} missing (expected {show(record['fields'][field])})")
                elif field not in record["fields"]:
                    notes.append(f"{short} {pk}: extra field {field} = {show(other['fields'][field])}")
                else:
                    failures += [f"{short} {pk}: {line}"
                                 for line in value_diff(field, record["fields"][field], other["fields"][field])]
        extra = sorted(set(have) - set(want))
        if extra:
            notes.append(f"{short}: {len(extra)} record(s) beyond the expected file: {', '.join(extra[:10])}"
                         + (" ..." if len(extra) > 10 else ""))

    if not toolkit_only:
        have = index(got, "auth.user", lambda r: r["fields"]["username"])
        want = index(expected, "auth.user", lambda r: r["fields"]["username"])
        for username, record in want.items():
            other = have.get(username)
            if other is None:
                failures.append(f"user {username}: missing")
                continue
            for field in sorted(record["fields"]):
                a, b = record["fields"][field], other["fields"].get(field)
                if a != b:
                    line = f"user {username}: {field}: expected {show(a)}, got {show(b)}"
                    (failures if field in USER_IDENTITY else notes).append(line)
        have = index(got, "authtoken.token", lambda r: r["pk"])
        want = index(expected, "authtoken.token", lambda r: r["pk"])
        for key, record in want.items():
            other = have.get(key)
            if other is None:
                failures.append(f"token {key[:8]}... of {show(record['fields']['user'])}: missing")
            elif other["fields"]["user"] != record["fields"]["user"]:
                failures.append(f"token {key[:8]}...: user: expected {show(record['fields']['user'])}, "
                                f"got {show(other['fields']['user'])}")
            elif other["fields"].get("created") != record["fields"].get("created"):
                notes.append(f"token {key[:8]}...: created: expected {show(record['fields'].get('created'))}, "
                             f"got {show(other['fields'].get('created'))}")
    return failures, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("export", type=Path, help="dumpdata-format JSON to load")
    parser.add_argument("--expected", type=Path, help="dumpdata-format JSON the export must reproduce")
    parser.add_argument("--print", dest="print_dump", action="store_true",
                        help="print the export's re-dump even with --expected")
    parser.add_argument("--toolkit-only", action="store_true", help="compare only the toolkit's models")
    parser.add_argument("--quiet", action="store_true", help="no loaddata chatter, no notes")
    parser.add_argument("--keep-db", action="store_true", help="leave the temporary databases in place")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cfimages-django-roundtrip-"))
    databases = {"default": tmp / "export.sqlite3"}
    if args.expected:
        databases["expected"] = tmp / "expected.sqlite3"
    _bootstrap.setup_django(databases)
    from django.core.management import call_command

    verbosity = 0 if args.quiet else 1
    try:
        for alias in databases:
            call_command("migrate", database=alias, verbosity=0)
        got, error = load_and_dump(args.export, "default", verbosity)
        if error:
            print(f"loaddata refused {args.export}:\n  {error}", file=sys.stderr)
            return 2
        if not args.expected or args.print_dump:
            print(json.dumps(got, indent=2, ensure_ascii=False))
        if not args.expected:
            return 0
        expected, error = load_and_dump(args.expected, "expected", 0)
        if error:
            print(f"loaddata refused the expected file {args.expected}:\n  {error}", file=sys.stderr)
            return 3
        failures, notes = compare(got, expected, args.toolkit_only)
        counts = {m.split(".")[1]: sum(r["model"] == m for r in expected) for m in TOOLKIT_MODELS}
        summary = ", ".join(f"{n} {m}" for m, n in counts.items())
        if not args.quiet:
            for line in notes:
                print(f"note: {line}")
        if failures:
            print(f"{args.export} does not reproduce {args.expected} ({summary}): {len(failures)} difference(s)")
            for line in failures:
                print(f"  {line}")
            return 1
        if not args.quiet:
            print(f"{args.export} reproduces {args.expected}: {summary}, every user and token")
        return 0
    finally:
        if args.keep_db:
            print(f"databases kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # roundtrip.py EXPORT.json | head
        sys.exit(0)
