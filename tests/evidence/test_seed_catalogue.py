"""The seed catalogue file holds what the product promises: its therapies, goals and
questions, and the evidence for them with the figures as published; the crisis lines."""

from decimal import Decimal

import pytest

from evidence.models import Finding, Source
from evidence.statements import NO_COMPARATOR, statement_for
from tests.evidence.seed import CONDITIONS, GOALS, MASSAGE, TALKING
from therapies.models import Condition, CrisisContact, Goal, Therapy


def test_catalogue_holds_every_promised_therapy(seeded):
    kinds = dict(Therapy.objects.values_list("slug", "kind"))

    assert {slug: kinds.get(slug) for slug in TALKING} == dict.fromkeys(TALKING, "talking")
    assert {slug: kinds.get(slug) for slug in MASSAGE} == dict.fromkeys(MASSAGE, "massage")
    # Cognitive therapy has no evidence of its own beyond immune function: not published.
    assert set(Therapy.objects.filter(published=False).values_list("slug", flat=True)) == {
        "cognitive-therapy"
    }


def test_every_published_talking_therapy_has_a_benefit_finding_for_a_goal_it_is_offered_for(
    seeded,
):
    for therapy in Therapy.objects.published().filter(kind="talking"):
        offered = set(therapy.goals.values_list("slug", flat=True))
        helped = set(
            Finding.objects.published()
            .filter(therapy=therapy, direction="benefit")
            .values_list("goal__slug", flat=True)
        )
        assert offered, therapy.slug
        assert offered & helped, therapy.slug


@pytest.mark.parametrize(
    ("therapy", "goals"),
    [
        ("cbt", {"stress-anxiety", "low-mood", "immune-function"}),
        ("cbt-insomnia", {"sleep"}),
        ("grief-therapy", {"grief"}),
        ("behaviour-therapy", {"low-mood"}),
    ],
)
def test_talking_therapies_are_linked_to_the_goals_their_evidence_supports(seeded, therapy, goals):
    assert set(Therapy.objects.get(slug=therapy).goals.values_list("slug", flat=True)) == goals


def test_every_goal_has_a_finding(seeded):
    with_findings = set(Finding.objects.published().values_list("goal__slug", flat=True))

    assert set(Goal.objects.values_list("slug", flat=True)) <= with_findings


def test_every_finding_names_its_population_and_comparator(seeded):
    assert not Finding.objects.filter(population="").exists()
    # Only the health article compares with nothing it names; its findings say so, and never
    # speak of "the studies" compared with an invented "no massage".
    without = Finding.objects.filter(comparator="").select_related("therapy", "technique")
    assert {f.source.slug for f in without} == {"cleveland-clinic-massage"}
    for finding in without:
        statement = statement_for(finding)
        assert NO_COMPARATOR in statement
        assert "compared this with" not in statement
        assert "The studies looked at" not in statement


def test_the_new_evidence_is_loaded_with_the_figures_as_published(seeded):
    figures = {
        f.slug: (f.effect_measure, f.effect_value, f.ci_low, f.ci_high, f.effect_unit)
        for f in Finding.objects.exclude(effect_value=None)
    }

    assert figures["cbt-low-mood"] == (
        "hedges-g",
        Decimal("0.79"),
        Decimal("0.70"),
        Decimal("0.89"),
        "",
    )
    assert figures["cbt-insomnia-falling-asleep"] == (
        "mean-difference",
        Decimal("19.03"),
        Decimal("14.12"),
        Decimal("23.93"),
        "minutes",
    )
    assert figures["massage-low-back-pain"] == (
        "smd",
        Decimal("-0.75"),
        Decimal("-0.90"),
        Decimal("-0.60"),
        "",
    )
    # No range in the source, none invented.
    assert figures["cbt-stress-anxiety-response"] == ("odds-ratio", Decimal("2.97"), None, None, "")
    assert figures["grief-therapy-grief"] == ("hedges-g", Decimal("0.41"), None, None, "")
    assert figures["lymphatic-drainage-lymphoedema-prevention"][:4] == (
        "risk-ratio",
        Decimal("0.63"),
        Decimal("0.14"),
        Decimal("2.82"),
    )


def test_certainty_rated_by_our_team_says_how_and_is_flagged_for_a_clinician(seeded):
    team = Finding.objects.filter(certainty_rated_by="team")

    assert team.exists()
    assert not team.filter(certainty_reason="").exists()
    assert all(f.needs_clinical_review for f in team)


def test_a_review_finding_no_reliable_effect_says_we_do_not_know(seeded):
    unclear = Finding.objects.filter(direction="no-clear-effect")

    assert set(unclear.values_list("slug", flat=True)) >= {
        "massage-cancer-pain",
        "cbt-insomnia-total-sleep",
        "massage-fibromyalgia-sleep",
        "lymphatic-drainage-lymphoedema-arm-volume",
        "supportive-therapy-grief-for-everyone",
    }


def test_catalogue_holds_the_design_goals_and_conditions(seeded):
    assert set(GOALS) <= set(Goal.objects.values_list("slug", flat=True))
    assert set(CONDITIONS) <= set(Condition.objects.values_list("slug", flat=True))
    assert Condition.objects.get(is_crisis=True).slug == "crisis"


def test_meta_analysis_numbers_are_loaded_exactly(seeded):
    source = Source.objects.get(doi="10.1001/jamapsychiatry.2020.0431")
    assert (source.source_type, source.year, source.venue) == (
        "meta-analysis",
        2020,
        "JAMA Psychiatry",
    )
    assert (source.studies_count, source.participants_count) == (56, 4060)
    assert source.pmid == "32492090"

    numbers = {
        (
            f.effect_measure,
            f.effect_value,
            f.ci_low,
            f.ci_high,
            f.studies_count,
            f.participants_count,
        )
        for f in source.findings.exclude(effect_value=None)
    }
    assert numbers == {
        ("percent-increase", Decimal("14.7"), Decimal("5.7"), Decimal("23.8"), 56, 4060),
        ("percent-decrease", Decimal("18.0"), Decimal("7.2"), Decimal("28.8"), 56, 4060),
    }


def test_meta_analysis_says_it_is_most_reliable_for_cbt(seeded):
    cbt = Finding.objects.get(source__slug="shields-2020-jama-psychiatry", therapy__slug="cbt")
    others = Finding.objects.filter(
        source__slug="shields-2020-jama-psychiatry",
        therapy__slug__in=[
            "cognitive-therapy",
            "behaviour-therapy",
            "psychoeducation",
            "supportive-therapy",
        ],
    )

    assert cbt.direction == "benefit"
    assert "most reliable for CBT" in cbt.context
    assert {f.direction for f in others} == {"no-clear-effect"}
    assert others.count() == 4


def test_clinic_article_names_no_study_so_its_findings_are_very_low_with_no_numbers(seeded):
    article = Source.objects.get(slug="cleveland-clinic-massage")
    findings = article.findings.all()

    assert article.source_type == "guidance"
    assert findings.count() >= 7
    assert {f.certainty for f in findings} == {"very-low"}
    assert not findings.exclude(effect_value=None).exists()
    claimed = set(findings.values_list("goal__slug", flat=True))
    assert {
        "stress-anxiety",
        "sleep",
        "pain-tension",
        "immune-function",
        "constipation",
        "fibromyalgia",
        "cancer-pain",
    } <= claimed


def test_mixed_evidence_for_cancer_pain_is_said_as_mixed(seeded):
    finding = Finding.objects.get(goal__slug="cancer-pain", therapy_kind="massage")

    assert finding.direction == "no-clear-effect"
    assert "disagree" in finding.context


def test_crisis_lines_for_the_uk_and_the_us(seeded):
    phones = {(c.region, c.phone) for c in CrisisContact.objects.all()}

    assert {("GB", "999"), ("GB", "111"), ("GB", "116 123"), ("US", "988"), ("US", "911")} <= phones
    assert CrisisContact.objects.filter(region="GB", text__icontains="85258").exists()
