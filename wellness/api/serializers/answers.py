"""The recommendation endpoint's request: the questionnaire's answers (docs/architecture.md §7).

``AnswersSerializer`` validates any body and words every error; ``plain_answers`` reads a body
already in the plain valid shape without building the serializer's fields. Nothing here is stored
or logged.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, NamedTuple

from django.views.decorators.debug import sensitive_variables
from rest_framework import serializers

from wellness.api.serializers.base import AllowedChoiceField, StrictIntegerField, StrictSlugField
from wellness.recommender import PREFERENCE_CHOICES, SHORTLIST_SIZE, VALUE_CHOICES, Answers

# --- The request -----------------------------------------------------------------------------

SLUG_LIST_LIMIT = 50
SLUG_MAX_LENGTH = 80
FORMAT_CHOICES = PREFERENCE_CHOICES["format"]
PRESSURE_CHOICES = PREFERENCE_CHOICES["pressure"]
LIMIT_MAX = 100


@dataclasses.dataclass(frozen=True)
class KnownSlugs:
    """The goal and condition slugs of one catalogue version, to check answers against."""

    version: str
    goals: frozenset[str]
    conditions: frozenset[str]


class Asked(NamedTuple):
    """What a valid body asks for: recommendations for these answers, the best ``limit``."""

    answers: Answers
    limit: int


class PreferencesSerializer(serializers.Serializer):
    format = AllowedChoiceField(
        choices=FORMAT_CHOICES, default="any", help_text="How you would like to take part."
    )
    pressure = AllowedChoiceField(
        choices=PRESSURE_CHOICES, default="any", help_text="For massage: the pressure you like."
    )


class WhatMattersSerializer(serializers.Serializer):
    """What matters to the person: it orders only recommendations of equal evidence."""

    approach = AllowedChoiceField(
        choices=VALUE_CHOICES["approach"],
        default="any",
        help_text="talk: a talking therapy; touch: a hands-on one, such as massage.",
    )
    time = AllowedChoiceField(
        choices=VALUE_CHOICES["time"],
        default="any",
        help_text="sessions: time for the sessions only; practice: things to do between too.",
    )
    cost = AllowedChoiceField(
        choices=VALUE_CHOICES["cost"], default="any", help_text="free: it needs to be free."
    )
    evidence = AllowedChoiceField(
        choices=VALUE_CHOICES["evidence"],
        default="any",
        help_text="strong: moderate or high certainty wanted. It reorders nothing; compare "
        "with each benefit's certainty.",
    )


class AnswersSerializer(serializers.Serializer):
    """The questionnaire's answers. Nothing here is stored or logged.

    The context's ``known`` holds the goal and condition slugs of the catalogue to check against.
    """

    goals = serializers.ListField(
        child=StrictSlugField(max_length=SLUG_MAX_LENGTH),
        allow_empty=False,
        min_length=1,  # the same as allow_empty, so the schema says it (minItems)
        max_length=SLUG_LIST_LIMIT,
        help_text="What you want help with: one or more goal slugs from /api/v1/goals/.",
        error_messages={"empty": "Choose at least one goal."},
    )
    conditions = serializers.ListField(
        child=StrictSlugField(max_length=SLUG_MAX_LENGTH),
        required=False,
        default=list,
        max_length=SLUG_LIST_LIMIT,
        help_text="The screening questions answered yes: condition slugs from /api/v1/conditions/.",
    )
    preferences = PreferencesSerializer(required=False)
    what_matters = WhatMattersSerializer(
        required=False,
        help_text="Optional: orders only recommendations the evidence supports equally, after "
        "fewer safety gates; never puts weaker evidence above stronger.",
    )
    limit = StrictIntegerField(
        min_value=1,
        max_value=LIMIT_MAX,
        default=SHORTLIST_SIZE,
        help_text=f"How many recommendations to explain, best first (1 to {LIMIT_MAX}).",
    )

    def validate_goals(self, goals: list[str]) -> list[str]:
        known = self.context["known"].goals
        unknown = {
            index: [f"There is no goal {slug!r}. Choose from: {', '.join(sorted(known))}."]
            for index, slug in enumerate(goals)
            if slug not in known
        }
        if unknown:
            # Errors by the list's index, as DRF gives them; its stubs allow only text keys.
            raise serializers.ValidationError(unknown)  # type: ignore[arg-type]
        return goals

    def validate_conditions(self, conditions: list[str]) -> list[str]:
        known = self.context["known"].conditions
        unknown = {
            # Never repeat a screening answer back, not even one we do not know.
            index: [
                "This is not one of our screening questions. "
                f"Choose from: {', '.join(sorted(known))}."
            ]
            for index, slug in enumerate(conditions)
            if slug not in known
        }
        if unknown:
            # Errors by the list's index, as DRF gives them; its stubs allow only text keys.
            raise serializers.ValidationError(unknown)  # type: ignore[arg-type]
        return conditions

    def asked(self) -> Asked:
        """Return what the validated body asks for."""
        valid = self.validated_data
        preferences = valid.get("preferences") or {}
        values = valid.get("what_matters") or {}
        answers = Answers(
            goals=frozenset(valid["goals"]),
            conditions=frozenset(valid["conditions"]),
            format=preferences.get("format", "any"),
            pressure=preferences.get("pressure", "any"),
            **{name: values.get(name, "any") for name in VALUE_CHOICES},
        )
        return Asked(answers, valid["limit"])


# The slugs SlugField(max_length=SLUG_MAX_LENGTH) takes as they are, with nothing to trim.
_PLAIN_SLUG = re.compile(rf"[-a-zA-Z0-9_]{{1,{SLUG_MAX_LENGTH}}}")


def _known_slugs(value: Any, known: frozenset[str]) -> bool:
    return (
        type(value) is list
        and len(value) <= SLUG_LIST_LIMIT
        and all(
            type(slug) is str and slug in known and _PLAIN_SLUG.fullmatch(slug) for slug in value
        )
    )


@sensitive_variables()
def plain_answers(data: Any, known: KnownSlugs) -> Asked | None:
    """Return what a body in the plain valid shape asks for, or None for any other body.

    Most bodies are lists of known slugs and preferences from the choices: those are read here,
    without building the serializer's fields (which costs about a hundred times as much). Every
    other body, valid or not, goes through ``AnswersSerializer``, which alone words the errors;
    the two read a plain body alike (tests/api/test_recommendation_answers.py).
    """
    if type(data) is not dict:
        return None
    goals = data.get("goals")
    conditions = data.get("conditions", [])
    preferences = data.get("preferences", {})
    values = data.get("what_matters", {})
    limit = data.get("limit", SHORTLIST_SIZE)
    if not (
        goals
        and _known_slugs(goals, known.goals)
        and _known_slugs(conditions, known.conditions)
        and type(preferences) is dict
        and type(values) is dict
        and values.keys() <= VALUE_CHOICES.keys()
        and type(limit) is int  # not bool, which is an int too
        and 1 <= limit <= LIMIT_MAX
    ):
        return None
    # A tuple's `in` compares with ==, so a list or number is simply not found.
    format = preferences.get("format", "any")
    pressure = preferences.get("pressure", "any")
    if format not in FORMAT_CHOICES or pressure not in PRESSURE_CHOICES:
        return None
    chosen = {name: values.get(name, "any") for name in VALUE_CHOICES}
    if any(value not in VALUE_CHOICES[name] for name, value in chosen.items()):
        return None
    answers = Answers(
        goals=frozenset(goals),
        conditions=frozenset(conditions),
        format=format,
        pressure=pressure,
        **chosen,
    )
    return Asked(answers, limit)
