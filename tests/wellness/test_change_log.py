"""The public change log, "What we changed and why", and what a saved result says changed
(reviewed-changes issue, items 3 and 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.changes import change_approve, change_propose
from evidence.models import ChangeRequest, SafetyRule
from wellness.models import SavedResult
from wellness.selectors import catalogue_snapshot

pytestmark = pytest.mark.django_db
REASON = "A new review found deep pressure is safe with care on these medicines."


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once per module."""


def approve_deep_tissue_caution(editor, curator) -> ChangeRequest:
    rule = SafetyRule.objects.get(
        therapy__slug="deep-tissue-massage", condition__slug="blood-thinners"
    )
    change = change_propose(
        subject="safety-rule",
        action="update",
        by=editor,
        reason="The new review.",
        target=rule,
        values={"effect": "caution"},
    )
    return change_approve(change=change, by=curator, public_reason=REASON)


def test_an_approved_change_appears_with_its_date_and_reason(client, seeded, editor, curator):
    before = client.get(reverse("change-log"))
    assert REASON not in before.content.decode()
    version = catalogue_snapshot().version

    approve_deep_tissue_caution(editor, curator)

    text = client.get(reverse("change-log")).content.decode()
    assert REASON in text
    assert "Safety advice on Deep tissue massage" in text
    assert catalogue_snapshot().version != version  # moved once, by the one approval


def test_waiting_and_rejected_changes_are_not_listed(client, seeded, editor):
    rule = SafetyRule.objects.get(
        therapy__slug="deep-tissue-massage", condition__slug="blood-thinners"
    )
    change_propose(
        subject="safety-rule",
        action="update",
        by=editor,
        reason="Still thinking.",
        target=rule,
        values={"message": "A draft nobody should see yet."},
    )
    text = client.get(reverse("change-log")).content.decode()
    assert "No changes yet" in text
    assert "A draft nobody should see yet" not in text


def test_every_therapy_page_links_to_its_changes(client, seeded, editor, curator):
    approve_deep_tissue_caution(editor, curator)
    page = client.get(reverse("therapy-detail", args=["deep-tissue-massage"])).content.decode()
    link = reverse("change-log") + "?therapy=deep-tissue-massage"
    assert f'href="{link}"' in page
    assert REASON in client.get(link).content.decode()
    other = client.get(reverse("change-log") + "?therapy=cbt").content.decode()
    assert REASON not in other
    assert client.get(reverse("change-log") + "?therapy=no-such").status_code == 404


def test_a_saved_result_says_what_changed_for_it(client, seeded, editor, curator):
    answers = {
        "goals": ["pain-tension"],
        "conditions": {"blood-thinners": True},
        "format": "any",
        "pressure": "any",
    }
    saved = SavedResult.objects.create(
        answers=answers, catalogue_version=catalogue_snapshot().version
    )
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "has changed since you saved this" not in page

    approve_deep_tissue_caution(editor, curator)

    page = client.get(saved.get_absolute_url()).content.decode()
    assert "has changed since you saved this" in page
    assert "What changed for the therapies below" in page
    assert REASON in page
