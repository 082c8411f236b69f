"""Build the catalogue snapshot from the database: a fixed number of queries, rows not models.

Therapies, goals, questions, findings, rules and crisis lines are read here; the records beside
them in ``snapshot_records``; how rows are read (chunks, shared strings, one reference per
source) is ``snapshot_rows``. The catalogue's history says when it last changed.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple, cast

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from evidence.statements import statement_for
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy
from wellness import snapshot_records as records
from wellness.recommender import (
    CatalogueSnapshot,
    ConditionFacts,
    CrisisContactFacts,
    FindingFacts,
    FindingNumbers,
    GoalFacts,
    RuleFacts,
    TherapyFacts,
)
from wellness.snapshot_rows import (
    CHUNK,
    LINK_FIELDS,
    SOURCE_FIELDS,
    Shared,
    SourceRefs,
    cyclic_gc_paused,
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


def _decimal_text(value: Decimal | None) -> str | None:
    """The text the API gives a decimal field (DRF's DecimalField): fixed point, two places."""
    return None if value is None else f"{value:.2f}"


def _numbers_key(row: _FindingRow) -> tuple:
    return (
        row.population,
        row.comparator,
        row.effect_measure,
        row.effect_unit,
        _decimal_text(row.effect_value),
        _decimal_text(row.ci_low),
        _decimal_text(row.ci_high),
        row.studies_count,
        row.participants_count,
    )


class _SharedNumbers(dict):
    """Numbers by their values, made on first use with their text fields shared."""

    def __init__(self, share) -> None:
        super().__init__()
        self.share = share

    def __missing__(self, key: tuple) -> FindingNumbers:
        population, comparator, measure, unit, *rest = key
        share = self.share
        made = self[key] = FindingNumbers(
            share[population], share[comparator], share[measure], share[unit], *rest
        )
        return made


def catalogue_snapshot_build() -> CatalogueSnapshot:
    """Build a snapshot of the published catalogue from the database (a fixed 14 queries)."""
    with cyclic_gc_paused():
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
    # SQLite hands back text; PostgreSQL a datetime. The text is always a date and time, so
    # parse_datetime never returns None here.
    moments = [
        cast(datetime.datetime, parse_datetime(m)) if isinstance(m, str) else m for m in found
    ]
    moments = [m if timezone.is_aware(m) else timezone.make_aware(m, datetime.UTC) for m in moments]
    return timezone.localdate(max(moments))


def _build() -> CatalogueSnapshot:
    share = Shared()
    therapies: dict[str, TherapyFacts] = {}
    by_kind: dict[str, list[str]] = defaultdict(list)
    by_technique: dict[str, list[str]] = defaultdict(list)
    formats: dict[tuple[bool, bool, bool], frozenset[str]] = {}
    techniques = records.techniques_by_therapy()
    rows = Therapy.objects.published().values_list(
        "slug",
        "name",
        "kind",
        *Therapy.FORMAT_FIELDS.values(),
        "pressure",
        "only_for_condition__slug",
        "what_to_expect",
    )
    for slug, name, kind, *offered, pressure, only_for, expect in rows.iterator(CHUNK):
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
    sources = SourceRefs()
    # One object for findings whose numbers agree (common in large catalogues), as `share` does.
    numbers: dict[tuple, FindingNumbers] = _SharedNumbers(share)

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
            *SOURCE_FIELDS,
            *LINK_FIELDS,
        )
    )
    statement_end = 10 + len(_STATEMENT_FIELDS)
    for row in rows.iterator(CHUNK):
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
        source = sources.ref(*row[statement_end:])
        if source is None:
            continue  # never: published() reads the findings of published sources alone
        findings_by_goal[share[goal]].append(
            FindingFacts(
                slug=slug,
                therapy=None if therapy is None else share[therapy],
                kind=share[facts.therapy_kind] or None,
                goal=share[goal],
                direction=share[facts.direction],
                certainty=share[facts.certainty],
                statement=statement_for(facts),
                source=source,
                technique=None if technique is None else share[technique],
                rated_by=share[rated_by],
                clinician_checked=checked,
                numbers=numbers[_numbers_key(facts)],
            )
        )

    # Safety rules apply whatever their source's review state: a rule is never dropped silently.
    rules_by_condition: dict[str, list[RuleFacts]] = defaultdict(list)
    rows = SafetyRule.objects.order_by("condition__slug", "therapy__slug").values_list(
        "condition__slug", "therapy__slug", "effect", "message", *SOURCE_FIELDS, *LINK_FIELDS
    )
    for condition, therapy, effect, message, *source in rows.iterator(CHUNK):
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
    harms = records.harms(sources, share)
    next_steps = records.next_steps(conditions, share)
    not_for = records.techniques_not_for(conditions, share)
    warning_signs = records.warning_signs(conditions, sources, share)
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
