"""The cheap reading of a plain body agrees with ``AnswersSerializer``, which words every error."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wellness.api.serializers.answers import (
    FORMAT_CHOICES,
    LIMIT_MAX,
    PRESSURE_CHOICES,
    SLUG_LIST_LIMIT,
    VALUE_CHOICES,
    AnswersSerializer,
    KnownSlugs,
    plain_answers,
)
from wellness.recommender import SHORTLIST_SIZE, Answers

URL = "/api/v1/recommendations/"

# Two "known" slugs the serializer's SlugField refuses: the cheap reading must refuse them too.
NOT_SLUGS = ("two words", "x" * 81)
KNOWN = KnownSlugs(
    version="v1",
    goals=frozenset({"sleep", "pain-tension", *NOT_SLUGS}),
    conditions=frozenset({"pregnancy", "crisis"}),
)
PROPERTY = settings(max_examples=500, derandomize=True, deadline=None)


def serializer_reading(body):
    form = AnswersSerializer(data=body, context={"known": KNOWN})
    return form.asked() if form.is_valid() else None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 200) | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
# Values that are nearly right: spaces to trim, a number for a slug, a string for a number...
slugs = st.sampled_from(
    ["sleep", "pain-tension", "pregnancy", "crisis", *NOT_SLUGS, " sleep", "sleep\n", "SLEEP", ""]
) | st.sampled_from([None, True, 0, 1.5])
slug_lists = (
    st.lists(slugs, max_size=4)
    | st.lists(st.just("sleep"), min_size=SLUG_LIST_LIMIT - 1, max_size=SLUG_LIST_LIMIT + 2)
    | json_values
)
choices = st.sampled_from([*FORMAT_CHOICES, *PRESSURE_CHOICES, "Online", " any", ""]) | json_values
preferences = (
    st.fixed_dictionaries(
        {}, optional={"format": choices, "pressure": choices, "colour": json_values}
    )
    | json_values
)
value_words = [word for words in VALUE_CHOICES.values() for word in words]
what_matters = (
    st.fixed_dictionaries(
        {},
        optional={
            **{
                name: st.sampled_from([*value_words, "Free", ""]) | json_values
                for name in VALUE_CHOICES
            },
            "colour": json_values,
        },
    )
    | json_values
)
limits = st.integers(-1, LIMIT_MAX + 2) | st.sampled_from([10.0, "10", True, False, None, [10]])
bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "goals": slug_lists,
            "conditions": slug_lists,
            "preferences": preferences,
            "what_matters": what_matters,
            "limit": limits,
            "extra": json_values,
        },
    )
    | json_values
)
plain_bodies = st.fixed_dictionaries(
    {"goals": st.lists(st.sampled_from(["sleep", "pain-tension"]), min_size=1, max_size=50)},
    optional={
        "conditions": st.lists(st.sampled_from(sorted(KNOWN.conditions)), max_size=50),
        "preferences": st.fixed_dictionaries(
            {},
            optional={
                "format": st.sampled_from(FORMAT_CHOICES),
                "pressure": st.sampled_from(PRESSURE_CHOICES),
            },
        ),
        "what_matters": st.fixed_dictionaries(
            {}, optional={name: st.sampled_from(words) for name, words in VALUE_CHOICES.items()}
        ),
        "limit": st.integers(1, LIMIT_MAX),
    },
)
# A plain body with one field changed to anything, likely to a near miss.
changes = st.one_of(
    st.tuples(st.just("goals"), slug_lists),
    st.tuples(st.just("conditions"), slug_lists),
    st.tuples(st.just("preferences"), preferences),
    st.tuples(st.just("what_matters"), what_matters),
    st.tuples(st.just("limit"), limits),
)
nearly_plain_bodies = st.builds(
    lambda body, change: {**body, change[0]: change[1]}, plain_bodies, changes
)


@PROPERTY
@given(body=bodies | nearly_plain_bodies)
@example(body={"goals": [NOT_SLUGS[0]]})
@example(body={"goals": ["sleep", NOT_SLUGS[1]]})
@example(body={"goals": [" sleep"]})
@example(body={"goals": ["sleep"] * (SLUG_LIST_LIMIT + 1)})
@example(body={"goals": ["sleep"], "limit": True})
@example(body={"goals": ["sleep"], "limit": 10.0})
@example(body={"goals": ["sleep"], "conditions": None})
@example(body={"goals": ["sleep"], "preferences": {"format": "Online"}})
def test_what_the_cheap_reading_takes_the_serializer_reads_alike(body):
    plain = plain_answers(body, KNOWN)

    if plain is not None:
        assert serializer_reading(body) == plain


@PROPERTY
@given(body=plain_bodies)
def test_a_plain_valid_body_is_read_cheaply(body):
    plain = plain_answers(body, KNOWN)

    assert plain is not None
    assert plain == serializer_reading(body)


def test_the_defaults_are_any_preference_and_a_shortlist():
    asked = plain_answers({"goals": ["sleep"]}, KNOWN)

    assert asked.answers == Answers(goals=frozenset({"sleep"}))
    assert asked.limit == SHORTLIST_SIZE


@pytest.mark.django_db
def test_a_plain_body_builds_no_serializer_and_a_bad_one_does(api, seeded, monkeypatch):
    built = []

    class CountingAnswersSerializer(AnswersSerializer):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(
        "wellness.api.views.recommendations.AnswersSerializer", CountingAnswersSerializer
    )
    plain = {
        "goals": ["sleep"],
        "conditions": ["pregnancy"],
        "preferences": {"format": "any", "pressure": "gentle"},
        "limit": 3,
    }

    assert api.post(URL, plain, format="json").status_code == 200
    assert built == []
    assert api.post(URL, {"goals": ["sleep"], "limit": 0}, format="json").status_code == 400
    assert len(built) == 1
