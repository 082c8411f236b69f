"""The recommendation endpoint's response (docs/architecture.md §7); its request, the answers,
is read in ``wellness.api.serializers.answers``.

The response serializers read the engine's frozen dataclasses and describe the answer in the
OpenAPI schema; the view builds the same JSON with ``result_dicts`` (tests check both agree).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.models import Certainty, Finding, Harm, SafetyRule
from evidence.statements import certainty_words
from therapies.models import Therapy
from wellness.api.serializers.answers import LIMIT_MAX
from wellness.api.serializers.base import SourceRefSerializer
from wellness.api.serializers.result_dicts import other_path_dict, warning_sign_dict
from wellness.content import GAP_WORDS, PREFERENCE_REASONS
from wellness.recommender import Benefit, GoalGap, Result, SetAside

# --- The response ----------------------------------------------------------------------------


# A field named "source" is marked `# type: ignore[assignment]`: the stubs take it for the
# `source` attribute every DRF field has, but DRF's metaclass moves declared fields out of the
# class, so that attribute is untouched.


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
    # The finding's numbers, named and formed as in /api/v1/findings/ and /api/v1/therapies/.
    population = serializers.CharField(source="numbers.population", default="")
    comparator = serializers.CharField(source="numbers.comparator", default="")
    effect_measure = serializers.ChoiceField(
        choices=[("", "No number"), *Finding.Measure.choices],
        source="numbers.effect_measure",
        default="",
        help_text="What the number measures; empty when the source gives no number.",
    )
    effect_unit = serializers.CharField(
        source="numbers.effect_unit", default="", help_text="For a difference in a unit only."
    )
    effect_value = serializers.DecimalField(
        max_digits=7, decimal_places=2, source="numbers.effect_value", default=None, allow_null=True
    )
    ci_low = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        source="numbers.ci_low",
        default=None,
        allow_null=True,
        help_text="The low end of the 95% confidence interval.",
    )
    ci_high = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        source="numbers.ci_high",
        default=None,
        allow_null=True,
        help_text="The high end of the 95% confidence interval.",
    )
    studies_count = serializers.IntegerField(
        source="numbers.studies_count", default=None, allow_null=True, min_value=0
    )
    participants_count = serializers.IntegerField(
        source="numbers.participants_count", default=None, allow_null=True, min_value=0
    )

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
    source = SourceRefSerializer(allow_null=True)  # type: ignore[assignment]


class WarningSerializer(serializers.Serializer):
    condition = serializers.CharField()
    effect = serializers.ChoiceField(
        choices=[SafetyRule.Effect.CLEARANCE, SafetyRule.Effect.CAUTION],
        help_text="clearance: only after your doctor, midwife or cancer team says yes; "
        "caution: fine with adjustments.",
    )
    message = serializers.CharField()
    source = SourceRefSerializer(allow_null=True)  # type: ignore[assignment]


class ReasonSerializer(serializers.Serializer):
    condition = serializers.CharField()
    message = serializers.CharField()
    source = SourceRefSerializer(allow_null=True)  # type: ignore[assignment]


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
    source = SourceRefSerializer(allow_null=True)  # type: ignore[assignment]


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
