"""The therapy list comes in pages of 20, with links that keep its filters."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import GoalFactory, TherapyFactory
from wellness.browse.views import PAGE_SIZE

LIST = reverse("therapy-list")


@pytest.fixture
def therapies(db):
    """45 published therapies (3 pages): 30 massages, 25 of them for one goal, and 15 talking."""
    goal = GoalFactory(slug="sleep", label="Sleep better")
    made = []
    for n in range(45):
        therapy = TherapyFactory(
            slug=f"therapy-{n:02}",
            name=f"Therapy {n:02}",
            kind="massage" if n < 30 else "talking",
        )
        if n < 25:
            therapy.goals.add(goal)
        made.append(therapy.slug)
    return made


def listed(response) -> list[str]:
    return [therapy.slug for therapy, _ in response.context["therapies"]]


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class Nav(HTMLParser):
    """Collect the links of the page's pagination nav: (text, href, aria-current)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str | None]] = []
        self.label = ""
        self._in_nav = False
        self._href: tuple[str, str | None] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("class") == "pagination":
            self._in_nav, self.label = True, attrs.get("aria-label", "")
        elif self._in_nav and tag == "a":
            self._href, self._text = (attrs["href"], attrs.get("aria-current")), ""

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "a" and self._href:
            self.links.append((" ".join(self._text.split()), *self._href))
            self._href = None

    def handle_data(self, data):
        if self._href:
            self._text += data


def nav(response) -> Nav:
    parser = Nav()
    parser.feed(response.content.decode())
    return parser


def test_first_page_lists_20_and_links_to_the_others(client, therapies):
    response = client.get(LIST)
    page_nav = nav(response)

    assert PAGE_SIZE == 20
    assert listed(response) == therapies[:20]
    assert "45 therapies" in html(response)
    assert "Showing 1 to 20 of 45 therapies." in html(response)
    assert page_nav.label == "Pages"
    assert page_nav.links == [
        ("1", "/therapies/", "page"),
        ("2", "/therapies/?page=2", None),
        ("3", "/therapies/?page=3", None),
        ("Next page", "/therapies/?page=2", None),
    ]


def test_last_page_lists_the_rest_and_links_back(client, therapies):
    response = client.get(LIST, {"page": "3"})

    assert listed(response) == therapies[40:]
    assert "Showing 41 to 45 of 45 therapies." in html(response)
    assert "<title>Browse therapies (page 3 of 3) – Find a safe therapy</title>" in html(response)
    assert nav(response).links == [
        ("Previous page", "/therapies/?page=2", None),
        ("1", "/therapies/", None),
        ("2", "/therapies/?page=2", None),
        ("3", "/therapies/?page=3", "page"),
    ]


def test_page_links_name_each_page_for_screen_readers(client, therapies):
    page = html(client.get(LIST, {"page": "2"}))

    assert '<a href="/therapies/?page=2" aria-label="Page 2" aria-current="page">2</a>' in page
    assert 'rel="prev">Previous<span class="visually-hidden"> page</span></a>' in page
    assert 'rel="next">Next<span class="visually-hidden"> page</span></a>' in page


def test_page_links_keep_the_filters(client, therapies):
    response = client.get(LIST, {"kind": "massage", "goal": "sleep", "page": "2"})

    assert listed(response) == therapies[20:25]
    assert "Showing 21 to 25 of 25 therapies." in html(response)
    assert nav(response).links == [
        ("Previous page", "/therapies/?kind=massage&goal=sleep", None),
        ("1", "/therapies/?kind=massage&goal=sleep", None),
        ("2", "/therapies/?kind=massage&goal=sleep&page=2", "page"),
    ]
    assert 'href="/therapies/?kind=massage&amp;goal=sleep&amp;page=2"' in html(response)


def test_filters_that_cannot_be_used_are_left_out_of_the_page_links(client, therapies):
    response = client.get(LIST, {"kind": "reiki", "page": "2"})

    assert listed(response) == therapies[20:40]
    assert "We could not use those filters" in html(response)
    assert ("Next page", "/therapies/?page=3", None) in nav(response).links


def test_list_on_one_page_has_no_page_links(client, db):
    TherapyFactory.create_batch(PAGE_SIZE)

    response = client.get(LIST)

    assert len(listed(response)) == PAGE_SIZE
    assert 'aria-label="Pages"' not in html(response)
    assert "Showing" not in html(response)
    assert "<title>Browse therapies – Find a safe therapy</title>" in html(response)


def test_long_list_leaves_out_the_far_pages(client, db):
    TherapyFactory.create_batch(PAGE_SIZE * 9 + 1)

    links = nav(client.get(LIST, {"page": "5"})).links

    assert [text for text, _, _ in links] == [
        "Previous page",
        "1",
        "4",
        "5",
        "6",
        "10",
        "Next page",
    ]
    assert (
        html(client.get(LIST, {"page": "5"})).count(
            '<li class="pagination__item pagination__item--gap">…</li>'
        )
        == 2
    )


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "1.5", "2abc", "9" * 5000])
def test_page_that_is_not_a_page_number_shows_the_first_page_and_says_so(client, therapies, asked):
    response = client.get(LIST, {"page": asked})

    assert response.status_code == 200
    assert listed(response) == therapies[:20]
    assert "We could not find that page of the list, so we are showing page 1." in html(response)


@pytest.mark.parametrize("asked", ["4", "999"])
def test_page_past_the_end_shows_the_last_page_and_says_so(client, therapies, asked):
    response = client.get(LIST, {"page": asked})

    assert response.status_code == 200
    assert listed(response) == therapies[40:]
    assert "We could not find that page of the list, so we are showing page 3." in html(response)


@pytest.mark.parametrize("query", [{}, {"page": ""}, {"page": "1"}, {"page": "2"}])
def test_page_that_exists_shows_no_message(client, therapies, query):
    assert "We could not find that page" not in html(client.get(LIST, query))


def test_empty_list_has_one_empty_page(client, db):
    response = client.get(LIST, {"page": "2"})

    assert response.status_code == 200
    assert listed(response) == []
    assert "No therapies match these filters." in html(response)


def test_therapies_that_share_a_name_are_each_listed_once(client, db):
    made = [TherapyFactory(name="Same name").slug for _ in range(PAGE_SIZE + 5)]

    shown = listed(client.get(LIST)) + listed(client.get(LIST, {"page": "2"}))

    assert sorted(shown) == sorted(made)


def test_only_the_page_is_loaded(client, therapies):
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"page": "2"})

    therapy_queries = [q["sql"] for q in queries if 'FROM "therapies_therapy"' in q["sql"]]
    assert len(therapy_queries) == 2
    count, page = therapy_queries
    assert "COUNT(" in count
    assert "LIMIT 20 OFFSET 20" in page
