"""Citation import by DOI: fill empty fields, keep curated ones and say so, refuse bad replies."""

import json

import pytest
from django.forms.models import model_to_dict

from evidence import doi
from evidence.services import CurationError, source_citation_import_request
from evidence.source_jobs import CITATION_IMPORT_TASK
from outbox.jobs import job_run
from outbox.models import JobRequest
from tests.conftest import CROSSREF_WORK
from tests.factories import JobRequestFactory, SourceFactory

Status = JobRequest.Status

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def test_parse_reads_title_authors_venue_and_year():
    citation = doi.citation_parse(json.dumps(CROSSREF_WORK).encode())

    assert citation == doi.Citation(
        title="Psychosocial interventions and immune system function",
        authors="Shields T, Slavich GS, The Trials Group",
        venue="JAMA Psychiatry",
        year=2020,
    )


def test_parse_names_six_authors_then_et_al():
    work = {"title": ["T"], "author": [{"family": f"Author{n}", "given": "A"} for n in range(8)]}

    citation = doi.citation_parse(json.dumps({"message": work}).encode())

    assert citation.authors == (
        "Author0 A, Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, et al."
    )


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "no work record"),
        (b'{"message": "text"}', "no work record"),
        (b'{"message": {"author": []}}', "no title"),
        (b'{"message": {"title": [42]}}', "malformed"),
        (b'{"message": {"title": ["T"], "author": ["x"]}}', "malformed"),
        (b'{"message": {"title": ["T"], "issued": {"date-parts": [[3020]]}}}', "malformed"),
        (b'{"message": {"title": ["T"], "issued": {"date-parts": [["soon"]]}}}', "malformed"),
    ],
)
def test_parse_says_what_is_wrong_with_a_malformed_reply(reply, reason):
    with pytest.raises(ValueError, match=reason):
        doi.citation_parse(reply)


@pytest.fixture
def importer(db, curator):
    def run(source):
        job = JobRequestFactory(task=CITATION_IMPORT_TASK, source=source, requested_by=curator)
        job_run(job_id=job.pk, work=doi.source_citation_import)
        job.refresh_from_db()
        source.refresh_from_db()
        return job

    return run


def test_import_fills_empty_fields(local_web, importer, curator):
    source = SourceFactory(
        doi="10.1000/good", title="Immune study", authors="", venue="", year=None
    )

    job = importer(source)

    assert job.status == Status.DONE
    assert (source.authors, source.venue, source.year) == (
        "Shields T, Slavich GS, The Trials Group",
        "JAMA Psychiatry",
        2020,
    )
    latest = source.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        curator,
        "Imported citation details from Crossref",
    )


def test_import_keeps_curated_fields_and_says_what_crossref_suggests(local_web, importer):
    source = SourceFactory(doi="10.1000/good", title="Our own title", venue="", year=2020)

    job = importer(source)

    assert source.title == "Our own title"
    assert source.venue == "JAMA Psychiatry"
    assert job.details["kept"] == {
        "title": {
            "kept": "Our own title",
            "crossref": "Psychosocial interventions and immune system function",
        },
        "authors": {"kept": "Doe J, Roe R", "crossref": "Shields T, Slavich GS, The Trials Group"},
    }
    assert job.details["filled"] == {"venue": "JAMA Psychiatry"}
    assert "Kept your title “Our own title”; Crossref says “Psychosocial" in job.message
    assert job.message.startswith("Filled in venue.")


def test_import_of_matching_details_changes_nothing(local_web, importer):
    source = SourceFactory(
        doi="10.1000/good",
        title="Psychosocial interventions and immune system function",
        authors="Shields T, Slavich GS, The Trials Group",
        venue="JAMA Psychiatry",
        year=2020,
    )
    versions = source.history.count()

    job = importer(source)

    assert job.message == "Nothing to change: the details match Crossref."
    assert source.history.count() == versions


@pytest.mark.parametrize(
    ("identifier", "reason"),
    [
        ("10.1000/not-json", "not valid JSON"),
        ("10.1000/no-title", "no title"),
        ("10.1000/wrong-shape", "no work record"),
    ],
)
def test_a_malformed_reply_leaves_the_source_unchanged_and_says_why(
    local_web, importer, identifier, reason
):
    source = SourceFactory(doi=identifier, authors="", venue="", year=None)
    before = model_to_dict(source)
    versions = source.history.count()

    job = importer(source)

    assert job.status == Status.FAILED
    assert f"Crossref's reply for {identifier} could not be used: " in job.message
    assert reason in job.message
    assert job.message.endswith("Nothing was changed.")
    assert model_to_dict(source) == before
    assert source.history.count() == versions


def test_an_unknown_doi_fails_and_says_so(local_web, importer):
    source = SourceFactory(doi="10.1000/nobody-knows")

    job = importer(source)

    assert job.status == Status.FAILED
    assert (
        job.message == "Crossref does not know the DOI 10.1000/nobody-knows; nothing was changed."
    )


def test_a_busy_crossref_is_asked_again_later(local_web, db, curator):
    source = SourceFactory(doi="10.1000/busy")
    job = JobRequestFactory(task=CITATION_IMPORT_TASK, source=source)
    delays = []

    job_run(job_id=job.pk, work=doi.source_citation_import, retry=delays.append)

    job.refresh_from_db()
    assert job.status == Status.PENDING
    assert "Crossref answered 503" in job.last_error
    assert len(delays) == 1


def test_import_request_runs_after_commit(local_web, curator, django_capture_on_commit_callbacks):
    source = SourceFactory(doi="10.1000/good", venue="")

    with django_capture_on_commit_callbacks(execute=True):
        job = source_citation_import_request(source=source, by=curator)

    job.refresh_from_db()
    source.refresh_from_db()
    assert job.status == Status.DONE
    assert source.venue == "JAMA Psychiatry"


def test_import_needs_a_doi(curator):
    with pytest.raises(CurationError, match="no DOI"):
        source_citation_import_request(source=SourceFactory(doi=""), by=curator)


def test_import_needs_permission_to_change_sources(editor):
    with pytest.raises(CurationError, match="permission"):
        source_citation_import_request(source=SourceFactory(doi="10.1000/good"), by=editor)
