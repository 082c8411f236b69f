"""Therapies, goals, screening questions and crisis lines."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy
from wellness.api import selectors
from wellness.api.serializers.base import AllowedChoiceField, SlugRefField
from wellness.api.serializers.catalogue import (
    ConditionSerializer,
    CrisisContactSerializer,
    GoalSerializer,
    NextStepSerializer,
    TechniqueSerializer,
    TherapySerializer,
    TherapyWriteSerializer,
)
from wellness.api.views.base import CatalogueViewSet, write_schemas
from wellness.api.views.changes import ReviewedWrites, reviewed_write_schemas, with_reason


class TherapyFilterSerializer(serializers.Serializer):
    kind = AllowedChoiceField(choices=Therapy.Kind.choices, required=False)
    goal = SlugRefField(
        queryset=Goal.objects.all(),
        required=False,
        help_text="Only therapies offered for this goal (a slug from /api/v1/goals/).",
    )


class RegionFilterSerializer(serializers.Serializer):
    region = AllowedChoiceField(choices=CrisisContact.Region.choices, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[TherapyFilterSerializer]),
    **write_schemas(TherapySerializer, TherapyWriteSerializer),
)
class TherapyViewSet(CatalogueViewSet):
    """Therapies with their goals, safety rules and published findings."""

    model = Therapy
    selector = staticmethod(selectors.therapies_for_api)
    read_serializer_class = TherapySerializer
    write_serializer_class = TherapyWriteSerializer
    filter_serializer_class = TherapyFilterSerializer

    def apply_filters(self, queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "goal" in filters:
            queryset = queryset.filter(goals=filters["goal"])
        return queryset


class GoalViewSet(CatalogueViewSet):
    """What people want help with."""

    model = Goal
    selector = staticmethod(selectors.goals_for_api)
    read_serializer_class = write_serializer_class = GoalSerializer


ConditionProposalSerializer = with_reason(ConditionSerializer)


@extend_schema_view(**reviewed_write_schemas(ConditionProposalSerializer))
class ConditionViewSet(ReviewedWrites, CatalogueViewSet):
    """The screening questions (yes/no) asked before recommending.

    Staff writes are proposals (202), live once a reviewer approves them at /api/v1/changes/.
    """

    model = Condition
    selector = staticmethod(selectors.conditions_for_api)
    read_serializer_class = ConditionSerializer
    write_serializer_class = ConditionProposalSerializer


@extend_schema_view(list=extend_schema(parameters=[RegionFilterSerializer]))
class CrisisContactViewSet(CatalogueViewSet):
    """Where to get urgent help, by region."""

    model = CrisisContact
    selector = staticmethod(selectors.crisis_contacts_for_api)
    read_serializer_class = write_serializer_class = CrisisContactSerializer
    filter_serializer_class = RegionFilterSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"


class TechniqueViewSet(CatalogueViewSet):
    """Techniques a finding or a harm can be limited to, such as tummy massage."""

    model = Technique
    selector = staticmethod(selectors.techniques_for_api)
    read_serializer_class = write_serializer_class = TechniqueSerializer


class NextStepViewSet(CatalogueViewSet):
    """Other paths besides a therapy, and the answers each is shown for."""

    model = NextStep
    selector = staticmethod(selectors.next_steps_for_api)
    read_serializer_class = write_serializer_class = NextStepSerializer
