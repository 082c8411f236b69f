"""The staff write API for the evidence: curators add findings and sources, take a source
through review by a second curator, and ask for a citation import or a link check."""

from __future__ import annotations

import pytest

from evidence.models import Source
from tests.api.conftest import field_errors, token_client
from tests.conftest import enrol_totp_device
from tests.factories import (
    FindingFactory,
    GoalFactory,
    SourceFactory,
    TherapyFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


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


@pytest.mark.django_db
def test_curator_asks_for_a_citation_import_and_a_link_check_through_the_api():
    from outbox.models import JobRequest

    curator = UserFactory(username="api-curator", groups=["Evidence curators"])
    client = token_client(curator, device=enrol_totp_device(curator))
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
    curator = UserFactory(username="api-curator", groups=["Evidence curators"])
    client = token_client(curator, device=enrol_totp_device(curator))
    source = SourceFactory(doi="")

    response = client.post(f"/api/v1/sources/{source.slug}/import-citation/")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "DOI" in response.json()["detail"]
