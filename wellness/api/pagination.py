"""Pages of lists: 20 items by default, up to 100 with ``?page_size=``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import QueryDict
from rest_framework import pagination, serializers

from wellness.api.serializers.base import QueryIntegerField

MAX_PAGE_SIZE = 100


class PageQuerySerializer(serializers.Serializer):
    """The page parameters, checked strictly: a bad one is named in a 400, never ignored."""

    page = QueryIntegerField(min_value=1, required=False)
    page_size = QueryIntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


def query_errors(query: QueryDict, forms: Iterable[serializers.Serializer]) -> dict[str, Any]:
    """Check a list's query parameters with ``forms`` (bound to ``query.dict()``): each refused
    parameter with its message, a repeated one first (its last value alone would be read)."""
    forms = list(forms)
    names = {str(name) for form in forms for name in form.fields}
    errors: dict[str, Any] = {
        name: [f"Send {name} once; it was sent {len(values)} times."]
        for name, values in query.lists()
        if len(values) > 1 and name in names
    }
    for form in forms:
        if not form.is_valid():
            errors.update({k: v for k, v in form.errors.items() if k not in errors})
    return errors


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": MAX_PAGE_SIZE}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
