"""The browse pages: therapy list, therapy page, source page and comparison."""

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
from therapies.models import Goal, Therapy
from wellness.browse import presenters
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


# --- Therapy page ------------------------------------------------------------------------------


def test_cbt_page_shows_the_talking_therapy_numbers_and_links_their_source(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))
    immune = section(response, "goal-immune-function")

    assert "Talking therapies probably raise signs of a healthy immune system" in immune
    assert "about 15%" in immune
    assert "between 6% and 24%" in immune
    assert "About all talking therapies" in immune
    assert "Moderate certainty." in immune
    assert "We are fairly confident in this evidence." in immune
    assert f'href="/sources/{JAMA}/"' in immune


def test_therapy_page_shows_its_own_findings_before_those_of_its_kind(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))
    evidence = {e.goal.slug: e for e in response.context["evidence"]}

    assert list(evidence) == ["stress-anxiety", "immune-function", "low-mood"]
    assert [fv.finding.slug for fv in evidence["immune-function"].findings] == [
        "cbt-immune-function",
        "talking-therapies-beneficial-immune-function",
        "talking-therapies-harmful-immune-function",
    ]


def test_therapy_page_shows_a_techniques_findings_after_its_own_and_before_its_kinds(
    client, seeded
):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))
    evidence = {e.goal.slug: e for e in response.context["evidence"]}
    constipation = section(response, "goal-constipation")

    assert [fv.finding.slug for fv in evidence["constipation"].findings] == ["massage-constipation"]
    assert "About tummy massage" in constipation
    assert "We are very uncertain whether tummy massage improves being able to poo" in (
        constipation
    )
    assert "constipation" not in {
        e.goal.slug
        for e in client.get(reverse("therapy-detail", args=["sports-massage"])).context["evidence"]
    }


def test_therapy_page_shows_the_facts_and_review_dates(client, seeded):
    html = text(client.get(reverse("therapy-detail", args=["deep-tissue-massage"])))

    assert "<h1>Deep tissue massage</h1>" in html
    assert "Deep tissue massage uses firm pressure" in html
    assert "The therapist uses slow, firm pressure on tight areas." in html
    assert "60 to 90 minutes" in html
    assert ">In person<" in html.replace("> ", ">").replace(" <", "<")
    assert "Firm" in html
    assert "Last reviewed</dt>" in html
    assert "1 December 2026" in html
    assert "Next review due</dt>" in html
    assert "1 December 2027" in html


def test_deep_tissue_page_lists_blood_thinners_under_not_suitable(client, seeded):
    response = client.get(reverse("therapy-detail", args=["deep-tissue-massage"]))
    groups = {
        g.effect: [r.condition.slug for r in g.rules] for g in response.context["rule_groups"]
    }
    not_suitable = section(response, "rules-exclude")

    assert "blood-thinners" in groups["exclude"]
    assert [g.effect for g in response.context["rule_groups"]] == [
        "exclude",
        "clearance",
        "caution",
    ]
    assert "Not suitable if…" in not_suitable
    assert "Do you take blood thinners, or do you have a bleeding problem?" in not_suitable
    assert "Do not have this massage if you take blood thinners or bleed easily." in not_suitable
    assert 'href="/sources/nccih-massage/"' in not_suitable
    assert "Ask your doctor, midwife or cancer team first if…" in section(
        response, "rules-clearance"
    )
    assert "Take care if…" in section(response, "rules-caution")


def test_prenatal_page_says_it_is_made_for_pregnancy(client, seeded):
    response = client.get(reverse("therapy-detail", args=["prenatal-massage"]))
    made_for = section(response, "rules-suits")

    assert "Made for you if…" in made_for
    assert "Are you pregnant?" in made_for


def test_massage_page_says_the_cancer_pain_evidence_is_unclear(client, seeded):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))
    cancer_pain = section(response, "goal-cancer-pain")

    assert "The evidence is unclear." in cancer_pain
    assert "No clear effect" in cancer_pain
    assert "About all types of massage" in cancer_pain
    assert "Studies disagree" in cancer_pain


def test_massage_page_says_weak_evidence_is_weak(client, seeded):
    response = client.get(reverse("therapy-detail", args=["swedish-massage"]))

    assert "The evidence is weak." in section(response, "goal-sleep")


def test_therapy_page_says_mixed_evidence_is_mixed(client, seeded):
    response = client.get(reverse("therapy-detail", args=["behaviour-therapy"]))
    immune = section(response, "goal-immune-function")

    assert "The evidence is mixed." in immune
    assert "No clear effect" in immune


def test_talking_therapy_page_says_there_are_no_safety_rules(client, seeded):
    response = client.get(reverse("therapy-detail", args=["cbt"]))

    assert response.context["rule_groups"] == []
    assert "We know of no health problems that mean you should not have this therapy" in text(
        response
    )


@pytest.mark.parametrize("published", [False, None])
def test_unknown_or_unpublished_therapy_is_not_found(client, db, published):
    if published is False:
        TherapyFactory(slug="hidden", published=False)

    response = client.get(reverse("therapy-detail", args=["hidden"]))

    assert response.status_code == 404


@pytest.mark.parametrize("status", ["draft", "in-review", "retracted"])
def test_therapy_page_never_shows_findings_of_unpublished_sources(client, db, status):
    therapy = TherapyFactory(slug="calm", kind="massage")
    goal = GoalFactory(slug="sleep", label="Sleep better")
    hidden = SourceFactory(title="Hidden source", status=status)
    FindingFactory(therapy=therapy, goal=goal, source=hidden, outcome="hidden own outcome")
    FindingFactory(
        therapy=None, therapy_kind="massage", goal=goal, source=hidden, outcome="hidden kind one"
    )
    FindingFactory(therapy=therapy, goal=goal, outcome="shown outcome")

    html = text(client.get(reverse("therapy-detail", args=["calm"])))

    assert "shown outcome" in html
    assert "hidden own outcome" not in html
    assert "hidden kind one" not in html
    assert "Hidden source" not in html


def test_therapy_page_shows_no_findings_of_other_therapies_or_kinds(client, db):
    therapy = TherapyFactory(slug="calm", kind="massage")
    goal = GoalFactory()
    FindingFactory(therapy=TherapyFactory(), goal=goal, outcome="other therapy outcome")
    FindingFactory(therapy=None, therapy_kind="talking", goal=goal, outcome="talking outcome")
    FindingFactory(therapy=therapy, goal=goal, outcome="own outcome")

    html = text(client.get(reverse("therapy-detail", args=["calm"])))

    assert "own outcome" in html
    assert "other therapy outcome" not in html
    assert "talking outcome" not in html


def test_therapy_page_says_when_an_offered_goal_has_no_evidence(client, db):
    therapy = TherapyFactory(slug="calm")
    therapy.goals.add(GoalFactory(slug="grief", label="Cope with loss"))

    response = client.get(reverse("therapy-detail", args=["calm"]))

    assert "We have no published evidence about this yet." in section(response, "goal-grief")


def test_safety_rule_stays_on_show_while_its_source_is_checked_again(client, db):
    therapy = TherapyFactory(slug="firm")
    SafetyRuleFactory(
        therapy=therapy,
        effect="exclude",
        message="Do not have it with this problem.",
        source=SourceFactory(slug="old-advice", status="in-review"),
    )

    response = client.get(reverse("therapy-detail", args=["firm"]))
    not_suitable = section(response, "rules-exclude")

    assert "Do not have it with this problem." in not_suitable
    assert "we are checking the source of this advice again" in not_suitable
    assert "/sources/old-advice/" not in not_suitable


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


# --- Compare -----------------------------------------------------------------------------------


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


# --- Presenters --------------------------------------------------------------------------------


def _finding(goal, direction="benefit", certainty="moderate", therapy=None, kind=""):
    return Finding(
        slug=f"{direction}-{certainty}",
        goal=goal,
        therapy=therapy,
        therapy_kind=kind,
        outcome="sleep",
        population="adults",
        direction=direction,
        certainty=certainty,
    )


@pytest.mark.parametrize(
    ("findings", "verdict", "best"),
    [
        ([("benefit", "high")], "clear", "High certainty"),
        ([("benefit", "moderate"), ("benefit", "low")], "clear", "Moderate certainty"),
        ([("benefit", "low")], "weak", "Low certainty"),
        ([("benefit", "very-low")], "weak", "Very low certainty"),
        ([("benefit", "low"), ("no-clear-effect", "low")], "mixed", "Low certainty"),
        ([("benefit", "high"), ("harm", "low")], "mixed", "High certainty"),
        ([("no-clear-effect", "very-low")], "unclear", ""),
        ([("harm", "low"), ("no-clear-effect", "low")], "harm", ""),
    ],
)
def test_evidence_by_goal_says_how_strong_the_evidence_is(findings, verdict, best):
    goal = Goal(pk=1, slug="sleep", label="Sleep better", position=1)
    therapy = Therapy(pk=1, name="Calm", kind="massage")
    therapy._prefetched_objects_cache = {"goals": Goal.objects.none()}
    made = [_finding(goal, d, c, kind="massage") for d, c in findings]

    (evidence,) = presenters.evidence_by_goal(therapy=therapy, findings=made)

    assert (evidence.verdict, evidence.best_certainty_label) == (verdict, best)


@pytest.mark.parametrize(
    ("formats", "words"),
    [
        ((True, False, False), "In person"),
        ((False, True, False), "Online"),
        ((True, True, False), "In person or online"),
        ((True, True, True), "In person, online or in a group"),
        ((False, True, True), "Online or in a group"),
    ],
)
def test_formats_text_joins_the_ways_a_therapy_is_offered(formats, words):
    in_person, online, group = formats
    therapy = Therapy(in_person=in_person, online=online, group=group)

    assert presenters.formats_text(therapy) == words
