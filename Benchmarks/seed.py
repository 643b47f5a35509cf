"""Deterministic benchmark rows, written straight into SQLite (much faster than going through an API).

Row i (1-based) has id 00000000-0000-4000-8000-<i as 12 hex digits>, the id the Swift peers hold in memory too.
Statuses cycle per ten rows: eight 'uploaded', one 'pending', one 'failed'.
"""
import datetime
import json
import sqlite3

BASE_SECOND = 1_700_000_000
STATUSES = ["uploaded"] * 8 + ["pending", "failed"]
BATCH = 20_000


def image_id(i):
    return "00000000-0000-4000-8000-%012x" % i


def fields(i):
    status = STATUSES[i % 10]
    cf = "cf-%d" % i
    second = BASE_SECOND + i
    delivery = "https://imagedelivery.net/benchhash/%s/public" % cf
    return {
        "id": image_id(i),
        "cloudflare_id": cf,
        "filename": "image-%d.jpg" % i,
        "content_type": "image/jpeg",
        "file_size": 100_000 + i % 50_000,
        "upload_url": "https://upload.imagedelivery.net/benchhash/%s" % cf,
        "status": status,
        "require_signed_urls": 1 if i % 2 == 0 else 0,
        "metadata": '{"source":"benchmark"}',
        "second": second,
        "uploaded": second if status == "uploaded" else None,
        "expires": second + 1800,
        "variants": json.dumps([delivery]) if status == "uploaded" else "[]",
    }


def _fast(conn):
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")  # 1 GB: index inserts stay in memory


def seed_cfimages(db_path, owner, count):
    """Insert `count` images owned by `owner` into a migrated cfimages database (timestamps in microseconds)."""
    conn = sqlite3.connect(db_path)
    _fast(conn)
    sql = (
        "INSERT INTO images (id, cloudflare_id, owner, filename, original_filename, content_type, file_size,"
        " upload_url, status, require_signed_urls, metadata, creator, created_at, updated_at, uploaded_at,"
        " expires_at, width, height, format, variants, cloudflare_metadata)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,'',?,?,?,?,NULL,NULL,'',?,'{}')"
    )
    us = 1_000_000

    def row(i):
        f = fields(i)
        return (f["id"], f["cloudflare_id"], owner, f["filename"], f["filename"], f["content_type"],
                f["file_size"], f["upload_url"], f["status"], f["require_signed_urls"], f["metadata"],
                f["second"] * us, f["second"] * us, f["uploaded"] * us if f["uploaded"] else None,
                f["expires"] * us, f["variants"])

    _insert(conn, sql, row, count)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def _django_time(second):
    if second is None:
        return None
    return datetime.datetime.fromtimestamp(second, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def seed_django(conn, user_id, count):
    """Insert `count` images owned by `user_id` into the reference package's table (DB-API connection)."""
    _fast(conn)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(cloudflare_images)")]

    def value(f, column):
        return {
            "id": f["id"].replace("-", ""),
            "cloudflare_id": f["cloudflare_id"],
            "user_id": user_id,
            "filename": f["filename"],
            "original_filename": f["filename"],
            "content_type": f["content_type"],
            "file_size": f["file_size"],
            "upload_url": f["upload_url"],
            "status": f["status"],
            "require_signed_urls": f["require_signed_urls"],
            "metadata": f["metadata"],
            "creator": "",
            "created_at": _django_time(f["second"]),
            "updated_at": _django_time(f["second"]),
            "uploaded_at": _django_time(f["uploaded"]),
            "expires_at": _django_time(f["expires"]),
            "width": None,
            "height": None,
            "format": "",
            "variants": f["variants"],
            "cloudflare_metadata": "{}",
            "last_referenced_at": None,
        }[column]

    sql = "INSERT INTO cloudflare_images (%s) VALUES (%s)" % (
        ", ".join('"%s"' % c for c in columns), ", ".join("?" for _ in columns))
    _insert(conn, sql, lambda i: tuple(value(fields(i), c) for c in columns), count)
    conn.execute("ANALYZE")
    conn.commit()


def _insert(conn, sql, row, count):
    for start in range(1, count + 1, BATCH):
        conn.executemany(sql, [row(i) for i in range(start, min(start + BATCH, count + 1))])
    conn.commit()


def usage_count(i):
    """Usages of seeded image i: none for every fifth (an orphan), else 2 or 3 (2,000,000 over 1,000,000 images)."""
    return 0 if i % 5 == 0 else (2 if i % 2 == 0 else 3)


def seed_usages(db_path, count):
    """Usage rows for the `count` seeded images (blog.post object i, fields f0.., auto), through the triggers."""
    conn = sqlite3.connect(db_path)
    _fast(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    us = 1_000_000
    sql = ("INSERT INTO image_usages (content_type, object_id, field_name, source, cloudflare_id, image_id, created_at,"
           " updated_at) VALUES ('blog.post', ?, ?, 'auto', ?, ?, ?, ?)")
    for start in range(1, count + 1, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, count + 1)):
            stamp = (BASE_SECOND + i) * us
            rows += [(str(i), "f%d" % j, "cf-%d" % i, image_id(i), stamp, stamp) for j in range(usage_count(i))]
        conn.executemany(sql, rows)
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


if __name__ == "__main__":
    import sys

    seed_cfimages(sys.argv[1], sys.argv[2], int(sys.argv[3]))
