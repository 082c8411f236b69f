"""ETags on the read endpoints follow the catalogue, so clients can revalidate cheaply."""

from __future__ import annotations

import pytest

from tests.factories import GoalFactory, TherapyFactory

pytestmark = pytest.mark.django_db

READS = ["/api/v1/therapies/", "/api/v1/therapies/swedish/", "/api/v1/goals/?page_size=5"]


@pytest.fixture
def catalogue(db):
    TherapyFactory(slug="swedish")
    GoalFactory(slug="sleep")


@pytest.mark.parametrize("url", READS)
def test_a_current_tag_gets_304_without_a_body(api, catalogue, url):
    etag = api.get(url)["ETag"]

    response = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_304_costs_only_the_change_marker(api, catalogue, django_assert_num_queries):
    etag = api.get("/api/v1/therapies/")["ETag"]

    with django_assert_num_queries(1):
        api.get("/api/v1/therapies/", HTTP_IF_NONE_MATCH=etag)


def test_a_change_to_the_catalogue_changes_the_tag(api, catalogue):
    etag = api.get("/api/v1/therapies/")["ETag"]
    TherapyFactory(slug="new")

    response = api.get("/api/v1/therapies/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_tag_among_several_matches(api, catalogue):
    etag = api.get("/api/v1/goals/")["ETag"]

    response = api.get("/api/v1/goals/", HTTP_IF_NONE_MATCH=f'W/"old", {etag}')

    assert response.status_code == 304


def test_staff_and_public_get_different_tags(api, as_editor, catalogue):
    public = api.get("/api/v1/therapies/")
    staff = as_editor.get("/api/v1/therapies/")

    assert public["ETag"] != staff["ETag"]
    assert "private" in staff["Cache-Control"]
    assert "private" not in public["Cache-Control"]
    assert "no-cache" in public["Cache-Control"]
    assert {"Authorization", "Cookie"} <= {v.strip() for v in public["Vary"].split(",")}


def test_errors_carry_no_tag(api):
    assert "ETag" not in api.get("/api/v1/therapies/none/")
