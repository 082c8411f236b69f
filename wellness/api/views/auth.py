"""``POST /api/v1/auth/token/``: exchange a staff username and password for an API token."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from wellness.api.parsers import LimitedJSONParser
from wellness.api.throttling import TokenThrottle
from wellness.security.staff import requires_two_factor

# What the person is told, not a secret.
MISSING_CODE = "Enter the 6-digit code from your authenticator app."  # nosec B105


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        write_only=True,
        help_text="The 6-digit code; needed by everyone who must use two-step verification "
        "(superusers, evidence curators) or who has enrolled an app.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        # A token is as strong as the admin login: whoever needs a second step there needs it here.
        if requires_two_factor(user) or user_has_device(user):
            code = attrs.get("otp_token") or ""
            if not code or match_token(user, code) is None:
                raise serializers.ValidationError({"otp_token": MISSING_CODE})
        return attrs


class TokenView(ObtainAuthToken):
    """Return the token of the user with these credentials, making one if needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [LimitedJSONParser]
    serializer_class = TokenRequestSerializer
