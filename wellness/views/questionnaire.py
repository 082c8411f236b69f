"""The questionnaire: goals → the crisis question alone → the health questions → preferences →
what matters to you (optional) → check your answers.

The crisis question has a page to itself, because a yes to it ends the questionnaire; the other
screening questions share one page, each with its own yes or no. Every step is a plain HTML form
(no JavaScript needed). Answers are POSTed, kept in a signed cookie in the person's browser
(``wellness.answers``) and never stored or logged on the server.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from therapies.models import Condition, CrisisContact
from wellness import answers as answer_store
from wellness.forms import (
    GoalsForm,
    HealthForm,
    PreferencesForm,
    ValuesForm,
    YesNoForm,
    error_list,
)
from wellness.http import no_store
from wellness.views.question_catalogue import (
    QuestionCatalogue,
    condition_url,
    question_catalogue,
)

CHECK = "check"


def _first_unanswered(answers: dict, catalogue: QuestionCatalogue) -> str | None:
    if not answers["goals"]:
        return reverse("questions-goals")
    crisis = catalogue.crisis
    if crisis and crisis.slug not in answers["conditions"]:
        return condition_url(crisis)
    if any(c.slug not in answers["conditions"] for c in catalogue.health_questions):
        return reverse("questions-health")
    if answers["format"] is None or answers["pressure"] is None:
        return reverse("questions-preferences")
    return None


def _next(request: HttpRequest, current: str, answers: dict, catalogue: QuestionCatalogue) -> str:
    """Return where to go after a step: back to the check page when changing, else onwards."""
    if request.POST.get("return_to") == CHECK:
        return _first_unanswered(answers, catalogue) or reverse("questions-check")
    steps = catalogue.steps
    return steps[steps.index(current) + 1]


def _back(current: str, catalogue: QuestionCatalogue, changing: bool) -> str:
    if changing:
        return reverse("questions-check")
    steps = catalogue.steps
    index = steps.index(current)
    return steps[index - 1] if index else reverse("questions-start")


def _page(request, template, context) -> HttpResponse:
    # Pages that show answers are never kept by the browser or any cache on the way.
    return no_store(render(request, template, context))


def _step_context(request: HttpRequest, current: str, catalogue: QuestionCatalogue, form) -> dict:
    changing = request.GET.get("change") == "1" or request.POST.get("return_to") == CHECK
    steps = catalogue.steps
    return {
        "form": form,
        "errors": error_list(form) if form.is_bound else [],
        "back_url": _back(current, catalogue, changing),
        "return_to": CHECK if changing else "",
        "step_number": steps.index(current) + 1,
        "step_count": len(steps) - 1,  # the check page is not a question
    }


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Say what the questions are for and what is (not) kept, before any health question."""
    return render(
        request,
        "wellness/questions/start.html",
        {"saved_result_days": settings.SAVED_RESULT_DAYS, "first_step": reverse("questions-goals")},
    )


@require_http_methods(["GET", "POST"])
def goals(request: HttpRequest) -> HttpResponse:
    """Ask what the person would like help with."""
    catalogue = question_catalogue()
    answers = answer_store.read(request)
    goal_records = catalogue.goals
    current = reverse("questions-goals")
    if request.method == "POST":
        form = GoalsForm(request.POST, goals=goal_records)
        if form.is_valid():
            answers["goals"] = form.cleaned_data["goals"]
            response = redirect(_next(request, current, answers, catalogue))
            answer_store.write(response, answers)
            return response
    else:
        # The choices are for checking a POST; the page shows the catalogue's, rendered.
        form = GoalsForm(initial={"goals": answers["goals"]}, goals=())
    context = _step_context(request, current, catalogue, form)
    context["goal_choices"] = catalogue.goal_choices_html(form["goals"].value())
    return _page(request, "wellness/questions/goals.html", context)


@require_http_methods(["GET", "POST"])
def condition(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the crisis question, alone on its page; the others are asked on the health page."""
    catalogue = question_catalogue()
    conditions = catalogue.conditions
    record = next((c for c in conditions if c.slug == slug), None)
    if record is None:
        raise Http404("No such question.")
    if not record.is_crisis:
        # An older link to a single question: it is now asked with the others.
        changing = "?change=1" if request.GET.get("change") == "1" else ""
        return redirect(f"{reverse('questions-health')}{changing}#question-{slug}")
    answers = answer_store.read(request)
    current = reverse("questions-condition", args=[slug])
    if request.method == "POST":
        form = YesNoForm(request.POST)
        if form.is_valid():
            answers["conditions"][slug] = form.cleaned_data["answer"]
            if form.cleaned_data["answer"] == "yes":
                return _crisis(request)
            response = redirect(_next(request, current, answers, catalogue))
            answer_store.write(response, answers)
            return response
    else:
        form = YesNoForm(initial={"answer": answers["conditions"].get(slug)})
    context = _step_context(request, current, catalogue, form)
    context["condition"] = record
    return _page(request, "wellness/questions/condition.html", context)


@require_http_methods(["GET", "POST"])
def health(request: HttpRequest) -> HttpResponse:
    """Ask every other screening question on one page, each answered yes or no."""
    catalogue = question_catalogue()
    questions = catalogue.health_questions
    if not questions:
        raise Http404("No health questions.")
    answers = answer_store.read(request)
    current = reverse("questions-health")
    if request.method == "POST":
        form = HealthForm(request.POST, conditions=questions)
        if form.is_valid():
            answers["conditions"].update(form.cleaned_data)
            response = redirect(_next(request, current, answers, catalogue))
            answer_store.write(response, answers)
            return response
    else:
        # With no error to show, each question's group as rendered for its answer: the form's
        # fields are for checking a POST.
        form = HealthForm(conditions=[])
    context = _step_context(request, current, catalogue, form)
    if not form.is_bound:
        context["groups"] = catalogue.health_groups_html(answers["conditions"])
    return _page(request, "wellness/questions/health.html", context)


def _crisis(request: HttpRequest) -> HttpResponse:
    """Stop the questionnaire and show urgent help alone; nothing of the answers is kept."""
    contacts = CrisisContact.objects.filter(region=settings.CRISIS_REGION)
    response = _page(request, "wellness/crisis.html", {"contacts": contacts})
    answer_store.forget(response)
    return response


def _choices_step(
    request: HttpRequest, url_name: str, form_class: type[forms.Form], template: str, **extra
) -> HttpResponse:
    """Ask one page of choices whose fields are answers of the same names; a question left
    out (only on an optional page) is kept as not answered."""
    catalogue = question_catalogue()
    answers = answer_store.read(request)
    current = reverse(url_name)
    names = list(form_class.base_fields)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            for name in names:
                answers[name] = form.cleaned_data[name] or None
            response = redirect(_next(request, current, answers, catalogue))
            answer_store.write(response, answers)
            return response
    else:
        form = form_class(initial={name: answers[name] for name in names})
    context = {**_step_context(request, current, catalogue, form), **extra}
    return _page(request, template, context)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Ask how the person would like to have therapy."""
    return _choices_step(
        request, "questions-preferences", PreferencesForm, "wellness/questions/preferences.html"
    )


@require_http_methods(["GET", "POST"])
def values(request: HttpRequest) -> HttpResponse:
    """Ask what matters to the person (optional, every question): it orders only options the
    evidence supports equally, and the summary says how."""
    return _choices_step(
        request,
        "questions-values",
        ValuesForm,
        "wellness/questions/values.html",
        skip_url=reverse("questions-check"),
    )


def _labels(field: forms.Field) -> dict[str, str]:
    """Return a choice field's labels by value."""
    # A choice field keeps its choices as (value, label) pairs; the stubs type them as anything
    # a field accepts as choices.
    choices = cast(forms.ChoiceField, field).choices
    return dict(cast("list[tuple[str, str]]", choices))


def check(request: HttpRequest) -> HttpResponse:
    """Show every answer with a link to change it, then the button for the results."""
    catalogue = question_catalogue()
    conditions = catalogue.conditions
    answers = answer_store.read(request)
    missing = _first_unanswered(answers, catalogue)
    if missing:
        return redirect(missing)
    labels = catalogue.goal_labels
    format_labels = _labels(PreferencesForm.base_fields["format"])
    pressure_labels = _labels(PreferencesForm.base_fields["pressure"])
    context = {
        "goals": [labels[g] for g in answers["goals"] if g in labels],
        "goals_url": reverse("questions-goals"),
        "conditions": [
            {
                "question": c.question,
                "answer": answers["conditions"][c.slug],
                "url": _change_url(c),
            }
            for c in conditions
        ],
        "format": format_labels[answers["format"]],
        "pressure": pressure_labels[answers["pressure"]],
        "preferences_url": reverse("questions-preferences"),
        "values": [
            (field.label, _labels(field).get(answers[name]) if answers[name] else None)
            for name, field in ValuesForm.base_fields.items()
        ],
        "values_url": reverse("questions-values"),
        "token": answer_store.to_token(answers),
        "back_url": reverse("questions-values"),
    }
    return _page(request, "wellness/questions/check.html", context)


def _change_url(condition: Condition) -> str:
    anchor = "" if condition.is_crisis else f"#question-{condition.slug}"
    return f"{condition_url(condition)}?change=1{anchor}"


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    """Forget every answer and go back to the start."""
    response = redirect("questions-start")
    answer_store.forget(response)
    return response


@require_POST
def restore(request: HttpRequest) -> HttpResponse:
    """Bring answers back from a results page so the person can change one."""
    answers = answer_store.from_token(request.POST.get("answers", ""))
    if answers is None:
        return redirect("questions-start")
    response = redirect("questions-check")
    answer_store.write(response, answers)
    return response


urlpatterns = [
    path("", start, name="questions-start"),
    path("goals/", goals, name="questions-goals"),
    path("screening/<slug:slug>/", condition, name="questions-condition"),
    path("health/", health, name="questions-health"),
    path("preferences/", preferences, name="questions-preferences"),
    path("what-matters/", values, name="questions-values"),
    path("check/", check, name="questions-check"),
    path("clear/", clear, name="questions-clear"),
    path("change/", restore, name="questions-restore"),
]
