"""Every edit through the admin keeps history, shows what changed and can be reverted."""

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from evidence.models import Finding, Source
from evidence.services import source_publish, source_submit_for_review
from tests.factories import FindingFactory, SourceFactory, TherapyFactory
from therapies.models import Therapy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def admin_url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def edit(client, admin_form_data, obj, **changes):
    data = admin_form_data(client.get(admin_url(obj, "change")))
    data.update(changes)
    response = client.post(admin_url(obj, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def revert(client, admin_form_data, obj, record):
    address = admin_url(obj, "simple_history", record.history_id)
    page = client.get(address)
    assert page.status_code == 200
    response = client.post(address, admin_form_data(page))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


CASES = [
    # (factory, field edited, role that edits it)
    pytest.param(TherapyFactory, "name", "editor", id="therapy"),
    pytest.param(
        lambda: SourceFactory(status=Source.Status.DRAFT), "title", "curator", id="source"
    ),
    pytest.param(FindingFactory, "outcome", "curator", id="finding"),
]


@pytest.mark.parametrize(("factory", "field", "role"), CASES)
def test_admin_edit_records_the_user_and_the_changed_field(
    request, client, admin_form_data, factory, field, role
):
    user = request.getfixturevalue(role)
    obj = factory()
    client.force_login(user)

    edit(client, admin_form_data, obj, **{field: "Edited in the admin"})

    latest, previous = obj.history.all()[:2]
    assert latest.history_user == user
    assert latest.history_type == "~"
    assert field in latest.diff_against(previous).changed_fields


@pytest.mark.parametrize(("factory", "field", "role"), CASES)
def test_history_page_shows_the_change(request, client, admin_form_data, factory, field, role):
    obj = factory()
    old = getattr(obj, field)
    client.force_login(request.getfixturevalue(role))
    edit(client, admin_form_data, obj, **{field: "Edited in the admin"})

    response = client.get(admin_url(obj, "history"))

    assert response.status_code == 200
    changes = response.context["page_obj"][0].history_delta_changes
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [
        (capfirst(obj._meta.get_field(field).verbose_name), old, "Edited in the admin")
    ]
    assert "Edited in the admin" in response.text


@pytest.mark.parametrize(("factory", "field", "role"), CASES)
def test_revert_through_the_admin_restores_the_old_value(
    request, client, admin_form_data, factory, field, role
):
    user = request.getfixturevalue(role)
    obj = factory()
    old = getattr(obj, field)
    client.force_login(user)
    edit(client, admin_form_data, obj, **{field: "Edited in the admin"})

    revert(client, admin_form_data, obj, obj.history.last())

    obj.refresh_from_db()
    assert getattr(obj, field) == old
    assert obj.history.first().history_user == user


def test_revert_of_a_therapy_keeps_every_other_field(client, admin_form_data, editor):
    therapy = TherapyFactory(online=True)
    client.force_login(editor)
    edit(client, admin_form_data, therapy, name="Renamed", summary="New summary.")

    revert(client, admin_form_data, therapy, therapy.history.last())

    reverted = Therapy.objects.get(pk=therapy.pk)
    assert (reverted.name, reverted.summary, reverted.online) == (
        therapy.name,
        therapy.summary,
        True,
    )


def test_revert_of_a_source_leaves_its_review_status_alone(
    client, admin_form_data, curator, second_curator
):
    source = SourceFactory(status=Source.Status.DRAFT, title="First title")
    client.force_login(curator)
    edit(client, admin_form_data, source, title="Second title")
    source_submit_for_review(source=source, by=curator)
    source_publish(source=source, by=second_curator)

    # The oldest version is a draft; reverting to it must not unpublish, nor skip review.
    revert(client, admin_form_data, source, source.history.last())

    source.refresh_from_db()
    assert source.title == "First title"
    assert source.status == Source.Status.PUBLISHED
    assert (source.submitted_by, source.reviewed_by) == (curator, second_curator)


def test_view_only_staff_cannot_revert(client, admin_form_data, editor, superuser):
    finding = FindingFactory(outcome="First outcome")
    client.force_login(superuser)
    edit(client, admin_form_data, finding, outcome="Second outcome")
    address = admin_url(finding, "simple_history", finding.history.last().history_id)
    data = admin_form_data(client.get(address))
    client.force_login(editor)

    assert client.get(address).status_code == 200
    response = client.post(address, data)

    assert response.status_code == 403
    assert Finding.objects.get(pk=finding.pk).outcome == "Second outcome"
