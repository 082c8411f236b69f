"""Pages stay light: the home page and a questionnaire step, with their CSS, ≤ 30 KB, no scripts.

Counted as a first visit transfers them: the HTML as Django sends it (not compressed, so this
holds without a compressing proxy in front), plus every stylesheet, image or script it links,
gzipped as WhiteNoise serves them when that makes them smaller.
"""

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor

BUDGET = 30 * 1024
PAGES = ["/", "/questions/goals/", "/questions/screening/crisis/", "/questions/health/"]


class Links(HTMLParser):
    """Collect what a browser would fetch for a page: stylesheets, images and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.urls.append(attributes["href"])
        if tag in ("img", "script") and attributes.get("src"):
            self.urls.append(attributes["src"])


def served_size(url: str) -> int:
    """Return the bytes WhiteNoise sends for a static file: gzipped when that is smaller."""
    prefix = settings.STATIC_URL.lstrip("/")
    name = url.split("?", 1)[0].split("#", 1)[0].lstrip("/").removeprefix(prefix)
    path = finders.find(name)
    assert path, f"{url} is not a static file"
    data = Path(path).read_bytes()
    gzipped = Compressor.compress_gzip(data)
    effective = Compressor(quiet=True).is_compressed_effectively("gzip", path, len(data), gzipped)
    size = len(gzipped) if effective else len(data)
    if name.endswith(".css"):
        # Fonts and images a stylesheet pulls in are transferred too.
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", data.decode()):
            if not ref.startswith(("data:", "#", "http:", "https:", "//")):
                base = posixpath.dirname(name)
                size += served_size(posixpath.normpath(posixpath.join(base, ref)))
    return size


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def page(client, url: str) -> tuple[bytes, Links]:
    response = client.get(url)
    assert response.status_code == 200
    links = Links()
    links.feed(response.content.decode())
    return response.content, links


@pytest.mark.parametrize("url", PAGES)
def test_page_with_its_css_transfers_at_most_30_kb(client, seeded, url):
    html, links = page(client, url)

    total = len(html) + sum(served_size(link) for link in links.urls)

    assert links.urls, "the page should link its stylesheet"
    assert total <= BUDGET, f"{url}: {total:,} bytes"


@pytest.mark.parametrize("url", PAGES)
def test_page_needs_no_javascript(client, seeded, url):
    _, links = page(client, url)

    assert links.scripts == 0
