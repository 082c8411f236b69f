"""The records beside therapies and findings, read for the catalogue snapshot: the techniques of
each therapy and who they are not for, harms and burdens, warning signs, and the other paths."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from evidence.harm_statements import harm_statement_for
from evidence.models import Harm, WarningSign
from therapies.models import NextStep, Technique, Therapy
from wellness.recommender import HarmFacts, NextStepFacts, WarningSignFacts
from wellness.snapshot_rows import CHUNK, LINK_FIELDS, SOURCE_FIELDS, Shared, SourceRefs


def techniques_by_therapy() -> dict[str, frozenset[str]]:
    """Return each therapy's technique slugs (one query, through the many-to-many table)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = Therapy.techniques.through.objects.values_list("therapy__slug", "technique__slug")
    for therapy, technique in rows.iterator(CHUNK):
        found[therapy].add(technique)
    return {therapy: frozenset(slugs) for therapy, slugs in found.items()}


def techniques_not_for(conditions, share) -> dict[str, frozenset[str]]:
    """Return, for each technique not given to some people, their active conditions (one query)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = Technique.not_for.through.objects.values_list("technique__slug", "condition__slug")
    for technique, condition in rows.iterator(CHUNK):
        if condition in conditions:
            found[share[technique]].add(share[condition])
    return {technique: frozenset(slugs) for technique, slugs in sorted(found.items())}


class _HarmRow(NamedTuple):
    """The fields of a harm that ``harm_statement_for`` reads."""

    description: str
    population: str
    affected_percent: Decimal | None
    affected_count: int | None
    people_count: int | None
    context: str


def harms(sources: SourceRefs, share: Shared) -> tuple[HarmFacts, ...]:
    """Return the harms and burdens of the published therapies, their kinds and techniques.

    Like safety rules, they are shown whatever their source's review state: a downside is never
    hidden while its source is checked again (only the link to an unpublished source is).
    """
    rows = Harm.objects.order_by("slug").values_list(
        "slug",
        "therapy__slug",
        "therapy_kind",
        "technique__slug",
        "category",
        "certainty",
        "position",
        "clinician_checked",
        "level",
        *_HarmRow._fields,
        *SOURCE_FIELDS,
        *LINK_FIELDS,
    )
    harms = []
    text_end = 9 + len(_HarmRow._fields)
    # Every therapy's, published or not: staff reading an unpublished therapy see its downsides
    # as they will be shown; the engine only ever asks about published ones.
    for row in rows.iterator(CHUNK):
        slug, therapy, kind, technique, category, certainty, position, checked, level = row[:9]
        source = row[text_end:]
        harms.append(
            HarmFacts(
                slug=slug,
                therapy=None if therapy is None else share[therapy],
                kind=share[kind] or None,
                technique=None if technique is None else share[technique],
                category=share[category],
                statement=harm_statement_for(_HarmRow(*row[9:text_end])),
                certainty=share[certainty],
                source=None if source[0] is None else sources.ref(*source),
                position=position,
                clinician_checked=checked,
                level=share[level],
            )
        )
    return tuple(harms)


def warning_signs(conditions: dict, sources: SourceRefs, share: Shared):
    """Return the signs that need urgent care for the questions asked, in the order shown.

    Like safety rules, they are shown whatever their source's review state (one query).
    """
    rows = WarningSign.objects.order_by("condition__position", "position", "slug").values_list(
        "slug", "condition__slug", "signs", "action", *SOURCE_FIELDS, *LINK_FIELDS
    )
    return tuple(
        WarningSignFacts(
            slug=slug,
            condition=share[condition],
            signs=signs,
            action=share[action],
            source=sources.ref(*source),
        )
        for slug, condition, signs, action, *source in rows
        if condition in conditions
    )


def next_steps(conditions: dict, share: Shared) -> tuple[NextStepFacts, ...]:
    """Return the other paths in the order they are shown, each with the answers it is for."""
    for_conditions: dict[int, set[str]] = defaultdict(set)
    rows = NextStep.conditions.through.objects.values_list("nextstep_id", "condition__slug")
    for step, condition in rows:
        for_conditions[step].add(share[condition])
    for_goals: dict[int, set[str]] = defaultdict(set)
    for step, goal in NextStep.goals.through.objects.values_list("nextstep_id", "goal__slug"):
        for_goals[step].add(share[goal])
    steps = []
    step_rows = NextStep.objects.order_by("position", "slug").values_list(
        "id", "slug", "title", "text", "needs_clinician", "is_waiting"
    )
    asked = set(conditions)
    for pk, slug, title, text, needs_clinician, is_waiting in step_rows:
        named = {c for c in for_conditions.get(pk, ()) if c in asked}
        if pk in for_conditions and not named:
            continue  # every question it is for has been taken out of the questionnaire
        steps.append(
            NextStepFacts(
                slug=slug,
                title=title,
                text=text,
                conditions=frozenset(named),
                goals=frozenset(for_goals.get(pk, ())),
                needs_clinician=needs_clinician,
                is_waiting=is_waiting,
            )
        )
    return tuple(steps)
