"""Every list costs the same few queries whatever the page size and the catalogue's size."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import (
    CrisisContactFactory,
    FindingFactory,
    HarmFactory,
    NextStepFactory,
    SafetyRuleFactory,
    SourceFactory,
    TechniqueFactory,
    TherapyFactory,
)
from therapies.models import Condition, Goal
from wellness.models import ApiToken
from wellness.selectors import catalogue_snapshot

pytestmark = pytest.mark.django_db

# The change marker (for the ETag), the count, the page, then one per prefetched collection.
# Therapies also read the (warm) snapshot for their harms: the marker again, in a transaction.
QUERIES = {
    "/api/v1/therapies/": 8,  # + goals, techniques, safety rules, findings; the marker
    "/api/v1/therapies/?kind=massage&goal=sleep": 9,  # + the goal the filter names
    "/api/v1/goals/": 3,
    "/api/v1/conditions/": 3,
    "/api/v1/crisis-contacts/?region=GB": 3,
    "/api/v1/sources/": 5,  # + findings, harms
    "/api/v1/findings/": 3,
    "/api/v1/safety-rules/": 3,
    "/api/v1/harms/": 3,
    "/api/v1/techniques/": 4,  # + the conditions each is not for
    "/api/v1/other-paths/": 5,  # + the questions and the goals each is for
}
PAGE_SIZES = (5, 100)


def grow(extra: int) -> None:
    """Add therapies, each with findings, a rule, a source and a crisis line of its own."""
    sleep = Goal.objects.get(slug="sleep")
    pregnancy = Condition.objects.get(slug="pregnancy")
    for n in range(extra):
        therapy = TherapyFactory()
        therapy.goals.add(sleep)
        source = SourceFactory()
        FindingFactory(therapy=therapy, goal=sleep, source=source)
        FindingFactory(therapy=None, therapy_kind="massage", goal=sleep, source=source)
        SafetyRuleFactory(therapy=therapy, condition=pregnancy, source=source)
        HarmFactory(therapy=therapy, source=source)
        TechniqueFactory()
        NextStepFactory().conditions.add(pregnancy)
        CrisisContactFactory(name=f"Line {n}")
    catalogue_snapshot()  # warm again, as the first request after a change leaves it


def count_queries(client, url: str, django_assert_num_queries, expected: int) -> None:
    sep = "&" if "?" in url else "?"
    for page_size in PAGE_SIZES:
        with django_assert_num_queries(expected):
            response = client.get(f"{url}{sep}page_size={page_size}")
        assert response.status_code == 200
        assert response.json()["results"]


@pytest.mark.parametrize("url", list(QUERIES))
def test_list_queries_are_fixed_at_any_size(api, seeded, django_assert_num_queries, url):
    catalogue_snapshot()
    count_queries(api, url, django_assert_num_queries, QUERIES[url])
    grow(30)
    count_queries(api, url, django_assert_num_queries, QUERIES[url])


def test_a_staff_list_adds_only_the_token_and_permission_lookups(
    as_curator, seeded, django_assert_num_queries
):
    # The token with its user and authenticator app, then the user's and their groups'
    # permissions (once a request). The token's use is written at most once a minute
    # (tests/api/test_tokens.py), so not by these requests, as after a first one a moment ago.
    ApiToken.objects.update(last_used=timezone.now())
    expected = QUERIES["/api/v1/sources/"] + 3
    catalogue_snapshot()
    count_queries(as_curator, "/api/v1/sources/", django_assert_num_queries, expected)
    grow(30)
    count_queries(as_curator, "/api/v1/sources/", django_assert_num_queries, expected)
