"""API tokens (docs/architecture.md §5): who a token speaks for, checked again on every request.

A token is issued at a login (``POST /api/v1/auth/token/``) and kept only as a hash
(django-rest-knox). What was true at that login may not be true now: the owner may have joined
the Evidence curators, lost their staff flag or their authenticator app, or simply walked away.
So each request checks the owner as the admin would now, not as it did then, and a token stops
working after ``API_TOKEN_IDLE_HOURS`` unused, ``API_TOKEN_MAX_AGE_DAYS`` after its login, and
when its owner's password changes. Every refusal is a 401 problem that says why and how to get
a new token.
"""

from __future__ import annotations

import binascii
from datetime import datetime, timedelta
from hmac import compare_digest

from django.utils import timezone
from django_otp import user_has_device
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from wellness.models import ApiToken, api_token_expiry
from wellness.security.staff import requires_two_factor

# What the person is told; none of it is a secret.
INVALID = "Invalid token."
ASK_AGAIN = "Ask for a new one at POST /api/v1/auth/token/ with your password"
EXPIRED = f"This token has expired. {ASK_AGAIN} (and code, if you use one)."
INACTIVE = "This account is switched off, so its tokens no longer work."
NOT_STAFF = "This account is no longer a staff account, so its tokens no longer work."
PASSWORD_CHANGED = f"The password has changed since this token was issued. {ASK_AGAIN}."
NEEDS_CODE = (
    "Your account needs two-step verification, and this token was issued without a code from "
    f"your authenticator app. {ASK_AGAIN} and otp_token, the 6-digit code."
)

SESSION_NEEDS_CODE = (
    "Your account needs two-step verification: log in to the admin again with the code from "
    "your authenticator app."
)

# ``last_used`` (and the idle expiry with it) is written at most this often per token, so a
# busy client does not cost a database write on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


def token_refusal(token: ApiToken, *, now: datetime) -> str | None:
    """Return why ``token`` may not be used now, or None when it may.

    The owner's requirements are read as they are now: active, staff, the same password, and,
    for whoever must use two-step verification (``requires_two_factor``) or has enrolled an app,
    a token issued with a code from an app that is still theirs and confirmed.
    """
    if now >= token.expires_at():
        return EXPIRED
    user = token.user
    if not user.is_active:
        return INACTIVE
    if not user.is_staff:
        return NOT_STAFF
    if not compare_digest(token.password_mark, user.get_session_auth_hash()):
        return PASSWORD_CHANGED
    device = token.verified_device
    if device is not None and device.confirmed and device.user_id == user.pk:
        return None
    if requires_two_factor(user) or user_has_device(user):
        return NEEDS_CODE
    return None


def token_touch(token: ApiToken, *, now: datetime) -> None:
    """Record that ``token`` was used, at most once a ``TOUCH_INTERVAL``, moving its idle expiry.

    One UPDATE of two columns, so a token revoked meanwhile is not written back.
    """
    if token.last_used is not None and now - token.last_used < TOUCH_INTERVAL:
        return
    token.last_used = now
    token.expiry = api_token_expiry(created=token.created, last_used=now)
    ApiToken.objects.filter(pk=token.pk).update(last_used=now, expiry=token.expiry)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``, checked against the owner as they are now.

    knox's class reads the header and answers ``WWW-Authenticate: Token``; this one finds the
    token by its hash and gives each refusal its own plain message (knox says only "Invalid
    token."), and leaves expired tokens to the daily purge instead of deleting on a request.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID) from None
        candidates = ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user", "verified_device")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(INVALID)

    def validate_user(self, auth_token: ApiToken):
        now = timezone.now()
        refusal = token_refusal(auth_token, now=now)
        if refusal is not None:
            raise exceptions.AuthenticationFailed(refusal)
        token_touch(auth_token, now=now)
        return auth_token.user, auth_token


class StaffSessionAuthentication(SessionAuthentication):
    """The admin session, held on every API request to what the admin itself asks now.

    The admin lets a session in only while its user is staff and, if they need two-step
    verification, verified with a code (``StaffAdminSite.has_permission``); without this, a
    session from before someone joined the Evidence curators could still publish through the
    API. CSRF is checked as by DRF's class.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user = found[0]
        if not user.is_staff:
            raise exceptions.AuthenticationFailed(NOT_STAFF)
        is_verified = getattr(user, "is_verified", None)  # installed by django_otp's middleware
        verified = bool(is_verified and is_verified())
        if not verified and (requires_two_factor(user) or user_has_device(user)):
            raise exceptions.AuthenticationFailed(SESSION_NEEDS_CODE)
        return found
