"""The recommendation endpoint's request (the answers) and response (docs/architecture.md §7).

The response serializers read the engine's frozen dataclasses and describe the answer in the
OpenAPI schema; the view builds the same JSON with ``result_dicts`` (tests check both agree).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, NamedTuple

from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.models import Certainty, Finding, Harm, SafetyRule
from evidence.statements import certainty_words
from therapies.models import Therapy
from wellness.api.serializers.base import (
    AllowedChoiceField,
    SourceRefSerializer,
    StrictIntegerField,
)
from wellness.api.serializers.result_dicts import other_path_dict, warning_sign_dict
from wellness.content import GAP_WORDS, PREFERENCE_REASONS
from wellness.recommender import (
    APPROACHES,
    COSTS,
    EVIDENCE_BARS,
    FORMATS,
    PRESSURES,
    SHORTLIST_SIZE,
    TIMES,
    Answers,
    Benefit,
    GoalGap,
    Result,
    SetAside,
)

# --- The request -----------------------------------------------------------------------------

SLUG_LIST_LIMIT = 50
SLUG_MAX_LENGTH = 80
FORMAT_CHOICES = ("any", *FORMATS)
PRESSURE_CHOICES = ("any", *PRESSURES)
# What matters to the person: field → its choices ("any" for no preference).
VALUE_CHOICES = {
    "approach": ("any", *APPROACHES),
    "time": ("any", *TIMES),
    "cost": ("any", *COSTS),
    "evidence": ("any", *EVIDENCE_BARS),
}
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
        child=serializers.SlugField(max_length=SLUG_MAX_LENGTH),
        allow_empty=False,
        max_length=SLUG_LIST_LIMIT,
        help_text="What you want help with: one or more goal slugs from /api/v1/goals/.",
        error_messages={"empty": "Choose at least one goal."},
    )
    conditions = serializers.ListField(
        child=serializers.SlugField(max_length=SLUG_MAX_LENGTH),
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
            raise serializers.ValidationError(unknown)
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
            raise serializers.ValidationError(unknown)
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


# --- The response ----------------------------------------------------------------------------


class TherapyRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Therapy.Kind.choices)


class BenefitSerializer(serializers.Serializer):
    goal = serializers.CharField()
    finding = serializers.CharField(help_text="The finding's slug, as in /api/v1/therapies/.")
    statement = serializers.CharField(help_text="In plain words, with the numbers and their range.")
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    certainty_words = serializers.SerializerMethodField()
    certainty_rated_by = serializers.ChoiceField(
        choices=Finding.RatedBy.choices,
        source="rated_by",
        help_text="team: rated by our team, not the source; see clinician_checked.",
    )
    clinician_checked = serializers.BooleanField(
        help_text="For a rating by our team: whether a clinician has checked it."
    )
    direction = serializers.CharField()
    sources = SourceRefSerializer(many=True)

    def get_certainty_words(self, benefit: Benefit) -> str:
        return certainty_words(benefit.certainty)


class HarmRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    category = serializers.ChoiceField(choices=Harm.Category.choices)
    statement = serializers.CharField(help_text="In plain words, with how many people it affected.")
    certainty = serializers.CharField(
        help_text="GRADE certainty, rated by our team, or empty when not rated."
    )
    clinician_checked = serializers.BooleanField(
        help_text="Whether a clinician has checked the certainty our team gave it."
    )
    level = serializers.ChoiceField(
        choices=Harm.Level.choices,
        allow_blank=True,
        help_text="For the time it asks or its cost, in one word; empty otherwise.",
    )
    source = SourceRefSerializer(allow_null=True)


class WarningSerializer(serializers.Serializer):
    condition = serializers.CharField()
    effect = serializers.ChoiceField(
        choices=[SafetyRule.Effect.CLEARANCE, SafetyRule.Effect.CAUTION],
        help_text="clearance: only after your doctor, midwife or cancer team says yes; "
        "caution: fine with adjustments.",
    )
    message = serializers.CharField()
    source = SourceRefSerializer(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    condition = serializers.CharField()
    message = serializers.CharField()
    source = SourceRefSerializer(allow_null=True)


class RecommendationSerializer(serializers.Serializer):
    therapy = TherapyRefSerializer()
    score = serializers.IntegerField()
    matched_goals = serializers.ListField(child=serializers.CharField())
    benefits = BenefitSerializer(many=True)
    warnings = WarningSerializer(many=True, help_text="Clearance first, then caution.")
    gate = serializers.ChoiceField(
        choices=["clearance", "caution", ""],
        help_text="The strictest advice that applies, where two rules meet; empty for none.",
    )
    suits = ReasonSerializer(many=True, help_text="Conditions this therapy is designed for.")
    harms = HarmRefSerializer(
        many=True,
        help_text="Side effects, serious risks, the time it asks and what it costs: its own, "
        "its techniques' and its kind's.",
    )
    what_to_expect = serializers.CharField(help_text="What a session is like, in plain words.")
    supporting_findings = serializers.IntegerField()
    value_misses = serializers.ListField(
        child=serializers.ChoiceField(choices=["approach", "time", "cost", "cost-some"]),
        help_text="What matters to the person that it does not meet (cost-some: free for some "
        "people only); empty when none was given or it meets all.",
    )


class ExcludedSerializer(serializers.Serializer):
    therapy = TherapyRefSerializer()
    reasons = ReasonSerializer(many=True)


class SetAsideSerializer(serializers.Serializer):
    therapy = TherapyRefSerializer()
    reason = serializers.ChoiceField(choices=list(PREFERENCE_REASONS))
    message = serializers.SerializerMethodField()

    def get_message(self, set_aside: SetAside) -> str:
        return PREFERENCE_REASONS[set_aside.reason]


class GoalGapSerializer(serializers.Serializer):
    goal = serializers.CharField()
    status = serializers.ChoiceField(
        choices=list(GAP_WORDS),
        help_text="ruled-out: evidence exists, but not for a therapy suitable for you; "
        "made-for-others: only for therapies made for a group you are not in; not-given: only "
        "about a technique not used for people with one of your answers; harm; "
        "no-benefit: shown not to help; unclear: studied, unclear results; none: not yet in "
        "our catalogue.",
    )
    message = serializers.SerializerMethodField()
    notes = BenefitSerializer(many=True, help_text="What weak or mixed evidence there is.")

    def get_message(self, gap: GoalGap) -> str:
        return GAP_WORDS[gap.status]


class CrisisContactRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    when_to_use = serializers.CharField()


class CrisisSerializer(serializers.Serializer):
    message = serializers.CharField()
    contacts = CrisisContactRefSerializer(many=True)


class OtherPathSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()


class WarningSignSerializer(serializers.Serializer):
    key = serializers.CharField()
    condition = serializers.CharField(help_text="The screening question answered yes.")
    signs = serializers.CharField(help_text="What to look out for, in plain words.")
    action = serializers.CharField(help_text="Who to call and how soon.")
    source = SourceRefSerializer(allow_null=True)


class ResultSerializer(serializers.Serializer):
    catalogue_version = serializers.CharField(
        help_text="The catalogue this was computed from; it changes when the catalogue does."
    )
    crisis = CrisisSerializer(
        allow_null=True, help_text="Urgent help; when set, recommendations is empty."
    )
    recommendations = RecommendationSerializer(
        many=True, help_text="The best `limit` suitable therapies, best first."
    )
    more_recommendations = serializers.IntegerField(
        help_text="How many more suitable therapies ranked below these were left out. To see "
        f"more of them, ask again with a larger `limit` (up to {LIMIT_MAX})."
    )
    excluded = ExcludedSerializer(many=True, help_text="Not suitable for you, with every reason.")
    set_aside = SetAsideSerializer(
        many=True, help_text="Suitable, but not offered the way you prefer."
    )
    goal_gaps = GoalGapSerializer(
        many=True, help_text="Goals no recommended therapy has good evidence for."
    )
    other_paths = serializers.SerializerMethodField(
        help_text="Other paths besides a therapy, chosen for these answers."
    )

    warning_signs = serializers.SerializerMethodField(
        help_text="Signs that need urgent care for the yes-answers, and what to do. Show them "
        "whenever they are given."
    )

    @extend_schema_field(OtherPathSerializer(many=True))
    def get_other_paths(self, result: Result) -> list[dict[str, Any]]:
        return [other_path_dict(step) for step in result.other_paths]

    @extend_schema_field(WarningSignSerializer(many=True))
    def get_warning_signs(self, result: Result) -> list[dict[str, Any]]:
        return [warning_sign_dict(sign) for sign in result.warning_signs]
