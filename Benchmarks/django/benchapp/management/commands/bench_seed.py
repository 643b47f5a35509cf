"""`manage.py bench_seed --user NAME --token KEY --images N`: a user, a known DRF token, and N image rows."""
import sqlite3
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
import seed  # noqa: E402  (Benchmarks/seed.py, shared with the cfimages seeding)


class Command(BaseCommand):
    help = "Create the benchmark user and token, and seed image rows with raw SQL."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="bench")
        parser.add_argument("--token", required=True)
        parser.add_argument("--images", type=int, default=0)

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(username=options["user"])
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=options["token"])
        from django.db import connections

        connections.close_all()
        conn = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        seed.seed_django(conn, user.pk, options["images"])
        conn.close()
        self.stdout.write("seeded %d images for %s" % (options["images"], user.username))
