"""Sources with their findings, findings, and safety rules; the review workflow of a source."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from evidence import services
from evidence.models import Finding, Harm, SafetyRule, Source
from wellness.api import selectors
from wellness.api.permissions import SourceReviewPermission
from wellness.api.problems import ProblemSerializer
from wellness.api.serializers.evidence import (
    FindingSerializer,
    FindingWriteSerializer,
    HarmSerializer,
    HarmWriteSerializer,
    SafetyRuleSerializer,
    SafetyRuleWriteSerializer,
    SourceSerializer,
    SourceWriteSerializer,
)
from wellness.api.views.base import CatalogueViewSet, write_schemas
from wellness.api.views.changes import ReviewedWrites, reviewed_write_schemas, with_reason


def _review_step(summary: str) -> Callable:
    return extend_schema(
        summary=summary,
        request=None,
        responses={
            200: SourceSerializer,
            (409, "application/problem+json"): OpenApiResponse(
                ProblemSerializer, description="The source is not in a state for this step."
            ),
        },
    )


class JobAcceptedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="The job request's id.")
    kind = serializers.ChoiceField(
        choices=["citation-import", "link-check"], help_text="What the job does."
    )
    status = serializers.CharField()


def _job_step(summary: str) -> Callable:
    return extend_schema(
        summary=summary,
        request=None,
        responses={
            202: JobAcceptedSerializer,
            (409, "application/problem+json"): OpenApiResponse(
                ProblemSerializer, description="The source has no DOI or link to use."
            ),
        },
    )


@extend_schema_view(**write_schemas(SourceSerializer, SourceWriteSerializer))
class SourceViewSet(CatalogueViewSet):
    """Published sources with their findings; curators also see and review drafts."""

    model = Source
    selector = staticmethod(selectors.sources_for_api)
    read_serializer_class = SourceSerializer
    write_serializer_class = SourceWriteSerializer

    def _review(self, service: Callable[..., Source]) -> Response:
        source = self.get_object()
        service(source=source, by=self.request.user)
        return Response(self.read_representation(source))

    @_review_step("Send a draft source for review by another curator.")
    @action(detail=True, methods=["post"], permission_classes=[SourceReviewPermission])
    def submit(self, request, slug: str) -> Response:
        return self._review(services.source_submit_for_review)

    @_review_step("Publish a source in review (not by the curator who submitted it).")
    @action(detail=True, methods=["post"], permission_classes=[SourceReviewPermission])
    def publish(self, request, slug: str) -> Response:
        return self._review(services.source_publish)

    @_review_step("Retract a published source, taking its findings off the public site.")
    @action(detail=True, methods=["post"], permission_classes=[SourceReviewPermission])
    def retract(self, request, slug: str) -> Response:
        return self._review(services.source_retract)

    def _job(self, service: Callable, *, kind: str) -> Response:
        job = service(source=self.get_object(), by=self.request.user)
        return Response(
            {"job": job.pk, "kind": kind, "status": job.status},
            status=status.HTTP_202_ACCEPTED,
        )

    @_job_step(
        "Fill in the title, authors, venue and year from the source's DOI, in the background."
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import-citation",
        permission_classes=[SourceReviewPermission],
    )
    def import_citation(self, request, slug: str) -> Response:
        return self._job(services.source_citation_import_request, kind="citation-import")

    @_job_step("Check the source's link now, in the background.")
    @action(
        detail=True,
        methods=["post"],
        url_path="check-link",
        permission_classes=[SourceReviewPermission],
    )
    def check_link(self, request, slug: str) -> Response:
        return self._job(services.source_link_check_request, kind="link-check")

    @_review_step("Return a source in review, or a retracted one, to draft.")
    @action(
        detail=True,
        methods=["post"],
        url_path="return-to-draft",
        permission_classes=[SourceReviewPermission],
    )
    def return_to_draft(self, request, slug: str) -> Response:
        return self._review(services.source_return_to_draft)


@extend_schema_view(**write_schemas(FindingSerializer, FindingWriteSerializer))
class FindingViewSet(CatalogueViewSet):
    """Findings of published sources, each with its plain-language statement."""

    model = Finding
    selector = staticmethod(selectors.findings_for_api)
    read_serializer_class = FindingSerializer
    write_serializer_class = FindingWriteSerializer


SafetyRuleProposalSerializer = with_reason(SafetyRuleWriteSerializer)


@extend_schema_view(**reviewed_write_schemas(SafetyRuleProposalSerializer))
class SafetyRuleViewSet(ReviewedWrites, CatalogueViewSet):
    """What a yes to a screening question means for a therapy.

    Staff writes are proposals (202): they go live when a reviewer approves them at
    /api/v1/changes/. Send ``reason``, for the reviewer, with each one.
    """

    model = SafetyRule
    selector = staticmethod(selectors.safety_rules_for_api)
    read_serializer_class = SafetyRuleSerializer
    write_serializer_class = SafetyRuleProposalSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"


@extend_schema_view(**write_schemas(HarmSerializer, HarmWriteSerializer))
class HarmViewSet(CatalogueViewSet):
    """The harms and burdens of each option: side effects, serious risks, time and cost."""

    model = Harm
    selector = staticmethod(selectors.harms_for_api)
    read_serializer_class = HarmSerializer
    write_serializer_class = HarmWriteSerializer
