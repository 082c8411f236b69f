"""Setting up two-step verification in the admin (docs/architecture.md §5): after a correct
password, someone who must use it and has no app gets a QR code and a key, confirms with a code,
sees ten backup codes once and is logged in verified.

Through the real login form on a plain ``django.test.Client`` (never conftest's ``client``, whose
``force_login`` includes the code step).
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import enrol_totp_device
from tests.factories import UserFactory
from wellness.security import enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long staff password 4 tests"
ADMIN = reverse("admin:index")
LOGIN = reverse("admin:login")
SET_UP = reverse("admin:two_step_set_up")
QR = reverse("admin:two_step_qr")


def editor(username: str = "editor"):
    return UserFactory(username=username, password=PASSWORD, groups=["Catalogue editors"])


def password_step(client: Client, username: str = "editor", next_url: str = ADMIN):
    data = {"username": username, "password": PASSWORD, "otp_token": "", "next": next_url}
    return client.post(LOGIN, data)


def code_from(device: TOTPDevice, *, steps_ago: int = 0) -> str:
    """The code the person's app shows, made from the device's key as the app makes it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time -= steps_ago * device.step
    return f"{totp.token():0{device.digits}d}"


def pending_app(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_the_whole_set_up_from_password_to_logged_in_with_backup_codes_shown_once():
    user = editor()
    client = Client()

    after_password = password_step(client)
    page = client.get(SET_UP)
    device = pending_app(user)
    confirmed = client.post(SET_UP, {"otp_token": code_from(device)})

    assert after_password.status_code == 302
    assert after_password["Location"] == SET_UP
    assert page.status_code == 200
    assert b"Set up two-step verification" in page.content
    key = "".join(page.context["key_lines"]).replace(" ", "")
    assert key and key in device.config_url
    assert QR.encode() in page.content
    assert confirmed.status_code == 200
    codes = confirmed.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code.encode() in confirmed.content for code in codes)
    assert "no-store" in confirmed["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(ADMIN).status_code == 200
    # Shown once: the set-up page is gone and the codes are stored only as hashes.
    assert client.get(SET_UP)["Location"] == LOGIN
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert not stored & {code.replace("-", "") for code in codes} and not stored & set(codes)


def test_the_set_up_goes_on_to_the_page_first_asked_for():
    user = editor()
    client = Client()
    password_step(client, next_url="/admin/therapies/therapy/")
    client.get(SET_UP)

    confirmed = client.post(SET_UP, {"otp_token": code_from(pending_app(user))})

    assert confirmed.context["next"] == "/admin/therapies/therapy/"


def test_a_next_address_on_another_site_is_not_followed():
    user = editor()
    client = Client()
    password_step(client, next_url="https://elsewhere.example/")
    client.get(SET_UP)

    confirmed = client.post(SET_UP, {"otp_token": code_from(pending_app(user))})

    assert confirmed.context["next"] == ADMIN


def test_a_wrong_code_does_not_confirm_the_app_or_log_in():
    user = editor()
    client = Client()
    password_step(client)
    client.get(SET_UP)
    device = pending_app(user)
    wrong = f"{(int(code_from(device)) + 1) % 1_000_000:06d}"

    response = client.post(SET_UP, {"otp_token": wrong})

    assert response.status_code == 200
    assert response.context["error"] == enrolment.WRONG_CODE
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert SESSION_KEY not in client.session


def test_anonymous_visitors_are_sent_to_the_login():
    client = Client()

    page, qr = client.get(SET_UP), client.get(QR)
    posted = client.post(SET_UP, {"otp_token": "123456"})

    for response in (page, qr, posted):
        assert response.status_code == 302
        assert response["Location"] == LOGIN
    assert not TOTPDevice.objects.exists()


def test_a_wrong_password_does_not_reach_the_set_up():
    editor()
    client = Client()
    client.post(LOGIN, {"username": "editor", "password": "wrong", "next": ADMIN})

    assert client.get(SET_UP)["Location"] == LOGIN


def test_someone_with_a_confirmed_app_is_never_offered_a_new_one():
    user = editor()
    enrol_totp_device(user)
    client = Client()

    response = password_step(client)

    assert response.status_code == 200  # the login asks for the code instead
    assert client.get(SET_UP)["Location"] == LOGIN
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_an_app_confirmed_meanwhile_ends_the_set_up():
    # E.g. an administrator ran add_totp_device while the page was open.
    user = editor()
    client = Client()
    password_step(client)
    client.get(SET_UP)
    device = pending_app(user)
    enrol_totp_device(user)

    response = client.post(SET_UP, {"otp_token": code_from(device)})

    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_password_changed_meanwhile_ends_the_set_up():
    user = editor()
    client = Client()
    password_step(client)
    user.set_password("changed by an administrator 7")
    user.save()

    assert client.get(SET_UP)["Location"] == LOGIN


def test_the_set_up_and_its_unconfirmed_app_end_after_the_time_allowed(settings):
    settings.STAFF_TWO_STEP_SET_UP_MINUTES = 10
    user = editor()
    client = Client()
    password_step(client)
    client.get(SET_UP)
    device = pending_app(user)
    later = timezone.now() + timedelta(minutes=11)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(SET_UP, {"otp_token": code_from(device)})

    assert response["Location"] == LOGIN
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert SESSION_KEY not in client.session


def test_the_purge_job_discards_unconfirmed_apps_left_past_the_time_allowed(settings):
    settings.STAFF_TWO_STEP_SET_UP_MINUTES = 10
    user = editor()
    password_step(client := Client())
    client.get(SET_UP)
    switched_off = enrol_totp_device(editor("other"))
    TOTPDevice.objects.filter(pk=switched_off.pk).update(confirmed=False)
    TOTPDevice.objects.update(created_at=timezone.now() - timedelta(minutes=11))

    assert enrolment.unconfirmed_apps_purge() == 1
    assert not TOTPDevice.objects.filter(user=user).exists()
    # An app an administrator switched off on purpose is kept.
    assert TOTPDevice.objects.filter(pk=switched_off.pk).exists()


def test_starting_again_discards_the_unconfirmed_app_of_the_last_try():
    user = editor()
    first = Client()
    password_step(first)
    first.get(SET_UP)
    old = pending_app(user)

    password_step(second := Client())
    second.get(SET_UP)

    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert pending_app(user).pk != old.pk


def test_the_qr_code_is_svg_from_our_own_server_and_never_stored():
    user = editor()
    client = Client()
    password_step(client)
    page = client.get(SET_UP)

    response = client.get(QR)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"<svg") and b"<script" not in response.content
    assert b"style=" not in response.content
    # The page loads it from our own origin; the page names no other.
    assert f'src="{QR}"'.encode() in page.content
    sources = re.findall(rb'(?:src|href)="([^"]*)"', page.content)
    assert sources and all(url.startswith((b"/", b"#")) for url in sources), sources
    assert pending_app(user)  # the same app as the page shows
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_set_up_page_keeps_the_strict_content_security_policy():
    editor()
    client = Client()
    password_step(client)

    response = client.get(SET_UP)

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy and "img-src 'self'" in policy
    assert b"<script>" not in response.content and b" style=" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_the_set_up_starts_a_new_session():
    editor()
    client = Client()
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key

    password_step(client)

    assert client.session.session_key != before
