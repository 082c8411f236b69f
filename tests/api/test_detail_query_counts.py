"""A therapy's detail costs the same few queries however much evidence and how many rules it has.

(The lists are pinned in test_query_counts.py; the benchmarks in tests/benchmarks/ read these.)
"""

from __future__ import annotations

import pytest

from tests.factories import (
    ConditionFactory,
    FindingFactory,
    HarmFactory,
    SafetyRuleFactory,
    SourceFactory,
)
from therapies.models import Goal, Therapy
from wellness.selectors import catalogue_snapshot

pytestmark = pytest.mark.django_db

# The change marker (for the ETag), the therapy, then its goals, techniques, safety rules and
# findings, and the change marker again for the snapshot its harms come from. (In a transaction,
# as tests run, the marker is always read afresh; outside one a process reuses it for a second.)
# The snapshot is warm: it is rebuilt once after each change, for every page and the engine.
DETAIL_QUERIES = 7


def grow(therapy: Therapy, extra: int) -> None:
    """Give the therapy more findings, goals and rules, each with a source of its own."""
    goals = list(Goal.objects.all())
    for n in range(extra):
        goal = goals[n % len(goals)]
        therapy.goals.add(goal)
        source = SourceFactory()
        FindingFactory(therapy=therapy, goal=goal, source=source)
        FindingFactory(therapy=None, therapy_kind=therapy.kind, goal=goal, source=source)
        SafetyRuleFactory(therapy=therapy, condition=ConditionFactory(), source=source)
        HarmFactory(therapy=therapy, source=source)


@pytest.mark.parametrize("extra", [0, 30])
def test_therapy_detail_queries_are_fixed(api, seeded, django_assert_num_queries, extra):
    therapy = Therapy.objects.get(slug="swedish-massage")
    grow(therapy, extra)
    catalogue_snapshot()

    with django_assert_num_queries(DETAIL_QUERIES):
        response = api.get("/api/v1/therapies/swedish-massage/")

    assert response.status_code == 200
    assert len(response.json()["findings"]) >= extra
    assert len(response.json()["harms"]) >= extra
