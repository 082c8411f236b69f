"""Ranges and ratios in words, and a finding with no comparison, on the finding statements."""

from decimal import Decimal

import pytest

from evidence.statements import FindingFacts, finding_statement
from tests.evidence.test_statements import facts


@pytest.mark.parametrize(
    ("measure", "low", "high", "words"),
    [
        # A decrease is stored positive: -5 is 5% more, 30 is 30% less.
        ("percent-decrease", "-5", "30", "between 5% more and 30% less"),
        ("percent-increase", "-5", "30", "between 5% less and 30% more"),
    ],
)
def test_a_percent_range_crossing_no_effect_says_which_way_each_end_goes(measure, low, high, words):
    statement = finding_statement(
        FindingFacts(
            subject="Massage",
            subject_is_plural=False,
            outcome="pain",
            direction="no-clear-effect",
            certainty="low",
            measure=measure,
            value=Decimal("15"),
            ci_low=Decimal(low),
            ci_high=Decimal(high),
        )
    )

    assert f"The true effect is likely {words}." in statement
    # No population or comparison sentence comes before it, so "they" would have no one to mean.
    assert "The studies found a change of about 15%" in statement


@pytest.mark.parametrize(
    ("value", "words"),
    [("1.00", "about the same"), ("0.999", "about the same"), ("1.2", "about 20% higher")],
)
def test_a_ratio_near_one_reads_as_a_share_not_as_one_times(value, words):
    statement = finding_statement(
        FindingFacts(
            subject="Massage",
            subject_is_plural=False,
            outcome="sleep",
            direction="benefit",
            certainty="low",
            measure="odds-ratio",
            value=Decimal(value),
        )
    )

    assert f"the odds were {words})" in statement


def test_a_ratio_range_below_one_reads_as_how_much_lower():
    statement = finding_statement(
        FindingFacts(
            subject="Being told about therapy first",
            subject_is_plural=False,
            outcome="bad effects",
            direction="benefit",
            certainty="low",
            better="lower",
            measure="odds-ratio",
            value=Decimal("0.65"),
            ci_low=Decimal("0.54"),
            ci_high=Decimal("0.79"),
        )
    )

    assert "The true value is likely between about 21% and 46% lower." in statement


def test_a_finding_with_no_comparison_says_so_and_does_not_speak_of_studies():
    statement = finding_statement(
        facts(certainty="very-low", population="people with tight muscles, in one view")
    )

    assert statement == (
        "We are very uncertain whether CBT improves sleep. "
        "This is about people with tight muscles, in one view. "
        "The source does not say what it was compared with."
    )
