"""Browse the published catalogue: the therapy list, a therapy, a source, and a comparison.

These pages show the same to everyone and hold no personal data, so shared caches may keep them
for a few minutes. Each page runs a fixed number of queries whatever the catalogue size.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from evidence import selectors
from evidence.models import Source
from therapies.models import Therapy
from wellness.browse import presenters
from wellness.browse.forms import CompareForm, TherapyFilterForm

public_page = cache_control(public=True, max_age=300)


@require_safe
@public_page
def therapy_list(request: HttpRequest) -> HttpResponse:
    """List the published therapies, filtered by kind and goal from the query string."""
    goals = list(selectors.goal_list())
    form = TherapyFilterForm(request.GET or None, goals=goals)
    kind = goal_slug = ""
    filters_ignored = False
    if form.is_bound:
        if form.is_valid():
            kind, goal_slug = form.cleaned_data["kind"], form.cleaned_data["goal"]
        else:
            # A bad value is most likely an old or mistyped link: show everything, and say so.
            filters_ignored = True
    therapies = list(selectors.therapy_list(kind=kind, goal_slug=goal_slug))
    context = {
        "therapies": [(t, presenters.formats_text(t)) for t in therapies],
        "count": len(therapies),
        "goals": goals,
        "kinds": Therapy.Kind.choices,
        "kind": kind,
        "goal": next((g for g in goals if g.slug == goal_slug), None),
        "filtered": bool(kind or goal_slug),
        "filters_ignored": filters_ignored,
    }
    return render(request, "wellness/browse/therapy_list.html", context)


@require_safe
@public_page
def therapy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a published therapy, the evidence for it goal by goal, and its safety rules."""
    try:
        therapy = selectors.therapy_detail_list().get(slug=slug)
    except Therapy.DoesNotExist:
        raise Http404("No published therapy has this address.") from None
    findings = list(selectors.findings_for_therapies(therapies=[therapy]))
    context = {
        "therapy": therapy,
        "formats": presenters.formats_text(therapy),
        "evidence": presenters.evidence_by_goal(therapy=therapy, findings=findings),
        "rule_groups": presenters.rule_groups(therapy.safety_rules.all()),
    }
    return render(request, "wellness/browse/therapy_detail.html", context)


@require_safe
@public_page
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a published source: its citation, link, size, review date, findings and rules."""
    try:
        source = selectors.source_list().get(slug=slug)
    except Source.DoesNotExist:
        # Draft, in review or retracted sources are not public; a retraction hides it at once.
        raise Http404("No published source has this address.") from None
    findings = selectors.findings_for_source(source=source)
    rules = selectors.safety_rules_for_source(source=source)
    context = {
        "source": source,
        "findings_by_goal": presenters.findings_by_goal(findings),
        "rules_by_therapy": presenters.rules_by_therapy(rules),
    }
    return render(request, "wellness/browse/source_detail.html", context)


@require_safe
@public_page
def compare(request: HttpRequest) -> HttpResponse:
    """Compare two or three published therapies side by side, chosen in the query string."""
    choices = list(selectors.therapy_choices())
    submitted = "therapies" in request.GET or "compare" in request.GET
    form = CompareForm(request.GET if submitted else None, therapies=choices)
    context: dict = {"form": form, "choices": choices, "chosen": []}
    if form.is_valid():
        slugs = form.cleaned_data["therapies"]
        loaded = {t.slug: t for t in selectors.therapy_detail_list().filter(slug__in=slugs)}
        therapies = [loaded[slug] for slug in slugs if slug in loaded]
        findings = list(selectors.findings_for_therapies(therapies=therapies))
        context.update(
            chosen=slugs,
            therapies=[(t, presenters.formats_text(t)) for t in therapies],
            goal_rows=presenters.goal_rows(therapies=therapies, findings=findings),
            condition_rows=presenters.condition_rows(therapies=therapies),
        )
    elif form.is_bound:
        # Keep the boxes the person ticked, so they only need to fix what is wrong.
        context["chosen"] = request.GET.getlist("therapies")
    return render(request, "wellness/browse/compare.html", context)
