"""The browse pages: every page, the therapy list, the source page, query counts.

A therapy's page is in test_therapy_page.py, the comparison in test_compare.py, the presenters
in test_presenters.py.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.models import Finding, SafetyRule, Source
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
)
from therapies.models import Therapy
from wellness.selectors import catalogue_snapshot

JAMA = "shields-2020-jama-psychiatry"


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def grow_catalogue(size: int = 25) -> None:
    """Add therapies, each with goals, findings of its own and of its kind, and safety rules."""
    goals = [GoalFactory() for _ in range(3)]
    conditions = [ConditionFactory() for _ in range(3)]
    cleveland = Source.objects.get(slug="cleveland-clinic-massage")
    nccih = Source.objects.get(slug="nccih-massage")
    for n in range(size):
        therapy = TherapyFactory(kind="talking" if n % 2 else "massage")
        therapy.goals.add(*goals)
        for goal in goals:
            FindingFactory(therapy=therapy, goal=goal)
            FindingFactory(therapy=therapy, goal=goal, source=cleveland)
        FindingFactory(therapy=None, therapy_kind=therapy.kind, goal=goals[0], source=cleveland)
        for condition, effect in zip(conditions, ["exclude", "clearance", "caution"], strict=True):
            SafetyRuleFactory(therapy=therapy, condition=condition, effect=effect, source=nccih)


class Tags(HTMLParser):
    """Collect the start tags of a page, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(response) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(response.content.decode())
    return parser.tags


def text(response) -> str:
    """Return the page's HTML with runs of whitespace made single spaces."""
    return re.sub(r"\s+", " ", response.content.decode())


def section(response, heading_id: str) -> str:
    """Return the HTML of the <section> labelled by the heading with this id."""
    html = text(response)
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


# --- Every browse page --------------------------------------------------------------------------

PAGES = [
    reverse("therapy-list"),
    reverse("therapy-list") + "?kind=massage&goal=sleep",
    reverse("therapy-detail", args=["cbt"]),
    reverse("therapy-detail", args=["deep-tissue-massage"]),
    reverse("source-detail", args=[JAMA]),
    reverse("source-detail", args=["nccih-massage"]),
    reverse("compare"),
    reverse("compare") + "?therapies=cbt&therapies=swedish-massage&therapies=sports-massage",
    reverse("compare") + "?therapies=cbt",
]


@pytest.mark.parametrize("url", PAGES)
def test_browse_page_may_be_cached_by_shared_caches(client, seeded, url):
    response = client.get(url)

    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


@pytest.mark.parametrize("url", PAGES)
def test_browse_page_has_one_h1_a_title_and_no_inline_script_or_style(client, seeded, url):
    response = client.get(url)
    page = tags(response)

    assert [tag for tag, _ in page].count("h1") == 1
    assert re.search(r"<title>\w[^<]*Find a safe therapy</title>", text(response))
    assert not [attrs for tag, attrs in page if tag == "script"]
    assert not [attrs for _, attrs in page if "style" in attrs]


@pytest.mark.parametrize("url", PAGES)
def test_browse_page_labels_every_form_control(client, seeded, url):
    page = tags(response := client.get(url))
    labelled = {attrs["for"] for tag, attrs in page if tag == "label"}
    controls = [
        attrs for tag, attrs in page if tag in {"input", "select"} and attrs.get("type") != "hidden"
    ]

    assert response.status_code == 200
    assert all(attrs.get("id") in labelled for attrs in controls)


@pytest.mark.parametrize("url", PAGES)
def test_browse_page_table_headers_have_a_scope(client, seeded, url):
    page = tags(client.get(url))

    assert all(attrs.get("scope") in {"col", "row"} for tag, attrs in page if tag == "th")


# --- Therapy list ------------------------------------------------------------------------------


def test_list_shows_every_published_therapy_with_its_facts(client, seeded):
    response = client.get(reverse("therapy-list"))
    html = text(response)

    assert response.context["count"] == 13
    assert "13 therapies" in html
    assert 'href="/therapies/cbt/">Cognitive behavioural therapy (CBT)</a>' in html
    assert "Talking therapy" in html
    assert "Massage" in html
    assert "CBT is a talking therapy." in html
    assert "In person, online or in a group" in html
    assert "50 to 60 minutes" in html
    assert "Support your immune system" in html
    assert "None, as there is no massage" not in html  # no pressure row for talking therapy


def test_list_hides_unpublished_therapies(client, db):
    TherapyFactory(name="Open therapy")
    TherapyFactory(name="Hidden therapy", published=False)

    html = text(client.get(reverse("therapy-list")))

    assert "Open therapy" in html
    assert "Hidden therapy" not in html


def listed(response) -> list[str]:
    return [therapy.slug for therapy, _ in response.context["therapies"]]


def test_list_filters_by_kind(client, seeded):
    response = client.get(reverse("therapy-list"), {"kind": "talking"})

    assert listed(response) == [
        "behaviour-therapy",
        "cbt-insomnia",
        "cbt",
        "grief-therapy",
        "psychoeducation",
        "supportive-therapy",
    ]
    assert 'id="kind-talking" name="kind" value="talking" checked' in text(response)


def test_list_filters_by_goal(client, seeded):
    response = client.get(reverse("therapy-list"), {"goal": "pregnancy-comfort"})

    assert listed(response) == ["prenatal-massage"]
    assert '<option value="pregnancy-comfort" selected>' in text(response)


def test_list_filters_by_kind_and_goal_together(client, seeded):
    response = client.get(reverse("therapy-list"), {"kind": "talking", "goal": "immune-function"})

    assert listed(response) == ["cbt"]
    assert "1 therapy match your filters" in text(response)


def test_list_says_so_when_no_therapy_matches(client, seeded):
    response = client.get(reverse("therapy-list"), {"kind": "talking", "goal": "sports-recovery"})

    assert listed(response) == []
    assert "No therapies match these filters." in text(response)


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "reiki"},
        {"goal": "no-such-goal"},
        {"kind": "talking", "goal": "no-such-goal"},
        {"kind": ["talking", "massage<script>"]},
    ],
)
def test_list_with_a_bad_filter_shows_everything_and_says_so(client, seeded, query):
    response = client.get(reverse("therapy-list"), query)
    html = text(response)

    assert response.status_code == 200
    assert len(listed(response)) == 13
    assert "We could not use those filters, so we are showing all therapies." in html
    assert 'id="kind-any" name="kind" value="" checked' in html


def test_list_has_a_no_javascript_filter_form_and_clear_link(client, seeded):
    html = text(client.get(reverse("therapy-list")))

    assert '<form method="get" action="/therapies/"' in html
    assert "<legend" in html
    assert '<button type="submit" class="button">Apply filters</button>' in html
    assert '<a href="/therapies/">Clear filters</a>' in html


def test_list_lets_you_tick_therapies_to_compare(client, seeded):
    page = tags(client.get(reverse("therapy-list")))

    assert any(tag == "form" and attrs.get("action") == "/compare/" for tag, attrs in page)
    boxes = [a for t, a in page if t == "input" and a.get("name") == "therapies"]
    assert len(boxes) == 13
    assert all(box["type"] == "checkbox" for box in boxes)


# --- Source page -------------------------------------------------------------------------------


def test_source_page_shows_the_citation_link_type_and_size(client, seeded):
    response = client.get(reverse("source-detail", args=[JAMA]))
    html = text(response)
    links = [a for t, a in tags(response) if t == "a" and a.get("href", "").startswith("https:")]

    assert "<h1>Psychosocial interventions and immune system function" in html
    assert "Shields GS, Spahr CM, Slavich GM" in html
    assert "JAMA Psychiatry" in html
    assert "2020" in html
    assert "10.1001/jamapsychiatry.2020.0431" in html
    assert links == [{"href": "https://doi.org/10.1001/jamapsychiatry.2020.0431"}]
    assert "(a meta-analysis)" in html
    assert "56 studies with 4,060 people" in html
    assert "Date not recorded" in html


def test_source_page_shows_its_findings_with_statements_therapies_and_goals(client, seeded):
    response = client.get(reverse("source-detail", args=[JAMA]))
    immune = section(response, "goal-immune-function")

    assert "Support your immune system" in immune
    assert "between 6% and 24%" in immune
    assert "About: all talking therapies" in immune
    assert 'href="/therapies/cbt/">Cognitive behavioural therapy (CBT)</a>' in immune
    assert 'href="/therapies/behaviour-therapy/"' in immune
    # Seven in the source; cognitive therapy's is left out, as that therapy is not published.
    assert len(response.context["findings_by_goal"][0][1]) == 6


def test_source_page_shows_the_review_date_when_recorded(client, db):
    SourceFactory(slug="checked", reviewed_at=timezone.make_aware(datetime.datetime(2026, 3, 4)))

    assert "4 March 2026" in text(client.get(reverse("source-detail", args=["checked"])))


def test_source_page_lists_its_safety_rules_by_therapy(client, seeded):
    response = client.get(reverse("source-detail", args=["nccih-massage"]))
    deep_tissue = section(response, "rules-deep-tissue-massage")

    assert "Do you take blood thinners, or do you have a bleeding problem?" in deep_tissue
    assert "Not suitable." in deep_tissue
    assert "Do not have this massage if you take blood thinners" in deep_tissue
    assert "Made for this." in section(response, "rules-prenatal-massage")


def test_source_page_hides_findings_and_rules_about_unpublished_therapies(client, db):
    source = SourceFactory(slug="trial")
    hidden = TherapyFactory(published=False, name="Hidden therapy")
    FindingFactory(source=source, therapy=hidden, outcome="hidden outcome")
    SafetyRuleFactory(source=source, therapy=hidden, message="Hidden advice.")
    FindingFactory(source=source, outcome="shown outcome")

    html = text(client.get(reverse("source-detail", args=["trial"])))

    assert "shown outcome" in html
    assert "hidden outcome" not in html
    assert "Hidden advice." not in html
    assert "Hidden therapy" not in html


@pytest.mark.parametrize("status", ["draft", "in-review", "retracted"])
def test_unpublished_source_page_is_not_found(client, db, status):
    SourceFactory(slug="gone", status=status)

    assert client.get(reverse("source-detail", args=["gone"])).status_code == 404


def test_retracting_a_source_takes_its_page_and_findings_down_at_once(client, seeded):
    cbt = reverse("therapy-detail", args=["cbt"])
    assert "about 15%" in text(client.get(cbt))

    Source.objects.filter(slug=JAMA).update(status=Source.Status.RETRACTED)

    assert client.get(reverse("source-detail", args=[JAMA])).status_code == 404
    assert "about 15%" not in text(client.get(cbt))
    assert JAMA not in text(client.get(cbt))


# --- Query counts ------------------------------------------------------------------------------

# Rendered, as in a transaction (these tests run in one), so the cache is not used: the cached
# pages are counted in test_browse_caching.py. The list counts its therapies, then loads a page.
# A therapy page and a comparison read their techniques too, and the (warm) snapshot for their
# harms: in a transaction, the change marker is read afresh for it. A source page reads its harms.
QUERY_COUNTS = [
    (reverse("therapy-list"), 4),
    (reverse("therapy-list") + "?kind=massage&goal=sleep", 4),
    (reverse("therapy-list") + "?page=2", 4),
    (reverse("therapy-detail", args=["swedish-massage"]), 6),
    (reverse("therapy-detail", args=["cbt"]), 6),
    (reverse("source-detail", args=["cleveland-clinic-massage"]), 4),
    (reverse("source-detail", args=["nccih-massage"]), 4),
    (reverse("compare") + "?therapies=cbt&therapies=swedish-massage&therapies=therapy-x", 7),
    (reverse("compare") + "?therapies=cbt", 1),
]


@pytest.mark.parametrize(("url", "queries"), QUERY_COUNTS)
def test_page_runs_the_same_queries_whatever_the_catalogue_size(
    client, seeded, django_assert_num_queries, url, queries
):
    # therapy-x is in the comparison at both sizes; it grows with the catalogue.
    extra = TherapyFactory(slug="therapy-x", kind="massage")
    catalogue_snapshot()  # rebuilt once after each change, for every page and the engine
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200

    grow_catalogue(25)
    goal = GoalFactory()
    extra.goals.add(goal)
    FindingFactory(therapy=extra, goal=goal)
    SafetyRuleFactory(therapy=extra)
    assert Therapy.objects.count() > 35
    assert Finding.objects.count() > 150
    assert SafetyRule.objects.count() > 130
    catalogue_snapshot()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
