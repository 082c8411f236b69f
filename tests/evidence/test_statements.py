"""One function words every finding: GRADE verbs, each measure in plain words, no invented range."""

from decimal import Decimal

import pytest

from evidence.statements import (
    FindingFacts,
    finding_statement,
    published_figures,
    rated_by_words,
)

POOLED = FindingFacts(
    subject="Talking therapies",
    subject_is_plural=True,
    outcome="signs of a healthy immune system",
    direction="benefit",
    certainty="moderate",
    comparator="control groups who did not get the therapy",
    measure="percent-increase",
    value=Decimal("14.7"),
    ci_low=Decimal("5.7"),
    ci_high=Decimal("23.8"),
    studies=56,
    participants=4060,
)


def facts(**fields) -> FindingFacts:
    base = {
        "subject": "CBT",
        "subject_is_plural": False,
        "outcome": "sleep",
        "direction": "benefit",
        "certainty": "moderate",
    }
    return FindingFacts(**{**base, **fields})


def test_statement_gives_the_number_its_range_comparator_and_evidence_base():
    assert finding_statement(POOLED) == (
        "Talking therapies probably raise signs of a healthy immune system by about 15%. "
        "The studies compared this with control groups who did not get the therapy. "
        "The true effect is likely between 6% and 24%. "
        "This is based on 56 studies with 4,060 people."
    )


def test_statement_says_who_was_studied_before_what_it_was_compared_with():
    statement = finding_statement(
        facts(population="adults with depression", comparator="usual care or a waiting list")
    )

    assert statement == (
        "CBT probably improves sleep. The studies looked at adults with depression. "
        "They compared this with usual care or a waiting list."
    )


@pytest.mark.parametrize(
    ("certainty", "expected_start"),
    [
        ("high", "CBT improves sleep"),
        ("moderate", "CBT probably improves sleep"),
        ("low", "CBT may improve sleep"),
        ("very-low", "We are very uncertain whether CBT improves sleep"),
    ],
)
def test_certainty_sets_the_grade_verb(certainty, expected_start):
    assert finding_statement(facts(certainty=certainty)) == expected_start + "."


@pytest.mark.parametrize("certainty", ["high", "moderate", "low", "very-low"])
def test_no_clear_effect_says_we_do_not_know_and_never_claims_no_difference(certainty):
    statement = finding_statement(
        facts(
            subject="Massage",
            outcome="cancer pain",
            better="lower",
            direction="no-clear-effect",
            certainty=certainty,
            context="Studies disagree",
        )
    )

    assert statement == (
        "We do not know whether massage reduces cancer pain. "
        "The studies did not find a clear effect. Studies disagree."
    )
    assert "little or no difference" not in statement


def test_a_no_clear_effect_with_numbers_says_they_could_be_chance():
    statement = finding_statement(
        facts(
            subject="CBT for insomnia",
            outcome="how long people sleep in total",
            direction="no-clear-effect",
            certainty="low",
            measure="mean-difference",
            unit="minutes",
            value=Decimal("7.61"),
            ci_low=Decimal("-0.51"),
            ci_high=Decimal("15.74"),
        )
    )

    assert statement == (
        "We do not know whether CBT for insomnia improves how long people sleep in total. "
        "The studies found a difference of about 8 minutes, but this could be down to chance. "
        "The true effect is likely between 1 minute less and 16 minutes more."
    )


@pytest.mark.parametrize(
    ("certainty", "expected"),
    [
        ("moderate", "CBT probably makes little or no difference to sleep (effect size 0.06)."),
        ("low", "CBT may make little or no difference to sleep (effect size 0.06)."),
        (
            "very-low",
            "We are very uncertain whether CBT makes any difference to sleep (effect size 0.06).",
        ),
    ],
)
def test_shown_not_to_help_is_little_or_no_difference(certainty, expected):
    statement = finding_statement(
        facts(direction="no-effect", certainty=certainty, measure="hedges-g", value=Decimal("0.06"))
    )

    assert statement == expected


def test_a_lower_is_better_outcome_is_reduced():
    statement = finding_statement(
        facts(outcome="symptoms of depression", better="lower", certainty="high")
    )

    assert statement == "CBT reduces symptoms of depression."


def test_a_decrease_is_worded_as_lowering():
    statement = finding_statement(
        facts(
            subject="Talking therapies",
            subject_is_plural=True,
            outcome="signs of inflammation",
            measure="percent-decrease",
            value=Decimal("18.0"),
            ci_low=Decimal("7.2"),
            ci_high=Decimal("28.8"),
        )
    )

    assert statement == (
        "Talking therapies probably lower signs of inflammation by about 18%. "
        "The true effect is likely between 7% and 29%."
    )


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("0.10", "a very small amount"),
        ("0.30", "a small amount"),
        ("0.56", "a medium amount"),
        ("0.79", "a medium amount"),
        ("0.80", "a large amount"),
        ("-0.75", "a medium amount"),
    ],
)
@pytest.mark.parametrize("measure", ["smd", "hedges-g"])
def test_a_standardised_effect_is_sized_in_words_with_its_number(measure, value, size):
    statement = finding_statement(facts(measure=measure, value=Decimal(value)))

    assert (
        statement == f"CBT probably improves sleep by {size} (effect size {abs(Decimal(value))})."
    )


def test_a_standardised_range_reads_as_amounts_whichever_way_the_source_signs_it():
    statement = finding_statement(
        facts(
            outcome="low back pain",
            better="lower",
            measure="smd",
            value=Decimal("-0.75"),
            ci_low=Decimal("-0.90"),
            ci_high=Decimal("-0.60"),
        )
    )

    assert statement == (
        "CBT probably reduces low back pain by a medium amount (effect size 0.75). "
        "The true effect size is likely between 0.60 and 0.90."
    )


def test_a_standardised_range_that_crosses_zero_says_it_includes_no_effect():
    statement = finding_statement(
        facts(
            direction="no-clear-effect",
            measure="smd",
            value=Decimal("0.19"),
            ci_low=Decimal("-0.38"),
            ci_high=Decimal("0.75"),
        )
    )

    assert statement.endswith(
        "The studies found an effect size of 0.19, but this could be down to chance. "
        "The true effect size is likely between −0.38 and 0.75. This includes no effect at all, "
        "so it may help, make no difference or make things worse."
    )


def test_a_difference_in_minutes_says_the_minutes_and_their_range():
    statement = finding_statement(
        facts(
            subject="CBT for insomnia",
            outcome="the time it takes to fall asleep",
            better="lower",
            measure="mean-difference",
            unit="minutes",
            value=Decimal("19.03"),
            ci_low=Decimal("14.12"),
            ci_high=Decimal("23.93"),
        )
    )

    assert statement == (
        "CBT for insomnia probably reduces the time it takes to fall asleep by about 19 minutes. "
        "The true effect is likely between 14 and 24 minutes."
    )


def test_a_difference_in_points_keeps_its_unit():
    statement = finding_statement(
        facts(measure="mean-difference", unit="points", value=Decimal("9.91"))
    )

    assert statement == "CBT probably improves sleep by about 10 points."


def test_an_odds_ratio_says_how_many_times_the_odds_and_gives_no_range_it_lacks():
    statement = finding_statement(
        facts(
            outcome="the chance of getting clearly better",
            measure="odds-ratio",
            value=Decimal("2.97"),
        )
    )

    assert statement == (
        "CBT probably improves the chance of getting clearly better "
        "(odds ratio 2.97: the odds were about 3 times as high)."
    )
    assert "likely between" not in statement


def test_a_ratio_below_one_is_a_share_lower_and_its_range_is_checked_against_one():
    statement = finding_statement(
        facts(
            outcome="the chance of arm swelling",
            better="lower",
            direction="no-clear-effect",
            measure="risk-ratio",
            value=Decimal("0.63"),
            ci_low=Decimal("0.14"),
            ci_high=Decimal("2.82"),
        )
    )

    assert statement.endswith(
        "The studies found a risk ratio of 0.63, but this could be down to chance. "
        "The true value is likely between about 86% lower and about 2.8 times as high, "
        "which includes no effect at all."
    )
    benefit = finding_statement(
        facts(
            outcome="the chance of arm swelling",
            better="lower",
            measure="risk-ratio",
            value=Decimal("0.63"),
        )
    )
    assert benefit == (
        "CBT probably reduces the chance of arm swelling "
        "(risk ratio 0.63: the chance was about 37% lower)."
    )


def test_no_number_means_no_size_and_no_range():
    statement = finding_statement(
        facts(
            subject="Swedish massage", outcome="stress", certainty="low", studies=1, participants=1
        )
    )

    assert (
        statement == "Swedish massage may improve stress. This is based on 1 study with 1 person."
    )


@pytest.mark.parametrize(
    ("fields", "figures"),
    [
        (
            {"measure": "percent-increase", "value": "14.7", "ci_low": "5.7", "ci_high": "23.8"},
            "14.7% increase (95% CI 5.7 to 23.8)",
        ),
        (
            {"measure": "percent-decrease", "value": "18.00", "ci_low": "7.2", "ci_high": "28.8"},
            "18.0% decrease (95% CI 7.2 to 28.8)",
        ),
        (
            {"measure": "hedges-g", "value": "0.79", "ci_low": "0.70", "ci_high": "0.89"},
            "Hedges' g 0.79 (95% CI 0.70 to 0.89)",
        ),
        (
            {"measure": "smd", "value": "-0.75", "ci_low": "-0.90", "ci_high": "-0.60"},
            "SMD −0.75 (95% CI −0.90 to −0.60)",
        ),
        (
            {
                "measure": "mean-difference",
                "unit": "minutes",
                "value": "19.03",
                "ci_low": "14.12",
                "ci_high": "23.93",
            },
            "mean difference 19.03 minutes (95% CI 14.12 to 23.93)",
        ),
        (
            {"measure": "odds-ratio", "value": "2.97"},
            "odds ratio 2.97 (no 95% confidence interval given)",
        ),
        ({"measure": "", "value": None}, ""),
    ],
)
def test_published_figures_are_the_source_numbers_unrounded(fields, figures):
    numbers = {
        key: Decimal(value) if key in ("value", "ci_low", "ci_high") and value else value
        for key, value in fields.items()
    }

    assert published_figures(**numbers) == figures


def test_a_rating_by_our_team_says_so_until_a_clinician_checks_it():
    assert rated_by_words(rated_by="source", clinician_checked=False) == ""
    assert "not checked" in rated_by_words(rated_by="team", clinician_checked=False)
    assert "has checked" in rated_by_words(rated_by="team", clinician_checked=True)
