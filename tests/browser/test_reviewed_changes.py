"""An editor proposes a change to a safety rule in the admin; a curator sees whom it affects
and approves it; the public change log shows it (reviewed-changes issue). In Chromium, by the
labels staff see."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from evidence.models import SafetyRule
from tests.conftest import enrol_totp_device
from tests.factories import UserFactory
from wellness.models import ReferenceScenario

PASSWORD = "correct horse battery staple"
REASON = "A new review found deep pressure is safe with care on these medicines."
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
_seeded = importlib.import_module("wellness.migrations.0009_reference_scenarios_seeded")


def staff(username: str, *codenames: str):
    user = UserFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    enrol_totp_device(user)
    return user


def code_for(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(page, user) -> None:
    page.goto(page.base + "/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Code from your authenticator app")).fill(code_for(user))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("Catalogue and evidence"))).to_be_visible()


@pytest.fixture
def scenarios(seeded):
    for position, (name, goals, conditions, preferences, note) in enumerate(_seeded.SCENARIOS):
        ReferenceScenario.objects.get_or_create(
            name=name,
            defaults={
                "goals": goals,
                "conditions": conditions,
                "preferences": preferences,
                "note": note,
                "position": position,
            },
        )


def test_an_editor_proposes_and_a_curator_previews_and_approves(browser, live_server, scenarios):
    editor = staff(
        "editor", "view_safetyrule", "change_safetyrule", "view_changerequest", "view_therapy"
    )
    curator = staff("curator", "view_safetyrule", "view_changerequest", "review_changerequest")
    rule = SafetyRule.objects.get(
        therapy__slug="deep-tissue-massage", condition__slug="blood-thinners"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The editor changes "Exclude" to "Caution" and says why.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    log_in(page, editor)
    page.goto(f"{page.base}/admin/evidence/safetyrule/{rule.pk}/change/")
    page.get_by_label("Effect").select_option(label="Caution: fine with adjustments")
    page.get_by_label("Why is this change needed?").fill("The 2024 review says take care.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your change is saved as a draft")).to_be_visible()
    expect(page.locator("p", has_text="Status: Waiting for review")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and make it live")).to_have_count(0)
    rule.refresh_from_db()
    assert rule.effect == "exclude"
    context.close()

    # The curator opens it from the list, sees whom it affects, and approves it.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    log_in(page, curator)
    page.goto(page.base + "/admin/evidence/changerequest/")
    page.get_by_role("link", name=re.compile("Deep tissue massage")).first.click()
    expect(page.get_by_role("heading", name="Whom it affects")).to_be_visible()
    expect(page.get_by_role("heading", name="Fibromyalgia on blood thinners")).to_be_visible()
    for width, height in ((1280, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"change-review-{width}.png"), full_page=True)
    page.get_by_label("One line for the public: what changed and why").fill(REASON)
    page.get_by_role("button", name="Approve and make it live").click()
    expect(page.get_by_text("Approved. The change is live.")).to_be_visible()
    context.close()

    rule.refresh_from_db()
    assert rule.effect == "caution"

    # Anyone reads it on "What we changed and why", from the therapy's page.
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(live_server.url + "/therapies/deep-tissue-massage/")
    page.get_by_role("link", name="What we changed and why").first.click()
    expect(page.get_by_text(REASON)).to_be_visible()
    page.screenshot(path=str(SHOTS / "change-log-375.png"), full_page=True)
    context.close()
