"""Sourced claims: sources, their findings (each worded by ``statement_for``) and safety rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.harm_statements import harm_statement_for
from evidence.models import Certainty, Finding, Harm, SafetyRule, Source
from evidence.statements import figures_for, statement_for
from therapies.models import Condition, Goal, Technique, Therapy
from wellness.api.serializers.base import (
    AllowedChoiceField,
    CleanModelSerializer,
    PublishedSourceRefField,
    SlugRefField,
    SourceRefField,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A field named "source" is marked `# type: ignore[assignment]`: the stubs take it for the
# `source` attribute every DRF field has, but DRF's metaclass moves declared fields out of the
# class, so that attribute is untouched.


class FindingSerializer(serializers.ModelSerializer):
    therapy = serializers.SlugRelatedField[Therapy](
        slug_field="slug", read_only=True, allow_null=True
    )
    # Empty when the finding is about one therapy, or reports no number.
    therapy_kind = serializers.ChoiceField(
        choices=Therapy.Kind.choices, allow_blank=True, read_only=True
    )
    effect_measure = serializers.ChoiceField(
        choices=Finding.Measure.choices, allow_blank=True, read_only=True
    )
    technique = serializers.SlugRelatedField[Technique](
        slug_field="slug", read_only=True, allow_null=True
    )
    goal = serializers.SlugRelatedField[Goal](slug_field="slug", read_only=True)
    statement = serializers.SerializerMethodField(
        help_text="The finding in plain words, with its numbers, their range and certainty."
    )
    figures = serializers.SerializerMethodField(
        help_text="The numbers exactly as the source published them, e.g. "
        '"Hedges\' g 0.79 (95% CI 0.70 to 0.89)"; empty when it gives none.'
    )
    needs_clinical_review = serializers.BooleanField(
        read_only=True,
        help_text="True while a certainty rated by our team awaits a clinician's check.",
    )
    source = SourceRefField()  # type: ignore[assignment]

    class Meta:
        model = Finding
        fields = [
            "slug",
            "therapy",
            "therapy_kind",
            "technique",
            "goal",
            "outcome",
            "better_when",
            "population",
            "comparator",
            "direction",
            "effect_measure",
            "effect_unit",
            "effect_value",
            "ci_low",
            "ci_high",
            "studies_count",
            "participants_count",
            "certainty",
            "certainty_rated_by",
            "clinician_checked",
            "needs_clinical_review",
            "context",
            "statement",
            "figures",
            "source",
        ]
        read_only_fields = fields

    def get_statement(self, finding: Finding) -> str:
        return statement_for(finding)

    def get_figures(self, finding: Finding) -> str:
        return figures_for(finding)


class FindingWriteSerializer(CleanModelSerializer):
    source = SlugRefField(queryset=Source.objects.all())  # type: ignore[assignment]
    therapy = SlugRefField(
        queryset=Therapy.objects.all(),
        allow_null=True,
        required=False,
        help_text="The therapy; leave out (or null) for a finding about a whole kind.",
    )
    technique = SlugRefField(
        queryset=Technique.objects.all(),
        allow_null=True,
        required=False,
        help_text="A technique, for a finding limited to it (e.g. tummy massage).",
    )
    goal = SlugRefField(queryset=Goal.objects.all())

    constraint_fields = {
        "finding_about_one_therapy_or_one_kind": "therapy",
        "finding_ci_low_not_above_high": "ci_low",
        "finding_value_not_below_ci": "effect_value",
        "finding_value_not_above_ci": "effect_value",
        "finding_number_has_measure": "effect_measure",
        "finding_ci_has_both_ends": "ci_high",
        "finding_unit_only_for_a_difference": "effect_unit",
        "finding_ratio_above_zero": "effect_value",
        "finding_direction_valid": "direction",
        "finding_better_when_valid": "better_when",
        "finding_certainty_rated_by_valid": "certainty_rated_by",
        "finding_certainty_valid": "certainty",
    }

    class Meta:
        model = Finding
        fields = [
            *(
                f
                for f in FindingSerializer.Meta.fields
                if f not in ("statement", "figures", "needs_clinical_review")
            ),
            "certainty_reason",
        ]


class HarmSerializer(serializers.ModelSerializer):
    therapy = serializers.SlugRelatedField[Therapy](
        slug_field="slug", read_only=True, allow_null=True
    )
    therapy_kind = serializers.ChoiceField(
        choices=Therapy.Kind.choices, allow_blank=True, read_only=True
    )
    technique = serializers.SlugRelatedField[Technique](
        slug_field="slug", read_only=True, allow_null=True
    )
    certainty = serializers.ChoiceField(
        choices=Certainty.choices,
        allow_blank=True,
        read_only=True,
        help_text="GRADE certainty of a side effect or a risk, rated by our team; empty if none.",
    )
    statement = serializers.SerializerMethodField(
        help_text="The harm or burden in plain words, with how many people it affected."
    )
    needs_clinical_review = serializers.BooleanField(
        read_only=True,
        help_text="True while its certainty (always our team's) awaits a clinician's check.",
    )
    level = serializers.ChoiceField(
        choices=Harm.Level.choices,
        allow_blank=True,
        read_only=True,
        help_text="For the time it asks or its cost, in one word; empty otherwise.",
    )
    source = PublishedSourceRefField(help_text="Null when it has none, or it is not published.")  # type: ignore[assignment]

    class Meta:
        model = Harm
        fields = [
            "slug",
            "therapy",
            "therapy_kind",
            "technique",
            "category",
            "description",
            "population",
            "affected_percent",
            "affected_count",
            "people_count",
            "certainty",
            "clinician_checked",
            "needs_clinical_review",
            "context",
            "level",
            "statement",
            "source",
            "position",
        ]
        read_only_fields = fields

    def get_statement(self, harm: Harm) -> str:
        return harm_statement_for(harm)


class SourceStaffSerializer(serializers.ModelSerializer):
    """What only staff see of a source: its review and link checks."""

    submitted_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    reviewed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Source
        fields = [
            "note",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "link_checked_at",
            "link_status",
            "link_broken",
        ]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(
        choices=Source.Type.choices, source="source_type", read_only=True
    )
    url = serializers.URLField(read_only=True, allow_blank=True)
    link = serializers.CharField(read_only=True, help_text="The best address to read it at.")
    findings = FindingSerializer(many=True, read_only=True)
    harms = HarmSerializer(many=True, read_only=True, help_text="Harms and burdens it reports.")
    staff = serializers.SerializerMethodField(
        help_text="Review and link-check details; null unless you may view sources as staff."
    )

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "authors",
            "venue",
            "year",
            "doi",
            "pmid",
            "url",
            "link",
            "type",
            "studies_count",
            "participants_count",
            "status",
            "reviewed_at",
            "updated_at",
            "findings",
            "harms",
            "staff",
        ]
        read_only_fields = fields

    @extend_schema_field(SourceStaffSerializer(allow_null=True))
    def get_staff(self, source: Source) -> dict[str, Any] | None:
        request = self.context.get("request")
        if request is None or not request.user.has_perm("evidence.view_source"):
            return None
        return SourceStaffSerializer(source).data


class SourceWriteSerializer(CleanModelSerializer):
    type = AllowedChoiceField(choices=Source.Type.choices, source="source_type")

    constraint_fields = {
        "source_year_plausible": "year",
        "source_type_valid": "type",
    }

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "authors",
            "venue",
            "year",
            "doi",
            "pmid",
            "url",
            "type",
            "studies_count",
            "participants_count",
            "note",
        ]
        extra_kwargs = {"note": {"help_text": "For curators only; never shown to the public."}}


SAFETY_RULE_FIELDS = ["id", "therapy", "condition", "effect", "message", "source"]


class SafetyRuleSerializer(serializers.ModelSerializer):
    therapy = serializers.SlugRelatedField[Therapy](slug_field="slug", read_only=True)
    condition = serializers.SlugRelatedField[Condition](slug_field="slug", read_only=True)
    source = PublishedSourceRefField(help_text="Null while the source is not yet published.")  # type: ignore[assignment]

    class Meta:
        model = SafetyRule
        fields = SAFETY_RULE_FIELDS
        read_only_fields = fields


class SafetyRuleWriteSerializer(CleanModelSerializer):
    therapy = SlugRefField(queryset=Therapy.objects.all())
    condition = SlugRefField(queryset=Condition.objects.all())
    source = SlugRefField(queryset=Source.objects.all())  # type: ignore[assignment]

    constraint_fields = {
        "safety_rule_one_per_condition_and_therapy": "therapy",
        "safety_rule_effect_valid": "effect",
    }

    class Meta:
        model = SafetyRule
        fields = SAFETY_RULE_FIELDS


class HarmWriteSerializer(CleanModelSerializer):
    therapy = SlugRefField(queryset=Therapy.objects.all(), allow_null=True, required=False)
    technique = SlugRefField(queryset=Technique.objects.all(), allow_null=True, required=False)
    source = SlugRefField(  # type: ignore[assignment]
        queryset=Source.objects.all(),
        allow_null=True,
        required=False,
        help_text="Needed for a side effect, a risk, and for any number.",
    )

    constraint_fields = {
        "harm_about_one_therapy_kind_or_technique": "therapy",
        "harm_category_valid": "category",
        "harm_risk_has_source": "source",
        "harm_number_has_source": "source",
        "harm_percent_in_range": "affected_percent",
        "harm_affected_not_above_studied": "affected_count",
        "harm_certainty_valid": "certainty",
    }

    class Meta:
        model = Harm
        fields = [
            f for f in HarmSerializer.Meta.fields if f not in ("statement", "needs_clinical_review")
        ]
