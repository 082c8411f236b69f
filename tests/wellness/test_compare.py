"""The comparison of two or three therapies: side by side, with no treatment, stacked on a phone."""

import re

import pytest
from django.urls import reverse

from tests.factories import TherapyFactory
from tests.wellness.test_browse import section, text


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def compare(client, *slugs, **extra):
    return client.get(reverse("compare"), {"therapies": list(slugs), **extra})


def test_compare_shows_three_therapies_side_by_side(client, seeded):
    response = compare(client, "cbt", "swedish-massage", "deep-tissue-massage")
    html = text(response)

    assert [t.slug for t, _ in response.context["therapies"]] == [
        "cbt",
        "swedish-massage",
        "deep-tissue-massage",
    ]
    assert '<th scope="col"><a href="/therapies/cbt/">' in html
    assert '<th scope="row">Kind</th>' in html
    assert '<th scope="row">Pressure</th>' in html
    assert '<th scope="row">Ways to have it</th>' in html
    assert '<th scope="row">Session length</th>' in html
    assert "50 to 60 minutes" in html
    assert "60 to 90 minutes" in html
    assert "error-summary" not in html


def test_compare_shows_the_best_certainty_for_each_goal(client, seeded):
    response = compare(client, "cbt", "swedish-massage")
    rows = {row.subject.slug: row.cells for row in response.context["goal_rows"]}

    cbt, swedish = rows["immune-function"]
    assert (cbt.verdict, cbt.best_certainty_label) == ("clear", "Moderate certainty")
    assert (swedish.verdict, swedish.best_certainty_label) == ("weak", "Very low certainty")
    assert rows["cancer-pain"][0] is None
    assert rows["cancer-pain"][1].verdict == "unclear"
    assert "Evidence it helps (moderate certainty)" in text(response)


def test_compare_shows_safety_rules_by_condition_with_their_effect_in_words(client, seeded):
    response = compare(client, "swedish-massage", "deep-tissue-massage")
    html = text(response)
    rows = {row.subject.slug: row.cells for row in response.context["condition_rows"]}

    assert [rule.effect for rule in rows["blood-thinners"]] == ["caution", "exclude"]
    assert table_row(html, "Do you take blood thinners") == [
        "⚠ Take care",
        "✕ Not suitable",
        "No special advice",  # no treatment for now
    ]
    # On a phone, the same advice stacks under each therapy.
    stack = section(response, "stack-deep-tissue-massage")
    assert "Do you take blood thinners" in stack and "✕ Not suitable" in re.sub(
        r"<[^>]+>", "", stack
    )


def test_compare_says_when_a_therapy_has_no_rule_for_a_condition(client, seeded):
    html = text(compare(client, "cbt", "lymphatic-drainage"))

    assert table_row(html, "Do you have heart failure") == [
        "No special advice",
        "! Ask your doctor, midwife or cancer team first",
        "No special advice",
    ]


def table_row(html: str, heading: str) -> list[str]:
    """Return the words of each cell of the comparison table's row with this heading."""
    tables = html[html.index('class="compare-tables"') :]
    row = tables[tables.index(heading) :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    return [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in cells]


def test_compare_without_a_choice_shows_the_picker_without_an_error(client, seeded):
    response = client.get(reverse("compare"))
    html = text(response)

    assert response.status_code == 200
    assert "error-summary" not in html
    assert "Which therapies do you want to compare?" in html
    assert html.count('type="checkbox" id="compare-') == 13


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"compare": "yes"}, "Choose 2 or 3 therapies to compare"),
        ({"therapies": ["cbt"]}, "Choose at least 2 therapies to compare"),
        ({"therapies": ["cbt", "cbt"]}, "Choose at least 2 therapies to compare"),
        (
            {"therapies": ["cbt", "sports-massage", "swedish-massage", "prenatal-massage"]},
            "Choose no more than 3 therapies to compare",
        ),
        (
            {"therapies": ["cbt", "no-such-therapy"]},
            "We could not find one of the therapies you chose. Choose 2 or 3 from the list",
        ),
        (
            {"therapies": ["cbt", "hidden"]},
            "We could not find one of the therapies you chose. Choose 2 or 3 from the list",
        ),
    ],
)
def test_compare_with_a_wrong_choice_shows_the_error_by_the_field(client, seeded, query, message):
    TherapyFactory(slug="hidden", published=False)

    response = client.get(reverse("compare"), query)
    html = text(response)

    assert response.status_code == 200
    assert "<title>Error: Compare therapies" in html
    assert 'class="error-summary"' in html
    assert f'<a href="#compare-behaviour-therapy">{message}</a>' in html
    assert 'id="compare-behaviour-therapy"' in html
    assert f'id="therapies-error"><span class="visually-hidden">Error:</span> {message}' in html
    assert 'aria-describedby="therapies-hint therapies-error"' in html
    assert "<table" not in html


def test_compare_keeps_the_boxes_ticked_after_an_error(client, seeded):
    html = text(compare(client, "cbt"))

    assert 'value="cbt" checked' in html
    assert 'value="swedish-massage" checked' not in html
