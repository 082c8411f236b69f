"""The database keeps the evidence rules: ranges in order, one rule per pair, a clear subject."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evidence.models import Finding, Source
from tests.factories import (
    ConditionFactory,
    FindingFactory,
    SafetyRuleFactory,
    SourceFactory,
    TherapyFactory,
)


def rejected_by_database(build) -> bool:
    try:
        with transaction.atomic():
            build()
    except IntegrityError:
        return True
    return False


D = Decimal

FINDING_BREAKS = {
    "low above high": {"effect_value": D("10"), "ci_low": D("12"), "ci_high": D("8")},
    "value below range": {"effect_value": D("1"), "ci_low": D("2"), "ci_high": D("8")},
    "value above range": {"effect_value": D("9"), "ci_low": D("2"), "ci_high": D("8")},
    "range without value": {"effect_value": None, "ci_low": D("2"), "ci_high": D("8")},
    "value without measure": {"effect_measure": ""},
    "one end of range": {"ci_low": D("2"), "ci_high": None},
    "no therapy and no kind": {"therapy": None, "therapy_kind": ""},
    "both therapy and kind": {"therapy_kind": "massage"},
    "unknown direction": {"direction": "sideways"},
    "unknown certainty": {"certainty": "sure"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("fields", FINDING_BREAKS.values(), ids=FINDING_BREAKS.keys())
def test_finding_constraint_rejects_bad_data(fields):
    assert rejected_by_database(lambda: FindingFactory(**fields))


@pytest.mark.django_db
def test_value_on_the_edge_of_its_range_is_allowed():
    finding = FindingFactory(effect_value=D("5.7"), ci_low=D("5.7"), ci_high=D("23.8"))

    assert finding.pk


@pytest.mark.django_db
def test_finding_about_a_whole_kind_of_therapy_is_allowed():
    finding = FindingFactory(therapy=None, therapy_kind="talking")

    assert str(finding).startswith("all talking therapies")


@pytest.mark.django_db
def test_finding_validation_explains_the_range_rule():
    finding = FindingFactory.build(effect_value=D("30"), ci_low=D("5.7"), ci_high=D("23.8"))
    finding.source.save()
    finding.therapy.save()
    finding.goal.save()
    finding.source_id, finding.therapy_id, finding.goal_id = (
        finding.source.pk,
        finding.therapy.pk,
        finding.goal.pk,
    )

    with pytest.raises(ValidationError, match="must not be above the high end"):
        finding.full_clean()


@pytest.mark.django_db
def test_one_safety_rule_per_condition_and_therapy():
    therapy, condition = TherapyFactory(), ConditionFactory()
    SafetyRuleFactory(therapy=therapy, condition=condition, effect="caution")

    assert rejected_by_database(
        lambda: SafetyRuleFactory(therapy=therapy, condition=condition, effect="exclude")
    )
    SafetyRuleFactory(therapy=TherapyFactory(), condition=condition)  # another therapy is fine


@pytest.mark.django_db
def test_safety_rule_effect_must_be_known():
    assert rejected_by_database(lambda: SafetyRuleFactory(effect="maybe"))


SOURCE_BREAKS = {
    "duplicate slug": {"slug": "taken"},
    "implausible year": {"year": 1066},
    "unknown status": {"status": "approved"},
    "unknown type": {"source_type": "blog"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("fields", SOURCE_BREAKS.values(), ids=SOURCE_BREAKS.keys())
def test_source_constraint_rejects_bad_data(fields):
    Source.objects.create(slug="taken", title="First", source_type="rct")

    assert rejected_by_database(
        lambda: Source.objects.create(
            **{"slug": "new", "title": "T", "source_type": "rct", **fields}
        )
    )


@pytest.mark.django_db
def test_published_findings_are_those_of_published_sources():
    shown = FindingFactory(source=SourceFactory(status=Source.Status.PUBLISHED))
    for status in ("draft", "in-review", "retracted"):
        FindingFactory(source=SourceFactory(status=status))

    assert list(Finding.objects.published()) == [shown]


def test_source_link_prefers_doi_then_url_then_pubmed():
    assert Source(doi="10.1/x", url="https://a.org").link == "https://doi.org/10.1/x"
    assert Source(url="https://a.org", pmid="1").link == "https://a.org"
    assert Source(pmid="32492090").link == "https://pubmed.ncbi.nlm.nih.gov/32492090/"
    assert Source().link == ""
