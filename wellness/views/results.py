"""Results: computed from the answers in the person's browser, never stored unless saved.

A POST carrying the signed answers (from the check page, "show more" or a changed choice) puts
them in the results cookie and redirects to ``GET /results/``, so Back, refresh and links out
to therapy pages work without "Confirm Form Resubmission". The results pages read the cookie;
"Clear my answers" drops it. Saving is the one explicit act that writes a record: an anonymous
``SavedResult`` with an unguessable link and an expiry date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.models import ChangeRequest
from wellness import answers as answer_store
from wellness.content import GAP_WORDS, PREFERENCE_REASONS
from wellness.http import no_store
from wellness.models import SavedResult
from wellness.recommender import FORMATS, PRESSURES, SHORTLIST_SIZE, CatalogueSnapshot, Result
from wellness.selectors import catalogue_snapshot
from wellness.services import recommendation_compute
from wellness.views import result_parts

# "Show more" adds this many cards at a time, up to this many on one page.
SHOW_MORE_STEP = SHORTLIST_SIZE
SHOW_MOST = 200
# The other choices of a preference the page offers when options were set aside for it.
OPENING_CHOICES = {"pressure": PRESSURES, "format": FORMATS}


def _shown(params: QueryDict) -> int:
    """Return how many cards to show: the shortlist, or more when the person asked for more."""
    try:
        wanted = int(params.get("show", ""))
    except ValueError:
        return SHORTLIST_SIZE
    return min(max(wanted, SHORTLIST_SIZE), SHOW_MOST)


def _compute(answers: dict, shown: int) -> tuple[Result, CatalogueSnapshot]:
    catalogue = catalogue_snapshot()
    engine_answers = answer_store.to_engine(answers)
    result = recommendation_compute(answers=engine_answers, limit=shown, catalogue=catalogue)
    return result, catalogue


def _context(
    result: Result, catalogue: CatalogueSnapshot, answers: dict, *, shown: int, token: str = ""
) -> dict:
    goal_labels = {slug: goal.label for slug, goal in catalogue.goals.items()}
    questions = {slug: condition.question for slug, condition in catalogue.conditions.items()}
    more = result.more_recommendations
    kind_sections, shared_findings, shared_harms = result_parts.shared_kind_evidence(
        result, catalogue
    )
    shared_kinds = {section.kind: section for section in kind_sections}
    ties = result_parts.ties(result.recommendations)
    return {
        "result": result,
        # Each card with why it is there ("it may help you to sleep better and feel less
        # stressed"), where two rules meet the questions whose answers set the strictest advice,
        # and what it holds of its own: evidence about its whole kind is said once, below.
        "cards": [
            {
                "rec": rec,
                "why": _words([goal_labels[g].lower() for g in rec.matched_goals]),
                "gate_questions": [questions[w.condition] for w in rec.gate_warnings]
                if len(rec.warnings) > 1
                else [],
                "benefits": [b for b in rec.benefits if b.finding not in shared_findings],
                "harms": [h for h in rec.harms if h.slug not in shared_harms],
                "kind_section": shared_kinds.get(rec.therapy.kind),
            }
            for rec in result.recommendations
        ],
        "summary": result_parts.summary_options(
            result, goal_labels, answers=answer_store.to_engine(answers)
        ),
        "values_said": _values_said(answers),
        "many_goals": len(answers["goals"]) > 1,
        "ties": ties,
        "kind_sections": kind_sections,
        "waiting_offered": any(step.is_waiting for step in result.other_paths),
        "openings": result_parts.openings(
            answers,
            result,
            recompute=lambda changed: _compute(changed, shown)[0],
            to_token=answer_store.to_token,
            choices=OPENING_CHOICES,
        )
        if token
        else [],
        "goal_labels": goal_labels,
        "chosen_goals": _words(
            [goal_labels[g].lower() for g in answers["goals"] if g in goal_labels]
        ),
        "gap_words": GAP_WORDS,
        "preference_reasons": PREFERENCE_REASONS,
        "clearance_items": [
            (rec.therapy, warning)
            for rec in result.recommendations
            for warning in rec.warnings
            if warning.effect == "clearance"
        ],
        "token": token,
        "shown": shown,
        # The next "show more" asks for this many cards in all, adding this many (0: no button).
        "show_next": min(shown + SHOW_MORE_STEP, SHOW_MOST),
        "show_more_count": min(SHOW_MORE_STEP, SHOW_MOST - shown, more),
        "saved_result_days": settings.SAVED_RESULT_DAYS,
        "shortlist_size": SHORTLIST_SIZE,
        "catalogue_changed_on": catalogue.changed_on,
    }


# What matters to the person, as the summary repeats it back ("talking, free").
VALUE_WORDS: dict[tuple[str, str | None], str] = {
    ("approach", "talk"): "talking",
    ("approach", "touch"): "hands-on",
    ("time", "sessions"): "sessions only",
    ("time", "practice"): "time between sessions too",
    ("cost", "free"): "free",
    ("evidence", "strong"): "good evidence",
}


def _values_said(answers: dict) -> str:
    return ", ".join(
        VALUE_WORDS[(name, answers.get(name))]
        for name in answer_store.VALUES
        if (name, answers.get(name)) in VALUE_WORDS
    )


def _words(items: list[str]) -> str:
    """Join items as a sentence does: "a", "a and b", "a, b and c"."""
    if len(items) < 3:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _answers_from(request: HttpRequest) -> dict | None:
    """Return the signed answers of this POST, or None if missing, forged or without a goal."""
    answers = answer_store.from_token(request.POST.get("answers", ""))
    return answers if answers and answers["goals"] else None


def _result_page(request: HttpRequest, answers: dict, shown: int, **extra) -> HttpResponse:
    """Render the result for these answers: urgent help alone on a crisis, else the shortlist."""
    result, catalogue = _compute(answers, shown)
    context = _context(
        result, catalogue, answers, shown=shown, token=answer_store.to_token(answers)
    )
    context["contacts"] = result.crisis.contacts if result.crisis else ()
    context |= {key: make(result) for key, make in extra.items()}
    template = "wellness/crisis.html" if result.crisis else "wellness/results.html"
    return no_store(render(request, template, context))


def _to_results(view_name: str, answers: dict, shown: int) -> HttpResponse:
    """Keep the answers for the results pages and send the browser to the page that shows them."""
    query = f"?show={shown}" if shown != SHORTLIST_SIZE else ""
    response = redirect(reverse(view_name) + query)
    response.status_code = 303  # See Other: the browser fetches it with GET
    answer_store.keep_for_results(response, answers)
    answer_store.forget(response)
    return no_store(response)


@require_http_methods(["GET", "POST"])
def results(request: HttpRequest) -> HttpResponse:
    """Show the ranked, explained result for the answers in this browser."""
    if request.method == "POST":
        answers = _answers_from(request)
        if answers is None:
            return redirect("questions-start")
        return _to_results("results", answers, _shown(request.POST))
    answers = answer_store.for_results(request)
    if answers is None:
        return no_store(render(request, "wellness/results_gone.html"))
    return _result_page(request, answers, _shown(request.GET))


@require_http_methods(["GET", "POST"])
def doctor_note(request: HttpRequest) -> HttpResponse:
    """Show a printable note listing what needs a doctor's, midwife's or cancer team's yes."""
    if request.method == "POST":  # from a saved result, opened where no results cookie is
        answers = _answers_from(request)
        if answers is None:
            return redirect("questions-start")
        return _to_results("doctor-note", answers, _shown(request.POST))
    answers = answer_store.for_results(request)
    if answers is None:
        return no_store(render(request, "wellness/results_gone.html"))
    shown = _shown(request.GET)
    result, catalogue = _compute(answers, shown)
    context = _context(result, catalogue, answers, shown=shown) | _note(result, catalogue, answers)
    response = render(request, "wellness/doctor_note.html", context)
    return no_store(response)


def _note(result: Result, catalogue: CatalogueSnapshot, answers: dict) -> dict:
    """Return the note's parts: each therapy to ask about once, with the answers that make it so,
    and each piece of advice once, however many therapies it is about."""
    questions = {slug: condition.question for slug, condition in catalogue.conditions.items()}
    therapies: dict[str, tuple[str, list[str]]] = {}
    advice: dict[str, object] = {}
    for rec in result.recommendations:
        for warning in rec.warnings:
            if warning.effect != "clearance":
                continue
            _, because = therapies.setdefault(rec.therapy.slug, (rec.therapy.name, []))
            if questions[warning.condition] not in because:
                because.append(questions[warning.condition])
            advice.setdefault(warning.message, warning.source)
    said_yes = sorted(
        (c for c, v in answers["conditions"].items() if v == "yes" and c in catalogue.conditions),
        key=lambda c: (catalogue.conditions[c].position, c),
    )
    return {
        "note_yes": [questions[c] for c in said_yes],
        "note_therapies": list(therapies.values()),
        "note_advice": list(advice.items()),
        "note_date": timezone.localdate(),
    }


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    """Forget the answers in this browser at once: "Clear my answers"."""
    response = render(request, "wellness/answers_cleared.html")
    answer_store.forget_results(response)
    return no_store(response)


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    """Keep the answers, on the person's request, behind an unguessable link that expires."""
    answers = _answers_from(request)
    if answers is None:
        return redirect("questions-start")
    # The version the person saw; nothing else of the result is kept.
    version = catalogue_snapshot().version
    saved = SavedResult.objects.create(answers=answers, catalogue_version=version)
    return redirect(saved)


@require_GET
def saved_result(request: HttpRequest, token: str) -> HttpResponse:
    """Show a saved result again, on today's catalogue, saying if the catalogue has changed."""
    saved = SavedResult.objects.live().filter(token=token).first()
    if saved is None:
        # Our own page, even where DEBUG would show its technical one: a deleted or expired
        # link is an everyday outcome, not a fault.
        response = render(request, "404.html", status=404)
        response["X-Robots-Tag"] = "noindex"
        return no_store(response)
    response = _result_page(
        request,
        answer_store.clean(saved.answers),
        _shown(request.GET),
        saved=lambda result: saved,
        share_url=lambda result: request.build_absolute_uri(saved.get_absolute_url()),
        catalogue_changed=lambda result: saved.catalogue_version != result.catalogue_version,
        changes_since=lambda result: _changes_since(saved, result),
    )
    response["X-Robots-Tag"] = "noindex"
    return response


CHANGES_SHOWN = 10


def _changes_since(saved: SavedResult, result: Result) -> list[ChangeRequest]:
    """The approved changes since it was saved about the therapies this result names."""
    if saved.catalogue_version == result.catalogue_version:
        return []
    named = {card.therapy.slug for card in result.recommendations}
    named |= {excluded.therapy.slug for excluded in result.excluded}
    return list(
        ChangeRequest.objects.approved()
        .filter(reviewed_at__gt=saved.created_at, therapy_slug__in=named)
        .order_by("-reviewed_at")
        .only("reviewed_at", "public_label", "public_reason")[:CHANGES_SHOWN]
    )


@require_POST
@transaction.atomic
def saved_result_delete(request: HttpRequest, token: str) -> HttpResponse:
    """Delete a saved result at once, by whoever holds its link."""
    SavedResult.objects.filter(token=token).delete()
    return no_store(render(request, "wellness/saved_deleted.html"))


urlpatterns = [
    path("", results, name="results"),
    path("note/", doctor_note, name="doctor-note"),
    path("clear/", clear, name="results-clear"),
    path("save/", save, name="results-save"),
    path("saved/<str:token>/", saved_result, name="saved-result"),
    path("saved/<str:token>/delete/", saved_result_delete, name="saved-result-delete"),
]
