"""The impact preview of a proposed change to safety (reviewed-changes issue, item 2)."""

from __future__ import annotations

import pytest

from evidence.changes import change_propose
from evidence.models import ChangeRequest, SafetyRule
from wellness.impact import ASK_FIRST, NOT_SUITABLE, TAKE_CARE, answers_of, impact_preview
from wellness.models import ReferenceScenario
from wellness.recommender import recommend
from wellness.selectors import catalogue_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once per module."""


def deep_tissue_rule(condition: str) -> SafetyRule:
    return SafetyRule.objects.get(therapy__slug="deep-tissue-massage", condition__slug=condition)


def propose(rule, by, effect) -> ChangeRequest:
    return change_propose(
        subject="safety-rule",
        action="update",
        by=by,
        reason="Checking whom it affects.",
        target=rule,
        values={"effect": effect},
    )


def test_there_are_at_least_30_scenarios_from_the_personas():
    assert ReferenceScenario.objects.count() >= 30


def test_deep_tissue_on_blood_thinners_from_exclude_to_caution(seeded, editor):
    rule = deep_tissue_rule("blood-thinners")
    assert rule.effect == "exclude"
    version = catalogue_snapshot().version
    change = propose(rule, editor, "caution")

    impacts = impact_preview(change=change)

    # Exactly the scenarios that answer yes to blood thinners and ask for what deep tissue
    # massage has evidence for; each moves deep tissue from not suitable to take care, first.
    moved = {impact.scenario.name for impact in impacts}
    expected = {
        scenario.name
        for scenario in ReferenceScenario.objects.all()
        if "blood-thinners" in scenario.conditions
        and "crisis" not in scenario.conditions
        and any(
            excluded.therapy.slug == "deep-tissue-massage"
            for excluded in recommend(
                answers=answers_of(scenario), catalogue=catalogue_snapshot()
            ).excluded
        )
    }
    assert expected and moved == expected
    assert moved == {
        "Aches on blood thinners",
        "Aches on blood thinners, pregnant",
        "Fibromyalgia on blood thinners",
    }
    for impact in impacts:
        first = impact.moves[0]
        # Take care; or ask first where another yes-answer (pregnancy) asks for it anyway.
        alone = impact.scenario.conditions == ["blood-thinners"]
        assert (first.therapy, first.before, first.after) == (
            "deep-tissue-massage",
            NOT_SUITABLE,
            TAKE_CARE if alone else ASK_FIRST,
        )
        assert first.loosens
    # Nothing was kept: the rule, the public catalogue and the change are as they were.
    assert deep_tissue_rule("blood-thinners").effect == "exclude"
    assert catalogue_snapshot().version == version
    change.refresh_from_db()
    assert change.status == "waiting"


def test_a_change_no_scenario_meets_moves_nothing(seeded, editor):
    rule = deep_tissue_rule("blood-thinners")
    change = change_propose(
        subject="safety-rule",
        action="update",
        by=editor,
        reason="Clearer words.",
        target=rule,
        values={"message": "Deep pressure can cause bruising on blood thinners. Not for you."},
    )
    assert impact_preview(change=change) == []


def test_the_biggest_safety_change_comes_first(seeded, editor):
    # Loosening a rule (exclude → suits would be the most) beats tightening a caution.
    loosen = propose(deep_tissue_rule("blood-thinners"), editor, "caution")
    impacts = impact_preview(change=loosen)
    weights = [impact.weight for impact in impacts]
    assert weights == sorted(weights, reverse=True)


def test_progress_is_reported_for_every_scenario(seeded, editor):
    change = propose(deep_tissue_rule("blood-thinners"), editor, "clearance")
    seen = []
    impact_preview(change=change, progress=lambda done, total: seen.append((done, total)))
    total = ReferenceScenario.objects.count()
    assert seen == [(n, total) for n in range(1, total + 1)]
    assert all(
        move.after == ASK_FIRST
        for impact in impact_preview(change=change)
        for move in impact.moves
        if move.therapy == "deep-tissue-massage"
    )


def test_the_change_page_shows_whom_it_affects(seeded, editor, login):
    from django.urls import reverse

    change = propose(deep_tissue_rule("blood-thinners"), editor, "caution")
    page = login("curator").get(reverse("admin:evidence_changerequest_change", args=[change.pk]))
    text = page.content.decode()
    assert "Whom it affects" in text
    assert "3 of the" in text
    assert "Fibromyalgia on blood thinners" in text
    assert "<strong>take care</strong> (less guarded)" in text


@pytest.mark.parametrize(
    ("role", "view", "add", "change"),
    [("editor", 200, 403, 403), ("curator", 200, 200, 200), ("superuser", 200, 200, 200)],
)
def test_who_keeps_the_scenarios(login, role, view, add, change):
    from django.urls import reverse

    client = login(role)
    scenario = ReferenceScenario.objects.first()
    assert client.get(reverse("admin:wellness_referencescenario_changelist")).status_code == view
    assert client.get(reverse("admin:wellness_referencescenario_add")).status_code == add
    address = reverse("admin:wellness_referencescenario_change", args=[scenario.pk])
    page = client.get(address)
    assert page.status_code == 200
    assert (b'name="_save"' in page.content) == (change == 200)


def test_a_large_catalogue_works_out_the_preview_in_a_job_with_progress(
    seeded, editor, login, settings
):
    from django.urls import reverse

    from outbox.jobs import job_run
    from outbox.models import JobRequest
    from wellness.jobs import IMPACT_PREVIEW_TASK, impact_preview_build
    from wellness.models import ImpactPreview

    settings.IMPACT_PREVIEW_INLINE_THERAPIES = 0  # every catalogue counts as large here
    change = propose(deep_tissue_rule("blood-thinners"), editor, "caution")
    address = reverse("admin:evidence_changerequest_change", args=[change.pk])
    client = login("curator")

    waiting = client.get(address).content.decode()
    assert "Working out whom it affects: 0 of" in waiting
    assert 'http-equiv="refresh"' in waiting
    [job] = JobRequest.objects.filter(task=IMPACT_PREVIEW_TASK)
    client.get(address)  # asking again asks for nothing more
    assert JobRequest.objects.filter(task=IMPACT_PREVIEW_TASK).count() == 1

    job_run(job_id=job.pk, work=impact_preview_build)

    preview = ImpactPreview.objects.get(change=change)
    total = ReferenceScenario.objects.count()
    assert (preview.done, preview.total) == (total, total)
    done = client.get(address).content.decode()
    assert "3 of the" in done
    assert "Fibromyalgia on blood thinners" in done
    assert 'http-equiv="refresh"' not in done
