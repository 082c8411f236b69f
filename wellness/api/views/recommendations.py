"""``POST /api/v1/recommendations/``: the questionnaire's answers in, the explained shortlist out.

The same service as the results page computes it. Nothing about the request is stored or logged:
the view keeps no record, its locals are hidden from error reports, and an error about a
screening answer names its position, never its value.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wellness.api.serializers.answers import AnswersSerializer, Asked, KnownSlugs, plain_answers
from wellness.api.serializers.recommendations import ResultSerializer
from wellness.api.serializers.result_dicts import result_dict
from wellness.api.throttling import RecommendationThrottle
from wellness.http import no_store
from wellness.selectors import catalogue_snapshot
from wellness.services import recommendation_compute

# The slugs of the newest catalogue seen. Answers are checked against it before computing, and
# the result's catalogue version says whether it was current: so a warm request reads only the
# change marker, once, inside recommendation_compute.
_known: KnownSlugs | None = None


def _known_now(*, fresh: bool = False) -> KnownSlugs:
    """Return the slugs of the current catalogue (reads the change marker: at most one query;
    ``fresh``: one query, so a goal added a moment ago by another process is known)."""
    global _known
    snapshot = catalogue_snapshot(fresh=fresh)
    known = _known
    if known is None or known.version != snapshot.version:
        known = KnownSlugs(
            snapshot.version, frozenset(snapshot.goals), frozenset(snapshot.conditions)
        )
        _known = known
    return known


@sensitive_variables()
def _asked(data: Any, known: KnownSlugs) -> Asked:
    """Return what the body asks for, or raise a ValidationError naming every bad field."""
    asked = plain_answers(data, known)
    if asked is not None:
        return asked
    form = AnswersSerializer(data=data, context={"known": known})
    form.is_valid(raise_exception=True)
    return form.asked()


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
                    "limit": 10,
                },
                request_only=True,
            )
        ],
    )
    @method_decorator(sensitive_variables())
    def post(self, request, *args: Any, **kwargs: Any) -> Response:
        known = _known or _known_now()
        try:
            asked = _asked(request.data, known)
        except serializers.ValidationError:
            # The slugs may be from an older catalogue: judge the answers by the current one.
            current = _known_now(fresh=True)
            if current.version == known.version:
                raise
            known, asked = current, _asked(request.data, current)
        result = recommendation_compute(answers=asked.answers, limit=asked.limit)
        if result.catalogue_version != known.version:
            # The catalogue changed since the slugs were read: check again, then answer from it.
            known = _known_now()
            asked = _asked(request.data, known)
            if result.catalogue_version != known.version:
                result = recommendation_compute(answers=asked.answers, limit=asked.limit)
        return no_store(Response(result_dict(result)))
