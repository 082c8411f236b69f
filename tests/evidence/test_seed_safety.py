"""The seed catalogue's safety: a sourced rule for every massage and screening question, the
strictest advice where it is due, therapies limited to the people they are for, the harms of each
kind, and the other paths that need a clinician."""

from decimal import Decimal

import pytest

from evidence.models import Finding, Harm, SafetyRule
from tests.evidence.seed import FIRM, MASSAGE, MASSAGE_SCREENED
from therapies.models import NextStep, Therapy


@pytest.mark.parametrize("massage", MASSAGE)
def test_every_massage_has_a_sourced_rule_for_each_screened_condition(seeded, massage):
    rules = SafetyRule.objects.filter(therapy__slug=massage).select_related("condition", "source")
    by_condition = {r.condition.slug: r for r in rules}

    assert set(MASSAGE_SCREENED) <= set(by_condition)
    for rule in by_condition.values():
        assert rule.message.strip()
        assert rule.source.status == "published"


def test_lymphatic_drainage_needs_clearance_for_heart_and_kidney_failure(seeded):
    rules = {
        r.condition.slug: r
        for r in SafetyRule.objects.filter(
            therapy__slug="lymphatic-drainage",
            condition__slug__in=["heart-failure", "kidney-disease"],
        ).select_related("condition")
    }

    assert {slug: r.effect for slug, r in rules.items()} == {
        "heart-failure": "clearance",
        "kidney-disease": "clearance",
    }
    assert "not for heart failure that is not well controlled" in rules["heart-failure"].message


@pytest.mark.parametrize("massage", MASSAGE)
def test_heart_failure_is_at_least_a_caution_on_every_massage(seeded, massage):
    rule = SafetyRule.objects.get(therapy__slug=massage, condition__slug="heart-failure")

    assert rule.effect in ("caution", "clearance")


@pytest.mark.parametrize("massage", MASSAGE)
def test_kidney_disease_asks_first_for_firm_massage_and_takes_care_with_gentle(seeded, massage):
    rule = SafetyRule.objects.get(therapy__slug=massage, condition__slug="kidney-disease")

    if massage in FIRM or massage == "lymphatic-drainage":
        assert rule.effect == "clearance"
    else:
        assert rule.effect == "caution"
    assert "dialysis" in rule.message


@pytest.mark.parametrize("condition", ["recent-fracture", "unexplained-swelling"])
def test_a_healing_break_and_unexplained_swelling_ask_first_for_every_massage(seeded, condition):
    effects = dict(
        SafetyRule.objects.filter(condition__slug=condition).values_list("therapy__slug", "effect")
    )

    assert effects == dict.fromkeys(MASSAGE, "clearance")


def test_prenatal_massage_is_only_for_pregnancy(seeded):
    prenatal = Therapy.objects.get(slug="prenatal-massage")

    assert prenatal.only_for_condition.slug == "pregnancy"
    assert (
        not Therapy.objects.exclude(slug="prenatal-massage")
        .exclude(only_for_condition=None)
        .exists()
    )


def test_the_constipation_claim_is_limited_to_tummy_massage(seeded):
    finding = Finding.objects.get(slug="massage-constipation")

    assert (finding.technique.slug, finding.therapy_kind, finding.therapy) == (
        "tummy-massage",
        "",
        None,
    )
    uses_it = set(finding.technique.therapies.values_list("slug", flat=True))
    assert uses_it == {"swedish-massage"}
    assert not uses_it & {"trigger-point-therapy", "sports-massage", "prenatal-massage"}


@pytest.mark.parametrize("kind", ["talking", "massage"])
def test_every_kind_has_its_side_effects_time_and_cost(seeded, kind):
    categories = set(Harm.objects.filter(therapy_kind=kind).values_list("category", flat=True))

    assert {"side-effect", "time", "cost"} <= categories


def test_every_harm_with_a_number_names_its_source(seeded):
    for harm in Harm.objects.all():
        text = f"{harm.description} {harm.context} {harm.population}"
        if any(ch.isdigit() for ch in text) or harm.affected_percent is not None:
            assert harm.source_id, harm.slug


def test_one_in_twenty_lasting_bad_effects_of_talking_therapy(seeded):
    harm = Harm.objects.get(slug="talking-therapies-lasting-bad-effects")

    assert (harm.affected_count, harm.people_count, harm.affected_percent) == (
        763,
        14587,
        Decimal("5.2"),
    )
    assert harm.source.doi == "10.1192/bjp.bp.114.162628"


def test_wait_and_see_is_left_out_by_the_steps_that_need_a_clinician(seeded):
    waiting = NextStep.objects.get(is_waiting=True)
    needing = set(NextStep.objects.filter(needs_clinician=True).values_list("slug", flat=True))

    assert waiting.slug == "wait-and-see"
    assert {"ask-about-a-lymphoedema-service", "see-a-doctor-about-swelling"} <= needing


def test_prenatal_massage_suits_pregnancy_and_no_massage_is_silent_about_it(seeded):
    effects = dict(
        SafetyRule.objects.filter(condition__slug="pregnancy").values_list(
            "therapy__slug", "effect"
        )
    )

    assert effects["prenatal-massage"] == "suits"
    assert {effects[m] for m in MASSAGE if m != "prenatal-massage"} == {"clearance"}


def test_firm_massage_is_never_offered_to_someone_on_blood_thinners(seeded):
    firm = Therapy.objects.filter(kind="massage", pressure="firm")
    effects = set(
        SafetyRule.objects.filter(condition__slug="blood-thinners", therapy__in=firm).values_list(
            "effect", flat=True
        )
    )

    assert firm.exists()
    assert effects == {"exclude"}
