"""load_catalogue: whole-file validation, idempotence, and no partial writes."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evidence.catalogue import DEFAULT_PATH, CatalogueError, catalogue_load
from evidence.models import Finding, SafetyRule, Source
from therapies.models import Condition, CrisisContact, Goal, Therapy

SMALL = (  # indented as a whole, which YAML allows
    """\
    version: "test.1"
    sources:
      - slug: trial-a
        title: A trial of gentle massage
        type: rct
        studies: 1
        participants: 80
        status: published
    goals:
      - slug: sleep
        label: Sleep better
        position: 1
    conditions:
      - slug: crisis
        question: Are you having thoughts of harming yourself?
        is_crisis: true
        position: 1
      - slug: pregnancy
        question: Are you pregnant?
        position: 2
    therapies:
      - slug: calm-massage
        name: Calm massage
        kind: massage
        summary: A slow, gentle massage.
        what_to_expect: You lie down. The therapist uses slow strokes.
        session_minutes: [30, 60]
        formats: [in-person]
        pressure: gentle
        goals: [sleep]
        published: true
        reviewed_on: 2026-11-01
        next_review_on: 2027-11-01
    crisis_contacts:
      - region: GB
        name: Samaritans
        phone: "116 123"
        when_to_use: Any time, day or night.
        position: 1
    findings:
      - slug: calm-massage-sleep
        source: trial-a
        therapy: calm-massage
        goal: sleep
        outcome: how well people sleep
        population: adults with poor sleep
        comparator: no massage
        direction: benefit
        measure: percent-increase
        value: 14.7
        ci: [5.7, 23.8]
        certainty: low
    safety_rules:
      - condition: pregnancy
        therapy: calm-massage
        effect: clearance
        message: Ask your midwife or doctor first.
        source: trial-a
    """
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text)
    return path


def row_counts() -> dict[str, int]:
    models = (Source, Goal, Condition, Therapy, CrisisContact, Finding, SafetyRule)
    return {m.__name__: m.objects.count() for m in models}


def history_counts() -> dict[str, int]:
    models = (Source, Goal, Condition, Therapy, CrisisContact, Finding, SafetyRule)
    return {m.__name__: m.history.count() for m in models}


@pytest.mark.django_db
def test_load_catalogue_creates_every_record(tmp_path):
    catalogue_load(path=write(tmp_path, SMALL))

    assert row_counts() == {
        "Source": 1,
        "Goal": 1,
        "Condition": 2,
        "Therapy": 1,
        "CrisisContact": 1,
        "Finding": 1,
        "SafetyRule": 1,
    }
    finding = Finding.objects.get()
    assert (finding.effect_value, finding.ci_low, finding.ci_high) == (
        Decimal("14.7"),
        Decimal("5.7"),
        Decimal("23.8"),
    )
    therapy = Therapy.objects.get()
    assert list(therapy.goals.values_list("slug", flat=True)) == ["sleep"]
    assert (therapy.in_person, therapy.online, therapy.group) == (True, False, False)


@pytest.mark.django_db
def test_second_load_changes_nothing_and_says_so(tmp_path):
    path = write(tmp_path, SMALL)
    call_command("load_catalogue", str(path), stdout=StringIO())
    before_rows, before_history = row_counts(), history_counts()

    out = StringIO()
    call_command("load_catalogue", str(path), stdout=out)

    assert "No changes" in out.getvalue()
    assert row_counts() == before_rows
    assert history_counts() == before_history


@pytest.mark.django_db
def test_staff_edits_are_kept_unless_update_is_asked_for(tmp_path):
    path = write(tmp_path, SMALL)
    catalogue_load(path=path)
    Therapy.objects.filter(slug="calm-massage").update(summary="Edited by staff.")

    out = StringIO()
    call_command("load_catalogue", str(path), stdout=out)
    assert Therapy.objects.get().summary == "Edited by staff."
    assert "1 record differ" in out.getvalue()

    report = catalogue_load(path=path, update=True)
    assert Therapy.objects.get().summary == "A slow, gentle massage."
    assert report.counts["therapies"].updated == 1


@pytest.mark.django_db
def test_a_record_nobody_changed_takes_the_files_new_values(tmp_path):
    catalogue_load(path=write(tmp_path, SMALL))
    edited = Therapy.objects.get(slug="calm-massage")
    edited.summary = "Edited by staff in the admin."
    edited.save()
    corrected = SMALL.replace('    version: "test.1"', '    version: "test.2"').replace(
        "A slow, gentle massage.", "A slow massage."
    )
    corrected = corrected.replace("title: A trial of gentle massage", "title: A gentle trial")

    report = catalogue_load(path=write(tmp_path, corrected))

    assert Source.objects.get(slug="trial-a").title == "A gentle trial"
    assert Source.objects.get(slug="trial-a").history.first().history_change_reason == (
        "Loaded from the seed catalogue, version test.2"
    )
    assert Therapy.objects.get().summary == "Edited by staff in the admin."
    assert (report.counts["sources"].updated, report.counts["therapies"].kept) == (1, 1)


@pytest.mark.django_db
def test_update_clears_a_field_left_out_of_the_file(tmp_path):
    catalogue_load(path=write(tmp_path, SMALL))
    without_range = SMALL.replace("        ci: [5.7, 23.8]\n", "")

    catalogue_load(path=write(tmp_path, without_range), update=True)

    finding = Finding.objects.get()
    assert (finding.ci_low, finding.ci_high) == (None, None)


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path):
    report = catalogue_load(path=write(tmp_path, SMALL), dry_run=True)

    assert report.counts["therapies"].created == 1
    assert set(row_counts().values()) == {0}


BROKEN = [
    # (what is wrong, replacement of a line of SMALL, words the message must contain)
    (
        "range outside the value",
        ("        ci: [5.7, 23.8]", "        ci: [15.0, 23.8]"),
        ["findings[0] 'calm-massage-sleep'", "field 'ci'"],
    ),
    (
        "unknown reference",
        (
            "        therapy: calm-massage\n        goal: sleep",
            "        therapy: nope\n        goal: sleep",
        ),
        ["findings[0] 'calm-massage-sleep'", "field 'therapy'", "unknown therapie 'nope'"],
    ),
    (
        "bad choice",
        ("        certainty: low", "        certainty: certain"),
        ["findings[0]", "field 'certainty'", "not a valid choice"],
    ),
    (
        "wrong type",
        ("        session_minutes: [30, 60]", "        session_minutes: thirty"),
        ["therapies[0] 'calm-massage'", "field 'session_minutes'", "must be a list"],
    ),
    (
        "lengths out of order",
        ("        session_minutes: [30, 60]", "        session_minutes: [90, 60]"),
        ["therapies[0] 'calm-massage'", "field 'session_minutes'", "shortest session"],
    ),
    (
        "unknown field",
        ("        pressure: gentle", "        pressure: gentle\n        colour: blue"),
        ["therapies[0] 'calm-massage'", "unknown field 'colour'"],
    ),
    (
        "missing required field",
        ("        title: A trial of gentle massage\n", ""),
        ["sources[0] 'trial-a'", "field 'title' is required"],
    ),
    (
        "second crisis question",
        (
            "        question: Are you pregnant?",
            "        question: Are you pregnant?\n        is_crisis: true",
        ),
        ["conditions[1] 'pregnancy'", "field 'is_crisis'", "Only one condition"],
    ),
    (
        "unknown format",
        ("        formats: [in-person]", "        formats: [by-post]"),
        ["therapies[0]", "field 'formats'", "by-post"],
    ),
    (
        "duplicate record",
        (
            "    goals:\n      - slug: sleep\n        label: Sleep better\n        position: 1",
            "    goals:\n      - slug: sleep\n        label: Sleep better\n        position: 1\n"
            "      - slug: sleep\n        label: Sleep more\n        position: 2",
        ),
        ["goals[1] 'sleep'", "repeats record 0"],
    ),
    (
        "not YAML",
        ("    sources:", "    sources: [unclosed"),
        ["is not valid YAML", "line"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("problem", "change", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_is_rejected_whole_with_record_and_field_named(
    tmp_path, problem, change, words
):
    old, new = change
    assert old in SMALL, problem
    path = write(tmp_path, SMALL.replace(old, new))

    with pytest.raises(CommandError) as raised:
        call_command("load_catalogue", str(path), stdout=StringIO())

    message = str(raised.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert set(row_counts().values()) == {0}, "a rejected file must leave no partial write"


@pytest.mark.django_db
def test_a_late_error_rolls_back_records_already_written(tmp_path):
    # The safety rule, the last section, is broken; sources to findings were already saved.
    path = write(tmp_path, SMALL.replace("effect: clearance", "effect: forbid"))

    with pytest.raises(CatalogueError):
        catalogue_load(path=path)

    assert set(row_counts().values()) == {0}


@pytest.mark.django_db
def test_a_broken_update_leaves_the_loaded_catalogue_as_it_was(tmp_path):
    catalogue_load(path=write(tmp_path, SMALL))
    broken = SMALL.replace("A slow, gentle massage.", "Changed.").replace(
        "effect: clearance", "effect: forbid"
    )

    with pytest.raises(CatalogueError):
        catalogue_load(path=write(tmp_path, broken), update=True)

    assert Therapy.objects.get().summary == "A slow, gentle massage."


@pytest.mark.django_db
def test_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_catalogue", str(tmp_path / "absent.yaml"), stdout=StringIO())


def test_default_path_is_the_versioned_file_in_the_repo():
    assert DEFAULT_PATH.name == "catalogue.yaml"
    assert DEFAULT_PATH.parent.name == "data"
