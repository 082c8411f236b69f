"""API tokens (docs/architecture.md §5): ``POST /api/v1/auth/token/`` exchanges a staff username
and password (and code) for a new token, ``DELETE`` there revokes the token it is sent with, and
``DELETE /api/v1/auth/tokens/`` revokes every token of its owner.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp import user_has_device
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wellness.api.parsers import LimitedJSONParser
from wellness.api.throttling import TokenThrottle
from wellness.api.tokens import ApiTokenAuthentication
from wellness.models import ApiToken, api_token_expiry
from wellness.security.staff import requires_two_factor
from wellness.security.two_step import app_code_verify

# What the person is told, not a secret.
MISSING_CODE = "Enter the 6-digit code from your authenticator app."  # nosec B105
NO_APP = (
    "Your account needs two-step verification, and it is not set up yet. Log in to the admin "
    "once to set up an authenticator app, then ask for a token with its code."
)
BAD_LOGIN = "Unable to log in with provided credentials."
NOT_STAFF = "Only staff accounts are given API tokens."


class TokenRequestSerializer(serializers.Serializer):
    """The login: the request shape of ``rest_framework.authtoken``'s, which clients still send."""

    username = serializers.CharField(label="Username", write_only=True)
    password = serializers.CharField(
        label="Password", style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    otp_token = serializers.CharField(
        label="Code from your authenticator app",
        required=False,
        write_only=True,
        help_text="The 6-digit code from the app (backup codes work in the admin only); needed "
        "by everyone who must use two-step verification (superusers, and staff who may change "
        "anything: editors, curators) or who has enrolled an app.",
    )

    def validate(self, attrs):
        # Through the authentication backends, django-axes first: failures count to a lock-out.
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:  # a wrong password, or an account switched off
            raise serializers.ValidationError(BAD_LOGIN, code="authorization")
        if not user.is_staff:
            raise serializers.ValidationError(NOT_STAFF, code="authorization")
        attrs["user"], attrs["device"] = user, None
        # A token is as strong as the admin login: whoever needs a second step there needs it here.
        has_app = user_has_device(user)
        if requires_two_factor(user) and not has_app:
            raise serializers.ValidationError({"otp_token": NO_APP})
        if requires_two_factor(user) or has_app:
            # The app's code only: a token remembers the app, checked on every request, and
            # backup codes are for the admin when the phone is lost (never used up here).
            device = app_code_verify(user=user, code=attrs.get("otp_token") or "")
            if device is None:
                raise serializers.ValidationError({"otp_token": MISSING_CODE})
            attrs["device"] = device
        return attrs


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it as `Authorization: Token <token>`. Shown once: only a hash is kept."
    )
    expiry = serializers.DateTimeField(
        help_text="When it stops working unless used sooner; each use moves this to "
        "`API_TOKEN_IDLE_HOURS` later, up to `API_TOKEN_MAX_AGE_DAYS` after it was issued."
    )


class TokenView(APIView):
    """Issue a token for a login, or revoke the token this request is sent with."""

    parser_classes = [LimitedJSONParser]
    throttle_classes = [TokenThrottle]
    serializer_class = TokenRequestSerializer

    def get_authenticators(self):
        # A login reads no credentials but the body's, so a stale token header cannot block it;
        # revoking needs the token itself (a session has none to revoke).
        request = getattr(self, "request", None)
        if request is not None and request.method == "DELETE":
            return [ApiTokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={200: IssuedTokenSerializer},
    )
    def post(self, request):
        """Log in: exchange a staff username, password and (if needed) code for a new token."""
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user, device = serializer.validated_data["user"], serializer.validated_data["device"]
        now = timezone.now()
        token, key = ApiToken.objects.create(
            user=user,
            verified_device=device,
            expiry=api_token_expiry(created=now, last_used=None) - now,
        )
        return Response(IssuedTokenSerializer({"token": key, "expiry": token.expiry}).data)

    @extend_schema(operation_id="auth_token_destroy", request=None, responses={204: None})
    def delete(self, request):
        """Log out: revoke the token this request is sent with."""
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokensView(APIView):
    """Revoke every token of the person asking (with a token or their admin session)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenThrottle]

    @extend_schema(operation_id="auth_tokens_destroy", request=None, responses={204: None})
    def delete(self, request):
        """Log out everywhere: revoke every one of your tokens, this one included."""
        ApiToken.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
