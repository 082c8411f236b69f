"""Whom a proposed change to safety would affect: every reference scenario, with and without it.

The preview runs the real engine twice for each ``ReferenceScenario``: on the live catalogue,
and on a snapshot built from the database with the change applied inside a transaction that is
then rolled back, so nothing of it is ever seen or kept. For each scenario it lists the
therapies that move between recommended, ask first, take care and not suitable, and the moves in
rank; the biggest safety changes come first (docs/architecture.md §3).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from django.db import transaction

from evidence.changes import change_try
from evidence.models import ChangeRequest
from wellness.models import ReferenceScenario
from wellness.recommender import Answers, CatalogueSnapshot, Result, recommend
from wellness.selectors import catalogue_snapshot, catalogue_snapshot_build

# What the person is told about a therapy, from the most guarded to the least.
NOT_SUITABLE = "not suitable"
ASK_FIRST = "ask first"
TAKE_CARE = "take care"
RECOMMENDED = "recommended"
NOT_SHOWN = "not offered"  # not for their goals, or set aside for a preference
GUARD = {NOT_SUITABLE: 0, ASK_FIRST: 1, TAKE_CARE: 2, RECOMMENDED: 3}
GATES = {"clearance": ASK_FIRST, "caution": TAKE_CARE, "": RECOMMENDED}


@dataclasses.dataclass(frozen=True)
class Move:
    therapy: str
    name: str
    before: str
    after: str
    rank_before: int | None  # 1 is the top of the list; None when not recommended
    rank_after: int | None

    @property
    def safety_step(self) -> int:
        """How many steps of advice the change takes away (+) or adds (-); 0 for rank only."""
        if self.before not in GUARD or self.after not in GUARD:
            return 0 if self.before == self.after else 1
        return GUARD[self.after] - GUARD[self.before]

    @property
    def loosens(self) -> bool:
        return self.safety_step > 0


@dataclasses.dataclass(frozen=True)
class ScenarioImpact:
    scenario: ReferenceScenario
    moves: tuple[Move, ...]

    @property
    def weight(self) -> tuple[int, int, int]:
        """Sort key, biggest first: loosened advice, then any change of advice, then rank."""
        steps = [move.safety_step for move in self.moves]
        return (
            max((s for s in steps if s > 0), default=0),
            max((abs(s) for s in steps), default=0),
            sum(1 for move in self.moves if move.rank_before != move.rank_after),
        )


def answers_of(scenario: ReferenceScenario) -> Answers:
    preferences = {
        key: value
        for key, value in (scenario.preferences or {}).items()
        if key in ("format", "pressure", "approach", "time", "cost", "evidence")
    }
    return Answers(
        goals=frozenset(scenario.goals or ()),
        conditions=frozenset(scenario.conditions or ()),
        **preferences,
    )


def outcome(result: Result) -> dict[str, tuple[str, str, int | None]]:
    """Each therapy the result names: (name, what the person is told, rank if recommended)."""
    told: dict[str, tuple[str, str, int | None]] = {}
    for rank, card in enumerate(result.recommendations, start=1):
        told[card.therapy.slug] = (card.therapy.name, GATES[card.gate], rank)
    for excluded in result.excluded:
        told[excluded.therapy.slug] = (excluded.therapy.name, NOT_SUITABLE, None)
    return told


def compare(before: Result, after: Result) -> tuple[Move, ...]:
    old, new = outcome(before), outcome(after)
    moves = []
    for slug in sorted(old.keys() | new.keys()):
        name = (old.get(slug) or new[slug])[0]
        _, was, rank_was = old.get(slug, (name, NOT_SHOWN, None))
        _, now, rank_now = new.get(slug, (name, NOT_SHOWN, None))
        if (was, rank_was) != (now, rank_now):
            moves.append(Move(slug, name, was, now, rank_was, rank_now))
    moves.sort(key=lambda move: (-abs(move.safety_step), -move.safety_step, move.name))
    return tuple(moves)


def snapshot_with(change: ChangeRequest) -> CatalogueSnapshot:
    """Build the catalogue as it would be with the change, then undo the change."""
    with transaction.atomic():
        change_try(change)
        snapshot = catalogue_snapshot_build()
        transaction.set_rollback(True)
    return snapshot


def impact_preview(
    *,
    change: ChangeRequest,
    scenarios: Iterable[ReferenceScenario] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ScenarioImpact]:
    """Return every scenario whose outcome the change moves, biggest safety change first."""
    chosen = list(ReferenceScenario.objects.all() if scenarios is None else scenarios)
    live, changed = catalogue_snapshot(), snapshot_with(change)
    impacts = []
    for done, scenario in enumerate(chosen, start=1):
        answers = answers_of(scenario)
        moves = compare(
            recommend(answers=answers, catalogue=live),
            recommend(answers=answers, catalogue=changed),
        )
        if moves:
            impacts.append(ScenarioImpact(scenario, moves))
        if progress is not None:
            progress(done, len(chosen))
    impacts.sort(key=lambda impact: impact.weight, reverse=True)
    return impacts


def impacts_data(impacts: list[ScenarioImpact]) -> list[dict]:
    """The preview as plain data: what the change's page shows, kept by the background job."""
    return [
        {
            "scenario": impact.scenario.name,
            "goals": list(impact.scenario.goals or ()),
            "conditions": list(impact.scenario.conditions or ()),
            "moves": [
                {**dataclasses.asdict(move), "loosens": move.loosens} for move in impact.moves
            ],
        }
        for impact in impacts
    ]
