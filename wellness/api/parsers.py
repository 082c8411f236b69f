"""A JSON parser that refuses oversized bodies (413) and any body it cannot read (400)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from wellness.api.problems import RequestTooLarge


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """Parse JSON, reading at most the view's ``max_body_bytes`` (or ``API_MAX_BODY_BYTES``).

    DRF reads the body as a stream, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` check, so the
    limit is kept here.
    """

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        context = parser_context or {}
        limit = getattr(context.get("view"), "max_body_bytes", None) or settings.API_MAX_BODY_BYTES
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            too_large = int(declared or 0) > limit
        except ValueError:
            too_large = False
        if too_large:
            raise RequestTooLarge(f"The request body is larger than {limit:,} bytes.")
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit:,} bytes.")
        try:
            text = raw.decode(context.get("encoding", settings.DEFAULT_CHARSET))
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, LookupError, RecursionError):
            # Never repeat the body back: the message says only what kind of thing is wrong.
            raise ParseError("The request body is not valid JSON.") from None
