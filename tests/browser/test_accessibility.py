"""axe-core finds no WCAG 2.2 A/AA violation on any page type, errors and results included."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.journey import (
    answer_screening,
    choose_goals,
    choose_preferences,
    go,
    results_for,
    start,
)

AXE = Axe()
WCAG = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def assert_accessible(page: Page) -> None:
    # A click that navigates returns once the next page starts loading; scan it once loaded.
    page.wait_for_load_state("load")
    results = AXE.run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()


def to_check_page(page: Page, yes=frozenset()) -> None:
    start(page)
    choose_goals(page, "Ease pain and tight muscles", "Cope with loss")
    answer_screening(page, yes=yes)
    choose_preferences(page)


STATIC_PAGES = [
    "/",
    "/questions/",
    "/help-now/",
    "/privacy/",
    "/therapies/",
    "/therapies/?kind=massage&goal=sleep",
    "/therapies/cbt/",
    "/therapies/prenatal-massage/",
    "/sources/shields-2020-jama-psychiatry/",
    "/sources/nccih-massage/",
    "/compare/?therapies=cbt&therapies=swedish-massage&therapies=prenatal-massage",
    "/compare/?therapies=cbt",
    "/changes/",
    "/changes/?therapy=deep-tissue-massage",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", STATIC_PAGES)
def test_page_has_no_violations(page, path):
    go(page, path)

    assert_accessible(page)


def test_question_pages_and_their_errors_have_no_violations(page):
    start(page)
    assert_accessible(page)  # goals
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)  # goals, with an error
    choose_goals(page, "Sleep better")
    assert_accessible(page)  # a yes/no question
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)  # a yes/no question, with an error
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)  # the health questions
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page)  # the health questions, every one with an error
    answer_screening(page)
    assert_accessible(page)  # preferences
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)  # preferences, with errors
    choose_preferences(page)
    assert_accessible(page)  # check your answers


def test_results_note_and_saved_pages_have_no_violations(page):
    to_check_page(page, yes={"pregnant", "blood thinners"})
    page.get_by_role("button", name="Show my results").click()
    assert_accessible(page)  # results: shortlist, warnings, not suitable, gaps
    page.get_by_role("button", name="Save and get a link").click()
    saved = page.url
    assert_accessible(page)  # saved result
    page.get_by_role("button", name="Get a note for your doctor").click()
    assert_accessible(page)  # note for your doctor
    go(page, saved.removeprefix(page.base))
    page.get_by_role("button", name="Delete these results now").click()
    assert_accessible(page)  # deleted
    go(page, "/results/")
    page.get_by_role("button", name="Clear my answers").click()
    assert_accessible(page)  # answers cleared
    go(page, "/results/")
    assert_accessible(page)  # results no longer here


def test_results_with_options_ruled_out_and_a_choice_to_change_have_no_violations(page):
    results_for(page, "Ease pain and tight muscles", yes={"blood thinners"}, pressure="Firm")
    assert_accessible(page)  # no therapy to suggest, with a change that opens options
    page.get_by_role("button", name="Show results with gentle pressure").click()
    expect(page.locator("#summary")).to_contain_text("Swedish massage")
    assert_accessible(page)  # the summary with a take-care option


def test_crisis_page_has_no_violations(page):
    start(page)
    choose_goals(page, "Sleep better")
    answer_screening(page, yes={"harming yourself"})

    assert_accessible(page)


def test_error_page_has_no_violations(page):
    html = (TEMPLATES / "500.html").read_text()
    page.route(
        page.base + "/__500__", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    go(page, "/__500__")

    expect(page.get_by_role("heading", level=1)).to_contain_text("problem with the service")
    assert_accessible(page)


def test_api_docs_page_and_an_open_operation_have_no_violations(page):
    go(page, "/api/v1/docs/")
    operation = page.locator("#operations-recommendations-recommendations_create")
    expect(operation).to_be_visible()
    assert_accessible(page)  # every operation, closed

    operation.locator(".opblock-summary-control").click()
    expect(operation.get_by_role("button", name="Try it out")).to_be_visible()
    assert_accessible(page)  # one operation open, with its request body and responses


def test_admin_login_page_has_no_violations(page):
    go(page, "/admin/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert_accessible(page)
