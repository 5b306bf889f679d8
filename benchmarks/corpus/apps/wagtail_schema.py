"""wagtail: `migrate` on a minimal Django project with the INSTALLED_APPS of
wagtail's own project template (`wagtail start`)."""

from __future__ import annotations

import django
from _dsn import parts
from django.conf import settings
from django.core.management import call_command

p = parts()
settings.configure(
    SECRET_KEY="corpus",
    INSTALLED_APPS=[
        "wagtail.contrib.forms",
        "wagtail.contrib.redirects",
        "wagtail.embeds",
        "wagtail.sites",
        "wagtail.users",
        "wagtail.snippets",
        "wagtail.documents",
        "wagtail.images",
        "wagtail.search",
        "wagtail.admin",
        "wagtail",
        "modelcluster",
        "taggit",
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": p["dbname"],
            "USER": p["user"],
            "PASSWORD": p["password"],
            "HOST": p["host"],
            "PORT": p["port"],
        }
    },
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    USE_TZ=True,
    WAGTAIL_SITE_NAME="corpus",
    STATIC_URL="/static/",
    MEDIA_URL="/media/",
    WAGTAILADMIN_BASE_URL="http://localhost",
)
django.setup()
call_command("migrate", interactive=False, verbosity=0)
