"""What the questionnaire reads of the catalogue: the goals and the questions asked, the steps,
and the goals' and health questions' choices rendered, kept in this process while the
catalogue's change marker is unchanged.

A step then runs no query of its own (the marker is read about once a second,
``wellness.selectors``) and renders no list of a hundred choices: each choice is rendered once
for a version of the catalogue, by the same template tags and autoescaping, in each of its
states (ticked or not; yes, no or unanswered), and a request only picks the state its answers
give. Inside a transaction the database is always read and nothing is kept, as for the snapshot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from therapies.models import Condition, Goal
from wellness.selectors import catalogue_change_marker

ANSWERS = ("yes", "no")


@dataclass(frozen=True)
class QuestionCatalogue:
    goals: tuple[Goal, ...]
    conditions: tuple[Condition, ...]  # the active ones, in the order they are asked
    goal_labels: dict[str, str]
    steps: tuple[str, ...]  # the URL of every step, in order, the check page last
    # Each goal's choice, rendered: (not ticked, ticked).
    goal_choices: tuple[tuple[str, str], ...]
    # Each health question's group, rendered without an error: answer (or None) → its HTML.
    health_groups: dict[str, dict[str | None, str]]

    @property
    def crisis(self) -> Condition | None:
        return next((c for c in self.conditions if c.is_crisis), None)

    @property
    def health_questions(self) -> list[Condition]:
        return [c for c in self.conditions if not c.is_crisis]

    def goal_choices_html(self, chosen: object) -> SafeString:
        """Return the goals' choices, those in ``chosen`` ticked (a form field's value)."""
        ticked = set(chosen) if isinstance(chosen, list | tuple) else set()
        # Each part was rendered, and so escaped, by the template.
        return mark_safe(  # noqa: S308  # nosec B308, B703
            "".join(
                both[goal.slug in ticked]
                for goal, both in zip(self.goals, self.goal_choices, strict=True)
            )
        )

    def health_groups_html(self, answers: dict[str, str]) -> SafeString:
        """Return every health question's group, each with its answer (if any) chosen."""
        # Each part was rendered, and so escaped, by the template.
        return mark_safe(  # noqa: S308  # nosec B308, B703
            "".join(
                groups[answers.get(slug) if answers.get(slug) in ANSWERS else None]
                for slug, groups in self.health_groups.items()
            )
        )


_lock = threading.Lock()
_kept: tuple[tuple, QuestionCatalogue] | None = None


def question_catalogue() -> QuestionCatalogue:
    """Return the questionnaire's catalogue for the current version of the catalogue."""
    global _kept
    key = (catalogue_change_marker(), get_script_prefix(), get_urlconf())
    kept = _kept
    if kept is not None and kept[0] == key:
        return kept[1]
    if connection.in_atomic_block:
        # A transaction may see its own changes, which others cannot yet: keep only committed.
        return _build()
    with _lock:
        kept = _kept
        if kept is None or kept[0] != key:
            kept = (key, _build())
            _kept = kept
    return kept[1]


def _build() -> QuestionCatalogue:
    goals = tuple(Goal.objects.all())
    conditions = tuple(Condition.objects.active())
    choice = get_template("wellness/questions/_goal_choice.html")
    group = get_template("wellness/questions/_health_group.html")
    # Rendered with the form the page uses, so each group reads as its form field gives it.
    from wellness.forms import HealthForm

    health_groups = {}
    for condition in conditions:
        if condition.is_crisis:
            continue
        health_groups[condition.slug] = {
            answer: group.render(
                {
                    "field": HealthForm(initial={condition.slug: answer}, conditions=[condition])[
                        condition.slug
                    ]
                }
            )
            for answer in (None, *ANSWERS)
        }
    return QuestionCatalogue(
        goals=goals,
        conditions=conditions,
        goal_labels={g.slug: g.label for g in goals},
        steps=_steps(conditions),
        goal_choices=tuple(
            (
                choice.render({"goal": goal, "index": index, "checked": False}),
                choice.render({"goal": goal, "index": index, "checked": True}),
            )
            for index, goal in enumerate(goals)
        ),
        health_groups=health_groups,
    )


def condition_url(condition: Condition) -> str:
    """Where a question is asked: the crisis one on its own page, the others on the health page."""
    if condition.is_crisis:
        return reverse("questions-condition", args=[condition.slug])
    return reverse("questions-health")


def _steps(conditions: tuple[Condition, ...]) -> tuple[str, ...]:
    crisis = next((c for c in conditions if c.is_crisis), None)
    return (
        reverse("questions-goals"),
        *([condition_url(crisis)] if crisis else []),
        *([reverse("questions-health")] if any(not c.is_crisis for c in conditions) else []),
        reverse("questions-preferences"),
        reverse("questions-values"),
        reverse("questions-check"),
    )
