"""The recommendation endpoint's request (the answers) and response (DESIGN section 7).

The response serializers read the engine's frozen dataclasses directly, so the schema and the
answer cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.models import Certainty, SafetyRule
from evidence.statements import certainty_words
from therapies.models import Therapy
from wellness.api.serializers.base import AllowedChoiceField, SourceRefSerializer
from wellness.content import OTHER_PATHS, PREFERENCE_REASONS
from wellness.recommender import FORMATS, PRESSURES, Benefit, Result, SetAside

# --- The request -----------------------------------------------------------------------------

SLUG_LIST_LIMIT = 50


class PreferencesSerializer(serializers.Serializer):
    format = AllowedChoiceField(
        choices=("any", *FORMATS), default="any", help_text="How you would like to take part."
    )
    pressure = AllowedChoiceField(
        choices=("any", *PRESSURES), default="any", help_text="For massage: the pressure you like."
    )


class AnswersSerializer(serializers.Serializer):
    """The questionnaire's answers. Nothing here is stored or logged.

    The context's ``known`` holds the goal and condition slugs of the catalogue to check against.
    """

    goals = serializers.ListField(
        child=serializers.SlugField(max_length=80),
        allow_empty=False,
        max_length=SLUG_LIST_LIMIT,
        help_text="What you want help with: one or more goal slugs from /api/v1/goals/.",
        error_messages={"empty": "Choose at least one goal."},
    )
    conditions = serializers.ListField(
        child=serializers.SlugField(max_length=80),
        required=False,
        default=list,
        max_length=SLUG_LIST_LIMIT,
        help_text="The screening questions answered yes: condition slugs from /api/v1/conditions/.",
    )
    preferences = PreferencesSerializer(required=False)

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


# --- The response ----------------------------------------------------------------------------


class TherapyRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Therapy.Kind.choices)


class BenefitSerializer(serializers.Serializer):
    goal = serializers.CharField()
    statement = serializers.CharField(help_text="In plain words, with the numbers and their range.")
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    certainty_words = serializers.SerializerMethodField()
    direction = serializers.CharField()
    sources = SourceRefSerializer(many=True)

    def get_certainty_words(self, benefit: Benefit) -> str:
        return certainty_words(benefit.certainty)


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
    suits = ReasonSerializer(many=True, help_text="Conditions this therapy is designed for.")
    supporting_findings = serializers.IntegerField()


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
    notes = BenefitSerializer(many=True, help_text="What weak or mixed evidence there is.")


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


class ResultSerializer(serializers.Serializer):
    catalogue_version = serializers.CharField(
        help_text="The catalogue this was computed from; it changes when the catalogue does."
    )
    crisis = CrisisSerializer(
        allow_null=True, help_text="Urgent help; when set, recommendations is empty."
    )
    recommendations = RecommendationSerializer(many=True, help_text="Best first.")
    excluded = ExcludedSerializer(many=True, help_text="Not suitable for you, with every reason.")
    set_aside = SetAsideSerializer(
        many=True, help_text="Suitable, but not offered the way you prefer."
    )
    goal_gaps = GoalGapSerializer(
        many=True, help_text="Goals no recommended therapy has good evidence for."
    )
    other_paths = serializers.SerializerMethodField()

    @extend_schema_field(OtherPathSerializer(many=True))
    def get_other_paths(self, result: Result) -> list[dict[str, Any]]:
        return [{"key": key, **OTHER_PATHS[key]} for key in result.other_paths]
