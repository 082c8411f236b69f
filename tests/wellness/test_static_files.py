"""In production, static files are served by WhiteNoise under hashed, compressed names."""

import re

from django.core.management import call_command
from django.test import Client, override_settings


def test_production_pages_link_hashed_static_files(tmp_path, settings, db):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        page = Client().get("/help-now/").content.decode()

    href = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert href, "the stylesheet is linked by its hashed name"
    assert (tmp_path / href.group(1).removeprefix("/static/")).exists()
    assert list(tmp_path.glob("css/site.*.css.gz")), "a compressed copy is served where asked"
