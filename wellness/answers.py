"""Questionnaire answers: kept only in a signed cookie in the person's browser, never on the server.

The answers travel as a signed value: in the cookie while the person answers, then in the
results cookie while they read their results (so Back, refresh and the doctor's note work),
and in the body of the forms on the results page. The results cookie ends when the browser
closes, after an hour, or when the person clears it. The answers never travel in a URL, and
nothing here logs them.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from wellness.recommender import PREFERENCE_CHOICES, VALUE_CHOICES, Answers

COOKIE = "wellness_answers"
SALT = "wellness.answers"
RESULTS_COOKIE = "wellness_results"
RESULTS_SALT = "wellness.results"
# A person who walks away mid-way does not leave answers readable in the browser for long.
MAX_AGE_SECONDS = 60 * 60

# What matters to you: optional. None until the page is answered; "any" for no preference.
VALUES = VALUE_CHOICES


def empty() -> dict[str, Any]:
    return {
        "goals": [],
        "conditions": {},
        "format": None,
        "pressure": None,
        **dict.fromkeys(VALUES),
    }


def clean(data: Any) -> dict[str, Any]:
    """Return answers in their expected shape, dropping anything else."""
    answers = empty()
    if not isinstance(data, dict):
        return answers
    goals = data.get("goals")
    if isinstance(goals, list):
        answers["goals"] = [g for g in goals if isinstance(g, str)][:50]
    conditions = data.get("conditions")
    if isinstance(conditions, dict):
        answers["conditions"] = {
            k: v for k, v in conditions.items() if isinstance(k, str) and v in ("yes", "no")
        }
    for name, allowed in (PREFERENCE_CHOICES | VALUES).items():
        if data.get(name) in allowed:
            answers[name] = data[name]
    return answers


def read(request: HttpRequest) -> dict[str, Any]:
    """Return the answers so far from the signed cookie (empty if none or tampered with)."""
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE_SECONDS)
    if raw is None:
        return empty()
    try:
        return clean(json.loads(raw))
    except ValueError:
        return empty()


def write(response: HttpResponse, answers: dict[str, Any]) -> None:
    """Keep the answers in the person's browser for an hour at most (the cookie's lifetime)."""
    _set(response, COOKIE, SALT, answers, max_age=MAX_AGE_SECONDS)


def forget(response: HttpResponse) -> None:
    """Drop the answers cookie."""
    response.delete_cookie(COOKIE, samesite="Lax")


def keep_for_results(response: HttpResponse, answers: dict[str, Any]) -> None:
    """Keep the answers for the results pages: until the browser closes, an hour at most."""
    _set(response, RESULTS_COOKIE, RESULTS_SALT, answers)


def _set(
    response: HttpResponse,
    name: str,
    salt: str,
    answers: dict[str, Any],
    max_age: int | None = None,
) -> None:
    # Signed and unreadable by scripts; over HTTPS only, except when debugging locally.
    response.set_signed_cookie(
        name,
        json.dumps(clean(answers), separators=(",", ":")),
        salt=salt,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG,
    )


def for_results(request: HttpRequest) -> dict[str, Any] | None:
    """Return the answers the results pages show, or None when cleared, too old or not ours."""
    raw = request.get_signed_cookie(
        RESULTS_COOKIE, default=None, salt=RESULTS_SALT, max_age=MAX_AGE_SECONDS
    )
    if raw is None:
        return None
    try:
        answers = clean(json.loads(raw))
    except ValueError:
        return None
    return answers if answers["goals"] else None


def forget_results(response: HttpResponse) -> None:
    """Drop the results cookie (and the questionnaire's): "Clear my answers"."""
    response.delete_cookie(RESULTS_COOKIE, samesite="Lax")
    forget(response)


def to_token(answers: dict[str, Any]) -> str:
    """Return the answers as a signed value to carry in a form body."""
    return signing.dumps(clean(answers), salt=SALT, compress=True)


def from_token(token: str) -> dict[str, Any] | None:
    """Return the answers from a signed form value, or None if it is missing or not ours."""
    if not token or len(token) > 4000:
        return None
    try:
        return clean(signing.loads(token, salt=SALT))
    except signing.BadSignature:
        return None


def to_engine(answers: dict[str, Any]) -> Answers:
    """Return the engine's view of the answers."""
    return Answers(
        goals=frozenset(answers["goals"]),
        conditions=frozenset(c for c, v in answers["conditions"].items() if v == "yes"),
        format=answers["format"] or "any",
        pressure=answers["pressure"] or "any",
        **{name: answers.get(name) or "any" for name in VALUES},
    )
