#!/usr/bin/env python
"""manage.py of the reference project; the database is $CFREF_DATABASES ({"default": path}) or ./reference.sqlite3."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
