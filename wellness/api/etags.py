"""ETags on the read endpoints, tied to the catalogue's change marker, so clients can revalidate.

The marker (one query) changes whenever the catalogue or its evidence changes, so an ETag made from
it, the address and who is asking stays valid exactly as long as the answer would be the same.
``If-None-Match`` with a current tag gets 304 without reading the catalogue.

For the same reason a public answer is kept, rendered, in the default cache under the tag's key:
once warm, a read costs the marker query and one cache read, and no serializer runs. Staff
answers include drafts, so they are never read from or written to the shared cache.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import connection
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.response import Response

from wellness import process_cache
from wellness.addresses import API_VALUE, plainly_spelled
from wellness.selectors import catalogue_change_marker

if TYPE_CHECKING:
    from rest_framework.viewsets import ReadOnlyModelViewSet as _ViewSet
else:
    _ViewSet = object  # mixed into a view set, which comes after it in the bases

# Bump when the shape of a read response changes, so clients do not keep an old representation.
REPRESENTATION_VERSION = "1"

# A kept answer is never read again once the marker moves; the timeout only frees the memory.
CACHE_TIMEOUT = 15 * 60


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _cache_key(tag: str, request) -> str:
    # The page links in a list name the host and scheme, so they are part of the key too.
    return f"api-read:{_digest(tag, request.build_absolute_uri(), request.accepted_media_type)}"


def _cached(key: str) -> HttpResponse | None:
    kept = process_cache.rendered_get(key)
    if kept is None:
        return None
    content, content_type = kept
    return HttpResponse(content, content_type=content_type)


def _keep(key: str, response: HttpResponse) -> None:
    kept = (response.content, response["Content-Type"])
    process_cache.rendered_keep(key, kept, timeout=CACHE_TIMEOUT)


class CatalogueETagMixin(_ViewSet):
    """Answer ``list`` and ``retrieve`` with a weak ETag and honour ``If-None-Match``.

    Public answers are kept in the cache; the view names the query parameters its list reads
    (``list_query_parameters``), and only addresses spelled with those are kept.
    """

    def list_query_parameters(self) -> frozenset[str]:
        return frozenset()

    def sees_everything(self) -> bool:
        """Return whether this user may see drafts (the view set says)."""
        raise NotImplementedError

    def _conditional(self, render, request, names: frozenset[str], *args, **kwargs) -> HttpResponse:
        public = not self.sees_everything()
        tag = _digest(
            REPRESENTATION_VERSION,
            catalogue_change_marker(),
            request.get_full_path(),
            "public" if public else "staff",
        )
        etag = f'W/"{tag}"'
        # An address is kept only after it answered 200, so one that is refused (a bad query
        # parameter, an unknown slug) is never found here and is refused again below.
        query = request.META.get("QUERY_STRING", "")
        keep = public and plainly_spelled(query, dict.fromkeys(names, 1), API_VALUE)
        key = _cache_key(tag, request) if keep else ""
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        response: HttpResponse  # a kept answer is the rendered bytes, not a DRF Response
        if _opaque(etag) in {_opaque(given) for given in wanted}:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        elif keep and (kept := _cached(key)) is not None:
            response = kept
        else:
            fresh: Response = render(request, *args, **kwargs)
            # Keep only what is committed: a transaction that rolls back could leave an answer
            # under a marker that later means something else.
            committed = not connection.in_atomic_block
            if keep and committed and fresh.status_code == status.HTTP_200_OK:
                fresh.add_post_render_callback(lambda rendered: _keep(key, rendered))
            response = fresh
        if response.status_code in (status.HTTP_200_OK, status.HTTP_304_NOT_MODIFIED):
            response["ETag"] = etag
            # Always revalidate; staff answers include drafts, so shared caches must not keep them.
            if public:
                patch_cache_control(response, no_cache=True)
            else:
                patch_cache_control(response, no_cache=True, private=True)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response

    # A kept answer is a plain HttpResponse, which DRF sends as it is; its stubs say Response.
    def list(self, request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        names = self.list_query_parameters()
        return self._conditional(self.render_list, request, names, *args, **kwargs)

    def render_list(self, request, *args, **kwargs) -> Response:
        """Answer the list afresh (a view checks its query parameters here, when not kept)."""
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs) -> HttpResponse:  # type: ignore[override]
        return self._conditional(super().retrieve, request, frozenset(), *args, **kwargs)
