"""generate_catalogue: a synthetic catalogue of the sizes asked, marked, repeatable, removable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from evidence.models import Finding, SafetyRule, Source
from therapies.models import Condition, Goal, Therapy
from wellness import selectors
from wellness.recommender import Answers, recommend

pytestmark = pytest.mark.django_db

SMALL = {"therapies": 40, "goals": 5, "conditions": 6, "findings": 400, "rules": 60}
MODELS = (Therapy, Goal, Condition, Source, Finding)


@pytest.fixture
def seeded(db, seed_catalogue):
    seed_catalogue()


def generate(**sizes) -> str:
    out = StringIO()
    call_command("generate_catalogue", *(f"--{k}={v}" for k, v in sizes.items()), stdout=out)
    return out.getvalue()


def synthetic(model):
    return model.objects.filter(slug__startswith="synthetic-")


def seed_counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.exclude(slug__startswith="synthetic-").count() for m in MODELS}
    counts["SafetyRule"] = SafetyRule.objects.exclude(
        therapy__slug__startswith="synthetic-"
    ).count()
    return counts


def test_generates_the_sizes_asked_all_marked_synthetic(seeded):
    output = generate(**SMALL)

    assert synthetic(Therapy).count() == 40
    assert synthetic(Goal).count() == 5
    assert synthetic(Condition).count() == 6
    assert synthetic(Finding).count() == 400
    assert synthetic(Source).count() == 20  # one for every 20 findings
    assert SafetyRule.objects.filter(therapy__slug__startswith="synthetic-").count() == 60
    assert "400 findings" in output
    assert all(t.name.startswith("Synthetic") for t in synthetic(Therapy))


def test_every_finding_is_about_a_goal_its_therapy_is_offered_for(seeded):
    generate(**SMALL)

    own = synthetic(Finding).filter(therapy__isnull=False).select_related("therapy", "goal")
    offered = {(t.pk, g.pk) for t in synthetic(Therapy) for g in t.goals.all()}
    assert own.exists()
    assert all((f.therapy_id, f.goal_id) in offered for f in own)
    # Findings about a whole kind never claim a benefit: that would match the whole kind.
    kind_wide = synthetic(Finding).filter(therapy__isnull=True)
    assert set(kind_wide.values_list("direction", flat=True)) <= {"no-clear-effect"}


def test_synthetic_sources_are_published_and_have_no_link_to_check(seeded):
    generate(**SMALL)

    assert set(synthetic(Source).values_list("status", flat=True)) == {"published"}
    assert all(s.link == "" for s in synthetic(Source))


def test_the_same_seed_makes_the_same_catalogue(seeded):
    generate(**SMALL)
    first = selectors.catalogue_snapshot_build().version

    generate(**SMALL)  # replaces the synthetic records with a fresh set

    assert synthetic(Therapy).count() == 40
    assert selectors.catalogue_snapshot_build().version == first


def test_bulk_records_get_no_history_but_the_change_marker_moves(seeded):
    before = selectors.catalogue_change_marker()
    therapy_history = Therapy.history.count()

    generate(**SMALL)

    assert Therapy.history.count() == therapy_history
    assert Finding.history.filter(slug__startswith="synthetic-").count() == 0
    assert Goal.history.filter(slug__startswith="synthetic-").count() == 5
    after_generate = selectors.catalogue_change_marker()
    assert after_generate != before

    call_command("generate_catalogue", "--clear", stdout=StringIO())

    assert selectors.catalogue_change_marker() != after_generate


def test_clear_removes_every_synthetic_record_and_leaves_the_seed(seeded):
    seed = seed_counts()
    generate(**SMALL)

    output = StringIO()
    call_command("generate_catalogue", "--clear", stdout=output)

    for model in MODELS:
        assert not synthetic(model).exists()
    assert not SafetyRule.objects.filter(therapy__slug__startswith="synthetic-").exists()
    assert seed_counts() == seed
    assert "400 findings" in output.getvalue().replace(",", "")


def test_the_engine_recommends_from_the_synthetic_catalogue(seeded):
    generate(**SMALL)
    selectors._cached = None
    snapshot = selectors.catalogue_snapshot()
    goal = synthetic(Goal).order_by("slug").first().slug

    result = recommend(answers=Answers(goals=frozenset({goal})), catalogue=snapshot)

    assert result.recommendations
    assert all(r.therapy.slug.startswith("synthetic-") for r in result.recommendations)


def test_impossible_sizes_are_refused_before_anything_is_written(seeded):
    with pytest.raises(CommandError, match="at most 12"):
        generate(therapies=2, goals=1, conditions=6, findings=10, rules=13)
    with pytest.raises(CommandError, match="at least one therapy and one goal"):
        generate(therapies=0, goals=0, conditions=1, findings=10, rules=0)

    assert not synthetic(Therapy).exists()
