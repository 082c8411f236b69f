"""One function words every finding: GRADE verbs, numbers with their range, the evidence base."""

from decimal import Decimal

import pytest

from evidence.statements import FindingFacts, finding_statement

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


def test_statement_gives_the_number_its_range_comparator_and_evidence_base():
    assert finding_statement(POOLED) == (
        "Talking therapies probably raise signs of a healthy immune system by about 15%. "
        "The studies compared this with control groups who did not get the therapy. "
        "The true effect is likely between 6% and 24%. "
        "This is based on 56 studies with 4,060 people."
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
    facts = FindingFacts(
        subject="CBT",
        subject_is_plural=False,
        outcome="sleep",
        direction="benefit",
        certainty=certainty,
    )

    assert finding_statement(facts) == expected_start + "."


def test_no_clear_effect_is_said_plainly():
    facts = FindingFacts(
        subject="Massage",
        subject_is_plural=False,
        outcome="cancer pain",
        direction="no-clear-effect",
        certainty="very-low",
        context="Studies disagree",
    )

    assert finding_statement(facts) == (
        "We are very uncertain whether massage makes little or no difference to cancer pain. "
        "Studies disagree."
    )


def test_a_decrease_is_worded_as_lowering():
    facts = FindingFacts(
        subject="Talking therapies",
        subject_is_plural=True,
        outcome="signs of inflammation",
        direction="benefit",
        certainty="moderate",
        measure="percent-decrease",
        value=Decimal("18.0"),
        ci_low=Decimal("7.2"),
        ci_high=Decimal("28.8"),
    )

    assert finding_statement(facts).startswith(
        "Talking therapies probably lower signs of inflammation by about 18%. "
        "The true effect is likely between 7% and 29%."
    )


def test_a_standardised_effect_is_sized_in_words_with_its_range():
    facts = FindingFacts(
        subject="CBT",
        subject_is_plural=False,
        outcome="immune activity",
        direction="benefit",
        certainty="moderate",
        measure="smd",
        value=Decimal("0.30"),
        ci_low=Decimal("0.21"),
        ci_high=Decimal("0.40"),
    )

    assert finding_statement(facts) == (
        "CBT probably improves immune activity by a small amount. "
        "The true effect size is likely between 0.21 and 0.40."
    )


def test_no_number_means_no_size_and_no_range():
    facts = FindingFacts(
        subject="Swedish massage",
        subject_is_plural=False,
        outcome="stress",
        direction="benefit",
        certainty="low",
        studies=1,
        participants=1,
    )

    assert finding_statement(facts) == (
        "Swedish massage may improve stress. This is based on 1 study with 1 person."
    )
