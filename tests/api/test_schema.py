"""The OpenAPI schema validates without warnings; the docs page needs nothing from a CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tests.api.test_permissions import api_endpoints


def test_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


# A value each kind of path parameter may take, and how the schema names that parameter.
PLACEHOLDERS = {"slug": ("placeholder", "{slug}"), "id": ("0", "{id}")}
UNDOCUMENTED = {"api:schema", "api:docs", "api:not-found"}


def _schema_path(name: str) -> str:
    for kwarg, (value, parameter) in PLACEHOLDERS.items():
        try:
            return reverse(name, kwargs={kwarg: value}).replace(f"/{value}/", f"/{parameter}/")
        except NoReverseMatch:
            continue
    return reverse(name)


@pytest.mark.django_db
def test_schema_describes_every_endpoint(api):
    schema = api.get("/api/v1/schema/?format=json").json()

    documented = {
        (path, method) for path, operations in schema["paths"].items() for method in operations
    }
    expected = {
        (_schema_path(name), method) for name, method in api_endpoints() if name not in UNDOCUMENTED
    }
    assert expected <= documented


@pytest.mark.django_db
def test_errors_are_documented_as_problems(api):
    schema = api.get("/api/v1/schema/?format=json").json()

    responses = schema["paths"]["/api/v1/recommendations/"]["post"]["responses"]
    for status in ("400", "413", "415", "429"):
        assert set(responses[status]["content"]) == {"application/problem+json"}


@pytest.mark.django_db
def test_docs_page_loads_swagger_ui_from_our_own_static_files(api):
    response = api.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    scripts = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|png))"', html)
    assert scripts
    for address in scripts:
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), address
