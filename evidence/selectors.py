"""Read the published catalogue and its evidence for the public pages.

Each selector returns a queryset already shaped with ``select_related``/``prefetch_related``, so a
page runs the same number of queries however large the catalogue grows. Only published therapies
and findings of published sources reach the public. Safety rules are never hidden because their
source is not (or no longer) published: a warning is dropped only by editing the rule itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from evidence.models import Finding, Harm, SafetyRule, Source
from therapies.models import Goal, Therapy


def goal_list() -> QuerySet[Goal]:
    """Return every goal, in questionnaire order."""
    return Goal.objects.order_by("position", "label")


def _goals_prefetch() -> Prefetch:
    return Prefetch("goals", queryset=goal_list())


def _rules_prefetch() -> Prefetch:
    rules = SafetyRule.objects.select_related("condition", "source").order_by(
        "condition__position", "condition__slug"
    )
    return Prefetch("safety_rules", queryset=rules)


def therapy_list(*, kind: str = "", goal_slug: str = "") -> QuerySet[Therapy]:
    """Return the published therapies, optionally of one kind or offered for one goal.

    Ordered by name, then slug: names need not be unique, and pages need a total order.
    """
    therapies = (
        Therapy.objects.published().prefetch_related(_goals_prefetch()).order_by("name", "slug")
    )
    if kind:
        therapies = therapies.filter(kind=kind)
    if goal_slug:
        therapies = therapies.filter(goals__slug=goal_slug)
    return therapies


def therapy_choices() -> QuerySet[Therapy]:
    """Return the slug, name and kind of every published therapy, to pick from."""
    return Therapy.objects.published().only("slug", "name", "kind").order_by("name")


def therapy_detail_list() -> QuerySet[Therapy]:
    """Return the published therapies with their goals, techniques and safety rules."""
    return (
        Therapy.objects.published()
        .select_related("only_for_condition")
        .prefetch_related(_goals_prefetch(), "techniques", _rules_prefetch())
        .order_by("name")
    )


def findings_for_therapies(*, therapies: Iterable[Therapy]) -> QuerySet[Finding]:
    """Return the published findings about these therapies, their techniques or their kinds.

    The therapies' techniques must be prefetched (``therapy_detail_list`` does).
    """
    therapies = list(therapies)
    ids = [therapy.pk for therapy in therapies]
    kinds = sorted({therapy.kind for therapy in therapies})
    techniques = sorted({t.pk for therapy in therapies for t in therapy.techniques.all()})
    return (
        Finding.objects.published()
        .filter(
            Q(therapy__in=ids)
            | Q(therapy__isnull=True, therapy_kind__in=kinds)
            | Q(technique__in=techniques)
        )
        .select_related("therapy", "technique", "goal", "source")
        .order_by("goal__position", "goal__label", "goal__slug", "slug")
    )


def source_list() -> QuerySet[Source]:
    """Return the published sources."""
    return Source.objects.published()


def findings_for_source(*, source: Source) -> QuerySet[Finding]:
    """Return a source's findings about published therapies, whole kinds or techniques."""
    return (
        source.findings.filter(Q(therapy__isnull=True) | Q(therapy__published=True))
        .select_related("therapy", "technique", "goal")
        .order_by(
            "goal__position", "goal__label", "goal__slug", "therapy__name", "therapy_kind", "slug"
        )
    )


def safety_rules_for_source(*, source: Source) -> QuerySet[SafetyRule]:
    """Return a source's safety rules about published therapies."""
    return (
        source.safety_rules.filter(therapy__published=True)
        .select_related("therapy", "condition")
        .order_by("therapy__name", "therapy__slug", "condition__position", "condition__slug")
    )


def harms_for_source(*, source: Source) -> QuerySet[Harm]:
    """Return the harms and burdens a source reports, for published therapies, kinds, techniques."""
    return (
        source.harms.filter(Q(therapy__isnull=True) | Q(therapy__published=True))
        .select_related("therapy", "technique")
        .order_by("category", "position", "slug")
    )
