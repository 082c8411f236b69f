"""The snapshot's indexes at 5,000 therapies: a recommendation reads only the therapies that
match; the indexes are derived from the snapshot's collections; a copy read back from the shared
cache is the same."""

import dataclasses
import pickle
from collections.abc import Iterator, Mapping

import pytest

from tests.wellness.engine_catalogues import large_snapshot
from wellness.recommender import Answers, CatalogueSnapshot, recommend

# --- Only what matches is read ---------------------------------------------------------------


class OnlyThese(Mapping):
    """A mapping that fails the test if anything but the allowed keys is read, or it is walked."""

    def __init__(self, data: dict, allowed: set[str]) -> None:
        self.data, self.allowed = data, allowed

    def __getitem__(self, key: str):
        assert key in self.allowed, f"the engine read {key!r}, which does not match"
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the engine walked every therapy")

    def __len__(self) -> int:
        raise AssertionError("the engine counted every therapy")


@pytest.mark.parametrize("kind_wide_benefit", [False, True])
def test_recommend_reads_only_the_therapies_that_match(kind_wide_benefit):
    catalogue, matching = large_snapshot(kind_wide_benefit=kind_wide_benefit)
    answers = Answers(goals=frozenset({"sleep"}), conditions=frozenset({"pregnancy"}))
    expected = recommend(answers=answers, catalogue=catalogue)
    guarded = CatalogueSnapshot(
        version=catalogue.version,
        therapies=OnlyThese(dict(catalogue.therapies), matching),
        goals=catalogue.goals,
        conditions=catalogue.conditions,
        findings_by_goal=catalogue.findings_by_goal,
        rules_by_condition=catalogue.rules_by_condition,
        crisis_contacts=catalogue.crisis_contacts,
        therapies_by_kind=catalogue.therapies_by_kind,
        therapies_by_technique=catalogue.therapies_by_technique,
        harms=catalogue.harms,
        next_steps=catalogue.next_steps,
    )

    result = recommend(answers=answers, catalogue=guarded)

    assert result == expected
    assert {r.therapy.slug for r in result.recommendations} == matching - {"risky"}
    assert [e.therapy.slug for e in result.excluded] == ["risky"]


def test_a_kind_wide_benefit_matches_each_therapy_of_that_kind_without_its_own_say():
    catalogue, _ = large_snapshot(kind_wide_benefit=True)

    result = recommend(answers=Answers(goals=frozenset({"sleep"})), catalogue=catalogue)

    slugs = {r.therapy.slug for r in result.recommendations}
    assert slugs == {"sleepy", "prenatal", "risky"}  # no-help's own finding decides against it
    sleepy = next(r for r in result.recommendations if r.therapy.slug == "sleepy")
    assert [b.statement for b in sleepy.benefits] == [
        "sleepy-sleep statement",
        "massage-sleep-benefit statement",
    ]


def test_snapshot_indexes_are_derived_from_its_collections():
    catalogue, _ = large_snapshot(kind_wide_benefit=False)

    assert set(catalogue.therapies_by_kind) == {"talking", "massage"}
    assert len(catalogue.therapies_by_kind["talking"]) == 5000
    sleep = catalogue.evidence_by_goal["sleep"]
    assert set(sleep.own) == {"sleepy", "risky"}
    assert sleep.decided == {"sleepy", "no-help", "risky"}
    assert sleep.by_kind == {}  # only a harm finding about massage as a whole
    assert catalogue.therapies_by_technique == {}
    assert catalogue.rules_by_condition_therapy["pregnancy"]["risky"][0].effect == "exclude"


def test_a_snapshot_read_back_from_the_shared_cache_is_the_same():
    catalogue, _ = large_snapshot(kind_wide_benefit=True)
    answers = Answers(goals=frozenset({"sleep", "pain"}), conditions=frozenset({"pregnancy"}))

    again = pickle.loads(pickle.dumps(catalogue, pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes

    assert again == catalogue
    assert again.evidence_by_goal == catalogue.evidence_by_goal  # rebuilt, not pickled
    assert recommend(answers=answers, catalogue=again) == recommend(
        answers=answers, catalogue=catalogue
    )
    # Each fact pickles as its constructor's arguments, not as an attribute dict.
    finding = catalogue.findings_by_goal["sleep"][0]
    values = tuple(getattr(finding, f.name) for f in dataclasses.fields(finding))
    assert finding.__reduce__() == (type(finding), values)
