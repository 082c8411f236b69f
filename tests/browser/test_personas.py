"""Six people walk the questionnaire by its visible labels, on a phone and on a desktop.

Each walk checks what that person must be told: the summary on one phone screen, the order
(evidence, then safety, then what matters to them), why options are ruled out and what would
open them, the next steps and warning signs for their answers, that Back and refresh keep
their results, and what the note for their doctor holds. The keyboard-only and JavaScript-off
walks are in tests/browser/test_journeys.py.
"""

from __future__ import annotations

import dataclasses

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _context
from tests.browser.journey import results_for, shortlist

PHONE_SCREEN = 812  # px tall, at 375 px wide


@dataclasses.dataclass(frozen=True)
class Persona:
    goals: tuple[str, ...]
    yes: frozenset[str] = frozenset()  # words of the questions answered yes
    pressure: str = "No preference"
    values: dict[str, str] | None = None  # "What matters to you": question → answer
    first: tuple[str, ...] = ()  # the shortlist starts with these, in this order
    in_summary: tuple[str, ...] = ()  # said in the summary
    next_steps: tuple[str, ...] = ()  # titles under the other paths
    waiting: bool = True  # "Wait and see" is among them
    urgent: str = ""  # said under "When to get help straight away"
    # The yes-answers the doctor's note lists; none: no option needs a clinician's yes first,
    # so no note is offered.
    note_questions: tuple[str, ...] = ()


PERSONAS = {
    "stress and poor sleep": Persona(
        goals=("Feel less stressed or anxious", "Sleep better"),
        first=("cbt-insomnia", "cbt"),
        in_summary=("as strong as the one above", "Other paths, including doing nothing for now"),
        next_steps=("Refer yourself to NHS Talking Therapies", "Talk to your GP"),
    ),
    "pregnant, with aches": Persona(
        goals=("Ease pain and tight muscles",),
        yes=frozenset({"pregnant"}),
        first=("prenatal-massage",),
        in_summary=("Ask your doctor, midwife or cancer team first.",),
        next_steps=("Talk to your midwife",),
        urgent="A bad headache, blurred sight or flashing lights",
        note_questions=("Are you pregnant?",),
    ),
    "arm swelling after breast cancer": Persona(
        goals=("Ease swelling",),
        yes=frozenset({"cancer"}),
        first=("lymphatic-drainage",),
        in_summary=("Ask your doctor, midwife or cancer team first.",),
        next_steps=("Talk to your cancer team", "Ask about a lymphoedema service"),
        waiting=False,
        urgent="a temperature of 37.5°C or more",
        note_questions=("Do you have cancer, or are you having treatment for cancer?",),
    ),
    "heart failure, wanting less stress": Persona(
        goals=("Feel less stressed or anxious",),
        yes=frozenset({"heart failure"}),
        pressure="Gentle",
        first=("cbt", "swedish-massage", "lymphatic-drainage"),
        in_summary=("Take care:", "Ask your doctor, midwife or cancer team first."),
        next_steps=("Talk to your heart team", "Refer yourself to NHS Talking Therapies"),
        urgent="Chest pain, or finding it very hard to breathe.",
        note_questions=("Do you have heart failure or another serious heart problem?",),
    ),
    "blood thinners, wanting firm pressure": Persona(
        goals=("Ease pain and tight muscles",),
        yes=frozenset({"blood thinners"}),
        pressure="Firm",
        next_steps=("Talk to your GP",),
    ),
    "low mood, wanting to talk and free": Persona(
        goals=("Lift a low mood",),
        values={
            "Would you rather talk": "Talk with someone",
            "Does it need to be free": "Yes, it needs to be free",
        },
        first=("cbt", "supportive-therapy"),
        in_summary=("You chose: talking, free.",),
        next_steps=("Refer yourself to NHS Talking Therapies",),
    ),
}


SCREENS = {
    "375px": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "1280px": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(params=SCREENS)
def screen(request, browser, live_server, seeded) -> Page:
    context = _context(browser, **SCREENS[request.param])
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.mark.parametrize("name", PERSONAS)
def test_each_persona_is_told_what_they_need(screen, name):
    persona = PERSONAS[name]
    phone = screen.viewport_size["width"] == 375
    results_for(
        screen, *persona.goals, yes=persona.yes, pressure=persona.pressure, values=persona.values
    )
    main = screen.locator("main")

    found = shortlist(screen)
    assert found[: len(persona.first)] == list(persona.first)
    if found:
        summary = screen.get_by_role("region", name="Your options at a glance")
        height = summary.bounding_box()["height"]
        assert not phone or height <= PHONE_SCREEN, f"the summary is {height:.0f} px tall"
        assert summary.locator(".summary-option[data-therapy]").count() == min(3, len(found))
        for words in persona.in_summary:
            expect(summary).to_contain_text(words)
        # Evidence first: each option's scale is no fuller than the one above it.
        levels = summary.locator(".summary-option[data-therapy] .scale").evaluate_all(
            "scales => scales.map(s => s.querySelectorAll('.scale__segment--on').length)"
        )
        assert levels == sorted(levels, reverse=True)
    else:
        # Ruled out by safety and a preference: said in one sentence each, with the change
        # that would open options one click away.
        expect(main).to_contain_text("We have no therapy to suggest")
        expect(main).to_contain_text("are not safe for you")
        screen.get_by_role("button", name="Show results with gentle pressure").click()
        expect(screen.locator("#summary")).to_contain_text("Swedish massage")
        expect(screen.locator("#summary")).to_contain_text("Take care:")
        found = shortlist(screen)

    paths = screen.locator("ul.other-paths")
    for title in persona.next_steps:
        expect(paths).to_contain_text(title)
    if persona.waiting:
        expect(paths).to_contain_text("Wait and see")
    else:
        expect(paths).not_to_contain_text("Wait and see")
    if persona.urgent:
        expect(screen.locator("#warning-signs")).to_contain_text(persona.urgent)
    else:
        expect(screen.locator("#warning-signs")).to_have_count(0)

    # Refresh keeps the results. The doctor's note, offered where an option needs a yes from a
    # clinician first, lists the yes-answers, and Back returns to the results.
    screen.reload()
    assert shortlist(screen) == found
    note = screen.get_by_role("link", name="Get a note for your doctor")
    if not persona.note_questions:
        expect(note).to_have_count(0)
        return
    note.click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text("A note for your doctor")
    for question in persona.note_questions:
        expect(screen.locator("main")).to_contain_text(question)
    screen.go_back()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Your results")
    assert shortlist(screen) == found
