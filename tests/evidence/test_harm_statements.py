"""Harms and burdens in plain words: how many people, as a share and as "about 1 in N"."""

from decimal import Decimal

import pytest

from evidence.harm_statements import harm_statement


def test_a_harm_says_how_many_people_it_happened_to_as_a_share_and_one_in_n():
    statement = harm_statement(
        description="Lasting bad effects that people felt were caused by their therapy",
        population="people treated by 184 services",
        affected_percent=Decimal("5.2"),
        affected_count=763,
        people_count=14587,
    )

    assert statement == (
        "Lasting bad effects that people felt were caused by their therapy. "
        "This happened to 763 of 14,587 people studied (5.2%, about 1 in 20). "
        "This comes from people treated by 184 services."
    )


def test_a_harm_with_a_percentage_alone_gives_it_and_no_invented_count():
    statement = harm_statement(
        description="Soreness after a session", affected_percent=Decimal("10"), people_count=100
    )

    assert statement == (
        "Soreness after a session. This happened to 10% of the 100 people studied (about 1 in 10)."
    )


def test_a_burden_without_figures_is_just_its_words():
    assert harm_statement(description="You usually pay for it yourself") == (
        "You usually pay for it yourself."
    )


@pytest.mark.parametrize(
    ("fields", "figure"),
    [
        # Rare: the frequency is not capped at the friendly list's end, nor shown as 0%.
        ({"affected_count": 1, "people_count": 20000}, "(less than 0.1%, about 1 in 20,000)"),
        ({"affected_count": 3, "people_count": 1000}, "(0.3%, about 1 in 300)"),
        ({"affected_percent": Decimal("0.01")}, "less than 0.1% of the people studied"),
    ],
)
def test_a_rare_harm_keeps_its_real_frequency(fields, figure):
    assert figure in harm_statement(description="A rare harm", **fields)


def test_a_harm_count_or_study_size_alone_is_still_shown():
    assert harm_statement(description="A harm", affected_count=3) == (
        "A harm. This happened to 3 people in the studies."
    )
    assert harm_statement(description="A harm", people_count=16) == (
        "A harm. This comes from a study of 16 people."
    )
