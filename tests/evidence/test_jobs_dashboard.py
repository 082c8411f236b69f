"""The curator dashboard, the job actions in the admin, and what a retraction sets off."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.catalogue import catalogue_load
from evidence.models import Source
from evidence.services import source_retract
from evidence.source_jobs import CITATION_IMPORT_TASK, LINK_CHECK_TASK
from outbox.models import JobRequest
from tests.factories import FindingFactory, JobRequestFactory, SourceFactory
from wellness.jobs import SNAPSHOT_REBUILD_TASK
from wellness.models import SavedResult

Status = JobRequest.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

DASHBOARD = reverse("admin:evidence_dashboard")


@pytest.fixture
def needing_attention():
    old = timezone.now() - timedelta(days=400)
    return {
        "broken": SourceFactory(link_broken=True),
        "due": SourceFactory(reviewed_at=old),
        "in_review": SourceFactory(status=Source.Status.IN_REVIEW),
        "unlinked": FindingFactory(source=SourceFactory(doi="", url="", pmid="")),
        "failed": JobRequestFactory(status=Status.FAILED, message="Stopped."),
    }


def panels(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return {panel.title: panel for panel in response.context["panels"]}


def test_dashboard_counts_each_list_and_links_to_it_filtered(client, curator, needing_attention):
    client.force_login(curator)

    found = panels(client)

    expected = {
        "Broken links": [needing_attention["broken"]],
        "Sources due for review": [needing_attention["due"]],
        "Awaiting review": [needing_attention["in_review"]],
        "Findings without a source link": [needing_attention["unlinked"]],
        "Failed jobs": [needing_attention["failed"]],
    }
    for title, objects in expected.items():
        panel = found[title]
        listed = client.get(panel.url)
        assert listed.status_code == 200, title
        assert list(listed.context["cl"].queryset) == objects, title
        assert panel.count == len(objects), title


def test_due_for_review_uses_the_configured_age(client, curator, settings):
    settings.SOURCE_REVIEW_MAX_AGE_DAYS = 30
    recent = timezone.now() - timedelta(days=10)
    older = timezone.now() - timedelta(days=40)
    SourceFactory(reviewed_at=recent)
    due = SourceFactory(reviewed_at=older)
    SourceFactory(reviewed_at=older, status=Source.Status.DRAFT)
    never_reviewed = SourceFactory()
    Source.objects.filter(pk=never_reviewed.pk).update(created_at=older)
    SourceFactory()  # never reviewed, added today
    client.force_login(curator)

    listed = client.get(reverse("admin:evidence_source_changelist") + "?review=due")

    assert set(listed.context["cl"].queryset) == {due, never_reviewed}


def test_admin_index_links_to_the_dashboard_for_curators(client, curator):
    client.force_login(curator)

    assert DASHBOARD in client.get(reverse("admin:index")).text


def test_editors_see_the_dashboard_but_cannot_check_every_link(client, editor):
    client.force_login(editor)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert not response.context["can_check_links"]
    assert client.post(DASHBOARD).status_code == 403


def test_dashboard_is_for_staff_only(client):
    assert client.get(DASHBOARD).status_code == 302


def test_check_every_link_from_the_dashboard(client, curator, django_capture_on_commit_callbacks):
    SourceFactory(url="https://example.org/a")
    SourceFactory(url="", doi="", pmid="")
    SourceFactory(status=Source.Status.DRAFT)
    client.force_login(curator)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(DASHBOARD, follow=True)

    assert "Asked for a link check of 1 published source." in response.text
    assert JobRequest.objects.filter(task=LINK_CHECK_TASK).count() == 1
    assert len([c for c in callbacks if c.task == LINK_CHECK_TASK]) == 1


def action(client, name, objects, model="source", app="evidence"):
    return client.post(
        reverse(f"admin:{app}_{model}_changelist"),
        {"action": name, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )


def test_check_links_now_action_asks_for_a_check_of_each_source(client, curator):
    sources = [SourceFactory(), SourceFactory(url="", doi="", pmid="")]
    client.force_login(curator)

    response = action(client, "check_links", sources)

    assert "Asked for a link check of 1 source." in response.text
    assert "no DOI, URL or PMID" in response.text
    assert list(
        JobRequest.objects.filter(task=LINK_CHECK_TASK).values_list("args__source", flat=True)
    ) == [sources[0].pk]


def test_import_citation_action_asks_crossref_for_each_source_with_a_doi(client, curator):
    with_doi, without = SourceFactory(doi="10.1000/good"), SourceFactory(doi="")
    client.force_login(curator)

    response = action(client, "import_citation", [with_doi, without])

    assert "Asked Crossref for the citation details of 1 source." in response.text
    assert "no DOI" in response.text
    job = JobRequest.objects.get(task=CITATION_IMPORT_TASK)
    assert (job.args, job.requested_by) == ({"source": with_doi.pk}, curator)


def test_curators_can_try_a_failed_job_again(client, curator):
    failed = JobRequestFactory(status=Status.FAILED, attempts=5)
    client.force_login(curator)

    response = action(client, "try_again", [failed], model="jobrequest", app="outbox")

    assert "Sent 1 job again." in response.text
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 0)


def test_editors_can_read_jobs_but_not_send_them_again(client, editor):
    failed = JobRequestFactory(status=Status.FAILED)
    client.force_login(editor)

    assert client.get(reverse("admin:outbox_jobrequest_changelist")).status_code == 200
    action(client, "try_again", [failed], model="jobrequest", app="outbox")

    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_job_and_link_check_records_cannot_be_added_or_edited(client, curator):
    job = JobRequestFactory()
    client.force_login(curator)

    assert client.get(reverse("admin:outbox_jobrequest_add")).status_code == 403
    page = client.get(reverse("admin:outbox_jobrequest_change", args=[job.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.get(reverse("admin:evidence_linkcheck_add")).status_code == 403


def test_source_page_shows_its_recent_link_checks(client, curator):
    from tests.factories import LinkCheckFactory

    source = SourceFactory()
    LinkCheckFactory(source=source, ok=False, status_code=404, error="Gone.")
    client.force_login(curator)

    page = client.get(reverse("admin:evidence_source_change", args=[source.pk]))

    assert "Gone." in page.text


def test_a_retracted_source_makes_a_saved_result_say_the_catalogue_changed(
    client, curator, second_curator, superuser
):
    catalogue_load()
    source = Source.objects.get(slug="shields-2020-jama-psychiatry")
    answers = {"goals": ["immune-function"], "conditions": {}, "format": "any", "pressure": "any"}
    from wellness.selectors import catalogue_snapshot

    saved = SavedResult.objects.create(
        answers=answers, catalogue_version=catalogue_snapshot().version
    )
    before = client.get(saved.get_absolute_url())
    assert not before.context["catalogue_changed"]

    source_retract(source=source, by=superuser)
    after = client.get(saved.get_absolute_url())

    assert after.context["catalogue_changed"]
    assert not any(r.therapy.slug == "cbt" for r in after.context["result"].recommendations)


@pytest.mark.django_db(transaction=True)
def test_retracting_rebuilds_the_snapshot_once_committed(superuser):
    source = SourceFactory()
    rebuilds = JobRequest.objects.filter(task=SNAPSHOT_REBUILD_TASK)
    before = rebuilds.count()

    source_retract(source=source, by=superuser)

    # Without a broker the job runs as soon as the retraction commits.
    assert rebuilds.count() == before + 1
    assert rebuilds.first().status == Status.DONE
