"""``POST /api/v1/recommendations/``: the questionnaire's answers in, the explained shortlist out.

The same service as the results page computes it. Nothing about the request is stored or logged:
the view keeps no record, its locals are hidden from error reports, and an error about a
screening answer names its position, never its value.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wellness.api.serializers.recommendations import AnswersSerializer, ResultSerializer
from wellness.api.throttling import RecommendationThrottle
from wellness.recommender import Answers
from wellness.selectors import catalogue_snapshot
from wellness.services import recommendation_compute


@dataclasses.dataclass(frozen=True)
class KnownSlugs:
    version: str
    goals: frozenset[str]
    conditions: frozenset[str]


# The slugs of the newest catalogue seen. Answers are checked against it before computing, and
# the result's catalogue version says whether it was current: so a warm request reads only the
# change marker, once, inside recommendation_compute.
_known: KnownSlugs | None = None


def _known_now() -> KnownSlugs:
    """Return the slugs of the current catalogue (reads the change marker: one query)."""
    global _known
    snapshot = catalogue_snapshot()
    known = _known
    if known is None or known.version != snapshot.version:
        known = KnownSlugs(
            snapshot.version, frozenset(snapshot.goals), frozenset(snapshot.conditions)
        )
        _known = known
    return known


@sensitive_variables()
def _answers(data: Any, known: KnownSlugs) -> Answers:
    """Return the answers in the body, or raise a ValidationError naming every bad field."""
    form = AnswersSerializer(data=data, context={"known": known})
    form.is_valid(raise_exception=True)
    valid = form.validated_data
    preferences = valid.get("preferences") or {}
    return Answers(
        goals=frozenset(valid["goals"]),
        conditions=frozenset(valid["conditions"]),
        format=preferences.get("format", "any"),
        pressure=preferences.get("pressure", "any"),
    )


@method_decorator(sensitive_post_parameters(), name="dispatch")
class RecommendationView(APIView):
    """Recommend therapies for the questionnaire's answers."""

    # Nobody logs in to ask, and reading a session or token would cost queries for nothing.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [RecommendationThrottle]

    @property
    def max_body_bytes(self) -> int:
        return settings.API_RECOMMENDATION_MAX_BODY_BYTES

    @extend_schema(
        operation_id="recommendations_create",
        request=AnswersSerializer,
        responses={200: ResultSerializer},
        examples=[
            OpenApiExample(
                "Sleep, pregnant",
                value={
                    "goals": ["sleep"],
                    "conditions": ["pregnancy"],
                    "preferences": {"format": "any", "pressure": "any"},
                },
                request_only=True,
            )
        ],
    )
    @method_decorator(sensitive_variables())
    def post(self, request, *args: Any, **kwargs: Any) -> Response:
        known = _known or _known_now()
        try:
            answers = _answers(request.data, known)
        except serializers.ValidationError:
            # The slugs may be from an older catalogue: judge the answers by the current one.
            current = _known_now()
            if current.version == known.version:
                raise
            known, answers = current, _answers(request.data, current)
        result = recommendation_compute(answers=answers)
        if result.catalogue_version != known.version:
            # The catalogue changed since the slugs were read: check again, then answer from it.
            known = _known_now()
            answers = _answers(request.data, known)
            if result.catalogue_version != known.version:
                result = recommendation_compute(answers=answers)
        return Response(ResultSerializer(result).data, headers={"Cache-Control": "no-store"})
