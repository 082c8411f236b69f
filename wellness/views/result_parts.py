"""The results page's parts beyond the cards: the summary, ties, shared evidence and openings.

Pure functions of a result, its answers and the catalogue snapshot; the words are in the
templates. The engine ranks and explains; these decide only how the page presents it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from therapies.models import Therapy
from wellness.recommender import (
    CERTAINTY_WEIGHT,
    Answers,
    Benefit,
    CatalogueSnapshot,
    HarmFacts,
    Recommendation,
    Result,
)

SUMMARY_SIZE = 3
# A kind of therapy as a sentence names it: "talking therapy".
KIND_NAMES = {kind: label.lower() for kind, label in Therapy.Kind.choices}
# The main downside of an option: what commonly goes wrong first (a serious-risk record may
# say that none was found), then what it asks.
DOWNSIDE_ORDER = ("side-effect", "serious-risk", "time", "cost")
# "Good evidence", for someone who asked for it: moderate certainty or better.
STRONG_EVIDENCE = CERTAINTY_WEIGHT["moderate"]


@dataclasses.dataclass(frozen=True, slots=True)
class GoalStrength:
    certainty: str
    goals: tuple[str, ...]  # goal labels, in the questionnaire's order


@dataclasses.dataclass(frozen=True, slots=True)
class SummaryOption:
    position: int
    recommendation: Recommendation
    strengths: tuple[GoalStrength, ...]  # strongest first
    downside: str
    same_as_above: bool = False  # the evidence is as strong as the option above's
    same_below: int = 0  # for the last option: how many below it have evidence as strong
    # What matters to the person: whether they said, what of it this option does not meet
    # (the engine's value misses), and whether its evidence is weaker than they asked for.
    values_stated: bool = False
    misses: tuple[str, ...] = ()
    below_bar: bool = False

    @property
    def fits(self) -> bool:
        return self.values_stated and not self.misses and not self.below_bar

    @property
    def level(self) -> int:
        """How many of the summary scale's four segments are filled (GRADE, high = 4)."""
        return CERTAINTY_WEIGHT.get(self.strengths[0].certainty, 0) if self.strengths else 0

    @property
    def certainty(self) -> str:
        return self.strengths[0].certainty if self.strengths else ""


@dataclasses.dataclass(frozen=True, slots=True)
class Tie:
    """Options shown one after another that the evidence supports equally (positions from 1)."""

    first: int
    last: int
    names: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class KindEvidence:
    """What is known about a whole kind of therapy, said once for every card of that kind."""

    kind: str
    name: str
    therapies: tuple[str, ...]
    benefits: tuple[Benefit, ...]
    harms: tuple[HarmFacts, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Opening:
    """A changed preference that would open options set aside, with those options."""

    preference: str  # format | pressure
    value: str  # what the preference would become
    options: tuple[Recommendation, ...]
    token: str  # the answers with only this preference changed


def summary_options(
    result: Result,
    goal_labels: dict[str, str],
    *,
    size: int = SUMMARY_SIZE,
    answers: Answers | None = None,
) -> list[SummaryOption]:
    """Return the top options: the strength of evidence per goal, ties, the main downside, and
    how each meets what matters to the person (``answers``)."""
    values_stated = answers is not None and answers.states_values
    wants_strong = answers is not None and answers.evidence == "strong"
    recs = result.recommendations
    shown = recs[:size]
    options = []
    for index, rec in enumerate(shown):
        below = 0
        if index == len(shown) - 1:
            while index + below + 1 < len(recs) and recs[index + below + 1].score == rec.score:
                below += 1
        strengths = _strengths(rec, goal_labels)
        weakest = min((CERTAINTY_WEIGHT.get(s.certainty, 0) for s in strengths), default=0)
        options.append(
            SummaryOption(
                position=index + 1,
                recommendation=rec,
                strengths=strengths,
                downside=_main_downside(rec.harms),
                same_as_above=index > 0 and recs[index - 1].score == rec.score,
                same_below=below,
                values_stated=values_stated,
                misses=rec.value_misses,
                below_bar=wants_strong and weakest < STRONG_EVIDENCE,
            )
        )
    return options


def _strengths(rec: Recommendation, goal_labels: dict[str, str]) -> tuple[GoalStrength, ...]:
    best: dict[str, int] = {}
    for benefit in rec.benefits:
        level = CERTAINTY_WEIGHT.get(benefit.certainty, 0)
        best[benefit.goal] = max(best.get(benefit.goal, 0), level)
    by_level: dict[int, list[str]] = {}
    for goal in rec.matched_goals:
        by_level.setdefault(best.get(goal, 0), []).append(goal_labels[goal])
    names = {level: name for name, level in CERTAINTY_WEIGHT.items()}
    return tuple(
        GoalStrength(names.get(level, ""), tuple(goals))
        for level, goals in sorted(by_level.items(), reverse=True)
    )


def _main_downside(harms: tuple[HarmFacts, ...]) -> str:
    """Return the first sentence of the most serious downside, as a short line."""
    for category in DOWNSIDE_ORDER:
        for harm in harms:
            if harm.category == category:
                return _first_sentence(harm.statement)
    return ""


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def ties(recommendations: tuple[Recommendation, ...]) -> list[Tie]:
    """Return the runs of two or more options next to each other with the same evidence score."""
    runs: list[Tie] = []
    start = 0
    for index in range(1, len(recommendations) + 1):
        if (
            index == len(recommendations)
            or recommendations[index].score != recommendations[start].score
        ):
            if index - start > 1:
                names = tuple(r.therapy.name for r in recommendations[start:index])
                runs.append(Tie(first=start + 1, last=index, names=names))
            start = index
    return runs


def shared_kind_evidence(
    result: Result, catalogue: CatalogueSnapshot
) -> tuple[list[KindEvidence], frozenset[str], frozenset[str]]:
    """Return the evidence about a whole kind that two or more cards would each repeat.

    Also the findings and harms it holds, by slug, for the cards to leave out. A kind with one
    card keeps its evidence on that card.
    """
    by_kind: dict[str, list[Recommendation]] = {}
    for rec in result.recommendations:
        by_kind.setdefault(rec.therapy.kind, []).append(rec)
    # Only the goals the cards matched: the index holds each goal's findings about a kind.
    matched = {goal for rec in result.recommendations for goal in rec.matched_goals}
    kind_findings = {
        finding.slug
        for goal in matched
        if goal in catalogue.evidence_by_goal
        for ranked in catalogue.evidence_by_goal[goal].by_kind.values()
        for finding in ranked.findings
    }
    sections: list[KindEvidence] = []
    findings: set[str] = set()
    harms: set[str] = set()
    for kind, recs in by_kind.items():
        if len(recs) < 2:
            continue
        shared_benefits = _common(recs, lambda r: r.benefits, lambda b: b.finding, kind_findings)
        shared_harms = _common(
            recs,
            lambda r: r.harms,
            lambda h: h.slug,
            {h.slug for r in recs for h in r.harms if h.therapy is None and h.technique is None},
        )
        if not shared_benefits and not shared_harms:
            continue
        sections.append(
            KindEvidence(
                kind=kind,
                name=KIND_NAMES.get(kind, kind),
                therapies=tuple(r.therapy.name for r in recs),
                benefits=tuple(shared_benefits),
                harms=tuple(shared_harms),
            )
        )
        findings.update(b.finding for b in shared_benefits)
        harms.update(h.slug for h in shared_harms)
    return sections, frozenset(findings), frozenset(harms)


def _common(recs: list[Recommendation], items: Callable, key: Callable, allowed: set[str]) -> list:
    """Return the allowed items every card of a kind carries, in the first card's order."""
    keys_each = [{key(item) for item in items(rec)} for rec in recs]
    in_all = set.intersection(*keys_each) & allowed
    return [item for item in items(recs[0]) if key(item) in in_all]


def openings(
    answers: dict,
    result: Result,
    recompute: Callable[[dict], Result],
    to_token: Callable[[dict], str],
    choices: dict[str, tuple[str, ...]],
) -> list[Opening]:
    """Return each other choice of a preference that would bring set-aside options back.

    The engine runs again with only that preference changed, so the options it names come with
    their own warnings, as they would be shown.
    """
    found = []
    for preference in ("pressure", "format"):
        set_aside = {s.therapy.slug for s in result.set_aside if s.reason == preference}
        if not set_aside:
            continue
        for value in choices[preference]:
            if value == (answers.get(preference) or "any"):
                continue
            changed = {**answers, preference: value}
            opened = tuple(
                rec for rec in recompute(changed).recommendations if rec.therapy.slug in set_aside
            )
            if opened:
                found.append(Opening(preference, value, opened, to_token(changed)))
    return found
