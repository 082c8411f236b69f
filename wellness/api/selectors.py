"""The querysets the API reads, shaped so each list costs the same few queries at any size.

``everything`` is for staff who hold the model's view permission: they also see drafts, unpublished
therapies and inactive questions. Nested collections are always the public ones (published
findings, rules of active questions), so a staff member sees what the public will see.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from evidence.models import Finding, FindingQuerySet, Harm, SafetyRule, Source
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy


def _public_rules() -> QuerySet[SafetyRule]:
    return SafetyRule.objects.filter(condition__active=True).select_related(
        "therapy", "condition", "source"
    )


def _findings() -> FindingQuerySet:
    # statement_for reads the therapy's or technique's name; the source and goal go by slug.
    return Finding.objects.select_related("therapy", "technique", "goal", "source")


def _harms() -> QuerySet[Harm]:
    return Harm.objects.select_related("therapy", "technique", "source")


def therapies_for_api(*, everything: bool) -> QuerySet[Therapy]:
    """Return therapies with their goals, the public safety rules and the published findings."""
    therapies = Therapy.objects.all() if everything else Therapy.objects.published()
    return (
        therapies.order_by("name", "slug")
        .select_related("only_for_condition")
        .prefetch_related(
            "goals",
            "techniques",
            Prefetch("safety_rules", queryset=_public_rules()),
            Prefetch("findings", queryset=_findings().published()),
        )
    )


def goals_for_api(*, everything: bool) -> QuerySet[Goal]:
    """Return every goal (goals have no draft state)."""
    return Goal.objects.order_by("position", "label", "slug")


def conditions_for_api(*, everything: bool) -> QuerySet[Condition]:
    """Return the screening questions asked (all of them for staff)."""
    return Condition.objects.all() if everything else Condition.objects.active()


def crisis_contacts_for_api(*, everything: bool) -> QuerySet[CrisisContact]:
    """Return the crisis lines of every region."""
    return CrisisContact.objects.all()


def sources_for_api(*, everything: bool) -> QuerySet[Source]:
    """Return sources with their findings and harms: published ones, or all of them for staff.

    The public sees no finding or harm of an unpublished therapy, as on the source's page.
    """
    findings, harms = _findings(), _harms()
    if everything:
        sources = Source.objects.select_related("submitted_by", "reviewed_by")
    else:
        sources = Source.objects.published()
        findings = findings.exclude(therapy__published=False)
        harms = harms.exclude(therapy__published=False)
    return sources.order_by("-year", "title", "slug").prefetch_related(
        Prefetch("findings", queryset=findings), Prefetch("harms", queryset=harms)
    )


def findings_for_api(*, everything: bool) -> QuerySet[Finding]:
    """Return findings: for the public, those of published sources and therapies; all for staff."""
    findings = _findings()
    if everything:
        return findings
    return findings.published().exclude(therapy__published=False)


def safety_rules_for_api(*, everything: bool) -> QuerySet[SafetyRule]:
    """Return safety rules: those of published therapies and asked questions, or all for staff."""
    if everything:
        rules = SafetyRule.objects.select_related("therapy", "condition", "source")
    else:
        rules = _public_rules().filter(therapy__published=True)
    # Pages need a total order: the default one (therapy name, question position) may tie.
    return rules.order_by("therapy__name", "therapy__slug", "condition__position", "pk")


def harms_for_api(*, everything: bool) -> QuerySet[Harm]:
    """Return every harm and burden: shown whatever their source's state, like safety rules.

    For the public, only those of published therapies, their kinds and their techniques.
    """
    harms = _harms()
    if not everything:
        harms = harms.exclude(therapy__published=False)
    return harms.order_by("category", "position", "slug")


def techniques_for_api(*, everything: bool) -> QuerySet[Technique]:
    """Return the techniques findings and harms can be limited to."""
    return Technique.objects.order_by("name", "slug").prefetch_related("not_for")


def next_steps_for_api(*, everything: bool) -> QuerySet[NextStep]:
    """Return the other paths besides a therapy, in the order results show them."""
    return NextStep.objects.order_by("position", "slug").prefetch_related("conditions", "goals")
