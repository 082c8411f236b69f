"""Who may do what in the admin: one table of roles × models × actions (docs/architecture.md §5)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from evidence.changes import reviewed_for
from evidence.models import (
    ChangeRequest,
    Finding,
    Harm,
    LinkCheck,
    SafetyRule,
    Source,
    WarningSign,
)
from outbox.models import JobRequest
from tests.conftest import verified_login
from tests.factories import (
    ConditionFactory,
    CrisisContactFactory,
    FindingFactory,
    GoalFactory,
    HarmFactory,
    JobRequestFactory,
    LinkCheckFactory,
    NextStepFactory,
    SafetyRuleFactory,
    SourceFactory,
    TechniqueFactory,
    TherapyFactory,
    WarningSignFactory,
)
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

ROLES = ["anonymous", "editor", "curator", "superuser"]

# v view · a add · c change · d delete · p publish · r retract (the last two only for sources)
# fmt: off
MATRIX = {
    # model           anonymous  editor   curator   superuser
    "therapy":       ("",        "vacd",  "v",      "vacd"),
    "goal":          ("",        "vacd",  "v",      "vacd"),
    "condition":     ("",        "vacd",  "v",      "vacd"),
    "crisiscontact": ("",        "vacd",  "v",      "vacd"),
    "technique":     ("",        "vacd",  "v",      "vacd"),
    "nextstep":      ("",        "vacd",  "v",      "vacd"),
    "safetyrule":    ("",        "vacd",  "v",      "vacd"),
    "warningsign":   ("",        "vacd",  "v",      "vacd"),
    "harm":          ("",        "vacd",  "vacd",   "vacd"),
    "source":        ("",        "v",     "vacdpr", "vacdpr"),
    "finding":       ("",        "v",     "vacd",   "vacd"),
    "linkcheck":     ("",        "v",     "v",      "vd"),
    "jobrequest":    ("",        "v",     "v",      "vd"),
    "changerequest": ("",        "v",     "v",      "v"),
}
# For a reviewed model (safety rules), "a", "c" and "d" mean the change is proposed for review:
# the form is accepted and a waiting change made; the record itself is untouched until approved.
# fmt: on

ADDED = "Added by the permission test"
CHANGED = "Changed by the permission test"


@dataclass(frozen=True)
class Model:
    model: type[models.Model]
    make: Callable[[], models.Model]  # an object to view, change and delete
    text_field: str  # set to ADDED when adding and to CHANGED when changing
    add_data: Callable[[], dict]  # the rest of a valid add form


def therapy_data() -> dict:
    return {
        "slug": "added",
        "kind": Therapy.Kind.MASSAGE,
        "summary": "Calm.",
        "what_to_expect": "Lie down.",
        "session_minutes_min": "30",
        "session_minutes_max": "60",
        "in_person": "on",
        "pressure": Therapy.Pressure.GENTLE,
        "reviewed_on": "2026-01-01",
        "next_review_on": "2027-01-01",
    }


def finding_data() -> dict:
    return {
        "slug": "added",
        "source": SourceFactory().pk,
        "therapy": TherapyFactory().pk,
        "goal": GoalFactory().pk,
        "population": "adults",
        "direction": Finding.Direction.BENEFIT,
        "certainty": "low",
    }


def safety_rule_data() -> dict:
    return {
        "condition": ConditionFactory().pk,
        "therapy": TherapyFactory().pk,
        "source": SourceFactory().pk,
        "effect": SafetyRule.Effect.CAUTION,
    }


def harm_data() -> dict:
    return {
        "slug": "added",
        "therapy": TherapyFactory().pk,
        "category": Harm.Category.SIDE_EFFECT,
        "source": SourceFactory().pk,
        "position": "0",
    }


def warning_sign_data() -> dict:
    return {
        "slug": "added",
        "condition": ConditionFactory().pk,
        "action": "Call 999.",
        "source": SourceFactory().pk,
        "position": "0",
    }


MODELS = {
    "therapy": Model(Therapy, TherapyFactory, "name", therapy_data),
    "technique": Model(Technique, TechniqueFactory, "name", lambda: {"slug": "added"}),
    "nextstep": Model(
        NextStep,
        NextStepFactory,
        "title",
        lambda: {"slug": "added", "text": "Rest a while.", "position": "0"},
    ),
    "harm": Model(Harm, HarmFactory, "description", harm_data),
    "goal": Model(Goal, GoalFactory, "label", lambda: {"slug": "added", "position": "0"}),
    "condition": Model(
        Condition, ConditionFactory, "question", lambda: {"slug": "added", "position": "0"}
    ),
    "crisiscontact": Model(
        CrisisContact,
        CrisisContactFactory,
        "when_to_use",
        lambda: {"region": "GB", "name": "Added line", "phone": "111", "position": "0"},
    ),
    "safetyrule": Model(SafetyRule, SafetyRuleFactory, "message", safety_rule_data),
    "warningsign": Model(WarningSign, WarningSignFactory, "signs", warning_sign_data),
    "linkcheck": Model(LinkCheck, LinkCheckFactory, "error", dict),
    "jobrequest": Model(JobRequest, JobRequestFactory, "message", dict),
    "source": Model(
        Source, SourceFactory, "title", lambda: {"slug": "added", "source_type": "rct"}
    ),
    "finding": Model(Finding, FindingFactory, "outcome", finding_data),
    "changerequest": Model(ChangeRequest, lambda: change_request(), "label", dict),
}


def change_request() -> ChangeRequest:
    from tests.factories import UserFactory

    rule = SafetyRuleFactory()
    return ChangeRequest.objects.create(
        subject="safety-rule",
        action="delete",
        target_id=rule.pk,
        label=str(rule),
        reason="No longer advised.",
        author=UserFactory(username="proposer"),
    )


def reviewed(name: str) -> bool:
    return reviewed_for(MODELS[name].model) is not None


def proposed(name: str, **values) -> bool:
    """Whether a waiting change proposes these values (for a reviewed model)."""
    return any(
        all(change.values.get(key) == value for key, value in values.items())
        for change in ChangeRequest.objects.waiting()
    )


def cases(action: str) -> list:
    return [
        pytest.param(role, name, action in cells[i], id=f"{role}-{name}")
        for name, cells in MATRIX.items()
        for i, role in enumerate(ROLES)
    ]


@pytest.fixture
def superuser_client(superuser):
    client = Client()
    verified_login(client, superuser)
    return client


def url(name: str, view: str, *args) -> str:
    app_label = MODELS[name].model._meta.app_label
    return reverse(f"admin:{app_label}_{name}_{view}", args=args)


def assert_refused(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403


def test_every_admin_model_of_the_catalogue_apps_and_the_outbox_has_a_row():
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label in {"therapies", "evidence", "outbox"}
    }
    assert registered == set(MATRIX) == set(MODELS)


@pytest.mark.parametrize(("role", "name", "allowed"), cases("v"))
def test_view(db, login, role, name, allowed):
    obj = MODELS[name].make()
    client = login(role)

    for address in (url(name, "changelist"), url(name, "change", obj.pk)):
        response = client.get(address)
        if allowed:
            assert response.status_code == 200, address
        else:
            assert_refused(response, role)


@pytest.mark.parametrize(("role", "name", "allowed"), cases("a"))
def test_add(db, login, superuser_client, admin_form_data, role, name, allowed):
    spec = MODELS[name]
    form_page = superuser_client.get(url(name, "add"))
    # Some records nobody adds by hand: then there is no form to start from.
    data = admin_form_data(form_page) if form_page.status_code == 200 else {}
    data.update(spec.add_data(), **{spec.text_field: ADDED})
    if reviewed(name):
        data["change_reason"] = "Asked for by the permission test."
    client = login(role)

    page = client.get(url(name, "add"))
    response = client.post(url(name, "add"), data)

    added = spec.model.objects.filter(**{spec.text_field: ADDED}).exists()
    if allowed and reviewed(name):
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert proposed(name, **{spec.text_field: ADDED})
        assert not added
    elif allowed:
        assert page.status_code == 200
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert added
    else:
        assert_refused(page, role)
        assert_refused(response, role)
        assert not added


@pytest.mark.parametrize(("role", "name", "allowed"), cases("c"))
def test_change(db, login, superuser_client, admin_form_data, role, name, allowed):
    spec = MODELS[name]
    obj = spec.make()
    data = admin_form_data(superuser_client.get(url(name, "change", obj.pk)))
    data[spec.text_field] = CHANGED
    if reviewed(name):
        data["change_reason"] = "Asked for by the permission test."

    response = login(role).post(url(name, "change", obj.pk), data)

    obj.refresh_from_db()
    if allowed and reviewed(name):
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert proposed(name, **{spec.text_field: CHANGED})
        assert getattr(obj, spec.text_field) != CHANGED
    elif allowed:
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert getattr(obj, spec.text_field) == CHANGED
    else:
        assert_refused(response, role)
        assert getattr(obj, spec.text_field) != CHANGED


@pytest.mark.parametrize(("role", "name", "allowed"), cases("d"))
def test_delete(db, login, role, name, allowed):
    spec = MODELS[name]
    obj = spec.make()

    data = {"post": "yes", "change_reason": "Asked for by the permission test."}
    response = login(role).post(url(name, "delete", obj.pk), data)

    exists = spec.model.objects.filter(pk=obj.pk).exists()
    if allowed and reviewed(name):
        assert response.status_code == 302
        assert ChangeRequest.objects.waiting().filter(action="delete", target_id=obj.pk).exists()
        assert exists
    elif allowed:
        assert response.status_code == 302
        assert not exists
    else:
        assert_refused(response, role)
        assert exists


def inline_permissions(response) -> dict[str, tuple[bool, bool, bool]]:
    return {
        inline.opts.model._meta.model_name: (
            inline.has_add_permission,
            inline.has_change_permission,
            inline.has_delete_permission,
        )
        for inline in response.context["inline_admin_formsets"]
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # Editors may change rules and harms, but not on a source page they cannot save.
        ("editor", {"finding": (False,) * 3, "harm": (False,) * 3, "safetyrule": (False,) * 3}),
        ("curator", {"finding": (True,) * 3, "harm": (True,) * 3, "safetyrule": (False,) * 3}),
        # Safety rules are read here by everyone: they change only through review.
        ("superuser", {"finding": (True,) * 3, "harm": (True,) * 3, "safetyrule": (False,) * 3}),
    ],
)
def test_rows_under_a_source_are_editable_only_with_both_permissions(db, login, role, expected):
    rule = SafetyRuleFactory()
    FindingFactory(source=rule.source)

    response = login(role).get(url("source", "change", rule.source.pk))

    assert inline_permissions(response) == expected


def test_editor_proposes_a_rule_change_on_its_own_page(
    db, login, superuser_client, admin_form_data
):
    rule = SafetyRuleFactory()
    data = admin_form_data(superuser_client.get(url("safetyrule", "change", rule.pk)))
    data["message"] = CHANGED
    data["change_reason"] = "The leaflet was updated."

    response = login("editor").post(url("safetyrule", "change", rule.pk), data)

    change = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:evidence_changerequest_change", args=[change.pk])
    assert change.values == {"message": CHANGED}
    rule.refresh_from_db()
    assert rule.message != CHANGED
