"""The public journeys of the product, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    answer_screening,
    choose_goals,
    choose_preferences,
    go,
    not_suitable,
    results_for,
    shortlist,
    show_results,
    start,
)

MASSAGES_NEEDING_CLEARANCE = ["swedish-massage", "lymphatic-drainage"]


def test_pregnant_and_wanting_relief_from_aches(page):
    results_for(page, "Ease pain and tight muscles", yes={"pregnant"})

    found = shortlist(page)
    assert found[0] == "prenatal-massage"
    first = page.locator("li.card[data-therapy=prenatal-massage]")
    expect(first).to_contain_text("made for pregnancy")
    for slug in MASSAGES_NEEDING_CLEARANCE:
        card = page.locator(f"li.card[data-therapy={slug}]")
        expect(card.locator(".warning--clearance")).to_contain_text("Ask first")
    # The clearance warning stands above the evidence on the card.
    card_text = page.locator("li.card[data-therapy=swedish-massage]").inner_text()
    assert card_text.index("Ask first") < card_text.index("What it may do for you")
    # Its downsides are on the card too, beside the benefits.
    assert card_text.index("What it may do for you") < card_text.index(
        "Downsides and what it asks of you"
    )

    page.get_by_role("link", name="Get a note for your doctor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A note for your doctor")
    expect(page.locator("table")).to_contain_text("Swedish massage")


def test_on_blood_thinners_and_wanting_less_muscle_pain(page):
    results_for(page, "Ease pain and tight muscles", yes={"blood thinners"})

    excluded = not_suitable(page)
    assert {"deep-tissue-massage", "sports-massage", "trigger-point-therapy"} <= set(excluded)
    assert not set(excluded) & set(shortlist(page))
    swedish = page.locator("li.card[data-therapy=swedish-massage]")
    expect(swedish.locator(".warning")).to_contain_text("Take care")
    deep_tissue = page.locator("li.card[data-therapy=deep-tissue-massage]")
    expect(deep_tissue).to_contain_text("blood thinners")


def test_crisis_answered_yes_shows_urgent_help_alone(page):
    start(page)
    choose_goals(page, "Sleep better")
    answer_screening(page, yes={"harming yourself"})

    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    expect(page.locator("main")).to_contain_text("116 123")
    expect(page.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    assert page.locator("li[data-therapy]").count() == 0
    cookies = {c["name"] for c in page.context.cookies()}
    assert "wellness_answers" not in cookies


def test_a_goal_with_no_good_option(page):
    results_for(page, "Ease pain from cancer")

    expect(page.get_by_role("heading", name="We have no therapy to suggest")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Ease pain from cancer: This has been studied, but the results are unclear."
    )
    expect(page.locator("main")).to_contain_text("Tell your cancer team about your pain")
    expect(page.locator("main")).not_to_contain_text("Wait and see")


def test_stress_and_poor_sleep_shows_cbt_first_with_its_downsides(page):
    results_for(page, "Feel less stressed or anxious", "Sleep better")

    assert shortlist(page)[:2] == ["cbt-insomnia", "cbt"]
    cbt = page.locator("li.card[data-therapy=cbt]")
    expect(cbt).to_contain_text("Time it asks")
    # The lasting bad effects of any talking therapy are said once, for both, and linked.
    cbt.get_by_role("link", name="the downsides of talking therapy as a whole").click()
    expect(page.locator("#kind-talking")).to_contain_text("1 in 20")
    expect(page.locator("#kind-talking")).to_contain_text("NHS Talking Therapies are free")
    expect(page.locator("#kind-talking")).to_be_in_viewport()
    expect(cbt).to_contain_text("Rated by our team")


SUMMARY_PERSONAS = {
    "stress and sleep": (["Feel less stressed or anxious", "Sleep better"], set(), "No preference"),
    "heart failure": (["Feel less stressed or anxious"], {"heart failure"}, "Gentle"),
    "low mood": (["Lift a low mood"], set(), "No preference"),
}


@pytest.mark.parametrize("persona", SUMMARY_PERSONAS)
def test_the_summary_fits_one_phone_screen_and_leads_to_the_details(phone, persona):
    goals, yes, pressure = SUMMARY_PERSONAS[persona]
    results_for(phone, *goals, yes=yes, pressure=pressure)

    summary = phone.get_by_role("region", name="Your options at a glance")
    box = summary.bounding_box()
    assert box["height"] <= 812, f"the summary is {box['height']:.0f} px tall"
    assert summary.locator(".summary-option[data-therapy]").count() == 3
    first = summary.locator(".summary-option__name a").first
    name = first.inner_text()
    first.click()
    expect(phone.locator("#card-1 h3")).to_contain_text(name)
    expect(phone.locator("#card-1")).to_be_in_viewport()


def test_whole_journey_works_with_javascript_off(no_js_page):
    page = no_js_page
    start(page)
    page.get_by_role("button", name="Continue").click()  # no goal chosen
    expect(page.locator(".error-summary")).to_contain_text("Select at least one thing")
    choose_goals(page, "Sleep better")
    answer_screening(page)
    choose_preferences(page)
    show_results(page)

    assert shortlist(page), "a shortlist without any JavaScript"


def test_change_an_answer_from_the_check_page(page):
    start(page)
    choose_goals(page, "Sleep better")
    answer_screening(page)
    choose_preferences(page)
    page.get_by_role("link", name="Change your answer to: Are you pregnant?").click()
    question = page.get_by_role("group", name="Are you pregnant?", exact=True)
    expect(question).to_be_in_viewport()  # the link opens the health page at that question
    expect(question.get_by_label("No", exact=True)).to_be_checked()  # back keeps answers
    question.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    row = page.locator(".summary-list__row", has_text="Are you pregnant?")
    expect(row.locator(".summary-list__value")).to_have_text("Yes")
    show_results(page)
    # Prenatal massage is offered now, as the person is pregnant, below CBT for insomnia's
    # stronger evidence for sleep.
    assert shortlist(page)[:2] == ["cbt-insomnia", "prenatal-massage"]


def test_back_link_keeps_answers(page):
    start(page)
    choose_goals(page, "Sleep better", "Ease swelling")
    page.get_by_role("link", name="Back").click()

    expect(page.get_by_label("Sleep better")).to_be_checked()
    expect(page.get_by_label("Ease swelling")).to_be_checked()
    expect(page.get_by_label("Cope with loss")).not_to_be_checked()


def test_share_link_reopened_in_a_new_browser(page, browser):
    results_for(page, "Ease pain and tight muscles", yes={"pregnant"})
    expected = shortlist(page)

    page.get_by_role("button", name="Save and get a link").click()
    link = page.url
    assert re.search(r"/results/saved/[\w-]{20,}/$", link) and "?" not in link
    # The link comes first, with a button that copies it; deleting is last and secondary.
    saved_text = page.locator("main").inner_text()
    assert saved_text.index("Your link to these results") < saved_text.index("Delete these")
    expect(page.get_by_label("Link", exact=True)).to_have_value(link)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link

    other = browser.new_context()
    reopened = other.new_page()
    reopened.goto(link)
    expect(reopened.get_by_role("heading", level=1)).to_have_text("Your results")
    assert shortlist(reopened) == expected
    reopened.get_by_role("button", name="Delete these results now").click()
    expect(reopened.get_by_role("heading", level=1)).to_have_text("Your results have been deleted")
    assert reopened.goto(link).status == 404
    other.close()


def test_back_and_refresh_after_results_show_them_again_until_cleared(page):
    results_for(page, "Ease pain and tight muscles", yes={"pregnant"})
    expected = shortlist(page)

    page.get_by_role("link", name="More about Prenatal massage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prenatal massage")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    assert shortlist(page) == expected
    page.reload()
    assert shortlist(page) == expected
    page.get_by_role("link", name="Get a note for your doctor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A note for your doctor")
    page.go_back()
    assert shortlist(page) == expected

    page.get_by_role("button", name="Clear my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been cleared")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your results are no longer here")


def test_the_doctors_note_lists_each_therapy_once_and_prints_on_one_a4_page(page):
    results_for(page, "Ease pain and tight muscles", yes={"pregnant", "broken bone"})
    page.get_by_role("link", name="Get a note for your doctor").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("A note for your doctor")
    expect(page.get_by_role("button", name="Print this note")).to_be_visible()
    names = page.locator(".note-table tbody td:first-child").all_inner_texts()
    assert names and len(names) == len(set(names))
    expect(page.get_by_role("list").filter(has_text="Are you pregnant?")).to_contain_text(
        "Do you have a broken bone that is still healing?"
    )
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the note is more than one page"


def test_whole_journey_by_keyboard_alone(page):
    go(page, "/")

    def tab_to(name: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => (document.activeElement.innerText || document.activeElement.labels?.[0]"
                "?.innerText || '').trim()"
            )
            if focused.startswith(name):
                return
        raise AssertionError(f"could not reach {name!r} with the Tab key")

    def enter() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    tab_to("Start now")
    enter()
    tab_to("Continue")
    enter()
    tab_to("Sleep better")
    page.keyboard.press("Space")
    tab_to("Continue")
    enter()
    tab_to("Yes")  # the crisis question, alone on its page
    page.keyboard.press("ArrowRight")  # radios move by arrow key: Yes → No
    tab_to("Continue")
    enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your health")
    for _ in range(page.locator("fieldset").count()):
        tab_to("Yes")  # Tab goes from one question to the next
        page.keyboard.press("ArrowRight")
    tab_to("Continue")
    enter()
    for _ in ("format", "pressure"):
        tab_to("No preference")
        page.keyboard.press("Space")
    tab_to("Continue")
    enter()
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you")
    tab_to("Talk with someone")
    page.keyboard.press("Space")
    tab_to("Yes, it needs to be free")
    page.keyboard.press("Space")
    tab_to("Continue")
    enter()
    tab_to("Show my results")
    enter()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your results")
    assert shortlist(page)[0] == "cbt-insomnia"
    expect(page.locator("#summary")).to_contain_text("You chose: talking, free.")


def test_phone_sized_journey_from_home_to_shortlist(phone):
    """At 375 px every page fits without sideways scrolling, in a short, fixed number of steps."""
    pages_seen = []

    def fits() -> None:
        phone.wait_for_load_state("load")
        pages_seen.append(phone.url)
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{phone.url} scrolls sideways ({width}px)"

    def step(action) -> None:
        # Wait for the next page itself, so the check never reads a page that is going away.
        with phone.expect_navigation():
            action()
        fits()

    go(phone, "/")
    fits()
    step(lambda: phone.get_by_role("button", name="Start now").click())
    step(lambda: phone.get_by_role("button", name="Continue").click())
    step(lambda: choose_goals(phone, "Feel less stressed or anxious"))
    phone.get_by_label("No", exact=True).check()  # the crisis question, alone on its page
    step(lambda: phone.get_by_role("button", name="Continue").click())
    for group in phone.locator("fieldset").all():
        group.get_by_label("No", exact=True).check()
    step(lambda: phone.get_by_role("button", name="Continue").click())
    for group in phone.locator("fieldset").all():  # the preferences
        group.get_by_label("No preference").check()
    step(lambda: phone.get_by_role("button", name="Continue").click())
    expect(phone.get_by_role("heading", level=1)).to_have_text("What matters to you")
    step(lambda: phone.get_by_role("link", name="Skip these questions").click())
    step(lambda: phone.get_by_role("button", name="Show my results").click())
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your results")

    assert shortlist(phone)
    # home, start, goals, the crisis question, the health questions, preferences, what matters
    # to you, check and results: 9 pages, inside the 12 a one-goal journey with no health
    # problem may take.
    assert len(pages_seen) == 9


def test_compare_stacks_by_therapy_on_a_phone_with_no_treatment_beside(phone, page):
    path = "/compare/?therapies=cbt&therapies=swedish-massage&compare=yes"
    go(phone, path)
    go(page, path)

    expect(phone.get_by_role("region", name="Cognitive behavioural therapy (CBT)")).to_be_visible()
    expect(phone.get_by_role("region", name="Swedish massage")).to_be_visible()
    expect(phone.get_by_role("region", name="No treatment for now")).to_be_visible()
    expect(phone.locator(".compare-tables")).to_be_hidden()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sideways
    expect(page.locator(".compare-stack")).to_be_hidden()
    expect(page.get_by_role("columnheader", name="No treatment for now").first).to_be_visible()
    expect(page.locator(".effect--caution").first).to_contain_text("Take care")
