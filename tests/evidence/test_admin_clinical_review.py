"""Certainty ratings by our team are flagged for a clinician in the admin until one checks them."""

import pytest
from django.urls import reverse

from evidence.dashboard import dashboard_panels
from evidence.models import Finding, Harm
from tests.factories import FindingFactory, HarmFactory

pytestmark = pytest.mark.django_db


def test_findings_awaiting_a_clinician_are_listed_and_can_be_marked_checked(client, curator):
    waiting = FindingFactory(certainty_rated_by="team", clinician_checked=False)
    checked = FindingFactory(certainty_rated_by="team", clinician_checked=True)
    by_source = FindingFactory(certainty_rated_by="source")
    client.force_login(curator)
    changelist = reverse("admin:evidence_finding_changelist")

    listed = client.get(changelist, {"clinical_review": "waiting"})
    shown = list(listed.context["cl"].result_list)
    by_the_source = client.get(changelist, {"clinical_review": "source"}).context["cl"]
    done = client.get(changelist, {"clinical_review": "checked"}).context["cl"]
    assert list(by_the_source.result_list) == [by_source]
    assert list(done.result_list) == [checked]
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


def test_harms_with_a_rating_await_a_clinician_and_can_be_marked_checked(client, curator):
    waiting = HarmFactory(certainty="low")
    unrated = HarmFactory(certainty="", category=Harm.Category.COST, source=None)
    client.force_login(curator)
    changelist = reverse("admin:evidence_harm_changelist")

    listed = client.get(changelist, {"clinical_review": "waiting"})
    shown = list(listed.context["cl"].result_list)
    no_rating = client.get(changelist, {"clinical_review": "unrated"}).context["cl"]
    assert list(no_rating.result_list) == [unrated]
    response = client.post(
        changelist,
        {"action": "mark_clinician_checked", "_selected_action": [waiting.pk, unrated.pk]},
        follow=True,
    )
    [panel] = [p for p in dashboard_panels() if p.title == "Harm ratings for a clinician"]

    assert shown == [waiting]
    assert "Marked 1 harm as checked by a clinician." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.clinician_checked
    assert not waiting.needs_clinical_review
    assert panel.count == 0


@pytest.mark.parametrize(
    ("change", "still_checked"),
    [
        ({"certainty": "moderate"}, False),
        ({"certainty_reason": "Two trials, not one."}, False),
        ({"certainty": "moderate", "clinician_checked": True}, False),
        ({"population": "adults over 65"}, True),
    ],
    ids=["a new rating", "a new reason", "a new rating stays ticked", "another field"],
)
def test_a_changed_rating_waits_for_a_clinician_again(change, still_checked):
    finding = FindingFactory(certainty="low", certainty_rated_by="team", clinician_checked=True)
    finding = Finding.objects.get(pk=finding.pk)

    for field, value in change.items():
        setattr(finding, field, value)
    finding.save()

    assert Finding.objects.get(pk=finding.pk).clinician_checked is still_checked


def test_a_check_and_a_new_rating_in_one_edit_keep_the_check():
    finding = FindingFactory(certainty="low", certainty_rated_by="team", clinician_checked=False)
    finding = Finding.objects.get(pk=finding.pk)

    finding.certainty, finding.clinician_checked = "moderate", True
    finding.save()

    assert Finding.objects.get(pk=finding.pk).clinician_checked is True


def test_an_editor_can_read_but_not_mark_a_rating(client, editor):
    finding = FindingFactory(certainty_rated_by="team")
    client.force_login(editor)

    client.post(
        reverse("admin:evidence_finding_changelist"),
        {"action": "mark_clinician_checked", "_selected_action": [finding.pk]},
    )

    finding.refresh_from_db()
    assert not finding.clinician_checked
