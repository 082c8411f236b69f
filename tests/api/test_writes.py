"""The staff write API: editors keep the catalogue, curators the evidence and its review."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client

from evidence.models import Source
from tests.api.conftest import token_client
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
    UserFactory,
)
from therapies.models import Therapy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def therapy_data(**changes) -> dict:
    return {
        "slug": "hot-stone",
        "name": "Hot stone massage",
        "kind": "massage",
        "summary": "Warm stones ease tight muscles.",
        "what_to_expect": "You lie down and warm stones are placed on your back.",
        "session_minutes_min": 45,
        "session_minutes_max": 90,
        "formats": ["in-person"],
        "pressure": "gentle",
        "goals": [],
        "published": True,
        "reviewed_on": "2026-11-01",
        "next_review_on": "2027-11-01",
        **changes,
    }


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_editor_creates_a_therapy(as_editor):
    GoalFactory(slug="pain-tension")

    response = as_editor.post(
        "/api/v1/therapies/", therapy_data(goals=["pain-tension"]), format="json"
    )

    assert response.status_code == 201
    assert response["Location"].endswith("/api/v1/therapies/hot-stone/")
    assert response.json()["goals"] == ["pain-tension"]
    assert response.json()["formats"] == ["in-person"]
    assert Therapy.objects.get(slug="hot-stone").goals.get().slug == "pain-tension"


def test_editor_changes_and_deletes_a_therapy(as_editor):
    TherapyFactory(slug="swedish")

    changed = as_editor.patch(
        "/api/v1/therapies/swedish/", {"formats": ["online", "group"]}, format="json"
    )
    deleted = as_editor.delete("/api/v1/therapies/swedish/")

    assert changed.json()["formats"] == ["online", "group"]
    assert deleted.status_code == 204
    assert not Therapy.objects.exists()


def test_the_history_names_who_changed_a_record_through_the_api(as_editor, editor):
    TherapyFactory(slug="swedish")

    as_editor.patch("/api/v1/therapies/swedish/", {"name": "Swedish"}, format="json")

    assert Therapy.objects.get().history.first().history_user == editor


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"session_minutes_min": 90, "session_minutes_max": 30},
            "session_minutes_min",
            "no longer than the longest",
        ),
        ({"formats": []}, "formats", "This list may not be empty."),
        ({"formats": ["telepathy"]}, "formats[0]", "Choose one of: in-person, online, group."),
        ({"kind": "reiki"}, "kind", "Choose one of: talking, massage."),
        ({"goals": ["flying"]}, "goals", "flying"),
        ({"next_review_on": "2020-01-01"}, "next_review_on", "on or after the last review"),
        ({"published": 1}, "published", "Must be a valid boolean."),
        ({"name": 7}, "name", "Not a valid string."),
    ],
)
def test_invalid_therapy_names_the_field(as_editor, changes, field, message):
    response = as_editor.post("/api/v1/therapies/", therapy_data(**changes), format="json")

    errors = field_errors(response)
    assert message in errors[field]
    assert not Therapy.objects.exists()


def test_duplicate_slug_is_named(as_editor):
    TherapyFactory(slug="hot-stone")

    errors = field_errors(as_editor.post("/api/v1/therapies/", therapy_data(), format="json"))

    assert "slug" in errors


def test_second_crisis_question_is_refused(as_editor):
    ConditionFactory(slug="crisis", is_crisis=True)

    response = as_editor.post(
        "/api/v1/conditions/",
        {"slug": "danger", "question": "Are you in danger?", "is_crisis": True},
        format="json",
    )

    assert field_errors(response)["is_crisis"] == "Only one condition can be the crisis question."


def test_a_crisis_contact_needs_a_way_to_reach_it(as_editor):
    response = as_editor.post(
        "/api/v1/crisis-contacts/",
        {"region": "GB", "name": "Nobody", "when_to_use": "Never."},
        format="json",
    )

    assert "Give a phone number" in field_errors(response)["phone"]


def test_a_second_rule_for_the_same_question_and_therapy_is_refused(as_editor):
    rule = SafetyRuleFactory()

    response = as_editor.post(
        "/api/v1/safety-rules/",
        {
            "therapy": rule.therapy.slug,
            "condition": rule.condition.slug,
            "effect": "exclude",
            "message": "No.",
            "source": rule.source.slug,
        },
        format="json",
    )

    assert (
        field_errors(response)["therapy"] == "This therapy already has a rule for this condition."
    )


def test_deleting_a_goal_that_findings_use_is_a_conflict(as_editor):
    finding = FindingFactory()

    response = as_editor.delete(f"/api/v1/goals/{finding.goal.slug}/")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "This record is still used by 1 findings. Change or remove those first."
    )


def test_curator_adds_a_finding_with_a_range(as_curator):
    source = SourceFactory(slug="trial")
    therapy = TherapyFactory(slug="cbt", name="CBT")
    GoalFactory(slug="sleep")

    response = as_curator.post(
        "/api/v1/findings/",
        {
            "slug": "cbt-sleep",
            "source": source.slug,
            "therapy": therapy.slug,
            "goal": "sleep",
            "outcome": "how well people sleep",
            "population": "adults",
            "direction": "benefit",
            "effect_measure": "percent-increase",
            "effect_value": 14.7,
            "ci_low": "5.7",
            "ci_high": 23.8,
            "certainty": "moderate",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["effect_value"] == "14.70"
    assert body["statement"].startswith("CBT probably raises how well people sleep by about 15%")


def test_a_range_the_wrong_way_round_is_named(as_curator):
    finding = FindingFactory()

    response = as_curator.patch(
        f"/api/v1/findings/{finding.slug}/", {"ci_low": "30", "ci_high": "20"}, format="json"
    )

    assert "ci_low" in field_errors(response)


def test_a_finding_is_about_one_therapy_or_one_kind(as_curator):
    finding = FindingFactory()

    response = as_curator.patch(
        f"/api/v1/findings/{finding.slug}/", {"therapy_kind": "talking"}, format="json"
    )

    assert field_errors(response)["therapy"] == (
        "Choose one therapy, one kind of therapy or one technique."
    )


def test_a_new_source_is_a_draft_the_public_cannot_see(as_curator, api):
    response = as_curator.post(
        "/api/v1/sources/",
        {"slug": "new-trial", "title": "A new trial", "type": "rct", "note": "Check the numbers."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert response.json()["staff"]["note"] == "Check the numbers."
    assert api.get("/api/v1/sources/new-trial/").status_code == 404


def test_the_status_of_a_source_cannot_be_written(as_curator):
    SourceFactory(slug="draft", status=Source.Status.DRAFT)

    as_curator.patch("/api/v1/sources/draft/", {"status": "published"}, format="json")

    assert Source.objects.get().status == Source.Status.DRAFT


def test_a_source_is_reviewed_by_a_second_curator_then_retracted(
    as_curator, as_second_curator, api
):
    SourceFactory(slug="trial", status=Source.Status.DRAFT)

    submitted = as_curator.post("/api/v1/sources/trial/submit/")
    published = as_second_curator.post("/api/v1/sources/trial/publish/")
    visible = api.get("/api/v1/sources/trial/").status_code
    retracted = as_curator.post("/api/v1/sources/trial/retract/")

    assert submitted.json()["status"] == "in-review"
    assert published.json()["status"] == "published"
    assert published.json()["staff"]["reviewed_by"] == "curator2"
    assert visible == 200
    assert retracted.json()["status"] == "retracted"
    assert api.get("/api/v1/sources/trial/").status_code == 404


def test_a_curator_cannot_publish_what_they_submitted(as_curator):
    SourceFactory(slug="trial", status=Source.Status.DRAFT)
    as_curator.post("/api/v1/sources/trial/submit/")

    response = as_curator.post("/api/v1/sources/trial/publish/")

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "You submitted this source, so another curator must publish it."
    )
    assert Source.objects.get().status == Source.Status.IN_REVIEW


def test_a_draft_cannot_be_published_without_review(as_curator):
    SourceFactory(slug="trial", status=Source.Status.DRAFT)

    response = as_curator.post("/api/v1/sources/trial/publish/")

    assert response.status_code == 409
    assert response.json()["detail"] == "Only a source in review can be published."


def test_a_source_returns_to_draft(as_curator, as_second_curator):
    SourceFactory(slug="trial", status=Source.Status.DRAFT)
    as_curator.post("/api/v1/sources/trial/submit/")

    response = as_second_curator.post("/api/v1/sources/trial/return-to-draft/")

    assert response.json()["status"] == "draft"


def test_a_session_write_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    refused = client.post(
        "/api/v1/goals/", {"slug": "new", "label": "New"}, content_type="application/json"
    )
    # What a page of the site gives the browser: the CSRF cookie and a token for the header.
    page = HttpRequest()
    token = get_token(page)
    client.cookies[settings.CSRF_COOKIE_NAME] = page.META["CSRF_COOKIE"]
    accepted = client.post(
        "/api/v1/goals/",
        {"slug": "new", "label": "New"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_staff_exchange_their_password_for_a_token(api, editor):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "editor", "password": "correct horse battery staple"},
        format="json",
    )

    assert response.status_code == 200
    client = token_client(editor)
    assert response.json()["token"] == client._credentials["HTTP_AUTHORIZATION"].split()[1]


def test_wrong_password_gets_no_token(api, editor):
    response = api.post(
        "/api/v1/auth/token/", {"username": "editor", "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body", "message": "Unable to log in with provided credentials."}
    ]


def test_a_bad_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = api.get("/api/v1/therapies/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_an_inactive_user_cannot_write(editor):
    client = token_client(editor)
    editor.is_active = False
    editor.save()

    assert client.post("/api/v1/goals/", {"slug": "x", "label": "X"}).status_code == 401


def test_a_logged_in_user_without_a_group_reads_only_published_data(db):
    client = token_client(UserFactory(username="nobody"))
    TherapyFactory(slug="hidden", published=False)

    assert client.get("/api/v1/therapies/hidden/").status_code == 404
    assert client.post("/api/v1/goals/", {"slug": "x", "label": "X"}).status_code == 403


def test_a_slug_no_record_could_have_is_refused_before_the_database(as_editor):
    response = as_editor.post(
        "/api/v1/safety-rules/",
        {"therapy": "a\x00b", "condition": 7, "effect": "caution", "message": "M", "source": "x"},
        format="json",
    )

    errors = field_errors(response)
    assert errors["therapy"] == "There is no therapy 'a\\x00b'."
    assert errors["condition"] == "Give the slug of a condition, as a string."
    assert errors["source"] == "There is no source 'x'."


@pytest.mark.django_db
def test_curator_asks_for_a_citation_import_and_a_link_check_through_the_api():
    from outbox.models import JobRequest
    from tests.api.conftest import token_client as client_for
    from tests.factories import SourceFactory, UserFactory

    curator = UserFactory(username="api-curator", groups=["Evidence curators"])
    client = client_for(curator)
    source = SourceFactory(doi="10.1001/jamapsychiatry.2020.0431")

    imported = client.post(f"/api/v1/sources/{source.slug}/import-citation/")
    checked = client.post(f"/api/v1/sources/{source.slug}/check-link/")

    assert imported.status_code == checked.status_code == 202
    tasks = set(JobRequest.objects.filter(args__source=source.pk).values_list("task", flat=True))
    assert tasks == {"evidence.import_citation", "evidence.check_source_link"}
    assert (imported.json()["kind"], checked.json()["kind"]) == ("citation-import", "link-check")
    assert imported.json()["status"] == "pending"


@pytest.mark.django_db
def test_citation_import_without_a_doi_is_a_conflict_that_says_why():
    from tests.api.conftest import token_client as client_for
    from tests.factories import SourceFactory, UserFactory

    client = client_for(UserFactory(username="api-curator", groups=["Evidence curators"]))
    source = SourceFactory(doi="")

    response = client.post(f"/api/v1/sources/{source.slug}/import-citation/")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "DOI" in response.json()["detail"]


def test_a_curator_needs_the_authenticator_code_for_a_token(api, curator):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=curator)
    password = {"username": "curator", "password": "correct horse battery staple"}

    without = api.post("/api/v1/auth/token/", password, format="json")
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    right = api.post("/api/v1/auth/token/", {**password, "otp_token": code}, format="json")
    # A code is good once, and a wrong one never (the device then slows guessing down).
    wrong = api.post("/api/v1/auth/token/", {**password, "otp_token": code}, format="json")

    assert without.status_code == wrong.status_code == 400
    assert {
        "field": "otp_token",
        "message": "Enter the 6-digit code from your authenticator app.",
    } in (without.json()["errors"])
    assert right.status_code == 200 and right.json()["token"]
