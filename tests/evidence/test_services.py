"""The review workflow of a source."""

import pytest
from django.forms.models import model_to_dict

from evidence.models import Source
from evidence.services import (
    ReviewError,
    source_publish,
    source_retract,
    source_return_to_draft,
    source_submit_for_review,
)
from tests.factories import SourceFactory, UserFactory

Status = Source.Status

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def draft(db):
    return SourceFactory(status=Status.DRAFT)


@pytest.fixture
def in_review(db, curator):
    source = SourceFactory(status=Status.DRAFT)
    return source_submit_for_review(source=source, by=curator)


@pytest.fixture
def published(in_review, second_curator):
    return source_publish(source=in_review, by=second_curator)


def test_submit_for_review_records_who_and_when(draft, curator):
    source_submit_for_review(source=draft, by=curator)

    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.submitted_by == curator
    assert draft.submitted_at is not None


def test_publish_records_the_reviewer(in_review, second_curator):
    source_publish(source=in_review, by=second_curator)

    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED
    assert in_review.reviewed_by == second_curator
    assert in_review.reviewed_at is not None


def test_retract_takes_a_published_source_down(published, curator):
    source_retract(source=published, by=curator)

    published.refresh_from_db()
    assert published.status == Status.RETRACTED
    assert published.reviewed_by == curator


def test_return_to_draft_from_review_clears_the_review_round(in_review, curator):
    source_return_to_draft(source=in_review, by=curator)

    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    assert in_review.submitted_by is None
    assert in_review.submitted_at is None


def test_return_to_draft_from_retracted(published, curator):
    source_retract(source=published, by=curator)

    source_return_to_draft(source=published, by=curator)

    published.refresh_from_db()
    assert published.status == Status.DRAFT
    assert published.reviewed_by is None


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        (source_submit_for_review, "Submitted for review"),
        (source_return_to_draft, "Returned to draft"),
    ],
)
def test_each_step_leaves_a_history_row_with_user_and_reason(in_review, curator, step, reason):
    if step is source_submit_for_review:
        source_return_to_draft(source=in_review, by=curator)

    step(source=in_review, by=curator)

    latest = in_review.history.first()
    assert latest.history_user == curator
    assert latest.history_change_reason == reason


def test_publish_history_names_the_reviewer(in_review, second_curator):
    source_publish(source=in_review, by=second_curator)

    latest = in_review.history.first()
    assert (latest.history_user, latest.history_change_reason) == (second_curator, "Published")


def test_a_later_save_does_not_inherit_the_change_reason(published):
    published.title = "Corrected title"
    published.save()

    assert published.history.first().history_change_reason is None


ILLEGAL = [
    # (step, status the source is in)
    (source_submit_for_review, Status.IN_REVIEW),
    (source_submit_for_review, Status.PUBLISHED),
    (source_submit_for_review, Status.RETRACTED),
    (source_publish, Status.DRAFT),
    (source_publish, Status.PUBLISHED),
    (source_publish, Status.RETRACTED),
    (source_retract, Status.DRAFT),
    (source_retract, Status.IN_REVIEW),
    (source_retract, Status.RETRACTED),
    (source_return_to_draft, Status.DRAFT),
    (source_return_to_draft, Status.PUBLISHED),
]


@pytest.mark.parametrize(
    ("step", "status"), ILLEGAL, ids=[f"{s.__name__}-from-{st}" for s, st in ILLEGAL]
)
def test_illegal_transition_raises_and_changes_nothing(superuser, step, status):
    source = SourceFactory(status=status)
    before = model_to_dict(source)
    history_rows = source.history.count()

    with pytest.raises(ReviewError):
        step(source=source, by=superuser)

    source.refresh_from_db()
    assert model_to_dict(source) == before
    assert source.history.count() == history_rows


def test_a_stale_object_cannot_make_an_illegal_step(in_review, second_curator, curator):
    stale = Source.objects.get(pk=in_review.pk)
    source_return_to_draft(source=in_review, by=curator)

    with pytest.raises(ReviewError):
        source_publish(source=stale, by=second_curator)

    assert Source.objects.get(pk=in_review.pk).status == Status.DRAFT


def test_submitter_cannot_publish_own_source(in_review, curator):
    with pytest.raises(ReviewError, match="another curator"):
        source_publish(source=in_review, by=curator)

    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert in_review.reviewed_by is None


def test_another_curator_can_publish(in_review, second_curator):
    source_publish(source=in_review, by=second_curator)

    assert Source.objects.get(pk=in_review.pk).status == Status.PUBLISHED


def test_superuser_may_publish_own_submission(draft, superuser):
    source_submit_for_review(source=draft, by=superuser)

    source_publish(source=draft, by=superuser)

    assert Source.objects.get(pk=draft.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (source_submit_for_review, Status.DRAFT),
        (source_publish, Status.IN_REVIEW),
        (source_retract, Status.PUBLISHED),
        (source_return_to_draft, Status.IN_REVIEW),
    ],
)
def test_editor_cannot_move_a_source(editor, step, status):
    source = SourceFactory(status=status, submitted_by=UserFactory())

    with pytest.raises(ReviewError, match="permission"):
        step(source=source, by=editor)

    assert Source.objects.get(pk=source.pk).status == status


@pytest.mark.parametrize(
    ("step", "status"),
    [(source_publish, Status.IN_REVIEW), (source_retract, Status.PUBLISHED)],
)
def test_staff_without_the_permission_cannot_publish_or_retract(db, step, status):
    source = SourceFactory(status=status)

    with pytest.raises(ReviewError, match="permission"):
        step(source=source, by=UserFactory())

    assert Source.objects.get(pk=source.pk).status == status
