"""Staff accounts: two-step verification, lock-out after failed logins, idle sessions ending,
a new session at login and every session ending when the password changes.

These tests log in through the real login form (or force a password-only login on a plain
``django.test.Client``), never through conftest's ``client``, whose ``force_login`` includes
the code step.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import enrol_totp_device
from tests.factories import UserFactory
from wellness.security.staff import purge_expired_login_failures, requires_two_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

User = get_user_model()
PASSWORD = "a long staff password 4 tests"
ADMIN = reverse("admin:index")
LOGIN = reverse("admin:login")
TOKEN = "/api/v1/auth/token/"


def staff(role: str, *, device: bool = False):
    """A staff member: "editor", "curator", "superuser", or "reader" (staff, may only read)."""
    groups = {"editor": ["Catalogue editors"], "curator": ["Evidence curators"]}.get(role, [])
    user = UserFactory(
        username=role, password=PASSWORD, is_superuser=role == "superuser", groups=groups
    )
    if device:
        enrol_totp_device(user)
    return user


def code_for(user, *, offset: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, t0=device.t0 - offset * device.step):06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, code: str = ""):
    data = {"username": username, "password": password, "otp_token": code, "next": ADMIN}
    return client.post(LOGIN, data)


def errors(response) -> list[str]:
    return response.context["form"].non_field_errors() if response.context else []


# --- Two-step verification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [("reader", False), ("editor", True), ("curator", True), ("superuser", True)],
)
def test_two_step_verification_is_required_of_editors_curators_and_superusers(role, required):
    assert requires_two_factor(staff(role)) is required


def test_any_permission_beyond_reading_requires_two_step_verification():
    user = staff("reader")
    user.user_permissions.add(Permission.objects.get(codename="change_goal"))

    assert requires_two_factor(User.objects.get(pk=user.pk))


def test_view_permissions_alone_do_not_require_two_step_verification():
    user = staff("reader")
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))

    assert not requires_two_factor(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("role", ["editor", "curator", "superuser"])
def test_a_password_only_session_does_not_reach_the_admin(role):
    client = Client()
    client.force_login(staff(role, device=True))

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_reader_reaches_the_admin_with_a_password_alone():
    client = Client()
    client.force_login(staff("reader"))

    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize("role", ["editor", "curator", "superuser"])
def test_login_asks_editors_curators_and_superusers_for_the_code(role):
    staff(role, device=True)
    client = Client()

    response = sign_in(client, role)

    assert response.status_code == 200
    assert any("6-digit code" in e for e in errors(response))
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("role", ["editor", "curator"])
def test_login_sends_someone_without_an_app_to_set_one_up_not_into_the_admin(role):
    staff(role)
    client = Client()

    response = sign_in(client, role, code="123456")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two_step_set_up")
    assert SESSION_KEY not in client.session
    assert client.get(ADMIN).status_code == 302


@pytest.mark.parametrize("role", ["editor", "curator", "superuser"])
def test_login_with_the_code_reaches_the_admin_verified(role):
    user = staff(role, device=True)
    client = Client()

    response = sign_in(client, role, code=code_for(user))

    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.session[DEVICE_ID_SESSION_KEY]
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_login():
    user = staff("curator", device=True)
    wrong = f"{(int(code_for(user)) + 1) % 1_000_000:06d}"
    client = Client()

    response = sign_in(client, "curator", code=wrong)

    assert any("not right" in e for e in errors(response))
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_a_code_is_accepted_once_only():
    user = staff("curator", device=True)
    code = code_for(user)
    sign_in(Client(), "curator", code=code)

    response = sign_in(Client(), "curator", code=code)

    assert any("not right" in e for e in errors(response))


def test_a_reader_with_an_app_must_use_it():
    user = staff("reader", device=True)

    assert any("6-digit code" in e for e in errors(sign_in(Client(), "reader")))
    assert sign_in(Client(), "reader", code=code_for(user)).status_code == 302


def test_a_reader_without_an_app_logs_in_with_a_password():
    staff("reader")
    client = Client()

    assert sign_in(client, "reader").status_code == 302
    assert client.session[SESSION_KEY]


def test_the_login_page_has_a_field_for_the_code():
    response = Client().get(LOGIN)

    assert b'name="otp_token"' in response.content
    assert b'autocomplete="one-time-code"' in response.content


def test_add_totp_device_enrols_an_app_and_prints_its_address(capsys):
    user = staff("curator")

    call_command("add_totp_device", "curator")

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    output = capsys.readouterr().out
    assert device.config_url in output
    assert output.count("otpauth://totp/") == 1
    assert "issuer=Wellness%20catalogue" in device.config_url


def test_add_totp_device_replaces_a_lost_app_when_asked():
    user = staff("curator", device=True)
    old = TOTPDevice.objects.get(user=user)

    call_command("add_totp_device", "curator", "--replace")

    assert list(TOTPDevice.objects.filter(user=user)) != [old]
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("username", ["nobody", "member"])
def test_add_totp_device_refuses_an_unknown_or_non_staff_user(username):
    UserFactory(username="member", is_staff=False)

    with pytest.raises(CommandError):
        call_command("add_totp_device", username)


# --- Lock-out after failed logins --------------------------------------------------------------


def fail_logins(client: Client, username: str, times: int):
    for _ in range(times):
        response = sign_in(client, username, password="wrong password")
    return response


def test_the_admin_login_locks_after_the_failure_limit():
    user = staff("curator", device=True)
    client = Client()
    before = fail_logins(client, "curator", settings.AXES_FAILURE_LIMIT - 1)

    locked = fail_logins(client, "curator", 1)
    with_the_right_password = sign_in(client, "curator", code=code_for(user))

    assert before.status_code == 200
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.STAFF_LOCKOUT_MINUTES * 60
    assert b"Too many failed sign-in attempts" in locked.content
    assert with_the_right_password.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_lock_out_also_holds_from_another_address_for_that_username():
    staff("reader")
    fail_logins(Client(REMOTE_ADDR="192.0.2.1"), "reader", settings.AXES_FAILURE_LIMIT)

    assert sign_in(Client(REMOTE_ADDR="192.0.2.2"), "reader").status_code == 429


def test_a_lock_out_ends_after_the_cool_off():
    staff("reader")
    fail_logins(Client(), "reader", settings.AXES_FAILURE_LIMIT)
    cool_off = timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES, seconds=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off)

    assert sign_in(Client(), "reader").status_code == 302


def test_the_api_token_endpoint_locks_after_the_failure_limit(client, settings):
    settings.AXES_FAILURE_LIMIT = 3  # below the endpoint's own rate limit
    staff("reader")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN, {"username": "reader", "password": "wrong"}, "application/json")

    response = client.post(TOKEN, {"username": "reader", "password": PASSWORD}, "application/json")

    assert response.status_code == 400
    assert "token" not in response.json()
    assert AccessAttempt.objects.filter(username="reader").exists()


def test_records_of_failed_logins_go_once_the_cool_off_has_passed():
    staff("reader")
    fail_logins(Client(), "reader", 2)
    cool_off = timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES, seconds=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off)

    assert purge_expired_login_failures() == 1
    assert not AccessAttempt.objects.exists()


def test_records_of_failed_logins_hold_no_password_or_code():
    user = staff("curator", device=True)
    sign_in(Client(), "curator", password="sentinel-password-zq7x")
    sign_in(Client(), "curator", code=f"{(int(code_for(user)) + 1) % 1_000_000:06d}")

    stored = repr(list(AccessAttempt.objects.values()))
    assert "sentinel-password-zq7x" not in stored
    assert code_for(user) not in stored


# --- Sessions ----------------------------------------------------------------------------------


def test_login_starts_a_new_session():
    user = staff("reader")
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key

    sign_in(client, "reader")

    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not Session.objects.filter(session_key=before).exists()


def test_a_staff_session_ends_after_the_idle_time():
    client = Client()
    client.force_login(staff("reader"))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_each_request_moves_the_end_of_the_session_on():
    client = Client()
    client.force_login(staff("reader"))
    nearly_over = timezone.now() + timedelta(seconds=5)
    Session.objects.update(expire_date=nearly_over)

    client.get(ADMIN)

    assert Session.objects.get().expire_date >= timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 60
    )


def test_the_session_cookie_ends_with_the_browser_and_is_out_of_reach_of_scripts():
    client = Client()
    response = sign_in(client, staff("reader").username)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_changing_the_password_ends_every_other_session():
    user = staff("reader")
    here, elsewhere = Client(), Client()
    sign_in(here, "reader")
    sign_in(elsewhere, "reader")
    new = "another long password 5 tests"

    response = here.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert here.get(ADMIN).status_code == 200  # the session that changed it carries on
    assert elsewhere.get(ADMIN).status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_password_set_for_someone_ends_their_sessions():
    user = staff("reader")
    theirs = Client()
    sign_in(theirs, "reader")

    user.set_password("set by an administrator 6 tests")
    user.save()

    assert theirs.get(ADMIN).status_code == 302
