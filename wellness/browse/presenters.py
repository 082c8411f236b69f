"""Shape what the selectors return into what the browse pages show, without touching the database.

Everything here works on objects already loaded (findings with their therapy, goal and source;
therapies with their goals and safety rules), so a page's query count never depends on the data.
The words a person reads live in the templates; here we only decide which of them apply.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from itertools import groupby
from urllib.parse import urlencode

from django.core.paginator import Page

from evidence.harm_statements import harm_statement_for
from evidence.models import Finding, Harm, SafetyRule
from evidence.statements import (
    CERTAINTY_LABELS,
    certainty_words,
    figures_for,
    rated_by_words,
    statement_for,
)
from therapies.models import Condition, Goal, Therapy
from wellness.recommender import CERTAINTY_WEIGHT, HARM_ORDER, HarmFacts

# The order a person should read safety rules in: the firmest first.
EFFECT_ORDER = ("exclude", "clearance", "caution", "suits")


@dataclasses.dataclass(frozen=True)
class FindingView:
    finding: Finding
    statement: str
    certainty_label: str
    certainty_words: str
    rated_by_words: str = ""  # who rated the certainty, when it was our team
    figures: str = ""  # the numbers exactly as the source published them

    @property
    def about_kind(self) -> bool:
        return not self.finding.therapy_id and not self.finding.technique_id

    @property
    def about_technique(self) -> bool:
        return bool(self.finding.technique_id)


def finding_view(finding: Finding) -> FindingView:
    """Return a finding with its public statement and its certainty in words."""
    return FindingView(
        finding=finding,
        statement=statement_for(finding),
        certainty_label=CERTAINTY_LABELS[finding.certainty],
        certainty_words=certainty_words(finding.certainty),
        rated_by_words=rated_by_words(
            rated_by=finding.certainty_rated_by, clinician_checked=finding.clinician_checked
        ),
        figures=figures_for(finding),
    )


@dataclasses.dataclass(frozen=True)
class GoalEvidence:
    goal: Goal
    findings: tuple[FindingView, ...]
    # clear | weak | mixed | unclear | harm | none: which plain note the template shows.
    verdict: str
    best_certainty_label: str


def _verdict(findings: Sequence[Finding]) -> tuple[str, str]:
    if not findings:
        return "none", ""
    benefits = [f for f in findings if f.direction == Finding.Direction.BENEFIT]
    if not benefits:
        directions = {f.direction for f in findings}
        if Finding.Direction.HARM in directions:
            return "harm", ""
        if Finding.Direction.NO_EFFECT in directions:
            return "no-benefit", ""
        return "unclear", ""
    best = max(benefits, key=lambda f: CERTAINTY_WEIGHT[f.certainty]).certainty
    label = CERTAINTY_LABELS[best]
    if len(benefits) < len(findings):
        return "mixed", label
    return ("clear" if CERTAINTY_WEIGHT[best] >= CERTAINTY_WEIGHT["moderate"] else "weak"), label


def _about(finding: Finding, therapy: Therapy) -> bool:
    if finding.therapy_id:
        return finding.therapy_id == therapy.pk
    if finding.technique_id:
        return any(t.pk == finding.technique_id for t in therapy.techniques.all())
    return finding.therapy_kind == therapy.kind


def _finding_order(finding: Finding) -> tuple:
    # The therapy's own findings first, then its techniques', then its whole kind's; surer
    # evidence first within each.
    general = 2 if not finding.technique_id else 1
    return (
        0 if finding.therapy_id else general,
        -CERTAINTY_WEIGHT[finding.certainty],
        finding.slug,
    )


def evidence_by_goal(*, therapy: Therapy, findings: Iterable[Finding]) -> list[GoalEvidence]:
    """Return, goal by goal, the findings about a therapy or its kind and how sure they are.

    The goals are those the therapy is offered for and those any finding speaks about, so
    evidence of no clear effect (say, massage for cancer pain) is shown, not left out.
    """
    by_goal: dict[int, list[Finding]] = {goal.pk: [] for goal in therapy.goals.all()}
    goals = {goal.pk: goal for goal in therapy.goals.all()}
    for finding in findings:
        if _about(finding, therapy):
            goals.setdefault(finding.goal_id, finding.goal)
            by_goal.setdefault(finding.goal_id, []).append(finding)
    result = []
    for goal in sorted(goals.values(), key=lambda g: (g.position, g.label, g.slug)):
        goal_findings = sorted(by_goal[goal.pk], key=_finding_order)
        verdict, best = _verdict(goal_findings)
        result.append(
            GoalEvidence(
                goal=goal,
                findings=tuple(finding_view(f) for f in goal_findings),
                verdict=verdict,
                best_certainty_label=best,
            )
        )
    return result


@dataclasses.dataclass(frozen=True)
class RuleGroup:
    effect: str
    rules: tuple[SafetyRule, ...]


def rule_groups(rules: Iterable[SafetyRule]) -> list[RuleGroup]:
    """Return the safety rules grouped by effect, the firmest first, leaving out empty groups."""
    rules = list(rules)
    groups = []
    for effect in EFFECT_ORDER:
        matching = tuple(rule for rule in rules if rule.effect == effect)
        if matching:
            groups.append(RuleGroup(effect=effect, rules=matching))
    return groups


def formats_text(therapy: Therapy) -> str:
    """Return the ways a therapy is offered as one phrase: "In person, online or in a group"."""
    ways = [Therapy.Format(name).label.lower() for name in therapy.offered_formats()]
    phrase = ways[-1] if len(ways) < 2 else f"{', '.join(ways[:-1])} or {ways[-1]}"
    return phrase[:1].upper() + phrase[1:]


def findings_by_goal(findings: Iterable[Finding]) -> list[tuple[Goal, list[FindingView]]]:
    """Return findings (already ordered by goal) grouped under their goal."""
    return [
        (goal, [finding_view(f) for f in group])
        for goal, group in groupby(findings, key=lambda f: f.goal)
    ]


@dataclasses.dataclass(frozen=True)
class HarmGroup:
    category: str
    harms: tuple[HarmFacts, ...]


def harm_groups(harms: Iterable[HarmFacts]) -> list[HarmGroup]:
    """Return harms and burdens grouped by category, in the order a card shows them."""
    harms = list(harms)
    return [
        HarmGroup(category, tuple(h for h in harms if h.category == category))
        for category in HARM_ORDER
        if any(h.category == category for h in harms)
    ]


@dataclasses.dataclass(frozen=True)
class HarmView:
    harm: Harm
    statement: str
    certainty_label: str


def harm_views(harms: Iterable[Harm]) -> list[HarmView]:
    """Return a source's harms with their public statements."""
    return [
        HarmView(
            harm=harm,
            statement=harm_statement_for(harm),
            certainty_label=CERTAINTY_LABELS.get(harm.certainty, ""),
        )
        for harm in harms
    ]


def rules_by_therapy(rules: Iterable[SafetyRule]) -> list[tuple[Therapy, list[SafetyRule]]]:
    """Return safety rules (already ordered by therapy) grouped under their therapy."""
    return [(therapy, list(group)) for therapy, group in groupby(rules, key=lambda r: r.therapy)]


# --- Pages of the therapy list ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PageLink:
    number: int | None  # None stands for the pages left out between two links ("…")
    href: str = ""
    current: bool = False


@dataclasses.dataclass(frozen=True)
class Pagination:
    previous: str
    next: str
    pages: tuple[PageLink, ...]


def pagination(page: Page, *, path: str, query: dict[str, str]) -> Pagination | None:
    """Return the links to the other pages of a list, keeping its query (its filters).

    None when everything fits on one page. The first page's link has no page number, so it is
    the same address as the list itself.
    """
    if page.paginator.num_pages < 2:
        return None

    def href(number: int) -> str:
        params = {**query, "page": number} if number > 1 else query
        return f"{path}?{urlencode(params)}" if params else path

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return Pagination(
        previous=href(page.number - 1) if page.has_previous() else "",
        next=href(page.number + 1) if page.has_next() else "",
        pages=tuple(
            PageLink(n, href(n), n == page.number) if isinstance(n, int) else PageLink(None)
            for n in numbers
        ),
    )


# --- Compare --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CompareRow:
    """One row of the comparison: a goal or a condition, and one cell per therapy."""

    subject: Goal | Condition
    cells: tuple


def goal_rows(*, therapies: Sequence[Therapy], findings: Sequence[Finding]) -> list[CompareRow]:
    """Return one row per goal any of the therapies speaks to, with each one's evidence."""
    evidence = [
        {e.goal.pk: e for e in evidence_by_goal(therapy=therapy, findings=findings)}
        for therapy in therapies
    ]
    goals = {e.goal.pk: e.goal for column in evidence for e in column.values()}
    return [
        CompareRow(subject=goal, cells=tuple(column.get(goal.pk) for column in evidence))
        for goal in sorted(goals.values(), key=lambda g: (g.position, g.label, g.slug))
    ]


def harm_rows(*, harms: Sequence[Sequence[HarmFacts]]) -> list[tuple[str, tuple]]:
    """Return one row per category of harm or burden, with each therapy's records of it."""
    return [
        (category, tuple(tuple(h for h in column if h.category == category) for column in harms))
        for category in HARM_ORDER
        if any(h.category == category for column in harms for h in column)
    ]


def condition_rows(*, therapies: Sequence[Therapy]) -> list[CompareRow]:
    """Return one row per condition any of the therapies has a safety rule for."""
    rules = [{rule.condition_id: rule for rule in t.safety_rules.all()} for t in therapies]
    conditions = {rule.condition_id: rule.condition for column in rules for rule in column.values()}
    return [
        CompareRow(subject=condition, cells=tuple(column.get(condition.pk) for column in rules))
        for condition in sorted(conditions.values(), key=lambda c: (c.position, c.slug))
    ]


@dataclasses.dataclass(frozen=True)
class StackedTherapy:
    """One therapy's column of the comparison, for a phone, where the columns stack."""

    therapy: Therapy
    formats: str
    goals: tuple  # (goal, cell) for each goal row
    harms: tuple  # (category, harms) for each harm row
    safety: tuple  # (condition, rule or None) for each condition row


def stacked(
    *,
    therapies: Sequence[tuple[Therapy, str]],
    goal_rows: Sequence[CompareRow],
    harm_rows: Sequence[tuple[str, tuple]],
    condition_rows: Sequence[CompareRow],
) -> list[StackedTherapy]:
    """Return the comparison turned by therapy: each one's cells of every row, in row order."""
    return [
        StackedTherapy(
            therapy=therapy,
            formats=formats,
            goals=tuple((row.subject, row.cells[i]) for row in goal_rows),
            harms=tuple((category, cells[i]) for category, cells in harm_rows),
            safety=tuple((row.subject, row.cells[i]) for row in condition_rows),
        )
        for i, (therapy, formats) in enumerate(therapies)
    ]
