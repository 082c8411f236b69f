"""The admin's list of API tokens: superusers see and revoke them; nobody adds, edits or sees a
token's digest or key there (docs/architecture.md §5)."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from tests.api.conftest import api_token
from wellness.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

CHANGELIST = reverse("admin:wellness_apitoken_changelist")


def test_superusers_see_whose_tokens_and_when_never_the_digest(login, editor):
    api_token(editor)
    token = ApiToken.objects.get(user=editor)

    page = login("superuser").get(CHANGELIST)

    assert page.status_code == 200
    html = page.content.decode()
    assert "editor" in html and "Stops working" in html and "Last used" in html
    assert token.digest not in html and token.token_key not in html
    assert reverse("admin:wellness_apitoken_change", args=[token.pk]) not in html


def test_a_superuser_revokes_a_token(login, editor, curator):
    api_token(editor)
    api_token(curator)
    token = ApiToken.objects.get(user=editor)

    response = login("superuser").post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "Revoked 1 API token." in response.content.decode()
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["curator"]
    assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(token.pk)).exists()


def test_a_revoked_token_no_longer_works(login, as_editor):
    assert as_editor.get("/api/v1/therapies/").status_code == 200
    token = ApiToken.objects.get()

    login("superuser").post(CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]})

    assert as_editor.get("/api/v1/therapies/").status_code == 401


@pytest.mark.parametrize("role", ["editor", "curator"])
def test_other_staff_do_not_reach_the_list(login, role):
    assert login(role).get(CHANGELIST).status_code == 403


def test_nobody_adds_or_edits_a_token_in_the_admin(login, editor):
    api_token(editor)
    token = ApiToken.objects.get()
    client = login("superuser")

    assert client.get(reverse("admin:wellness_apitoken_add")).status_code == 403
    # The page shows the token read-only (its owner and times), never the digest.
    page = client.get(reverse("admin:wellness_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert token.digest not in page.content.decode()
    assert 'name="digest"' not in page.content.decode()
