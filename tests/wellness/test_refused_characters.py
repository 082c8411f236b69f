"""Addresses holding a character no database can store are a 404 everywhere (robustness issue).

PostgreSQL refuses NUL in text with an error, where SQLite finds nothing: before the check, a NUL
in a saved-results address answered 500 on PostgreSQL. These run on both databases in CI.
"""

import pytest

from wellness.http import PROBLEM_MEDIA_TYPE
from wellness.models import SavedResult

pytestmark = pytest.mark.django_db

SITE_ADDRESSES = [
    "/results/saved/%00/",
    "/results/saved/abc%00def/",
    "/therapies/cbt%00/",
    "/sources/%00/",
    "/questions/screening/%00/",
    "/static/%00.css",
    "/%00",
    "/results/saved/%ED%A0%80/",  # a surrogate code point, percent-encoded
]
QUERIES = [
    "/therapies/?goal=%00",
    "/therapies/?%00=sleep",
    "/compare/?therapies=cbt&therapies=%00",
    "/admin/therapies/therapy/?q=%00",
    "/admin/login/?next=%00",
    "/results/saved/abc/?x=%00",
]
API_ADDRESSES = [
    "/api/v1/therapies/%00/",
    "/api/v1/therapies/?goal=%00",
    "/api/v1/sources/?page=%00",
    "/api/v1/findings/?%00=1",
    "/api/v1/%00",
]


@pytest.mark.parametrize("address", SITE_ADDRESSES + QUERIES)
def test_site_answers_404_page(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content


@pytest.mark.parametrize("address", API_ADDRESSES)
def test_api_answers_problem_404(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["status"] == 404


def test_saved_result_delete_with_nul_is_404_and_deletes_nothing(client):
    saved = SavedResult.objects.create(answers={"goals": ["sleep"]}, catalogue_version="1")
    response = client.post(f"/results/saved/{saved.token}%00/delete/")
    assert response.status_code == 404
    assert SavedResult.objects.filter(pk=saved.pk).exists()


def test_api_write_with_nul_in_query_is_404(client, login):
    login("superuser")
    response = client.post("/api/v1/goals/?x=%00", {"slug": "x", "name": "X"}, format="json")
    assert response.status_code == 404


def test_ordinary_addresses_still_answer(client):
    assert client.get("/therapies/?goal=sleep").status_code == 200
    assert client.get("/results/saved/not-a-real-token/").status_code == 404
