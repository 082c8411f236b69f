"""Browse the published catalogue: the therapy list, a therapy, a source, and a comparison.

These pages show the same to everyone and hold no personal data, so shared caches may keep them
for a few minutes, and we keep them rendered until the catalogue changes (``caching``). Each page
runs a fixed number of queries whatever the catalogue size.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from evidence import selectors
from evidence.models import Source
from therapies.models import Therapy
from wellness.browse import presenters
from wellness.browse.caching import cached_public_page, not_kept
from wellness.browse.forms import COMPARE_MAX, CompareForm, TherapyFilterForm
from wellness.selectors import catalogue_snapshot, harms_shown_for

public_page = cache_control(public=True, max_age=300)
PAGE_SIZE = 20


@require_safe
@public_page
@cached_public_page(query={"kind": 1, "goal": 1, "page": 1})
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
    therapies = selectors.therapy_list(kind=kind, goal_slug=goal_slug)
    asked = request.GET.get("page")
    page, page_moved = _page(Paginator(therapies, PAGE_SIZE), asked)
    query = {name: value for name, value in (("kind", kind), ("goal", goal_slug)) if value}
    context = {
        # A count, then only this page's therapies (and their goals).
        "therapies": [(t, presenters.formats_text(t)) for t in page.object_list],
        "count": page.paginator.count,
        "page": page,
        "page_moved": page_moved,
        "pagination": presenters.pagination(page, path=request.path, query=query),
        "goals": goals,
        "kinds": Therapy.Kind.choices,
        "kind": kind,
        "goal": next((g for g in goals if g.slug == goal_slug), None),
        "filtered": bool(kind or goal_slug),
        "filters_ignored": filters_ignored,
    }
    response = render(request, "wellness/browse/therapy_list.html", context)
    # Kept only as our own links ask: not a filter we could not use, nor page=02 for page=2.
    if filters_ignored or (asked or "1") != str(page.number):
        not_kept(response)
    return response


def _page(paginator: Paginator, asked: str | None) -> tuple[Page, bool]:
    """Return the page asked for, or the nearest one and True when it is not the one asked for.

    A page number that is not a number, or is past either end, most likely comes from an old or
    mistyped link (say the list got shorter since). Rather than a dead end (Django's ListView
    answers 404), show the nearest page and say so, as the list does for filters it cannot use.
    """
    if not asked:
        return paginator.page(1), False
    try:
        number = int(asked)
    except ValueError:
        return paginator.page(1), True
    nearest = min(max(number, 1), paginator.num_pages)
    return paginator.page(nearest), nearest != number


@require_safe
@public_page
@cached_public_page()
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
        "harm_groups": presenters.harm_groups(harms_shown_for(therapy, catalogue_snapshot())),
        "rule_groups": presenters.rule_groups(therapy.safety_rules.all()),
    }
    return render(request, "wellness/browse/therapy_detail.html", context)


@require_safe
@public_page
@cached_public_page()
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
        "harms": presenters.harm_views(selectors.harms_for_source(source=source)),
        "rules_by_therapy": presenters.rules_by_therapy(rules),
    }
    return render(request, "wellness/browse/source_detail.html", context)


@require_safe
@public_page
@cached_public_page(query={"therapies": COMPARE_MAX, "compare": 1})
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
        catalogue = catalogue_snapshot()
        columns = [(t, presenters.formats_text(t)) for t in therapies]
        rows: dict[str, Any] = {
            "goal_rows": presenters.goal_rows(therapies=therapies, findings=findings),
            "harm_rows": presenters.harm_rows(
                harms=[harms_shown_for(t, catalogue) for t in therapies]
            ),
            "condition_rows": presenters.condition_rows(therapies=therapies),
        }
        context.update(
            chosen=slugs,
            therapies=columns,
            stacked=presenters.stacked(therapies=columns, **rows),
            waiting=next((s for s in catalogue.next_steps if s.is_waiting), None),
            **rows,
        )
    elif form.is_bound:
        # Keep the boxes the person ticked, so they only need to fix what is wrong.
        context["chosen"] = request.GET.getlist("therapies")
    response = render(request, "wellness/browse/compare.html", context)
    return not_kept(response) if form.errors else response
