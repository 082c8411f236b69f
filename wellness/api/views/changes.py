"""Reviewed changes through the API: writes to a safety rule are proposals; reviewers decide.

``ReviewedWrites`` makes a viewset's create, update and delete propose the change (202, with the
proposal and its address) instead of saving it; ``/api/v1/changes/`` lists the proposals and
takes ``approve``, ``reject`` and ``revert``, with the same rules as the admin
(``evidence.changes``).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from evidence.changes import (
    REVIEW_PERMISSION,
    REVIEWED,
    change_approve,
    change_propose,
    change_reject,
    change_revert,
    reviewed_for,
)
from evidence.models import ChangeRequest
from wellness.api.pagination import PageQuerySerializer, query_errors
from wellness.api.problems import ProblemSerializer
from wellness.api.serializers.base import StrictCharField

Action = ChangeRequest.Action


class ChangeRequestSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    reviewer = serializers.CharField(
        source="reviewer.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "subject",
            "action",
            "status",
            "target_id",
            "label",
            "values",
            "before",
            "reason",
            "author",
            "created_at",
            "reviewer",
            "reviewed_at",
            "public_reason",
            "review_note",
            "approved_own_as_superuser",
            "reverts",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=2000, help_text="Why this change is needed, for the reviewer."
    )


class ApproveSerializer(serializers.Serializer):
    public_reason = StrictCharField(
        max_length=200, help_text="One plain line for 'What we changed and why'."
    )


class RejectSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000, help_text="Why not, for the author.")


def _staff(request) -> User:
    return cast(User, request.user)


def proposed(change: ChangeRequest, request) -> Response:
    data = ChangeRequestSerializer(change).data
    location = request.build_absolute_uri(reverse("api:change-detail", kwargs={"id": change.pk}))
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ReasonField(StrictCharField):
    """Asked for on every write, a partial update (PATCH) included."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is serializers.empty:
            self.fail("required")
        return super().validate_empty_values(data)


def with_reason(write: type[serializers.ModelSerializer]) -> type[serializers.ModelSerializer]:
    """Return the write serializer with ``reason``: a proposal says why, for its reviewer."""
    meta = type("Meta", (write.Meta,), {"fields": [*write.Meta.fields, "reason"]})
    reason = ReasonField(
        max_length=2000, write_only=True, help_text="Why this change is needed, for the reviewer."
    )
    return type(
        f"{write.__name__[: -len('Serializer')]}ProposalSerializer",
        (write,),
        {"reason": reason, "Meta": meta},
    )


def reviewed_write_schemas(write: type[serializers.Serializer]) -> dict[str, Any]:
    """Document that writes are proposals: they answer 202 with the change for review."""
    answer = {202: ChangeRequestSerializer}
    return {
        "create": extend_schema(request=write, responses=answer),
        "update": extend_schema(request=write, responses=answer),
        "partial_update": extend_schema(request=write, responses=answer),
        "destroy": extend_schema(
            request=ReasonSerializer,
            responses={
                **answer,
                (400, "application/problem+json"): OpenApiResponse(
                    ProblemSerializer, description="No reason was given."
                ),
            },
        ),
    }


class ReviewedWrites:
    """Mixed into a catalogue viewset whose model's changes are reviewed."""

    def _reason(self, request) -> str:
        form = ReasonSerializer(data={"reason": request.data.get("reason", "")})
        form.is_valid(raise_exception=True)
        return form.validated_data["reason"]

    def _values(self, serializer) -> dict[str, Any]:
        kind = REVIEWED[self._subject()]
        values = {}
        for name, value in serializer.validated_data.items():
            attname = f"{name}_id" if f"{name}_id" in kind.fields else name
            if attname in kind.fields:
                values[attname] = getattr(value, "pk", value)
        return values

    def _subject(self) -> str:
        subject = reviewed_for(self.model)  # type: ignore[attr-defined]
        if subject is None:
            raise TypeError("not a reviewed model")
        return subject

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        change = change_propose(
            subject=self._subject(),
            action=Action.CREATE,
            by=_staff(request),
            reason=serializer.validated_data["reason"],
            values=self._values(serializer),
        )
        return proposed(change, request)

    def update(self, request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        target = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(  # type: ignore[attr-defined]
            target, data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        change = change_propose(
            subject=self._subject(),
            action=Action.UPDATE,
            by=_staff(request),
            reason=serializer.validated_data["reason"],
            target=target,
            values=self._values(serializer),
        )
        return proposed(change, request)

    def destroy(self, request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()  # type: ignore[attr-defined]
        reason = self._reason(request)
        change = change_propose(
            subject=self._subject(),
            action=Action.DELETE,
            by=_staff(request),
            reason=reason,
            target=target,
        )
        return proposed(change, request)


class ReviewPermission(BasePermission):
    """Approving and rejecting need the review permission; reading, the view permission."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) in ("approve", "reject"):
            return bool(request.user and request.user.has_perm(REVIEW_PERMISSION))
        return True


class ViewPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("evidence.view_changerequest"))


_REVIEW_RESPONSES = {
    200: ChangeRequestSerializer,
    (409, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="Already reviewed, your own change, or the record changed."
    ),
}


class ChangeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Proposed changes to safety rules, newest first, with what each would change."""

    queryset = ChangeRequest.objects.select_related("author", "reviewer")
    serializer_class = ChangeRequestSerializer
    # Reading needs the view permission; approving and rejecting the review permission too;
    # proposing an undo, the record's own permission (checked by the service).
    permission_classes = [ViewPermission, ReviewPermission]
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]+"

    def list(self, request, *args: Any, **kwargs: Any) -> Response:
        # The page parameters checked strictly, as on every list: a bad one is a 400, not ignored.
        query = request.query_params
        errors = query_errors(query, [PageQuerySerializer(data=query.dict())])
        if errors:
            raise serializers.ValidationError(errors)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ApproveSerializer, responses=_REVIEW_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request, id=None) -> Response:
        form = ApproveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = change_approve(
            change=self.get_object(),
            by=_staff(request),
            public_reason=form.validated_data["public_reason"],
        )
        return Response(ChangeRequestSerializer(change).data)

    @extend_schema(request=RejectSerializer, responses=_REVIEW_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request, id=None) -> Response:
        form = RejectSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = change_reject(
            change=self.get_object(), by=_staff(request), note=form.validated_data["note"]
        )
        return Response(ChangeRequestSerializer(change).data)

    @extend_schema(request=ReasonSerializer, responses={202: ChangeRequestSerializer})
    @action(detail=True, methods=["post"])
    def revert(self, request, id=None) -> Response:
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        change = change_revert(
            change=self.get_object(), by=_staff(request), reason=form.validated_data["reason"]
        )
        return proposed(change, request)
