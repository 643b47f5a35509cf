"""Shared by make_fixture.py and roundtrip.py: the pinned virtualenv and the Django set-up (stdlib only until
re-executed inside the venv)."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROJECT = HERE / "project"
VENV = REPO / ".venv-django"
REQUIREMENTS = HERE / "requirements.txt"
FIXTURES = REPO / "Tests" / "Fixtures" / "django"


def ensure_venv() -> None:
    """Re-execute the running script with .venv-django's python, creating or updating the venv first.

    The venv is (re)installed only when requirements.txt changed since the last install (a hash in the venv).
    """
    if os.environ.get("CFREF_IN_VENV") == "1":
        return
    python = VENV / "bin" / "python"
    marker = VENV / ".requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not python.exists() or not marker.exists() or marker.read_text().strip() != digest:
        if not python.exists():
            print(f"creating {VENV.relative_to(REPO)}", file=sys.stderr)
            subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        print(f"installing {REQUIREMENTS.relative_to(REPO)} into {VENV.relative_to(REPO)}", file=sys.stderr)
        subprocess.check_call(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
        )
        marker.write_text(digest + "\n")
    os.environ["CFREF_IN_VENV"] = "1"
    os.execv(str(python), [str(python), *sys.argv])


def setup_django(databases: dict) -> None:
    """django.setup() for the reference project with the given {alias: sqlite path} (the first one is default)."""
    import json

    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "refsite.settings"
    os.environ["CFREF_DATABASES"] = json.dumps({alias: str(path) for alias, path in databases.items()})
    import django

    django.setup()
