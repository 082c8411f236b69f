"""Backup codes (docs/architecture.md §5): ten single-use codes for a lost phone, typed in the
admin login's code box, stored only as hashes, replaced as a set, and never taken by the API.
"""

from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from rest_framework.test import APIClient

from tests.conftest import enrol_totp_device, verified_login
from tests.factories import UserFactory
from wellness.security.two_step import backup_code_digest, backup_codes_replace, code_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long staff password 4 tests"
ADMIN = reverse("admin:index")
LOGIN = reverse("admin:login")
CODES_PAGE = reverse("admin:two_step_backup_codes")


@pytest.fixture
def curator():
    user = UserFactory(username="curator", password=PASSWORD, groups=["Evidence curators"])
    enrol_totp_device(user)
    return user


def sign_in(client: Client, code: str):
    data = {"username": "curator", "password": PASSWORD, "otp_token": code, "next": ADMIN}
    return client.post(LOGIN, data)


def test_a_backup_code_logs_in_once_and_not_twice(curator):
    code = backup_codes_replace(user=curator)[0]
    first, second = Client(), Client()

    once = sign_in(first, code)
    twice = sign_in(second, code)

    assert once.status_code == 302 and once["Location"] == ADMIN
    assert first.session[DEVICE_ID_SESSION_KEY].startswith("otp_static.")
    assert first.get(ADMIN).status_code == 200
    assert twice.status_code == 200
    assert any("not right" in e for e in twice.context["form"].non_field_errors())
    assert SESSION_KEY not in second.session
    assert StaticToken.objects.count() == 9


def test_a_backup_code_is_accepted_with_spaces_dashes_or_capitals(curator):
    code = backup_codes_replace(user=curator)[0]

    assert sign_in(Client(), f" {code.upper().replace('-', ' ')} ").status_code == 302


def test_only_a_hash_of_each_code_is_stored(curator):
    codes = backup_codes_replace(user=curator)

    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {backup_code_digest(code) for code in codes}
    assert not any(code.replace("-", "") in token for code in codes for token in stored)


def test_the_stored_hash_itself_is_not_a_code(curator):
    backup_codes_replace(user=curator)
    stored = StaticToken.objects.first().token

    assert code_verify(user=curator, code=stored) is None
    assert sign_in(Client(), stored).status_code == 200


def test_making_new_codes_ends_the_old_ones(curator):
    old = backup_codes_replace(user=curator)
    new = backup_codes_replace(user=curator)

    assert StaticDevice.objects.filter(user=curator).count() == 1
    assert StaticToken.objects.count() == 10
    # The new one first: after a wrong code django-otp makes the next try wait a moment.
    assert sign_in(Client(), new[0]).status_code == 302
    assert sign_in(Client(), old[0]).status_code == 200


def test_a_wrong_backup_code_counts_as_a_failed_login(curator):
    from axes.models import AccessAttempt

    backup_codes_replace(user=curator)

    sign_in(Client(), "aaaa-bbbb-cccc")

    assert AccessAttempt.objects.get().failures_since_start == 1


def test_the_api_takes_no_backup_code_and_does_not_use_it_up(curator):
    code = backup_codes_replace(user=curator)[0]

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "curator", "password": PASSWORD, "otp_token": code},
        format="json",
    )

    assert response.status_code == 400
    assert StaticToken.objects.count() == 10
    assert sign_in(Client(), code).status_code == 302


def test_the_backup_codes_page_makes_ten_new_codes_and_shows_them_once(curator):
    old = backup_codes_replace(user=curator)
    client = Client()
    verified_login(client, curator)

    page = client.get(CODES_PAGE)
    made = client.post(CODES_PAGE)
    again = client.get(CODES_PAGE)

    assert b"You have 10 unused backup codes." in page.content
    codes = made.context["codes"]
    assert len(codes) == 10 and not set(codes) & set(old)
    assert all(code.encode() in made.content for code in codes)
    assert "no-store" in made["Cache-Control"]
    assert not any(code.encode() in again.content for code in codes)
    assert {backup_code_digest(code) for code in codes} == set(
        StaticToken.objects.values_list("token", flat=True)
    )


def test_the_admin_home_links_to_the_backup_codes_page(curator):
    client = Client()
    verified_login(client, curator)

    assert CODES_PAGE.encode() in client.get(ADMIN).content


def test_a_session_without_a_code_makes_no_backup_codes():
    reader = UserFactory(username="reader", password=PASSWORD)
    client = Client()
    client.force_login(reader)  # a reader needs no code, so has none to show

    response = client.post(CODES_PAGE)

    assert response.status_code == 200
    assert "codes" not in response.context
    assert not StaticDevice.objects.exists()


def test_the_anonymous_backup_codes_page_sends_to_the_login():
    response = Client().get(CODES_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_add_backup_codes_prints_ten_codes_that_work(curator):
    out = StringIO()

    call_command("add_backup_codes", "curator", stdout=out)

    printed = [line for line in out.getvalue().splitlines() if line.count("-") == 2]
    assert len(printed) == 10
    assert sign_in(Client(), printed[0]).status_code == 302


def test_add_backup_codes_needs_an_app_first():
    UserFactory(username="editor", groups=["Catalogue editors"])

    with pytest.raises(CommandError, match="add_totp_device editor"):
        call_command("add_backup_codes", "editor")


def test_add_totp_device_can_print_backup_codes_too():
    UserFactory(username="editor", groups=["Catalogue editors"])
    out = StringIO()

    call_command("add_totp_device", "editor", "--backup-codes", stdout=out)

    assert out.getvalue().count("otpauth://totp/") == 1
    assert StaticToken.objects.filter(device__user__username="editor").count() == 10


def test_the_admin_shows_how_many_codes_are_left_never_the_codes(superuser):
    backup_codes_replace(user=superuser)
    client = Client()
    verified_login(client, superuser)
    device = StaticDevice.objects.get()

    listing = client.get(reverse("admin:otp_static_staticdevice_changelist"))
    page = client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    stored = device.token_set.values_list("token", flat=True)
    assert not any(token.encode() in page.content for token in stored)
    assert b"10" in listing.content
