"""Generate a large synthetic catalogue for benchmarks: ``manage.py generate_catalogue``.

Every record it makes is marked synthetic: its slug starts with ``synthetic-`` and its public
text says so. ``--clear`` removes them all again and leaves the real catalogue as it was.

Speed over ceremony: therapies, sources, findings and safety rules are written with
``bulk_create`` in batches and get **no history rows** (nobody will revert synthetic data, and a
history row per record would double the time and the size). Goals and conditions, a few hundred
rows, do get history, so the catalogue's change marker moves and every cached snapshot is
rebuilt after a generate or a clear.

The shape is random but seeded, so the same arguments give the same catalogue:

- each therapy is offered for 1 to 3 goals; every finding is about one of its therapy's goals, so
  a goal has about ``therapies × 2 / goals`` therapies with evidence for it;
- findings: 60 % benefit, 30 % no clear effect, 10 % harm; certainty high 10 %, moderate 30 %,
  low 40 %, very low 20 %; one in 200 is about a whole kind of therapy, always with no clear
  effect (a kind-wide benefit would make every therapy of that kind a candidate for its goal);
- safety rules pair a therapy with a condition at random: exclude 20 %, clearance 20 %,
  caution 50 %, suits 10 %;
- every source is published and has no link, so link checks never call out for synthetic data.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from simple_history.utils import bulk_create_with_history

from evidence.models import Certainty, Finding, SafetyRule, Source
from therapies.models import Condition, Goal, Therapy

PREFIX = "synthetic-"
BATCH_SIZE = 2000

DIRECTIONS = (
    (Finding.Direction.BENEFIT, 60),
    (Finding.Direction.NO_CLEAR_EFFECT, 30),
    (Finding.Direction.HARM, 10),
)
CERTAINTIES = (
    (Certainty.HIGH, 10),
    (Certainty.MODERATE, 30),
    (Certainty.LOW, 40),
    (Certainty.VERY_LOW, 20),
)
EFFECTS = (
    (SafetyRule.Effect.EXCLUDE, 20),
    (SafetyRule.Effect.CLEARANCE, 20),
    (SafetyRule.Effect.CAUTION, 50),
    (SafetyRule.Effect.SUITS, 10),
)
KIND_WIDE_EVERY = 200


def _synthetic(model) -> QuerySet:
    return model.objects.filter(slug__startswith=PREFIX)


def _raw_delete(queryset: QuerySet) -> int:
    # One DELETE statement, without loading each row to send signals: simple-history's
    # receivers would otherwise write a "deleted" history row for each of 100,000 findings.
    return queryset._raw_delete(queryset.db)


def catalogue_clear_synthetic() -> dict[str, int]:
    """Delete every synthetic record; the real catalogue is left untouched."""
    therapies = _synthetic(Therapy)
    goals = _synthetic(Goal)
    conditions = _synthetic(Condition)
    sources = _synthetic(Source)
    counts = {}
    with transaction.atomic():
        counts["safety rules"] = _raw_delete(
            SafetyRule.objects.filter(
                Q(therapy__in=therapies) | Q(condition__in=conditions) | Q(source__in=sources)
            )
        )
        counts["findings"] = _raw_delete(
            Finding.objects.filter(
                Q(slug__startswith=PREFIX)
                | Q(therapy__in=therapies)
                | Q(goal__in=goals)
                | Q(source__in=sources)
            )
        )
        links = Therapy.goals.through.objects
        _raw_delete(links.filter(Q(therapy__in=therapies) | Q(goal__in=goals)))
        counts["therapies"] = _raw_delete(therapies)
        counts["sources"] = _raw_delete(sources)
        # The few goals and conditions go the ordinary way, so their history records the
        # deletion and the catalogue's change marker moves.
        counts["goals"] = goals.delete()[1].get(Goal._meta.label, 0)
        counts["conditions"] = conditions.delete()[1].get(Condition._meta.label, 0)
    _analyze()
    return counts


def _analyze() -> None:
    # Fresh planner statistics after a bulk load: with the old ones, PostgreSQL plans the
    # snapshot's queries for a handful of rows and takes seconds instead of a fraction of one.
    models = (Therapy, Therapy.goals.through, Goal, Condition, Source, Finding, SafetyRule)
    with connection.cursor() as cursor:
        for model in models:
            # Table names come from model metadata, never from input.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _Picker(random.Random):
    """Seeded random choices, so the same arguments always give the same catalogue.

    Synthetic test data, not security: a seeded pseudo-random generator is the point.
    """

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.choices(values, weights=weights)[0]


def _width(count: int) -> int:
    return max(len(str(count)), 3)


def catalogue_generate_synthetic(
    *,
    therapies: int,
    goals: int,
    conditions: int,
    findings: int,
    rules: int,
    sources: int,
    seed: int = 1,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:
    """Replace the synthetic records with a new set of these sizes."""
    pick = _Picker(seed)
    today = datetime.date(2026, 1, 1)
    catalogue_clear_synthetic()
    with transaction.atomic():
        w = _width(goals)
        bulk_create_with_history(
            [
                Goal(
                    slug=f"{PREFIX}goal-{i:0{w}d}",
                    label=f"Synthetic goal {i}",
                    description="Made up for load tests.",
                    position=min(1000 + i, 32767),
                )
                for i in range(1, goals + 1)
            ],
            Goal,
            batch_size=batch_size,
        )
        w = _width(conditions)
        bulk_create_with_history(
            [
                Condition(
                    slug=f"{PREFIX}condition-{i:0{w}d}",
                    question=f"Synthetic question {i}: does this apply to you?",
                    help_text="Made up for load tests.",
                    position=min(1000 + i, 32767),
                )
                for i in range(1, conditions + 1)
            ],
            Condition,
            batch_size=batch_size,
        )

        w = _width(therapies)
        therapy_rows = []
        for i in range(1, therapies + 1):
            kind = Therapy.Kind.TALKING if i % 2 else Therapy.Kind.MASSAGE
            online, group = pick.random() < 0.5, pick.random() < 0.3
            therapy_rows.append(
                Therapy(
                    slug=f"{PREFIX}therapy-{i:0{w}d}",
                    name=f"Synthetic therapy {i}",
                    kind=kind,
                    summary="A made-up therapy for load tests.",
                    what_to_expect="Nothing: it exists only to test how the site copes.",
                    session_minutes_min=30,
                    session_minutes_max=60,
                    in_person=not (online or group) or pick.random() < 0.7,
                    online=online,
                    group=group,
                    pressure=pick.choice(["gentle", "firm"])
                    if kind == Therapy.Kind.MASSAGE
                    else Therapy.Pressure.NOT_APPLICABLE,
                    published=True,
                    reviewed_on=today,
                    next_review_on=today.replace(year=today.year + 1),
                )
            )
        Therapy.objects.bulk_create(therapy_rows, batch_size=batch_size)

        w = _width(sources)
        Source.objects.bulk_create(
            (
                Source(
                    slug=f"{PREFIX}source-{i:0{w}d}",
                    title=f"Synthetic trial {i}",
                    authors="Nobody (synthetic)",
                    venue="Synthetic data",
                    year=2000 + i % 26,
                    source_type=Source.Type.RCT if i % 5 else Source.Type.META_ANALYSIS,
                    studies_count=1 if i % 5 else 10 + i % 40,
                    participants_count=50 + i % 900,
                    note="Synthetic: made up for load tests.",
                    status=Source.Status.PUBLISHED,
                )
                for i in range(1, sources + 1)
            ),
            batch_size=batch_size,
        )

        # bulk_create returns no primary keys on every database; read them back by slug.
        therapy_ids = list(_synthetic(Therapy).order_by("slug").values_list("id", flat=True))
        goal_ids = list(_synthetic(Goal).order_by("slug").values_list("id", flat=True))
        condition_ids = list(_synthetic(Condition).order_by("slug").values_list("id", flat=True))
        source_ids = list(_synthetic(Source).order_by("slug").values_list("id", flat=True))

        offered: list[list[int]] = []
        links: list[Model] = []
        for therapy_id in therapy_ids:
            chosen = pick.sample(goal_ids, min(len(goal_ids), pick.randint(1, 3)))
            offered.append(chosen)
            links.extend(Therapy.goals.through(therapy_id=therapy_id, goal_id=g) for g in chosen)
        Therapy.goals.through.objects.bulk_create(links, batch_size=batch_size)

        w = _width(findings)
        kinds = [Therapy.Kind.TALKING, Therapy.Kind.MASSAGE]
        batch: list[Finding] = []
        for i in range(1, findings + 1):
            n = pick.randrange(len(therapy_ids))
            kind_wide = i % KIND_WIDE_EVERY == 0
            direction = (
                Finding.Direction.NO_CLEAR_EFFECT if kind_wide else pick.weighted(DIRECTIONS)
            )
            numbers = {}
            if direction == Finding.Direction.BENEFIT:
                value = Decimal(pick.randint(30, 300)) / 10
                spread = Decimal(pick.randint(10, 100)) / 10
                numbers = {
                    "effect_measure": Finding.Measure.PERCENT_INCREASE,
                    "effect_value": value,
                    "ci_low": value - spread,
                    "ci_high": value + spread,
                }
            batch.append(
                Finding(
                    slug=f"{PREFIX}finding-{i:0{w}d}",
                    source_id=source_ids[(i - 1) % len(source_ids)],
                    therapy_id=None if kind_wide else therapy_ids[n],
                    therapy_kind=pick.choice(kinds) if kind_wide else "",
                    goal_id=pick.choice(offered[n]),
                    outcome="a made-up measure of how people feel",
                    population="adults in synthetic trials",
                    comparator="usual care",
                    direction=direction,
                    certainty=pick.weighted(CERTAINTIES),
                    studies_count=pick.randint(1, 40),
                    participants_count=pick.randint(40, 4000),
                    **numbers,
                )
            )
            if len(batch) == batch_size:
                Finding.objects.bulk_create(batch)
                batch = []
        Finding.objects.bulk_create(batch)

        pairs: set[tuple[int, int]] = set()
        rule_batch: list[SafetyRule] = []
        for i in range(rules):
            while True:
                pair = (pick.choice(condition_ids), pick.choice(therapy_ids))
                if pair not in pairs:
                    pairs.add(pair)
                    break
            effect = pick.weighted(EFFECTS)
            rule_batch.append(
                SafetyRule(
                    condition_id=pair[0],
                    therapy_id=pair[1],
                    effect=effect,
                    message=f"Synthetic {effect} rule: made up for load tests.",
                    source_id=source_ids[i % len(source_ids)],
                )
            )
            if len(rule_batch) == batch_size:
                SafetyRule.objects.bulk_create(rule_batch)
                rule_batch = []
        SafetyRule.objects.bulk_create(rule_batch)

    _analyze()
    return {
        "therapies": therapies,
        "goals": goals,
        "conditions": conditions,
        "sources": sources,
        "findings": findings,
        "safety rules": rules,
    }


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Make a large synthetic catalogue for benchmarks (slugs start with 'synthetic-'), "
        "replacing any made before; --clear removes it. Synthetic records get no history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--therapies", type=_count, default=10_000)
        parser.add_argument("--goals", type=_count, default=100)
        parser.add_argument("--conditions", type=_count, default=200)
        parser.add_argument("--findings", type=_count, default=100_000)
        parser.add_argument("--rules", type=_count, default=20_000, help="Safety rules.")
        parser.add_argument(
            "--sources", type=_count, default=None, help="Default: one for every 20 findings."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same catalogue.")
        parser.add_argument(
            "--clear", action="store_true", help="Remove every synthetic record and stop."
        )

    def handle(self, *args, clear: bool, **options) -> None:
        started = time.perf_counter()
        if clear:
            counts = catalogue_clear_synthetic()
            done = ", ".join(f"{n:,} {what}" for what, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Removed synthetic records: {done}."))
            return
        sizes = {
            key: options[key] for key in ("therapies", "goals", "conditions", "findings", "rules")
        }
        sizes["sources"] = (
            options["sources"]
            if options["sources"] is not None
            else max(1, sizes["findings"] // 20)
        )
        self._check(sizes)
        counts = catalogue_generate_synthetic(**sizes, seed=options["seed"])
        made = ", ".join(f"{n:,} {what}" for what, n in counts.items())
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Made a synthetic catalogue in {seconds:.1f} s: {made}.")
        )

    @staticmethod
    def _check(sizes: dict[str, int]) -> None:
        problems = []
        if sizes["findings"] and not (sizes["therapies"] and sizes["goals"]):
            problems.append("Findings need at least one therapy and one goal.")
        if sizes["therapies"] and not sizes["goals"]:
            problems.append("Therapies need at least one goal to be offered for.")
        if (sizes["findings"] or sizes["rules"]) and not sizes["sources"]:
            problems.append("Findings and safety rules need at least one source.")
        if sizes["rules"] > sizes["therapies"] * sizes["conditions"]:
            problems.append(
                "There can be at most one safety rule for each therapy and condition: "
                f"ask for at most {sizes['therapies'] * sizes['conditions']:,} rules."
            )
        if problems:
            raise CommandError(" ".join(problems))
