"""Minimal Django project around django-cloudflareimages-toolkit 1.1.6, used only to produce and check
Tests/Fixtures/django. Nothing here talks to Cloudflare (make_fixture.py patches the service)."""

import json
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "cfimages-django-reference-fixture-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "rest_framework.authtoken",
    "django_cloudflareimages_toolkit",
    "demo",
]

MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "refsite.urls"

_databases = json.loads(os.environ.get("CFREF_DATABASES") or "{}") or {"default": str(BASE_DIR / "reference.sqlite3")}
DATABASES = {alias: {"ENGINE": "django.db.backends.sqlite3", "NAME": path} for alias, path in _databases.items()}

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
LANGUAGE_CODE = "en-us"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

# Fake credentials: required by the toolkit's settings object, never used (no request leaves the process).
CLOUDFLARE_IMAGES = {
    "ACCOUNT_ID": "0123456789abcdef0123456789abcdef",
    "ACCOUNT_HASH": "Vi7wi5KSItxGFsWRG2Us6Q",
    "API_TOKEN": "fixture-token-never-sent",
}
