"""ETags on the read endpoints, tied to the catalogue's change marker, so clients can revalidate.

The marker (one query) changes whenever the catalogue or its evidence changes, so an ETag made from
it, the address and who is asking stays valid exactly as long as the answer would be the same.
``If-None-Match`` with a current tag gets 304 without reading the catalogue.
"""

from __future__ import annotations

import hashlib

from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.response import Response

from wellness.selectors import catalogue_change_marker

# Bump when the shape of a read response changes, so clients do not keep an old representation.
REPRESENTATION_VERSION = "1"


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


class CatalogueETagMixin:
    """Answer ``list`` and ``retrieve`` with a weak ETag and honour ``If-None-Match``."""

    def catalogue_etag(self, request) -> str:
        audience = "staff" if self.sees_everything() else "public"
        marker = catalogue_change_marker()
        key = repr((REPRESENTATION_VERSION, marker, request.get_full_path(), audience))
        return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'

    def _conditional(self, render, request, *args, **kwargs) -> Response:
        etag = self.catalogue_etag(request)
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        if _opaque(etag) in {_opaque(tag) for tag in wanted}:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = render(request, *args, **kwargs)
        if response.status_code in (status.HTTP_200_OK, status.HTTP_304_NOT_MODIFIED):
            response["ETag"] = etag
            # Always revalidate; staff answers include drafts, so shared caches must not keep them.
            if self.sees_everything():
                patch_cache_control(response, no_cache=True, private=True)
            else:
                patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response

    def list(self, request, *args, **kwargs) -> Response:
        return self._conditional(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs) -> Response:
        return self._conditional(super().retrieve, request, *args, **kwargs)
