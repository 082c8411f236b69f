"""Under the strict Content-Security-Policy, every page type still works in Chromium.

The browser reports each thing the policy blocked as a ``securitypolicyviolation`` event; a
listener added before any page script runs collects them, and each test wants none.

Chromium runs on a thread of its own, with its own Playwright: the browser tests' session-wide
Playwright may be running on the main thread, and two cannot share one.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.conftest import enrol_totp_device
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_password_hashing")]

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""
PASSWORD = "a long staff password 4 tests"


@pytest.fixture
def site(live_server, transactional_db, seed_catalogue) -> str:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    seed_catalogue()
    return live_server.url


def in_chromium(base: str, steps: Callable) -> list[str]:
    """Run ``steps(page, visit)`` in headless Chromium; return every CSP violation seen.

    ``visit(path)`` opens a page and records its violations once it has loaded.
    """

    def run() -> list[str]:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                context = browser.new_context()
                context.set_default_timeout(10_000)
                context.add_init_script(COLLECT_VIOLATIONS)
                page = context.new_page()
                seen: list[str] = []

                def record() -> None:
                    page.wait_for_load_state("load")
                    seen.extend(page.evaluate("window.__cspViolations"))

                def visit(path: str) -> None:
                    page.goto(base + path)
                    record()

                steps(page, visit, record)
                return seen
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=180)


PUBLIC_PAGES = [
    "/",
    "/questions/",
    "/help-now/",
    "/privacy/",
    "/therapies/",
    "/therapies/cbt/",
    "/sources/shields-2020-jama-psychiatry/",
    "/compare/?therapies=cbt&therapies=swedish-massage",
    "/no-such-page/",
]


def test_public_pages_break_no_rule_of_the_policy(site):
    def steps(page, visit, record):
        for path in PUBLIC_PAGES:
            visit(path)

    assert in_chromium(site, steps) == []


def test_the_questionnaire_and_results_break_no_rule_of_the_policy(site):
    def steps(page, visit, record):
        visit("/questions/goals/")
        page.get_by_label("Sleep better").check()
        page.get_by_role("button", name="Continue").click()
        record()
        page.get_by_label("No", exact=True).check()  # the crisis question
        page.get_by_role("button", name="Continue").click()
        record()
        for group in page.locator("fieldset").all():  # the health questions
            group.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        record()
        page.get_by_role("group", name="How would you like to have therapy?").get_by_label(
            "No preference"
        ).check()
        page.get_by_role("group", name="how firm").get_by_label("No preference").check()
        page.get_by_role("button", name="Continue").click()
        record()
        page.get_by_role("group", name="Would you rather talk").get_by_label("Talk").check()
        page.get_by_role("button", name="Continue").click()  # what matters to you
        record()
        page.get_by_role("button", name="Show my results").click()
        record()
        assert page.get_by_role("heading", level=1).inner_text() == "Your results"

    assert in_chromium(site, steps) == []


def test_the_admin_works_under_the_policy_after_two_step_sign_in(site):
    user = UserFactory(username="boss", is_superuser=True, password=PASSWORD)
    code = f"{totp(enrol_totp_device(user).bin_key):06d}"

    def steps(page, visit, record):
        visit("/admin/login/")
        page.get_by_label("Username").fill("boss")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Log in").click()
        record()
        assert page.get_by_role("heading", name="Catalogue and evidence").is_visible()
        for path in [
            "/admin/therapies/therapy/",
            "/admin/therapies/therapy/add/",
            "/admin/evidence/source/",
            "/admin/evidence/finding/add/",
            "/admin/auth/user/",
        ]:
            visit(path)
            assert page.locator("#content").count() == 1, path

    assert in_chromium(site, steps) == []


def test_the_api_docs_page_works_under_its_narrow_exception(site):
    def steps(page, visit, record):
        visit("/api/v1/docs/")
        page.get_by_text("/api/v1/recommendations/").first.wait_for()
        record()

    assert in_chromium(site, steps) == []


def test_the_listener_sees_what_the_policy_blocks(site):
    # The control for the tests above: an inline script is reported.
    def steps(page, visit, record):
        visit("/")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.injected = 1'; document.body.append(s); }"
        )
        record()

    assert in_chromium(site, steps) == ["script-src-elem blocked inline on /"]
