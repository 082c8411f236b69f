"""The catalogue snapshot: built in a fixed number of queries, hashed whole with one reference
per source, kept while nothing changes."""

import hashlib

import pytest
from django.utils import timezone

from evidence.models import Finding, SafetyRule, Source
from tests.factories import FindingFactory, SafetyRuleFactory, TherapyFactory
from therapies.models import Condition, Goal, Therapy
from wellness import selectors
from wellness.recommender import Answers, recommend


@pytest.fixture
def seeded(db, seed_catalogue):
    seed_catalogue()
    selectors._cached = None


def test_warm_snapshot_costs_one_query(seeded, django_assert_num_queries):
    selectors.catalogue_snapshot()

    with django_assert_num_queries(1):
        selectors.catalogue_snapshot()


@pytest.mark.parametrize("extra", [0, 30])
def test_snapshot_build_runs_the_same_queries_at_any_size(seeded, extra, django_assert_num_queries):
    condition = Condition.objects.get(slug="pregnancy")
    goal = Goal.objects.get(slug="sleep")
    for _ in range(extra):
        therapy = TherapyFactory()
        FindingFactory(therapy=therapy, goal=goal)
        SafetyRuleFactory(therapy=therapy, condition=condition)

    # Therapies, their techniques, goals, conditions, findings, safety rules, crisis lines,
    # harms, the other paths with the questions and goals each is for, and the day it changed.
    with django_assert_num_queries(14):
        snapshot = selectors.catalogue_snapshot_build()

    assert len(snapshot.therapies) == Therapy.objects.published().count() == 13 + extra
    assert snapshot.changed_on == timezone.localdate()


def test_any_change_to_catalogue_or_evidence_makes_a_new_version(seeded):
    first = selectors.catalogue_snapshot()
    rule = SafetyRule.objects.get(therapy__slug="swedish-massage", condition__slug="pregnancy")
    rule.message = "Ask your midwife first."
    rule.save()

    second = selectors.catalogue_snapshot()

    assert second.version != first.version
    assert any(
        r.message == "Ask your midwife first." for r in second.rules_by_condition["pregnancy"]
    )


def test_version_is_the_same_for_the_same_content(seeded):
    assert (
        selectors.catalogue_snapshot_build().version == selectors.catalogue_snapshot_build().version
    )


def test_a_retracted_source_leaves_the_results_at_once(seeded):
    source = Source.objects.get(slug="shields-2020-jama-psychiatry")
    answers = Answers(goals=frozenset({"immune-function"}))
    before = recommend(answers=answers, catalogue=selectors.catalogue_snapshot())
    assert any(r.therapy.slug == "cbt" for r in before.recommendations)

    source.status = Source.Status.RETRACTED
    source.save()
    after = recommend(answers=answers, catalogue=selectors.catalogue_snapshot())

    assert not any(r.therapy.slug == "cbt" for r in after.recommendations)
    statements = [b.statement for r in after.recommendations for b in r.benefits]
    assert not any("15%" in s for s in statements)


def test_unpublished_therapies_are_left_out(seeded):
    Therapy.objects.filter(slug="swedish-massage").update(published=False)

    snapshot = selectors.catalogue_snapshot_build()

    assert "swedish-massage" not in snapshot.therapies
    assert all(
        r.therapy != "swedish-massage" for rs in snapshot.rules_by_condition.values() for r in rs
    )


def test_safety_rules_apply_even_when_their_source_is_not_published(seeded):
    Source.objects.filter(slug="nccih-massage").update(status=Source.Status.DRAFT)

    snapshot = selectors.catalogue_snapshot_build()

    rules = [
        r
        for r in snapshot.rules_by_condition["blood-thinners"]
        if r.therapy == "deep-tissue-massage"
    ]
    assert rules and rules[0].effect == "exclude"
    assert rules[0].source is None  # the draft source itself is not shown


def test_only_findings_of_published_sources_are_in_the_snapshot(seeded):
    draft = FindingFactory(source__status="draft", therapy=Therapy.objects.get(slug="cbt"))

    snapshot = selectors.catalogue_snapshot_build()

    slugs = {f.slug for fs in snapshot.findings_by_goal.values() for f in fs}
    assert draft.slug not in slugs
    # Those about unpublished therapies (cognitive therapy) are left out too.
    published = Finding.objects.published().exclude(therapy__published=False)
    assert slugs == set(published.values_list("slug", flat=True))


def test_snapshot_version_hashes_the_whole_content_as_before(seeded):
    built = selectors.catalogue_snapshot_build()
    content = (
        built.therapies,
        built.goals,
        built.conditions,
        built.findings_by_goal,
        built.rules_by_condition,
        built.crisis_contacts,
        built.harms,
        built.next_steps,
        built.techniques_not_for,
        built.warning_signs,
    )

    # Fed to the hash in pieces, but byte for byte the repr that the version always hashed.
    whole = repr(selectors._canonical(content)).encode()
    assert built.version == hashlib.sha256(whole).hexdigest()[:12]


def test_snapshot_shares_one_reference_per_source(seeded):
    built = selectors.catalogue_snapshot_build()
    refs = [f.source for fs in built.findings_by_goal.values() for f in fs]
    refs += [r.source for rs in built.rules_by_condition.values() for r in rs if r.source]

    by_slug: dict = {}
    for ref in refs:
        assert by_slug.setdefault(ref.slug, ref) is ref


# --- The change marker, reused for a moment outside transactions ------------------------------


@pytest.fixture
def committed(transactional_db, seed_catalogue, settings, monkeypatch):
    """A seeded catalogue outside any transaction, and a clock the test moves by hand."""
    seed_catalogue()
    selectors._cached = None
    selectors.catalogue_change_marker_forget()
    settings.CATALOGUE_MARKER_MAX_AGE = 1.0
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    yield clock
    selectors.catalogue_change_marker_forget()


def _change_elsewhere() -> None:
    """Change the catalogue as another process would: this one hears no signal of it."""
    from simple_history.signals import post_create_historical_record

    from wellness.signals import catalogue_changed as _catalogue_changed

    post_create_historical_record.disconnect(
        _catalogue_changed, dispatch_uid="wellness-catalogue-changed"
    )
    try:
        therapy = Therapy.objects.get(slug="swedish-massage")
        therapy.name = "Swedish massage, changed elsewhere"
        therapy.save()
    finally:
        post_create_historical_record.connect(
            _catalogue_changed, dispatch_uid="wellness-catalogue-changed"
        )


def test_a_busy_process_reads_the_marker_about_once_a_second(committed, django_assert_num_queries):
    first = selectors.catalogue_snapshot()

    with django_assert_num_queries(0):
        again = selectors.catalogue_snapshot()
    committed[0] += 1.0
    with django_assert_num_queries(1):
        selectors.catalogue_snapshot()

    assert again is first


def test_a_change_in_another_process_shows_within_the_max_age(committed):
    before = selectors.catalogue_snapshot()
    _change_elsewhere()

    committed[0] += 0.5
    still = selectors.catalogue_snapshot()
    committed[0] += 0.5
    after = selectors.catalogue_snapshot()

    assert still.version == before.version
    assert after.version != before.version
    assert after.therapies["swedish-massage"].name == "Swedish massage, changed elsewhere"


def test_a_change_in_this_process_shows_at_once(committed):
    before = selectors.catalogue_snapshot()
    therapy = Therapy.objects.get(slug="swedish-massage")
    therapy.name = "Swedish massage, changed here"
    therapy.save()

    assert selectors.catalogue_snapshot().version != before.version


def test_fresh_and_transactions_always_ask_the_database(committed, django_assert_num_queries):
    from django.db import transaction

    selectors.catalogue_snapshot()
    _change_elsewhere()

    with django_assert_num_queries(1):
        fresh = selectors.catalogue_change_marker(fresh=True)
    with transaction.atomic(), django_assert_num_queries(1):
        in_transaction = selectors.catalogue_change_marker()

    assert fresh == in_transaction


def test_max_age_zero_asks_on_every_read(committed, settings, django_assert_num_queries):
    settings.CATALOGUE_MARKER_MAX_AGE = 0
    selectors.catalogue_change_marker()

    with django_assert_num_queries(2):
        selectors.catalogue_change_marker()
        selectors.catalogue_change_marker()
