"""Setting up two-step verification in the admin (docs/architecture.md §5), and backup codes.

A staff member who must use two-step verification (``requires_two_factor``) but has no
confirmed device is not logged in by the password alone: the login form passes them here
(``StaffAdminSite.login``). What this session may then do is held in the session, not in a
login: who passed the password, with which password (its session hash, so a password changed
meanwhile ends it), and when. For ``STAFF_TWO_STEP_SET_UP_MINUTES`` it may see one new,
unconfirmed authenticator app's QR code and key, and confirm it with a code from the app; then
the person gets ten backup codes, shown once, and is logged in as after both steps. Nothing
else is reachable: the admin still sees nobody logged in.

Anyone with a confirmed device is never here: replacing a lost phone stays an administrator's
job (``add_totp_device --replace``), or a backup code gets them in. An unconfirmed app is
discarded when a new set-up starts, when its time is up, and by the hourly purge job.
"""

from __future__ import annotations

from base64 import b32encode
from datetime import UTC, datetime, timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellness.security.roles import requires_two_factor
from wellness.security.two_step import (
    BACKUP_CODE_COUNT,
    backup_codes_left,
    backup_codes_replace,
    code_normalise,
)

SESSION_KEY = "two_step_set_up"
# The name marks an app made here and not yet confirmed: only those are ever discarded, never
# one an administrator switched off on purpose.
PENDING_NAME = "Authenticator app (being set up)"
CONFIRMED_NAME = "Authenticator app"

WRONG_CODE = "That code is not right, or it has expired. Enter the newest code from the app."
NOT_AN_APP_CODE = "Enter the 6-digit code the app shows."


def _time_allowed() -> timedelta:
    return timedelta(minutes=settings.STAFF_TWO_STEP_SET_UP_MINUTES)


def unconfirmed_apps_purge() -> int:
    """Delete the apps whose set-up was started but not finished in time; return how many."""
    deleted, _ = TOTPDevice.objects.filter(
        name=PENDING_NAME, confirmed=False, created_at__lt=timezone.now() - _time_allowed()
    ).delete()
    return deleted


def set_up_start(request: HttpRequest, *, user, next_url: str) -> HttpResponse:
    """After a correct password: let this session set up an app, and send it to the page."""
    TOTPDevice.objects.filter(user=user, name=PENDING_NAME, confirmed=False).delete()
    request.session.cycle_key()  # a new session id for what the password allowed
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "mark": user.get_session_auth_hash(),
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "started": timezone.now().timestamp(),
        "next": next_url if _safe(request, next_url) else "",
        "device": None,
    }
    return _no_store(HttpResponseRedirect(reverse("admin:two_step_set_up")))


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _set_up_user(request: HttpRequest):
    """Return the user this session may set up an app for, or None (and forget the set-up)."""
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    started = datetime.fromtimestamp(float(state.get("started", 0)), tz=UTC)
    user = get_user_model()._default_manager.filter(pk=int(state.get("user") or 0)).first()
    if (
        user is None
        or timezone.now() - started > _time_allowed()
        or not (user.is_active and user.is_staff)
        or state.get("mark") != user.get_session_auth_hash()
        or not requires_two_factor(user)
        or user_has_device(user)
    ):
        set_up_forget(request, user=user)
        return None
    return user


def set_up_forget(request: HttpRequest, *, user) -> None:
    """End this session's set-up and discard its unconfirmed app."""
    state = request.session.pop(SESSION_KEY, None)
    if isinstance(state, dict) and state.get("device") and user is not None:
        TOTPDevice.objects.filter(
            pk=state["device"], user=user, name=PENDING_NAME, confirmed=False
        ).delete()


def _pending_app(request: HttpRequest, *, user) -> TOTPDevice:
    """Return this session's unconfirmed app, made on first use."""
    state = request.session[SESSION_KEY]
    device = TOTPDevice.objects.filter(
        pk=state.get("device"), user=user, name=PENDING_NAME, confirmed=False
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)
        request.session[SESSION_KEY] = {**state, "device": device.pk}
    return device


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


def _to_login() -> HttpResponse:
    return _no_store(HttpResponseRedirect(reverse("admin:login")))


def _key_in_lines(device: TOTPDevice) -> list[str]:
    """The key in groups of four, four groups a line: easier to copy by eye on a phone."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    groups = [key[i : i + 4] for i in range(0, len(key), 4)]
    return [" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4)]


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """The "Set up two-step verification" page: QR code and key, then a code to confirm."""
    user = _set_up_user(request)
    if user is None:
        return _to_login()
    device = _pending_app(request, user=user)
    error = ""
    if request.method == "POST":
        code = code_normalise(request.POST.get("otp_token", ""))
        if not (code.isdigit() and len(code) == device.digits):
            error = NOT_AN_APP_CODE
        else:
            codes = _confirm(device=device, code=code)
            if codes is not None:
                return _logged_in(request, user=user, device=device, codes=codes)
            error = WRONG_CODE
    context = {
        **_admin_context(request, title="Set up two-step verification"),
        "key_lines": _key_in_lines(device),
        "minutes": settings.STAFF_TWO_STEP_SET_UP_MINUTES,
        "error": error,
    }
    return _no_store(render(request, "admin/two_step/set_up.html", context))


def _confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with one of its codes and return new backup codes, or None."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed or user_has_device(device.user):
            return None
        if not device.verify_token(code):
            return None
        device.confirmed = True
        device.name = CONFIRMED_NAME
        device.save(update_fields=["confirmed", "name"])
        return backup_codes_replace(user=device.user)


def _logged_in(request: HttpRequest, *, user, device: TOTPDevice, codes: list[str]):
    state = request.session.pop(SESSION_KEY)
    user.backend = state["backend"]
    user.otp_device = device  # django_otp marks the session verified when login() runs
    auth_login(request, user)
    context = {
        **_admin_context(request, title="Your backup codes"),
        "codes": codes,
        "next": state["next"] or reverse("admin:index"),
        "just_set_up": True,
    }
    return _no_store(render(request, "admin/two_step/backup_codes_made.html", context))


@require_GET
def set_up_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of this session's unconfirmed app, as SVG drawn here (no outside service)."""
    user = _set_up_user(request)
    if user is None:
        return _to_login()
    device = _pending_app(request, user=user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return _no_store(HttpResponse(image.to_string(), content_type="image/svg+xml"))


@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The admin's "Backup codes" page: how many are left, and a button to make new ones.

    Reached through ``admin_view`` (logged in, staff, verified where needed); making codes also
    needs a session verified with a code, so a password alone never makes them.
    """
    is_verified = getattr(request.user, "is_verified", None)
    verified = bool(is_verified and is_verified())
    if request.method == "POST" and verified:
        context = {
            **_admin_context(request, title="Your new backup codes"),
            "codes": backup_codes_replace(user=request.user),
            "next": reverse("admin:index"),
            "just_set_up": False,
        }
        return _no_store(render(request, "admin/two_step/backup_codes_made.html", context))
    context = {
        **_admin_context(request, title="Backup codes"),
        "verified": verified,
        "left": backup_codes_left(user=request.user),
        "count": BACKUP_CODE_COUNT,
    }
    return _no_store(render(request, "admin/two_step/backup_codes.html", context))


def _admin_context(request: HttpRequest, *, title: str) -> dict:
    from django.contrib import admin

    return {**admin.site.each_context(request), "title": title, "subtitle": None}
