"""Certainty ratings by our team are flagged for a clinician in the admin until one checks them."""

import pytest
from django.urls import reverse

from evidence.dashboard import dashboard_panels
from evidence.models import Finding
from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db


def test_findings_awaiting_a_clinician_are_listed_and_can_be_marked_checked(client, curator):
    waiting = FindingFactory(certainty_rated_by="team", clinician_checked=False)
    checked = FindingFactory(certainty_rated_by="team", clinician_checked=True)
    by_source = FindingFactory(certainty_rated_by="source")
    client.force_login(curator)
    changelist = reverse("admin:evidence_finding_changelist")

    listed = client.get(changelist, {"clinical_review": "waiting"})
    shown = list(listed.context["cl"].result_list)
    response = client.post(
        changelist,
        {
            "action": "mark_clinician_checked",
            "_selected_action": [waiting.pk, checked.pk, by_source.pk],
        },
        follow=True,
    )

    assert shown == [waiting]
    assert "Waiting for a clinician" in listed.content.decode()
    assert "Marked 1 finding as checked by a clinician." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.clinician_checked
    assert not waiting.needs_clinical_review
    assert waiting.history.first().history_change_reason == (
        "A clinician checked the certainty rating"
    )
    assert Finding.objects.get(pk=by_source.pk).clinician_checked is False


def test_the_curator_dashboard_counts_the_ratings_waiting_for_a_clinician():
    FindingFactory.create_batch(2, certainty_rated_by="team")
    FindingFactory(certainty_rated_by="source")

    [panel] = [p for p in dashboard_panels() if p.title == "Certainty ratings for a clinician"]

    assert panel.count == 2
    assert panel.url.endswith("?clinical_review=waiting")


def test_an_editor_can_read_but_not_mark_a_rating(client, editor):
    finding = FindingFactory(certainty_rated_by="team")
    client.force_login(editor)

    client.post(
        reverse("admin:evidence_finding_changelist"),
        {"action": "mark_clinician_checked", "_selected_action": [finding.pk]},
    )

    finding.refresh_from_db()
    assert not finding.clinician_checked
