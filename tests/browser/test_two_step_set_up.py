"""Setting up two-step verification in Chromium (docs/architecture.md §5), on a phone (375 px)
and a desktop (1280 px): the QR code loads from our own server under the strict policy, the
page fits the screen, axe finds nothing, and the whole flow ends logged in.

Screenshots of both pages are written to the test's temporary folder (printed with -s).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import _context
from tests.factories import UserFactory

pytestmark = [pytest.mark.usefixtures("fast_password_hashing")]

PASSWORD = "a long staff password 4 tests"
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def fits_and_shows_the_qr_code(page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("window.__cspViolations") == []
    qr = page.locator("img.two-step-qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.get_attribute("src").startswith("/admin/")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    ("width", "height", "mobile"), [(375, 812, True), (1280, 900, False)], ids=["375", "1280"]
)
def test_setting_up_two_step_verification_in_the_browser(
    browser, live_server, transactional_db, tmp_path, width, height, mobile
):
    # A permission of its own: a live-server test's database is emptied between tests, and the
    # staff groups (made by a migration) go with it.
    user = UserFactory(username="new-editor", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="change_therapy"))
    context = _context(
        browser, viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile
    )
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/admin/login/")
        page.get_by_label("Username").fill("new-editor")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

        page.get_by_role("heading", name="Set up two-step verification").wait_for()
        fits_and_shows_the_qr_code(page)
        page.screenshot(path=tmp_path / f"set-up-{width}.png", full_page=True)

        device = TOTPDevice.objects.get(user=user, confirmed=False)
        key = "".join(page.locator("#two-step-key").inner_text().split())
        assert key and key in device.config_url
        code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
        page.get_by_label("Type the 6-digit code the app shows").fill(f"{code:06d}")
        page.get_by_role("button", name="Confirm and log in").click()

        page.get_by_role("heading", name="Your backup codes").wait_for()
        assert page.locator("#backup-codes li").count() == 10
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("window.__cspViolations") == []
        page.screenshot(path=tmp_path / f"backup-codes-{width}.png", full_page=True)
        print(f"\nScreenshots: {tmp_path}")

        page.get_by_role("link", name="Continue to the admin").click()
        page.get_by_role("heading", name="Catalogue and evidence").wait_for()
    finally:
        context.close()
