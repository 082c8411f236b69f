"""Build the catalogue snapshot from the database: a fixed number of queries, rows not models."""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from evidence.harm_statements import harm_statement_for
from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from evidence.statements import statement_for
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy
from wellness.recommender import (
    CatalogueSnapshot,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    GoalFacts,
    HarmFacts,
    NextStepFacts,
    RuleFacts,
    SourceRef,
    TherapyFacts,
    WarningSignFacts,
)
from wellness.snapshot_version import _version


class _Name(NamedTuple):
    name: str | None


class _FindingRow(NamedTuple):
    """The fields of a finding that ``statement_for`` reads, without a model instance."""

    therapy_id: int | None
    therapy: _Name
    technique_id: int | None
    technique: _Name
    therapy_kind: str
    outcome: str
    direction: str
    certainty: str
    comparator: str
    population: str
    effect_measure: str
    effect_value: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    studies_count: int | None
    participants_count: int | None
    context: str
    effect_unit: str
    better_when: str


_STATEMENT_FIELDS = _FindingRow._fields[4:]
_SOURCE_FIELDS = ("source_id", "source__status", "source__slug", "source__title", "source__year")
_LINK_FIELDS = ("source__doi", "source__url", "source__pmid")
# Read in chunks, as rows rather than model instances: at 100,000 findings, instances cost
# seconds and hundreds of megabytes (tests/benchmarks/README.md has the figures).
_CHUNK = 2000


class _Shared(dict):
    """Hand back one string object for each distinct value: rows repeat slugs and choices."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


class _SourceRefs(dict):
    """Make one reference per source, however many findings and rules cite it."""

    def ref(
        self, source_id: int, status: str, slug: str, title: str, year, *link
    ) -> SourceRef | None:
        if source_id not in self:
            if status != Source.Status.PUBLISHED:
                self[source_id] = None
            else:
                # An unsaved Source words the title and chooses the link as the model does.
                source = Source(slug=slug, title=title, year=year)
                source.doi, source.url, source.pmid = link
                self[source_id] = SourceRef(slug=slug, title=str(source), link=source.link)
        return self[source_id]


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector: the build makes ~10 objects per finding, none in a
    cycle, and the collector would otherwise walk the growing heap again and again (~12 %)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def catalogue_snapshot_build() -> CatalogueSnapshot:
    """Build a snapshot of the published catalogue from the database (a fixed 14 queries)."""
    with _cyclic_gc_paused():
        return _build()


# Every catalogue model keeps a history: its newest row is when the catalogue last changed, and
# with the row counts it tells the selectors whether a snapshot is stale.
CATALOGUE_MODELS = (
    Therapy,
    Goal,
    Condition,
    CrisisContact,
    Technique,
    NextStep,
    Source,
    Finding,
    SafetyRule,
    Harm,
    WarningSign,
)


@functools.cache
def history_tables() -> tuple[str, ...]:
    """Return the catalogue's history tables (a change of a therapy's goals writes one too)."""
    # Cached: simple_history builds a new manager class on every `Model.history` access.
    return tuple(model.history.model._meta.db_table for model in CATALOGUE_MODELS)


def _changed_on() -> datetime.date | None:
    """Return the day the catalogue last changed, in local time (one query), or None if never."""
    quote = connection.ops.quote_name
    # Names come from model metadata, never from input.
    sql = " UNION ALL ".join(
        f"SELECT MAX({quote('history_date')}) FROM {quote(table)}"  # noqa: S608  # nosec B608
        for table in history_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = [row[0] for row in cursor.fetchall() if row[0] is not None]
    if not found:
        return None
    # SQLite hands back text; PostgreSQL a datetime.
    moments = [parse_datetime(m) if isinstance(m, str) else m for m in found]
    moments = [m if timezone.is_aware(m) else timezone.make_aware(m, datetime.UTC) for m in moments]
    return timezone.localdate(max(moments))


def _build() -> CatalogueSnapshot:
    share = _Shared()
    therapies: dict[str, TherapyFacts] = {}
    by_kind: dict[str, list[str]] = defaultdict(list)
    by_technique: dict[str, list[str]] = defaultdict(list)
    formats: dict[tuple[bool, bool, bool], frozenset[str]] = {}
    techniques = _techniques_by_therapy()
    rows = Therapy.objects.published().values_list(
        "slug",
        "name",
        "kind",
        *Therapy.FORMAT_FIELDS.values(),
        "pressure",
        "only_for_condition__slug",
        "what_to_expect",
    )
    for slug, name, kind, *offered, pressure, only_for, expect in rows.iterator(_CHUNK):
        key = tuple(offered)
        if key not in formats:
            formats[key] = frozenset(
                f for f, yes in zip(Therapy.FORMAT_FIELDS, key, strict=True) if yes
            )
        slug = share[slug]
        therapies[slug] = TherapyFacts(
            slug,
            name,
            share[kind],
            formats[key],
            share[pressure],
            None if only_for is None else share[only_for],
            techniques.get(slug, frozenset()),
            share[expect],
        )
        by_kind[share[kind]].append(slug)
        for technique in therapies[slug].techniques:
            by_technique[technique].append(slug)
    goals = {
        slug: GoalFacts(share[slug], label, position)
        for slug, label, position in Goal.objects.values_list("slug", "label", "position")
    }
    conditions = {
        slug: ConditionFacts(share[slug], question, is_crisis, position)
        for slug, question, is_crisis, position in Condition.objects.active().values_list(
            "slug", "question", "is_crisis", "position"
        )
    }
    sources = _SourceRefs()

    findings_by_goal: dict[str, list[FindingFacts]] = defaultdict(list)
    rows = (
        Finding.objects.published()
        .order_by("goal__slug", "slug")
        .values_list(
            "slug",
            "goal__slug",
            "therapy__slug",
            "technique__slug",
            "certainty_rated_by",
            "clinician_checked",
            "therapy_id",
            "therapy__name",
            "technique_id",
            "technique__name",
            *_STATEMENT_FIELDS,
            *_SOURCE_FIELDS,
            *_LINK_FIELDS,
        )
    )
    statement_end = 10 + len(_STATEMENT_FIELDS)
    for row in rows.iterator(_CHUNK):
        slug, goal, therapy, technique, rated_by, checked = row[:6]
        if therapy is not None and therapy not in therapies:
            continue
        therapy_id, therapy_name, technique_id, technique_name = row[6:10]
        facts = _FindingRow(
            therapy_id,
            _Name(therapy_name),
            technique_id,
            _Name(technique_name),
            *row[10:statement_end],
        )
        findings_by_goal[share[goal]].append(
            FindingFacts(
                slug=slug,
                therapy=None if therapy is None else share[therapy],
                kind=share[facts.therapy_kind] or None,
                goal=share[goal],
                direction=share[facts.direction],
                certainty=share[facts.certainty],
                statement=statement_for(facts),
                source=sources.ref(*row[statement_end:]),
                technique=None if technique is None else share[technique],
                rated_by=share[rated_by],
                clinician_checked=checked,
            )
        )

    # Safety rules apply whatever their source's review state: a rule is never dropped silently.
    rules_by_condition: dict[str, list[RuleFacts]] = defaultdict(list)
    rows = SafetyRule.objects.order_by("condition__slug", "therapy__slug").values_list(
        "condition__slug", "therapy__slug", "effect", "message", *_SOURCE_FIELDS, *_LINK_FIELDS
    )
    for condition, therapy, effect, message, *source in rows.iterator(_CHUNK):
        if therapy not in therapies or condition not in conditions:
            continue
        rules_by_condition[share[condition]].append(
            RuleFacts(
                therapy=share[therapy],
                condition=share[condition],
                effect=share[effect],
                message=share[message],
                source=sources.ref(*source),
            )
        )

    contacts = tuple(
        CrisisContactFacts(*c)
        for c in CrisisContact.objects.filter(region=settings.CRISIS_REGION).values_list(
            "name", "phone", "text", "url", "when_to_use"
        )
    )
    harms = _harms(sources, share)
    next_steps = _next_steps(conditions, share)
    not_for = _techniques_not_for(conditions, share)
    warning_signs = _warning_signs(conditions, sources, share)
    content = (
        therapies,
        goals,
        conditions,
        {k: tuple(v) for k, v in sorted(findings_by_goal.items())},
        {k: tuple(v) for k, v in sorted(rules_by_condition.items())},
        contacts,
        harms,
        next_steps,
        not_for,
        warning_signs,
    )
    return CatalogueSnapshot(
        version=_version(content),
        therapies=therapies,
        goals=goals,
        conditions=conditions,
        findings_by_goal=content[3],
        rules_by_condition=content[4],
        crisis_contacts=contacts,
        therapies_by_kind={kind: tuple(slugs) for kind, slugs in by_kind.items()},
        harms=harms,
        next_steps=next_steps,
        therapies_by_technique={t: tuple(slugs) for t, slugs in by_technique.items()},
        techniques_not_for=not_for,
        changed_on=_changed_on(),
        warning_signs=warning_signs,
    )


def _techniques_by_therapy() -> dict[str, frozenset[str]]:
    """Return each therapy's technique slugs (one query, through the many-to-many table)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = Therapy.techniques.through.objects.values_list("therapy__slug", "technique__slug")
    for therapy, technique in rows.iterator(_CHUNK):
        found[therapy].add(technique)
    return {therapy: frozenset(slugs) for therapy, slugs in found.items()}


def _techniques_not_for(conditions, share) -> dict[str, frozenset[str]]:
    """Return, for each technique not given to some people, their active conditions (one query)."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = Technique.not_for.through.objects.values_list("technique__slug", "condition__slug")
    for technique, condition in rows.iterator(_CHUNK):
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


def _harms(sources: _SourceRefs, share: _Shared) -> tuple[HarmFacts, ...]:
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
        *_SOURCE_FIELDS,
        *_LINK_FIELDS,
    )
    harms = []
    text_end = 9 + len(_HarmRow._fields)
    # Every therapy's, published or not: staff reading an unpublished therapy see its downsides
    # as they will be shown; the engine only ever asks about published ones.
    for row in rows.iterator(_CHUNK):
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


def _warning_signs(conditions: dict, sources: _SourceRefs, share: _Shared):
    """Return the signs that need urgent care for the questions asked, in the order shown.

    Like safety rules, they are shown whatever their source's review state (one query).
    """
    rows = WarningSign.objects.order_by("condition__position", "position", "slug").values_list(
        "slug", "condition__slug", "signs", "action", *_SOURCE_FIELDS, *_LINK_FIELDS
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


def _next_steps(conditions: dict, share: _Shared) -> tuple[NextStepFacts, ...]:
    """Return the other paths in the order they are shown, each with the answers it is for."""
    for_conditions: dict[int, set[str]] = defaultdict(set)
    rows = NextStep.conditions.through.objects.values_list("nextstep_id", "condition__slug")
    for step, condition in rows:
        for_conditions[step].add(share[condition])
    for_goals: dict[int, set[str]] = defaultdict(set)
    for step, goal in NextStep.goals.through.objects.values_list("nextstep_id", "goal__slug"):
        for_goals[step].add(share[goal])
    steps = []
    rows = NextStep.objects.order_by("position", "slug").values_list(
        "id", "slug", "title", "text", "needs_clinician", "is_waiting"
    )
    asked = set(conditions)
    for pk, slug, title, text, needs_clinician, is_waiting in rows:
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
