"""Every error under /api/ is an RFC 9457 problem: same shape, no stack trace."""

from __future__ import annotations

import logging

import pytest
from django.http import Http404
from django.test import RequestFactory

from tests.factories import FindingFactory, TherapyFactory
from wellness.api import problems

pytestmark = pytest.mark.django_db


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.content.decode()
    return body


def test_401_says_how_to_authenticate(api):
    response = api.post("/api/v1/goals/", {"slug": "x", "label": "X"}, format="json")

    body = assert_problem(response, 401)
    assert body["type"] == "about:blank"
    assert body["title"] == "Unauthorized"
    assert response["WWW-Authenticate"] == "Token"


def test_403_without_the_permission(as_curator):
    response = as_curator.post("/api/v1/goals/", {"slug": "x", "label": "X"}, format="json")

    assert_problem(response, 403)


def test_404_for_an_unknown_slug(api):
    body = assert_problem(api.get("/api/v1/therapies/no-such-therapy/"), 404)

    assert body["title"] == "Not Found"


def test_404_for_an_address_that_is_no_endpoint(api):
    body = assert_problem(api.post("/api/v1/no/such/thing/", {}), 404)

    assert "/api/v1/docs/" in body["detail"]


def test_404_suggests_the_slash_an_address_lacks(api):
    body = assert_problem(api.get("/api/v1/therapies"), 404)

    assert body["detail"] == "Did you mean /api/v1/therapies/? Every API address ends with a slash."


def test_405_lists_the_methods_allowed(api):
    response = api.put("/api/v1/recommendations/", {}, format="json")

    assert_problem(response, 405)
    assert response["Allow"] == "POST, OPTIONS"


def test_405_on_the_docs_page_is_a_problem_too(api):
    assert_problem(api.post("/api/v1/docs/"), 405)


def test_406_when_only_html_is_acceptable(api):
    assert_problem(api.get("/api/v1/goals/", HTTP_ACCEPT="text/html"), 406)


def test_413_for_a_write_past_the_limit(as_editor, settings):
    settings.API_MAX_BODY_BYTES = 100

    response = as_editor.post("/api/v1/goals/", {"slug": "x", "label": "X" * 200}, format="json")

    body = assert_problem(response, 413)
    assert body["detail"] == "The request body is larger than 100 bytes."


def test_415_for_a_body_that_is_not_json(as_editor):
    response = as_editor.post("/api/v1/goals/", "slug=x", content_type="text/plain")

    assert_problem(response, 415)


def test_validation_problem_lists_each_bad_field(as_editor):
    body = assert_problem(as_editor.post("/api/v1/goals/", {}, format="json"), 400)

    assert body["type"] == problems.INVALID_INPUT
    assert body["errors"] == [
        {"field": "slug", "message": "This field is required."},
        {"field": "label", "message": "This field is required."},
    ]


def test_409_for_a_record_still_in_use(as_editor):
    therapy = TherapyFactory(slug="swedish")
    FindingFactory(therapy=therapy)

    body = assert_problem(as_editor.delete("/api/v1/therapies/swedish/"), 409)

    assert body["type"] == problems.CONFLICT


def test_500_is_a_problem_without_a_stack_trace(api, monkeypatch, caplog):
    def broken(*, everything):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("wellness.api.views.catalogue.GoalViewSet.selector", staticmethod(broken))

    with caplog.at_level(logging.ERROR, logger="wellness.api.problems"):
        response = api.get("/api/v1/goals/")

    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["detail"] == "Something went wrong on our side. Please try again later."
    assert "Unhandled RuntimeError in GoalViewSet" in caplog.text


def test_api_404_handler_answers_with_a_problem():
    request = RequestFactory().get("/api/v2/anything/")

    response = problems.page_not_found(request, Http404())

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_api_500_handler_answers_with_a_problem():
    response = problems.server_error(RequestFactory().get("/api/v1/goals/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"


def test_handlers_leave_the_site_pages_to_django():
    request = RequestFactory().get("/therapies/nothing/")

    response = problems.page_not_found(request, Http404())

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"goals": ["Bad."]}, [("goals", "Bad.")]),
        ({"goals": {1: ["Bad."]}}, [("goals[1]", "Bad.")]),
        ({"preferences": {"format": ["Bad."]}}, [("preferences.format", "Bad.")]),
        ({"non_field_errors": ["Bad."]}, [("body", "Bad.")]),
        ([{}, {"slug": ["Bad."]}], [("[1].slug", "Bad.")]),
        ("Bad.", [("body", "Bad.")]),
    ],
)
def test_field_errors_are_flattened_to_named_fields(detail, expected):
    found = [(e["field"], e["message"]) for e in problems.field_errors(detail)]

    assert found == expected
