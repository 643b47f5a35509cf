"""Minimal production-like settings for the reference package under benchmark.

Everything the harness varies comes from the environment:
BENCH_DJANGO_DB (SQLite file), BENCH_CF_BASE_URL (our emulator's /client/v4), BENCH_CF_ACCOUNT_ID,
BENCH_CF_API_TOKEN, BENCH_CF_ACCOUNT_HASH.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "benchmark-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework.authtoken",
    "django_cloudflareimages_toolkit",
    "benchapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "benchsite.urls"
WSGI_APPLICATION = "benchsite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DJANGO_DB", str(BASE_DIR / "bench.sqlite")),
        "OPTIONS": {"timeout": 20},
    }
}

USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    # TokenAuthentication first: 401 + WWW-Authenticate, as cfimages answers.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

CLOUDFLARE_IMAGES = {
    "ACCOUNT_ID": os.environ.get("BENCH_CF_ACCOUNT_ID", "bench-account"),
    "API_TOKEN": os.environ.get("BENCH_CF_API_TOKEN", "bench-cf-token"),
    "ACCOUNT_HASH": os.environ.get("BENCH_CF_ACCOUNT_HASH", "benchhash"),
    "BASE_URL": os.environ.get("BENCH_CF_BASE_URL", "http://127.0.0.1:8787/client/v4"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
