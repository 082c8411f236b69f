"""Who may do what through the API: roles × endpoints × methods (docs/architecture.md §5).

The endpoints are found by walking the URL resolver under ``/api/v1/``, so an endpoint added
without a row here fails ``test_every_endpoint_and_method_has_a_row``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from evidence.models import Source
from tests.api.conftest import token_client
from tests.api.permission_records import change_call, source_in
from tests.conftest import enrol_totp_device
from tests.factories import (
    ConditionFactory,
    CrisisContactFactory,
    FindingFactory,
    GoalFactory,
    HarmFactory,
    NextStepFactory,
    SafetyRuleFactory,
    SourceFactory,
    TechniqueFactory,
    TherapyFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ROLES = ("anonymous", "editor", "curator", "superuser")
PASSWORD = "correct horse battery staple"
METHODS = ("get", "post", "put", "patch", "delete")

# Expected status per role: anonymous, editor, curator, superuser.
PUBLIC = (200, 200, 200, 200)
CATALOGUE_ADD = (401, 201, 403, 201)
CATALOGUE_CHANGE = (401, 200, 403, 200)
CATALOGUE_DELETE = (401, 204, 403, 204)
EVIDENCE_ADD = (401, 403, 201, 201)
EVIDENCE_CHANGE = (401, 403, 200, 200)
EVIDENCE_DELETE = (401, 403, 204, 204)
# Harms and burdens are kept by both: editors for the catalogue, curators from the studies.
BOTH_ADD = (401, 201, 201, 201)
BOTH_CHANGE = (401, 200, 200, 200)
BOTH_DELETE = (401, 204, 204, 204)
REVIEW = (401, 403, 200, 200)
# Safety rules: a write is a proposal for review (202); approving needs the review permission.
PROPOSE = (401, 202, 403, 202)
STAFF_READ = (401, 200, 200, 200)
JOB = (401, 403, 202, 202)


def _catalogue(name: str) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (f"api:{name}-list", "get"): PUBLIC,
        (f"api:{name}-list", "post"): CATALOGUE_ADD,
        (f"api:{name}-detail", "get"): PUBLIC,
        (f"api:{name}-detail", "put"): CATALOGUE_CHANGE,
        (f"api:{name}-detail", "patch"): CATALOGUE_CHANGE,
        (f"api:{name}-detail", "delete"): CATALOGUE_DELETE,
    }


def _evidence(name: str) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (f"api:{name}-list", "get"): PUBLIC,
        (f"api:{name}-list", "post"): EVIDENCE_ADD,
        (f"api:{name}-detail", "get"): PUBLIC,
        (f"api:{name}-detail", "put"): EVIDENCE_CHANGE,
        (f"api:{name}-detail", "patch"): EVIDENCE_CHANGE,
        (f"api:{name}-detail", "delete"): EVIDENCE_DELETE,
    }


def _proposed(name: str) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (f"api:{name}-list", "get"): PUBLIC,
        (f"api:{name}-list", "post"): PROPOSE,
        (f"api:{name}-detail", "get"): PUBLIC,
        (f"api:{name}-detail", "put"): PROPOSE,
        (f"api:{name}-detail", "patch"): PROPOSE,
        (f"api:{name}-detail", "delete"): PROPOSE,
    }


def _both(name: str) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (f"api:{name}-list", "get"): PUBLIC,
        (f"api:{name}-list", "post"): BOTH_ADD,
        (f"api:{name}-detail", "get"): PUBLIC,
        (f"api:{name}-detail", "put"): BOTH_CHANGE,
        (f"api:{name}-detail", "patch"): BOTH_CHANGE,
        (f"api:{name}-detail", "delete"): BOTH_DELETE,
    }


MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    **_catalogue("therapy"),
    **_catalogue("technique"),
    **_catalogue("other-path"),
    **_both("harm"),
    **_catalogue("goal"),
    # Screening questions, like safety rules, change only through review.
    **_proposed("condition"),
    **_catalogue("crisis-contact"),
    # Safety rules are catalogue work even though they live beside the evidence; every write
    # is proposed for review.
    **_proposed("safety-rule"),
    ("api:change-list", "get"): STAFF_READ,
    ("api:change-detail", "get"): STAFF_READ,
    ("api:change-approve", "post"): REVIEW,
    ("api:change-reject", "post"): REVIEW,
    # Undoing is proposed by whoever may change the rule.
    ("api:change-revert", "post"): PROPOSE,
    **_evidence("source"),
    **_evidence("finding"),
    ("api:source-submit", "post"): REVIEW,
    ("api:source-publish", "post"): REVIEW,
    ("api:source-retract", "post"): REVIEW,
    ("api:source-return-to-draft", "post"): REVIEW,
    ("api:source-import-citation", "post"): JOB,
    ("api:source-check-link", "post"): JOB,
    ("api:recommendations", "post"): PUBLIC,
    # Each role logs in with its own password; the anonymous client has none to give, and
    # every role here also needs the code of its authenticator app (not sent here; with a code,
    # tests/api/test_tokens.py and test_write_access.py).
    ("api:token", "post"): (400, 400, 400, 400),
    # Revoking needs a token: each role's own (anonymous has none to revoke).
    ("api:token", "delete"): (401, 204, 204, 204),
    ("api:tokens", "delete"): (401, 204, 204, 204),
    ("api:schema", "get"): PUBLIC,
    ("api:docs", "get"): PUBLIC,
    ("api:not-found", "get"): (404, 404, 404, 404),
}


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for name, found in _walk(pattern.url_patterns, route):
                yield (namespace + name if name else name), found
        else:
            yield pattern.name or "", pattern


def api_endpoints() -> set[tuple[str, str]]:
    """Return (url name, method) for every endpoint under /api/v1/, as the resolver has them."""
    found = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        if not name.startswith("api:"):
            continue
        callback = pattern.callback
        if hasattr(callback, "actions"):  # a view set route: its method → action map
            methods = set(callback.actions)
        elif hasattr(callback, "cls"):  # an APIView
            methods = {m for m in METHODS if hasattr(callback.cls, m)}
        else:  # a plain view answers every method alike; GET stands for them all
            methods = {"get"}
        found |= {(name, method) for method in methods if method in METHODS}
    return found


def test_every_endpoint_and_method_has_a_row():
    assert api_endpoints() == set(MATRIX)


# --- Making what each row acts on --------------------------------------------------------------


@dataclass
class Call:
    kwargs: dict = field(default_factory=dict)
    data: dict | None = None


def _therapy_data() -> dict:
    return {
        "slug": "added-therapy",
        "name": "Added therapy",
        "kind": "massage",
        "summary": "Calm.",
        "what_to_expect": "Lie down.",
        "session_minutes_min": 30,
        "session_minutes_max": 60,
        "formats": ["in-person"],
        "pressure": "gentle",
        "goals": [],
        "published": True,
        "reviewed_on": "2026-11-01",
        "next_review_on": "2027-11-01",
    }


def _source_data() -> dict:
    return {"slug": "added-source", "title": "A trial", "type": "rct", "year": 2021}


def _finding_data() -> dict:
    return {
        "slug": "added-finding",
        "source": SourceFactory().slug,
        "therapy": TherapyFactory().slug,
        "goal": GoalFactory().slug,
        "outcome": "sleep",
        "population": "adults",
        "direction": "benefit",
        "certainty": "low",
    }


def _rule_data() -> dict:
    return {
        "therapy": TherapyFactory().slug,
        "condition": ConditionFactory().slug,
        "effect": "caution",
        "message": "Tell your therapist.",
        "source": SourceFactory().slug,
    }


MODELS: dict[str, tuple[Callable[[], dict], Callable[[], dict], Callable]] = {
    # name: (kwargs of an existing record, data to add or change, PATCH data)
    "therapy": (
        lambda: {"slug": TherapyFactory().slug},
        _therapy_data,
        lambda: {"name": "Renamed"},
    ),
    "goal": (
        lambda: {"slug": GoalFactory().slug},
        lambda: {"slug": "added-goal", "label": "Added", "description": "", "position": 1},
        lambda: {"label": "Renamed"},
    ),
    "condition": (
        lambda: {"slug": ConditionFactory().slug},
        lambda: {"slug": "added-condition", "question": "Are you well?", "reason": "New."},
        lambda: {"question": "Are you sure?", "reason": "Clearer."},
    ),
    "crisis-contact": (
        lambda: {"id": CrisisContactFactory().pk},
        lambda: {"region": "GB", "name": "Added line", "phone": "111", "when_to_use": "Now."},
        lambda: {"phone": "999"},
    ),
    "safety-rule": (
        lambda: {"id": SafetyRuleFactory().pk},
        lambda: {**_rule_data(), "reason": "New guidance."},
        lambda: {"message": "Changed.", "reason": "Clearer words."},
    ),
    "source": (
        lambda: {"slug": SourceFactory().slug},
        _source_data,
        lambda: {"title": "Renamed"},
    ),
    "finding": (
        lambda: {"slug": FindingFactory().slug},
        _finding_data,
        lambda: {"outcome": "mood"},
    ),
    "technique": (
        lambda: {"slug": TechniqueFactory().slug},
        lambda: {"slug": "added-technique", "name": "Foot massage", "description": ""},
        lambda: {"name": "Renamed"},
    ),
    "other-path": (
        lambda: {"slug": NextStepFactory().slug},
        lambda: {"slug": "added-step", "title": "Rest", "text": "Rest a while.", "position": 1},
        lambda: {"title": "Rest more"},
    ),
    "harm": (
        lambda: {"slug": HarmFactory().slug},
        lambda: {
            "slug": "added-harm",
            "therapy": None,
            "therapy_kind": "massage",
            "category": "cost",
            "description": "You pay for it yourself.",
        },
        lambda: {"description": "It costs money."},
    ),
}


def _call(name: str, method: str, user) -> Call:
    base = name.removeprefix("api:")
    if base in ("source-submit",):
        return Call(source_in(Source.Status.DRAFT))
    if base in ("source-publish", "source-return-to-draft"):
        return Call(source_in(Source.Status.IN_REVIEW))
    if base == "source-retract":
        return Call(source_in(Source.Status.PUBLISHED))
    if base in ("source-import-citation", "source-check-link"):
        return Call({"slug": SourceFactory(doi="10.1000/example").slug})
    if base == "recommendations":
        finding = FindingFactory()
        return Call(data={"goals": [finding.goal.slug]})
    if base == "token" and method == "post":
        return Call(data={"username": user.username if user else "nobody", "password": PASSWORD})
    if base in ("token", "tokens", "schema", "docs", "not-found"):
        return Call()
    if base.startswith("change-"):
        return Call(*change_call(base))
    model, kind = base.rsplit("-", 1)
    existing, full, partial = MODELS[model]
    if kind == "list":
        return Call(data=full() if method == "post" else None)
    kwargs = existing()
    if model in ("safety-rule", "condition") and method == "delete":
        return Call(kwargs, {"reason": "Withdrawn."})
    return Call(kwargs, {"put": full, "patch": partial}.get(method, lambda: None)())


def _client(role: str):
    if role == "anonymous":
        return APIClient(), None
    user = {
        "editor": lambda: UserFactory(username="editor", groups=["Catalogue editors"]),
        "curator": lambda: UserFactory(username="curator", groups=["Evidence curators"]),
        "superuser": lambda: UserFactory(username="admin", is_superuser=True),
    }[role]()
    # Every role logs in for a token with its authenticator app, as it must.
    return token_client(user, device=enrol_totp_device(user)), user


def _url(name: str, kwargs: dict) -> str:
    if name == "api:not-found":
        return "/api/v1/no-such-endpoint/"
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_role_gets_the_expected_status(name, method, role):
    client, user = _client(role)
    call = _call(name, method, user)

    response = getattr(client, method)(_url(name, call.kwargs), call.data, format="json")

    expected = MATRIX[(name, method)][ROLES.index(role)]
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"


# --- Deny by default ---------------------------------------------------------------------------


class Forgotten(APIView):
    """A view whose author forgot to say who may use it."""

    def get(self, request):
        return Response({"secret": True})


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "status"), [(None, 401), ("superuser", 403)])
def test_a_view_without_permissions_is_closed(user, status):
    request = APIRequestFactory().get("/api/v1/forgotten/")
    if user:
        force_authenticate(request, user=UserFactory(is_superuser=True))

    response = Forgotten.as_view()(request)

    assert response.status_code == status
    assert response.data["status"] == status
