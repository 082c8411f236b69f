"""Steps a person takes through the questionnaire, shared by the browser tests."""

from playwright.sync_api import Page, expect


def go(page: Page, path: str) -> None:
    page.goto(page.base + path)


def start(page: Page) -> None:
    go(page, "/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()


def choose_goals(page: Page, *labels: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("What would you like help with?")
    for label in labels:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Continue").click()


def answer_screening(page: Page, yes: set[str] = frozenset()) -> int:
    """Answer the crisis question, then each question on the health page; return how many.

    A question is answered yes when it holds one of the words in ``yes``.
    """
    asked = 0
    if page.locator("input[name=answer]").count():
        question = page.get_by_role("heading", level=1).inner_text()
        answer = "Yes" if any(word in question for word in yes) else "No"
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").click()
        asked += 1
        if answer == "Yes":
            return asked
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health")
    for question in page.locator("fieldset legend").all_inner_texts():
        answer = "Yes" if any(word in question for word in yes) else "No"
        group = page.get_by_role("group", name=question, exact=True)
        group.get_by_label(answer, exact=True).check()
        asked += 1
    page.get_by_role("button", name="Continue").click()
    return asked


def choose_preferences(
    page: Page,
    format: str = "No preference",
    pressure: str = "No preference",
    values: dict[str, str] | None = None,
):
    """Answer the preferences page, then "What matters to you": skipped unless ``values`` maps
    some of its questions to the answer to choose."""
    page.get_by_role("group", name="How would you like to have therapy?").get_by_label(
        format
    ).check()
    page.get_by_role("group", name="how firm").get_by_label(pressure).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you")
    if values is None:
        page.get_by_role("link", name="Skip these questions").click()
        return
    for question, answer in values.items():
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.get_by_role("button", name="Continue").click()


def show_results(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Show my results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")


def shortlist(page: Page) -> list[str]:
    """Return the slugs of the recommended therapies, best first."""
    return page.locator("#shortlist ~ ol > li[data-therapy]").evaluate_all(
        "items => items.map(i => i.dataset.therapy)"
    )


def not_suitable(page: Page) -> list[str]:
    return page.locator("li.card--excluded").evaluate_all(
        "items => items.map(i => i.dataset.therapy)"
    )


def results_for(
    page: Page,
    *goals: str,
    yes: set[str] = frozenset(),
    pressure: str = "No preference",
    values: dict[str, str] | None = None,
) -> None:
    """Walk the whole questionnaire by visible labels and open the results."""
    start(page)
    choose_goals(page, *goals)
    answer_screening(page, yes=yes)
    choose_preferences(page, pressure=pressure, values=values)
    show_results(page)
