"""Backups: export_catalogue and import_catalogue round-trip the whole catalogue and evidence.

The suite runs on SQLite and on PostgreSQL in CI, so each round trip is shown on both; the golden
hash of the exported seed catalogue is the same on both, which shows identical content.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from evidence.catalogue import catalogue_content_hash, catalogue_export, catalogue_load
from evidence.models import Finding, Harm, SafetyRule, Source, WarningSign
from evidence.services import source_publish, source_submit_for_review
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy

# sha256 of the seed catalogue as exported; update it deliberately when the seed file changes.
SEED_HASH = "e7985e5787048161fb4094b2fa1039d91ea42ab9b58dbda3c57233caa50d8054"


def wipe_catalogue() -> None:
    WarningSign.objects.all().delete()
    NextStep.objects.all().delete()
    SafetyRule.objects.all().delete()
    Harm.objects.all().delete()
    Finding.objects.all().delete()
    Source.objects.all().delete()
    Therapy.objects.all().delete()
    Technique.objects.all().delete()
    Goal.objects.all().delete()
    Condition.objects.all().delete()
    CrisisContact.objects.all().delete()


@pytest.fixture
def curated(db, curator, second_curator):
    catalogue_load()
    draft = Source.objects.create(slug="new-trial", title="A new trial", source_type="rct")
    source_submit_for_review(source=draft, by=curator)
    source_publish(source=draft, by=second_curator)
    Source.objects.filter(slug="nccih-massage").update(
        link_checked_at=timezone.now(), link_status=404, link_broken=True
    )
    Condition.objects.filter(slug="kidney-disease").update(active=False)
    Therapy.objects.filter(slug="sports-massage").update(published=False)
    Finding.objects.filter(slug="cbt-low-mood").update(clinician_checked=True)
    Harm.objects.filter(slug="massage-soreness").update(clinician_checked=True)


def test_round_trip_restores_identical_content(curated, tmp_path):
    before = catalogue_content_hash()
    path = tmp_path / "backup.yaml"
    call_command("export_catalogue", str(path), stdout=StringIO())

    wipe_catalogue()
    assert catalogue_content_hash() != before
    call_command("import_catalogue", str(path), stdout=StringIO())

    assert catalogue_content_hash() == before
    restored = Source.objects.get(slug="new-trial")
    assert (restored.status, restored.submitted_by.username, restored.reviewed_by.username) == (
        "published",
        "curator",
        "curator2",
    )
    assert Source.objects.get(slug="nccih-massage").link_broken
    assert not Condition.objects.get(slug="kidney-disease").active
    assert not Therapy.objects.get(slug="sports-massage").published
    assert Finding.objects.get(slug="cbt-low-mood").clinician_checked
    assert Finding.objects.get(slug="massage-constipation").technique.slug == "tummy-massage"
    prenatal = Therapy.objects.get(slug="prenatal-massage")
    assert prenatal.only_for_condition.slug == "pregnancy"
    assert set(
        Therapy.objects.get(slug="swedish-massage").techniques.values_list("slug", flat=True)
    ) == {"muscle-massage", "tummy-massage"}
    tummy = Technique.objects.get(slug="tummy-massage")
    assert list(tummy.not_for.values_list("slug", flat=True)) == ["pregnancy"]
    assert Harm.objects.get(slug="massage-soreness").clinician_checked
    assert Harm.objects.get(slug="talking-therapies-lasting-bad-effects").affected_count == 763
    assert set(
        NextStep.objects.get(slug="ask-about-a-lymphoedema-service").goals.values_list(
            "slug", flat=True
        )
    ) == {"swelling"}


def test_import_over_edited_data_puts_it_back(curated, tmp_path):
    before = catalogue_content_hash()
    path = tmp_path / "backup.yaml"
    call_command("export_catalogue", str(path), stdout=StringIO())
    Therapy.objects.filter(slug="cbt").update(summary="Changed after the backup.")
    Finding.objects.filter(slug="massage-sleep").update(
        ci_low=1, ci_high=2, effect_value=1.5, effect_measure="percent-increase"
    )

    call_command("import_catalogue", str(path), stdout=StringIO())

    assert catalogue_content_hash() == before


def test_records_are_keyed_by_natural_keys_not_ids(curated):
    data = catalogue_export()

    rule = data["safety_rules"][0]
    finding = next(
        f for f in data["findings"] if f["slug"] == "talking-therapies-beneficial-immune-function"
    )
    assert set(rule) == {"condition", "therapy", "effect", "message", "source"}
    assert (finding["source"], finding["goal"], finding["therapy_kind"]) == (
        "shields-2020-jama-psychiatry",
        "immune-function",
        "talking",
    )
    assert (finding["value"], finding["ci"]) == (14.7, [5.7, 23.8])
    keys = {k for section in data.values() if isinstance(section, list) for r in section for k in r}
    assert not {k for k in keys if k == "id" or k.endswith("_id")}


def test_export_of_the_seed_is_the_same_on_every_database(db):
    catalogue_load()

    first = catalogue_content_hash()

    assert catalogue_content_hash() == first  # stable within a database
    # The same file loaded into SQLite or PostgreSQL exports to the same content.
    assert first == SEED_HASH, (
        f"the exported seed catalogue hashes to {first}; if the seed file changed on purpose, "
        "set SEED_HASH to it"
    )


def test_a_broken_backup_imports_nothing(curated, tmp_path):
    before = catalogue_content_hash()
    path = tmp_path / "backup.yaml"
    path.write_text("version: x\nsources: [}\n")

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_catalogue", str(path), stdout=StringIO())

    assert catalogue_content_hash() == before
