"""The catalogue's vocabulary: therapies, goals, screening questions and crisis lines."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy
from wellness.api.serializers.base import AllowedChoiceField, CleanModelSerializer, SlugRefField
from wellness.api.serializers.evidence import FindingSerializer, SafetyRuleSerializer
from wellness.api.serializers.recommendations import HarmRefSerializer
from wellness.api.serializers.result_dicts import harm_dict
from wellness.selectors import catalogue_snapshot, harms_shown_for

# What staff write about a therapy; a read adds when it changed and what the catalogue says of it.
THERAPY_FIELDS = [
    "slug",
    "name",
    "kind",
    "summary",
    "what_to_expect",
    "session_minutes_min",
    "session_minutes_max",
    "formats",
    "pressure",
    "goals",
    "techniques",
    "only_for_condition",
    "published",
    "reviewed_on",
    "next_review_on",
]


class FormatsField(serializers.ListField):
    """The ways a therapy is offered, as a list such as ``["in-person", "online"]``."""

    model_fields = tuple(Therapy.FORMAT_FIELDS.values())

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=AllowedChoiceField(choices=Therapy.Format.values),
            allow_empty=False,
            min_length=1,  # as allow_empty, so the schema says it (minItems)
            source="*",
            **kwargs,
        )

    # With source="*" it reads the whole therapy and writes its format fields: not the lists
    # the stubs of a ListField expect.
    def to_representation(self, therapy: Therapy) -> list[str]:  # type: ignore[override]
        return therapy.offered_formats()

    def to_internal_value(self, data: Any) -> dict[str, bool]:  # type: ignore[override]
        return Therapy.format_fields(super().to_internal_value(data))


class TherapySerializer(serializers.ModelSerializer):
    formats = FormatsField(read_only=True)
    goals = serializers.SlugRelatedField[Goal](slug_field="slug", many=True, read_only=True)
    techniques = serializers.SlugRelatedField[Technique](
        slug_field="slug", many=True, read_only=True
    )
    only_for_condition = serializers.SlugRelatedField[Condition](
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Offered only to people who answer yes to this question; null for everyone.",
    )
    safety_rules = SafetyRuleSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True, help_text="Published findings only.")
    harms = serializers.SerializerMethodField(
        help_text="Its harms and burdens as a result card shows them: its own, its techniques' "
        "and its kind's (a record of its own replaces its kind's of the same category)."
    )

    @extend_schema_field(HarmRefSerializer(many=True))
    def get_harms(self, therapy: Therapy) -> list[dict[str, Any]]:
        # One snapshot for the whole response, however many therapies it lists.
        root = self.root
        catalogue = getattr(root, "_catalogue", None)
        if catalogue is None:
            # Kept on the root serializer for this response alone.
            catalogue = root._catalogue = catalogue_snapshot()  # type: ignore[attr-defined]
        return [harm_dict(harm) for harm in harms_shown_for(therapy, catalogue)]

    class Meta:
        model = Therapy
        fields = [*THERAPY_FIELDS, "updated_at", "safety_rules", "findings", "harms"]
        read_only_fields = fields


class TherapyWriteSerializer(CleanModelSerializer):
    formats = FormatsField()
    goals = SlugRefField(many=True, queryset=Goal.objects.all(), required=False)
    techniques = SlugRefField(many=True, queryset=Technique.objects.all(), required=False)
    only_for_condition = SlugRefField(
        queryset=Condition.objects.all(),
        allow_null=True,
        required=False,
        help_text="A condition slug: offer it only to people who answer yes (e.g. pregnancy).",
    )

    constraint_fields = {
        "therapy_session_length_in_order": "session_minutes_min",
        "therapy_offered_in_some_format": "formats",
        "therapy_next_review_after_last": "next_review_on",
        "therapy_kind_valid": "kind",
        "therapy_pressure_valid": "pressure",
    }

    class Meta:
        model = Therapy
        fields = THERAPY_FIELDS


class TechniqueSerializer(CleanModelSerializer):
    not_for = SlugRefField(many=True, queryset=Condition.objects.all(), required=False)

    class Meta:
        model = Technique
        fields = ["slug", "name", "description", "not_for"]


class NextStepSerializer(CleanModelSerializer):
    conditions = SlugRefField(many=True, queryset=Condition.objects.all(), required=False)
    goals = SlugRefField(many=True, queryset=Goal.objects.all(), required=False)

    constraint_fields = {"next_step_waiting_needs_no_clinician": "is_waiting"}

    class Meta:
        model = NextStep
        fields = [
            "slug",
            "title",
            "text",
            "conditions",
            "goals",
            "needs_clinician",
            "is_waiting",
            "position",
        ]


class GoalSerializer(CleanModelSerializer):
    class Meta:
        model = Goal
        fields = ["slug", "label", "description", "position"]


class ConditionSerializer(CleanModelSerializer):
    constraint_fields = {"condition_single_crisis_question": "is_crisis"}

    class Meta:
        model = Condition
        fields = ["slug", "question", "help_text", "is_crisis", "active", "position"]
        # The single-crisis-question constraint is checked by full_clean, with its own message.
        extra_kwargs: dict[str, dict[str, Any]] = {"is_crisis": {"validators": []}}


class CrisisContactSerializer(CleanModelSerializer):
    constraint_fields = {
        "crisis_contact_reachable": "phone",
        "crisis_contact_region_valid": "region",
    }

    class Meta:
        model = CrisisContact
        fields = ["id", "region", "name", "phone", "text", "url", "when_to_use", "position"]
