"""A recommendation's benefits carry their finding's numbers (robustness issue, item 8).

The same names and values as the finding's own record in the read API, so a client can show the
value, its range, the measure and the size of the evidence without a second request.
"""

import pytest

URL = "/api/v1/recommendations/"
NUMBERS = (
    "population",
    "comparator",
    "effect_measure",
    "effect_unit",
    "effect_value",
    "ci_low",
    "ci_high",
    "studies_count",
    "participants_count",
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once per module."""


def benefits(result: dict) -> list[dict]:
    found = [b for card in result["recommendations"] for b in card["benefits"]]
    found += [note for gap in result.get("goal_gaps", []) for note in gap["notes"]]
    return found


@pytest.mark.parametrize(
    "goals", [["sleep"], ["stress-anxiety", "low-mood"], ["pain-tension", "sleep"]]
)
def test_each_benefit_has_its_findings_numbers(client, seeded, goals):
    result = client.post(URL, {"goals": goals}, content_type="application/json").json()
    found = benefits(result)
    assert found
    with_value = 0
    for benefit in found:
        finding = client.get(f"/api/v1/findings/{benefit['finding']}/").json()
        assert {name: benefit[name] for name in NUMBERS} == {
            name: finding[name] for name in NUMBERS
        }
        with_value += benefit["effect_value"] is not None
    assert with_value, "the seed's findings for these goals carry numbers"


def test_a_number_comes_with_its_range_and_measure(client, seeded):
    result = client.post(URL, {"goals": ["sleep"]}, content_type="application/json").json()
    for benefit in benefits(result):
        if benefit["ci_low"] is not None:
            assert benefit["effect_measure"]
            assert float(benefit["ci_low"]) <= float(benefit["ci_high"])
