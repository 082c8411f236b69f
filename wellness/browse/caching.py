"""Keep rendered browse pages in the shared cache until the catalogue changes.

A browse page shows the same to everyone, so once rendered it can be served again to anyone who
asks for the same address. Its key holds the catalogue's change marker: an edit, or a finding
published or retracted, moves the marker, so the next request looks under a new key and the
change shows. A warm page costs the marker (at most one query) and one cache read; nothing is
rendered.

Only addresses spelled as our own links and forms spell them are kept, and only once the view
could use every value in them: the entries one catalogue version can have are then bounded by the
catalogue, not by what clients send. Any other address is answered, just rendered each time.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static

from wellness import process_cache
from wellness.addresses import PAGE_VALUE, plainly_spelled
from wellness.selectors import catalogue_change_marker

# Bump when what is stored changes shape, so no process reads an entry written by older code.
_KEY_VERSION = 1
# As long as shared caches may keep the pages (max-age). It bounds what the marker does not see:
# link checks flag a broken link without a history row, and a new release may change templates.
TIMEOUT = 300
# The stylesheets base.html links. In production their names carry a hash of their content, so a
# page cached by an earlier release never points at a file this release no longer serves.
_STYLESHEETS = ("css/site.css", "css/print.css")

View = Callable[..., HttpResponse]


def cached_public_page(*, query: Mapping[str, int] | None = None) -> Callable[[View], View]:
    """Serve the view's 200 answers from the cache while the catalogue is unchanged.

    ``query`` names the parameters the page reads, each with how often it may be given. The key
    is the marker and the full path with its query string, as sent: two addresses that might
    show different pages never share an entry. The view's own headers are kept with the body;
    headers added around it (cache control, security headers) are added on every request.
    """
    allowed = dict(query or {})

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            query = request.META.get("QUERY_STRING", "")
            if connection.in_atomic_block or not plainly_spelled(query, allowed, PAGE_VALUE):
                # Writes in a transaction may never be committed, and an address our links
                # never make may be one of endless spellings: render these, keep nothing.
                return view(request, *args, **kwargs)
            key = _key(request)
            cached = process_cache.rendered_get(key)
            if cached is not None:
                content, headers = cached
                return HttpResponse(content, headers=headers)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and getattr(response, "keep_in_cache", True)
                and not _personal(request, response)
            ):
                process_cache.rendered_keep(
                    key, (response.content, dict(response.items())), timeout=TIMEOUT
                )
            return response

        return wrapper

    return decorator


def not_kept(response: HttpResponse) -> HttpResponse:
    """Mark an answer to a value the view could not use (there is no end of those): not kept."""
    # A marker of ours on the response, read by the decorator above; HttpResponse has no such
    # attribute to type it by.
    response.keep_in_cache = False  # type: ignore[attr-defined]
    return response


def _key(request: HttpRequest) -> str:
    parts = (_KEY_VERSION, catalogue_change_marker(), request.get_full_path(), _stylesheet_urls())
    return "browse-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@functools.cache
def _stylesheet_urls() -> tuple[str, ...]:
    # Fixed for the life of a process: the storage reads its manifest once, when it starts.
    return tuple(static(path) for path in _STYLESHEETS)


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether the answer depends on who asked, so it must not be shared.

    No browse template reads the session, the user, messages, a CSRF token or a CSP nonce
    today; if one ever does, its page is simply rendered every time.
    """
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or response.has_header("Vary")
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request, "csp_nonce", None)  # true only once a nonce was made
        or (session is not None and session.accessed)
    )
