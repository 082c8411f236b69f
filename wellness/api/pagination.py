"""Pages of lists: 20 items by default, up to 100 with ``?page_size=``."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination, serializers

from wellness.api.serializers.base import QueryIntegerField

MAX_PAGE_SIZE = 100


class PageQuerySerializer(serializers.Serializer):
    """The page parameters, checked strictly: a bad one is named in a 400, never ignored."""

    page = QueryIntegerField(min_value=1, required=False)
    page_size = QueryIntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": MAX_PAGE_SIZE}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
