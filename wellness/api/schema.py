"""The OpenAPI schema: drf-spectacular's, plus the problem responses every operation can give."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.permissions import SAFE_METHODS, AllowAny

from wellness.api.etags import CatalogueETagMixin
from wellness.api.permissions import PublicReadModelWrite
from wellness.api.problems import ProblemSerializer
from wellness.http import PROBLEM_MEDIA_TYPE

BODY_METHODS = ("POST", "PUT", "PATCH")

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each bad field and what is allowed.",
    401: "Not authenticated: send a token (`Authorization: Token …`) or log in. Where no token "
    "is needed, a token that is not valid (expired or revoked) is refused too: send none.",
    403: "Authenticated, but without the permission this needs.",
    404: "No such record, or no such page.",
    406: "Only JSON can be returned.",
    409: "Conflicts with the current state, e.g. a record still in use.",
    413: "The request body is too large.",
    415: "Send the body as `application/json`.",
    429: "Too many requests: wait for `Retry-After` seconds.",
}

HEADERS = {
    401: {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": "How to authenticate.",
        }
    },
    429: {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds to wait before trying again.",
        }
    },
}

ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Changes when the catalogue does; send it back in `If-None-Match`.",
    }
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Our API token (wellness/api/tokens.py), named as DRF's token was: clients keep working."""

    target_class = "wellness.api.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class StaffSessionScheme(OpenApiAuthenticationExtension):
    """The admin session (wellness/api/tokens.py), described as drf-spectacular describes DRF's."""

    target_class = "wellness.api.tokens.StaffSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class AutoSchema(openapi.AutoSchema):
    def _is_public(self) -> bool:
        for permission in self.view.get_permissions():
            if isinstance(permission, AllowAny):
                return True
            if isinstance(permission, PublicReadModelWrite) and self.method in SAFE_METHODS:
                return True
        return False

    def get_auth(self) -> list[dict[str, list]]:
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})
        return auths

    def _problem_statuses(self) -> list[int]:
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        is_list = self.method == "GET" and self._is_list_view()
        statuses = [406]
        if has_body or is_list:
            statuses.append(400)
        if self.view.get_authenticators():
            # A token that is not valid (expired, revoked) is refused even where none is needed.
            statuses.append(401)
        if not self._is_public():
            statuses.append(403)
            if self.method not in SAFE_METHODS:
                statuses.append(409)
        if "{" in self.path or is_list:
            statuses.append(404)
        if has_body:
            statuses += [413, 415]
        if self.method not in SAFE_METHODS and self.view.get_throttles():
            statuses.append(429)
        return sorted(statuses)

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        problem = self.resolve_serializer(ProblemSerializer, direction).ref
        for status in self._problem_statuses():
            entry = responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            entry.setdefault("content", {})[PROBLEM_MEDIA_TYPE] = {"schema": problem}
            if status in HEADERS:
                entry["headers"] = {**entry.get("headers", {}), **HEADERS[status]}
        if self.method == "GET" and isinstance(self.view, CatalogueETagMixin):
            ok = responses.get("200")
            if ok is not None:
                ok["headers"] = {**ok.get("headers", {}), **ETAG_HEADER}
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` tag is still current.",
                "headers": ETAG_HEADER,
            }
        return dict(sorted(responses.items()))
