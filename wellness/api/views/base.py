"""One view set for each catalogue and evidence model: public reads, staff writes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from wellness.api.etags import CatalogueETagMixin
from wellness.api.pagination import PageQuerySerializer, query_errors
from wellness.api.permissions import PublicReadModelWrite
from wellness.api.throttling import WriteThrottle


def write_schemas(read: type, write: type) -> dict[str, Any]:
    """Document that writes take one shape and answer with the reading shape."""
    return {
        "create": extend_schema(request=write, responses={201: read}),
        "update": extend_schema(request=write, responses=read),
        "partial_update": extend_schema(request=write, responses=read),
    }


@functools.cache
def _field_names(serializer_class: type[serializers.Serializer] | None) -> frozenset[str]:
    return frozenset(serializer_class().fields) if serializer_class is not None else frozenset()


class CatalogueViewSet(CatalogueETagMixin, viewsets.ModelViewSet):
    """Read published records publicly; create, change and delete with the model permission.

    Subclasses name the model, a selector ``(everything=bool) -> QuerySet``, the serializer
    that reads and the one that writes, and optionally a serializer for the list's query filters.
    """

    model: type[Model]
    selector: Callable[..., QuerySet]
    read_serializer_class: type[serializers.Serializer]
    write_serializer_class: type[serializers.Serializer]
    filter_serializer_class: type[serializers.Serializer] | None = None

    permission_classes = [PublicReadModelWrite]
    throttle_classes = [WriteThrottle]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def sees_everything(self) -> bool:
        """Return whether this user may see drafts and unpublished records of the model."""
        opts = self.model._meta
        return self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def get_queryset(self) -> QuerySet:
        return type(self).selector(everything=self.sees_everything())

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.request is not None and self.request.method not in SAFE_METHODS:
            return self.write_serializer_class
        return self.read_serializer_class

    def list_query_parameters(self) -> frozenset[str]:
        return _field_names(PageQuerySerializer) | _field_names(self.filter_serializer_class)

    def render_list(self, request, *args: Any, **kwargs: Any) -> Response:
        # Check every query parameter first, so one 400 names all the bad ones.
        query = request.query_params.dict()  # plain values: an empty one is invalid, not absent
        forms: list[serializers.Serializer] = [PageQuerySerializer(data=query)]
        if self.filter_serializer_class is not None:
            forms.append(self.filter_serializer_class(data=query))
        errors = query_errors(request.query_params, forms)
        if errors:
            raise serializers.ValidationError(errors)
        self.filters = forms[-1].validated_data if len(forms) > 1 else {}
        return super().render_list(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        filters = getattr(self, "filters", None)
        return self.apply_filters(queryset, filters) if filters else queryset

    def apply_filters(self, queryset: QuerySet, filters: dict[str, Any]) -> QuerySet:
        return queryset.filter(**filters)

    def read_representation(self, instance: Model) -> dict[str, Any]:
        """Return the instance as readers see it, fetched afresh with its related records."""
        fresh = type(self).selector(everything=True).get(pk=instance.pk)
        return self.read_serializer_class(fresh, context=self.get_serializer_context()).data

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        lookup = {self.lookup_url_kwarg or self.lookup_field: getattr(instance, self.lookup_field)}
        return Response(
            self.read_representation(instance),
            status=status.HTTP_201_CREATED,
            headers={"Location": self.reverse_action("detail", kwargs=lookup)},
        )

    def update(self, request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        return Response(self.read_representation(instance))

    def perform_destroy(self, instance: Model) -> None:
        with transaction.atomic():
            instance.delete()
