"""Staff: two-step verification for the admin, its login form, and lock-outs (django-axes).

``StaffAdminConfig`` is named in ``INSTALLED_APPS`` (as ``django.contrib.admin``), so this module
is imported while Django loads its apps: it imports no models at module level.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest, HttpResponse

from wellness.security.limits import too_many_requests
from wellness.security.roles import requires_two_factor

# The request attribute by which the login form tells the site to start setting up an app.
SET_UP_USER = "two_step_set_up_user"


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(is_verified and is_verified())


class StaffAdminSite(AdminSite):
    """The admin site, reachable by whoever must use two-step verification only after it.

    It also serves setting up two-step verification (``wellness/security/enrolment.py``): a
    staff member who must use it but has no app is sent there by the login, not let in.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return _is_verified(request.user) or not requires_two_factor(request.user)

    @property
    def login_form(self):  # AdminSite reads this class attribute; built late, see below
        return staff_login_form()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().login(request, extra_context)
        user = getattr(request, SET_UP_USER, None)  # set by the form: right password, no app
        if user is None:
            return response
        from wellness.security.enrolment import set_up_start

        return set_up_start(request, user=user, next_url=request.POST.get("next", ""))

    def get_urls(self):
        from django.urls import path

        from wellness.security import enrolment

        return [
            path("two-step/set-up/", enrolment.set_up, name="two_step_set_up"),
            path("two-step/set-up/qr.svg", enrolment.set_up_qr, name="two_step_qr"),
            path(
                "two-step/backup-codes/",
                self.admin_view(enrolment.backup_codes),
                name="two_step_backup_codes",
            ),
            *super().get_urls(),
        ]


class StaffAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``StaffAdminSite`` as ``admin.site`` (as Django documents)."""

    default_site = "wellness.security.staff.StaffAdminSite"


@functools.cache
def staff_login_form() -> type:
    """Return the admin login form that also takes the code from an authenticator app, or a
    backup code, in one box (``wellness/security/two_step.py`` tells them apart).

    Built on first use, not at import: auth's forms import models, and this module is loaded
    before the models are.
    """
    from django import forms
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.contrib.auth.signals import user_login_failed
    from django_otp import user_has_device

    from wellness.security.two_step import code_verify

    class StaffLoginForm(AdminAuthenticationForm):
        otp_token = forms.CharField(
            label="Code from your authenticator app, or a backup code",
            required=False,
            max_length=20,
            strip=True,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        )
        error_messages = {
            **AdminAuthenticationForm.error_messages,
            "otp_required": (
                "Enter the 6-digit code from your authenticator app, or one of your backup "
                "codes. Your account needs two-step verification."
            ),
            "otp_set_up": "Your account needs two-step verification: set it up on the next page.",
            "otp_invalid": "That code is not right, or it has expired. Enter the newest code.",
        }

        def confirm_login_allowed(self, user) -> None:
            super().confirm_login_allowed(user)
            token = self.cleaned_data.get("otp_token") or ""
            has_device = user_has_device(user)
            if requires_two_factor(user) and not has_device:
                # Not logged in: the site sends this session to set up an app (enrolment.py).
                setattr(self.request, SET_UP_USER, user)
                raise forms.ValidationError(self.error_messages["otp_set_up"], code="otp_set_up")
            if not token.strip():
                if has_device:
                    raise forms.ValidationError(
                        self.error_messages["otp_required"], code="otp_required"
                    )
                return
            verified = code_verify(user=user, code=token)
            if verified is not None:
                # django_otp stores the device in the session when login() runs.
                user.otp_device = verified
                return
            # A wrong code counts as a failed login, so guessing codes also ends in a lock-out.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")

    return StaffLoginForm


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """Answer a locked-out staff login (``AXES_LOCKOUT_CALLABLE``) with the 429 page."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request) or timedelta(minutes=15)
    return too_many_requests(request, int(cool_off.total_seconds()), staff=True)


def purge_expired_login_failures() -> int:
    """Delete the records of failed staff logins whose lock-out time has passed; return how many.

    django-axes deletes them itself at the next login attempt; the hourly purge job calls this so
    that they are gone on time even when nobody logs in (the privacy page promises it).
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.utils import timezone

    cool_off = get_cool_off() or timedelta(minutes=15)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - cool_off).delete()
    return deleted
