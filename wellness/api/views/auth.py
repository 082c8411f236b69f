"""``POST /api/v1/auth/token/``: exchange a staff username and password for an API token."""

from __future__ import annotations

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from wellness.api.parsers import LimitedJSONParser
from wellness.api.throttling import TokenThrottle


class TokenView(ObtainAuthToken):
    """Return the token of the user with these credentials, making one if needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [LimitedJSONParser]
