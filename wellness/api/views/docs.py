"""``/api/v1/docs/``: the API documentation page (Swagger UI; its script is served apart)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    """The docs page, answering OPTIONS with the methods it takes and nothing else.

    REST framework answers OPTIONS with a description of the view, rendered by the view's own
    renderer: here the page's HTML template, fed data meant for JSON. That once failed with a 500;
    a page has nothing to describe, so OPTIONS says which methods it takes.
    """

    http_method_names = ["get", "head", "options"]

    # A plain Django response, which REST framework's dispatch passes on as it is: a Response
    # would still be rendered, by the page's template, whatever its data.
    def options(self, request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        response = HttpResponse(status=200)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
