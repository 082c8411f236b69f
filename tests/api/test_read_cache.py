"""Public read answers are kept, rendered, under their ETag's key: warm, a read is one query.

Answers are kept only outside a transaction (a rolled-back one could repeat a change marker), so
these tests commit (``transaction=True``); the one that checks that rule does not.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import token_client
from tests.factories import (
    ConditionFactory,
    CrisisContactFactory,
    FindingFactory,
    GoalFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
    UserFactory,
)
from therapies.models import Therapy
from wellness import process_cache
from wellness.api import etags
from wellness.api.serializers.catalogue import TherapySerializer
from wellness.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/api/v1/therapies/"
DETAIL = "/api/v1/therapies/swedish/"
READS = [
    LIST,
    DETAIL,
    "/api/v1/therapies/?kind=massage&goal=sleep",
    "/api/v1/therapies/?page=1&page_size=1",
    "/api/v1/goals/",
    "/api/v1/goals/sleep/",
    "/api/v1/conditions/",
    "/api/v1/crisis-contacts/?region=GB",
    "/api/v1/sources/",
    "/api/v1/sources/trial/",
    "/api/v1/findings/",
    "/api/v1/safety-rules/",
]


@pytest.fixture(autouse=True)
def marker_read_every_time(settings):
    """Ask the database for the change marker on every request, so the count is exact."""
    settings.CATALOGUE_MARKER_MAX_AGE = 0


@pytest.fixture
def as_staff():
    """A client for someone who may view unpublished therapies.

    The permission is given directly: committing tests empty the database between them, and
    with it the staff groups the migrations made.
    """
    user = UserFactory(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_therapy"))
    client = token_client(user)
    # As after a first request a moment ago: the use of a token is written once a minute, and
    # the counts here are of the requests between.
    ApiToken.objects.filter(user=user).update(last_used=timezone.now())
    return client


@pytest.fixture
def catalogue():
    sleep = GoalFactory(slug="sleep")
    swedish = TherapyFactory(slug="swedish", name="Swedish massage")
    swedish.goals.add(sleep)
    TherapyFactory(slug="shiatsu", name="Shiatsu").goals.add(sleep)
    TherapyFactory(slug="draft", name="Draft massage", published=False)
    source = SourceFactory(slug="trial")
    FindingFactory(therapy=swedish, goal=sleep, source=source)
    SafetyRuleFactory(therapy=swedish, condition=ConditionFactory(slug="pregnancy"), source=source)
    CrisisContactFactory()


def queries(client, url: str, **extra) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


class RecordingCache:
    """The default cache, recording what is kept and for how long."""

    def __init__(self, cache):
        self.cache = cache
        self.kept: list[tuple[str, int]] = []

    def get(self, key):
        return self.cache.get(key)

    def set(self, key, value, timeout):
        self.kept.append((key, timeout))
        self.cache.set(key, value, timeout)


@pytest.fixture
def recording(monkeypatch) -> RecordingCache:
    recording = RecordingCache(process_cache.cache)
    monkeypatch.setattr(process_cache, "cache", recording)
    return recording


@pytest.mark.parametrize("url", READS)
def test_a_warm_public_read_is_one_query_and_the_same_answer(
    api, catalogue, url, django_assert_num_queries
):
    cold = api.get(url)
    assert cold.status_code == 200

    with django_assert_num_queries(1):  # the change marker
        warm = api.get(url)

    assert warm.status_code == 200
    assert warm.content == cold.content
    assert dict(warm.items()) == dict(cold.items())


def test_no_serializer_runs_when_warm(api, catalogue, monkeypatch):
    cold = api.get(LIST)

    def fail(*args, **kwargs):
        raise AssertionError("a warm read ran the serializer")

    monkeypatch.setattr(TherapySerializer, "to_representation", fail)

    assert api.get(LIST).content == cold.content


def test_a_catalogue_change_is_answered_at_once(api, catalogue):
    api.get(LIST), api.get(DETAIL)
    swedish = Therapy.objects.get(slug="swedish")
    swedish.name = "Swedish massage, renamed"
    swedish.save()

    assert api.get(DETAIL).json()["name"] == "Swedish massage, renamed"
    assert "Swedish massage, renamed" in [t["name"] for t in api.get(LIST).json()["results"]]


def test_a_new_therapy_is_listed_at_once(api, catalogue):
    api.get(LIST)
    TherapyFactory(slug="reflexology")

    assert "reflexology" in slugs(api.get(LIST))


def test_the_public_never_get_a_staff_answer(api, as_staff, catalogue):
    assert "draft" in slugs(as_staff.get(LIST))
    assert as_staff.get("/api/v1/therapies/draft/").status_code == 200

    assert "draft" not in slugs(api.get(LIST))
    assert api.get("/api/v1/therapies/draft/").status_code == 404


def test_staff_never_get_the_public_answer(api, as_staff, catalogue):
    api.get(LIST), api.get(LIST)

    assert "draft" in slugs(as_staff.get(LIST))


@pytest.mark.parametrize("url", [LIST, DETAIL])
def test_staff_answers_are_never_kept(as_staff, catalogue, recording, url):
    _, cold = queries(as_staff, url)
    _, again = queries(as_staff, url)

    assert again == cold > 1
    assert recording.kept == []


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/therapies/?page_size=0", 400),
        ("/api/v1/therapies/?kind=nope", 400),
        ("/api/v1/therapies/?goal=nope", 400),
        ("/api/v1/therapies/?page=99", 404),
        ("/api/v1/therapies/nope/", 404),
    ],
)
def test_a_refused_address_is_refused_again_once_warm(api, catalogue, recording, url, status):
    api.get(LIST), api.get(DETAIL)

    for _ in range(2):
        response = api.get(url)
        assert response.status_code == status
        assert response["Content-Type"] == "application/problem+json"
        assert "ETag" not in response
    assert len(recording.kept) == 2


@pytest.mark.parametrize("url", [LIST, DETAIL])
def test_a_current_tag_still_gets_304_when_warm(api, catalogue, url, django_assert_num_queries):
    etag = api.get(url)["ETag"]

    with django_assert_num_queries(1):
        response = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.parametrize(
    "query",
    [
        "page_size=05",
        "page_size=5.0",
        "page_size=%35",
        "page_size=5&utm_source=mail",
        "format=json",
    ],
)
def test_only_addresses_in_the_apis_own_spelling_are_kept(api, catalogue, recording, query):
    # Otherwise a client could fill the cache with endless spellings of one list.
    response, _ = queries(api, f"{LIST}?{query}")
    again, count = queries(api, f"{LIST}?{query}")

    assert response.status_code == again.status_code == 200
    assert count > 1
    assert recording.kept == []


def test_page_links_name_the_address_asked_for(api, catalogue):
    url = f"{LIST}?page_size=1"
    for _ in range(2):
        assert api.get(url).json()["next"].startswith("http://testserver/")
        assert api.get(url, secure=True).json()["next"].startswith("https://testserver/")
        assert api.get(url, HTTP_HOST="localhost").json()["next"].startswith("http://localhost/")


def test_kept_answers_expire(api, catalogue, recording):
    api.get(LIST)

    [(_, timeout)] = recording.kept
    assert timeout == etags.CACHE_TIMEOUT
    assert 60 <= timeout <= 24 * 60 * 60


def test_a_failing_cache_is_only_slower(api, catalogue, monkeypatch):
    class BrokenCache:
        def get(self, key):
            raise ConnectionError("cache down")

        def set(self, key, value, timeout):
            raise ConnectionError("cache down")

    monkeypatch.setattr(process_cache, "cache", BrokenCache())

    response = api.get(LIST)

    assert response.status_code == 200
    assert slugs(response) == ["shiatsu", "swedish"]


@pytest.mark.django_db
def test_nothing_is_kept_inside_a_transaction(api, recording):
    # A rolled-back change can leave the change marker where it was, meaning something else.
    TherapyFactory(slug="swedish")

    assert api.get(LIST).status_code == 200
    assert recording.kept == []
