"""Browse pages are kept rendered in the cache until the catalogue changes."""

import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from evidence.catalogue import catalogue_load
from evidence.models import Source
from evidence.services import source_publish, source_retract
from tests.factories import FindingFactory, SourceFactory, TherapyFactory
from therapies.models import Goal, Therapy
from wellness.browse.caching import cached_public_page

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
JAMA = "shields-2020-jama-psychiatry"

LIST = reverse("therapy-list")
COMPARE = reverse("compare")
PAGES = [
    LIST,
    LIST + "?kind=massage&goal=sleep",
    LIST + "?kind=&goal=sleep",  # as the filter form sends them
    LIST + "?goal=sleep&kind=talking",
    LIST + "?page=1",
    reverse("therapy-detail", args=["swedish-massage"]),
    reverse("source-detail", args=[JAMA]),
    COMPARE,
    COMPARE + "?therapies=cbt&therapies=swedish-massage",
    COMPARE + "?therapies=cbt&therapies=swedish-massage&therapies=prenatal-massage&compare=yes",
]
# Answered, and rendered every time: there is no end of such addresses.
NOT_KEPT = [
    LIST + "?kind=reiki",  # a filter the page cannot use
    LIST + "?goal=no-such-goal",
    LIST + "?page=abc",  # a page that is not there
    LIST + "?page=2",  # the seed fits on one page
    LIST + "?page=01",  # page 1, spelled another way
    LIST + "?kind=%6Dassage",  # "massage", escaped
    LIST + "?kind=massage&kind=massage",
    LIST + "?utm_source=newsletter",  # a parameter the page does not read
    reverse("therapy-detail", args=["cbt"]) + "?ref=1",
    COMPARE + "?therapies=cbt",  # the form's errors
    COMPARE + "?therapies=cbt&therapies=no-such-therapy",
    COMPARE + "?compare=yes",
]


@pytest.fixture(autouse=True)
def marker_read_every_time(settings):
    """Ask the database for the change marker on every request, so the count is exact."""
    settings.CATALOGUE_MARKER_MAX_AGE = 0


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # A cache of this module's own, empty: never pages another test run left in a shared one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "browse-caching-tests",
        }
    }
    cache.clear()


@pytest.fixture
def seeded(transactional_db, seed_catalogue):
    # Committed, as in production: inside a transaction nothing is cached (see below).
    seed_catalogue()


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("url", PAGES)
def test_warm_page_costs_the_change_marker_query_alone(client, seeded, url):
    cold = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        warm = client.get(url)

    assert cold.status_code == warm.status_code == 200
    assert cold.templates != []
    assert len(queries) == 1
    assert "UNION ALL" in queries[0]["sql"]  # the change marker
    assert warm.templates == []  # nothing rendered


@pytest.mark.parametrize("url", PAGES)
def test_warm_page_has_the_same_body_and_headers_as_cold(client, seeded, url):
    cold = client.get(url)
    warm = client.get(url)

    assert warm.content == cold.content
    assert dict(warm.headers) == dict(cold.headers)
    assert set(warm["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert warm["Content-Type"] == "text/html; charset=utf-8"
    assert not warm.cookies


@pytest.mark.parametrize("url", NOT_KEPT)
def test_address_we_never_link_to_is_rendered_every_time(client, seeded, url):
    cold = client.get(url)
    again = client.get(url)

    assert cold.status_code == again.status_code == 200
    assert again.templates != []
    assert again.content == cold.content


def test_second_page_is_kept_once_there_is_one(client, seeded):
    TherapyFactory.create_batch(10)
    url = LIST + "?page=2"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        warm = client.get(url)

    assert len(queries) == 1
    assert "Showing 21 to 23 of 23 therapies." in html(warm)


def test_head_request_is_answered_from_the_cache_too(client, seeded, django_assert_num_queries):
    url = reverse("therapy-detail", args=["cbt"])
    client.get(url)

    with django_assert_num_queries(1):
        assert client.head(url).status_code == 200


def test_address_with_a_different_query_is_a_different_page(client, seeded):
    client.get(LIST)

    response = client.get(LIST, {"kind": "talking"})

    assert "6 therapies match your filters" in html(response)


def test_edited_therapy_shows_at_once(client, seeded):
    urls = [LIST, reverse("therapy-detail", args=["cbt"])]
    for url in urls:
        assert "CBT is a talking therapy." in html(client.get(url))

    cbt = Therapy.objects.get(slug="cbt")
    cbt.summary = "CBT helps you change how you think and act."
    cbt.save()

    for url in urls:
        page = html(client.get(url))
        assert "CBT helps you change how you think and act." in page
        assert "CBT is a talking therapy." not in page


def test_therapy_offered_for_a_new_goal_shows_at_once(client, seeded):
    url = LIST + "?goal=grief"
    before = client.get(url).content

    Therapy.objects.get(slug="cbt").goals.add(Goal.objects.get(slug="grief"))

    assert client.get(url).content != before
    assert 'href="/therapies/cbt/"' in html(client.get(url))


def test_published_finding_shows_at_once(client, seeded, superuser):
    url = reverse("therapy-detail", args=["cbt"])
    source = SourceFactory(title="A new trial", status=Source.Status.IN_REVIEW)
    FindingFactory(
        source=source,
        therapy=Therapy.objects.get(slug="cbt"),
        goal=Goal.objects.get(slug="sleep"),
        outcome="how long people sleep",
    )
    assert "A new trial" not in html(client.get(url))

    source_publish(source=source, by=superuser)

    assert "A new trial" in html(client.get(url))


def test_retracted_source_leaves_every_page_at_once(client, seeded, superuser):
    therapy_page = reverse("therapy-detail", args=["cbt"])
    source_page = reverse("source-detail", args=[JAMA])
    assert "about 15%" in html(client.get(therapy_page))
    assert client.get(source_page).status_code == 200

    source_retract(source=Source.objects.get(slug=JAMA), by=superuser)

    assert "about 15%" not in html(client.get(therapy_page))
    assert client.get(source_page).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("therapy-detail", args=["no-such-therapy"]),
        reverse("therapy-detail", args=["cbt"]),  # found: shows the test tells them apart
        reverse("source-detail", args=["no-such-source"]),
    ],
)
def test_only_a_page_found_is_cached(client, seeded, url):
    first = client.get(url)
    again = client.get(url)

    assert again.status_code == first.status_code
    assert bool(again.templates) == (first.status_code != 200)


def test_nothing_is_cached_inside_a_transaction(client, db):
    # A page rendered from writes that may be rolled back must never be shared.
    catalogue_load()
    client.get(LIST)

    assert client.get(LIST).templates != []


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = get


def test_page_is_rendered_when_the_cache_fails(client, seeded, monkeypatch):
    monkeypatch.setattr("wellness.process_cache.cache", BrokenCache())

    response = client.get(LIST)

    assert response.status_code == 200
    assert "13 therapies" in html(response)


# --- Pages that read anything about the person asking are never shared ---------------------------


def _read_session(request):
    request.session.get("anything")


def _add_cookie(response):
    response.set_cookie("seen", "yes")


PERSONAL = {
    "session": (_read_session, None),
    "csrf token": (get_token, None),
    "csp nonce": (lambda request: str(request.csp_nonce), None),
    "cookie": (None, _add_cookie),
    "vary": (None, lambda response: patch_vary_headers(response, ["Accept-Language"])),
}


@pytest.mark.parametrize("reads", PERSONAL.values(), ids=PERSONAL.keys())
@pytest.mark.django_db(transaction=True)
def test_page_that_reads_anything_personal_is_rendered_every_time(reads):
    on_request, on_response = reads
    calls = []

    @cached_public_page()
    def view(request):
        calls.append(request)
        if on_request:
            on_request(request)
        response = HttpResponse("<p>Hello</p>")
        if on_response:
            on_response(response)
        return response

    for _ in range(2):
        request = RequestFactory().get("/personal/")
        request.session = SessionStore()
        CSPMiddleware(lambda r: HttpResponse()).process_request(request)
        assert view(request).status_code == 200

    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_page_that_reads_nothing_personal_is_rendered_once():
    calls = []

    @cached_public_page()
    def view(request):
        calls.append(request)
        return HttpResponse("<p>Hello</p>")

    for _ in range(2):
        request = RequestFactory().get("/public/")
        request.session = SessionStore()
        CSPMiddleware(lambda r: HttpResponse()).process_request(request)
        assert view(request).content == b"<p>Hello</p>"

    assert len(calls) == 1


BROWSE_TEMPLATES = [
    TEMPLATES / "base.html",
    *sorted((TEMPLATES / "wellness/browse").glob("*.html")),
]
PER_REQUEST = re.compile(r"\b(request|user|perms|messages|csrf_token|csp_nonce)\b")


@pytest.mark.parametrize("template", BROWSE_TEMPLATES, ids=lambda path: path.name)
def test_browse_templates_read_nothing_about_the_request(template):
    tags = re.findall(r"{[{%].*?[}%]}", template.read_text(), flags=re.S)

    assert [tag for tag in tags if PER_REQUEST.search(tag)] == []
