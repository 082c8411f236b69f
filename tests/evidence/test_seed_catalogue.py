"""The seed catalogue file holds what the product promises, with every record sourced."""

from decimal import Decimal

import pytest

from evidence.catalogue import catalogue_load
from evidence.models import Finding, SafetyRule, Source
from therapies.models import Condition, CrisisContact, Goal, Therapy

TALKING = ["cbt", "cognitive-therapy", "behaviour-therapy", "psychoeducation", "supportive-therapy"]
MASSAGE = [
    "swedish-massage",
    "deep-tissue-massage",
    "sports-massage",
    "trigger-point-therapy",
    "myofascial-release",
    "lymphatic-drainage",
    "prenatal-massage",
]
GOALS = [
    "stress-anxiety",
    "sleep",
    "pain-tension",
    "immune-function",
    "low-mood",
    "grief",
    "sports-recovery",
    "pregnancy-comfort",
    "swelling",
    "constipation",
    "fibromyalgia",
    "cancer-pain",
]
CONDITIONS = [
    "pregnancy",
    "blood-thinners",
    "blood-clots",
    "recent-surgery",
    "fever-infection",
    "cancer-treatment",
    "heart-failure",
    "kidney-disease",
    "skin-wounds",
    "osteoporosis",
    "crisis",
]
MASSAGE_SCREENED = [
    "pregnancy",
    "blood-thinners",
    "blood-clots",
    "recent-surgery",
    "fever-infection",
    "cancer-treatment",
    "osteoporosis",
    "skin-wounds",
]


@pytest.fixture
def seeded(db):
    return catalogue_load()


def test_catalogue_holds_every_promised_therapy(seeded):
    kinds = dict(Therapy.objects.values_list("slug", "kind"))

    assert {slug: kinds.get(slug) for slug in TALKING} == dict.fromkeys(TALKING, "talking")
    assert {slug: kinds.get(slug) for slug in MASSAGE} == dict.fromkeys(MASSAGE, "massage")
    assert Therapy.objects.published().count() == len(kinds)


def test_catalogue_holds_the_design_goals_and_conditions(seeded):
    assert set(GOALS) <= set(Goal.objects.values_list("slug", flat=True))
    assert set(CONDITIONS) <= set(Condition.objects.values_list("slug", flat=True))
    assert Condition.objects.get(is_crisis=True).slug == "crisis"


def test_meta_analysis_numbers_are_loaded_exactly(seeded):
    source = Source.objects.get(doi="10.1001/jamapsychiatry.2020.0431")
    assert (source.source_type, source.year, source.venue) == (
        "meta-analysis",
        2020,
        "JAMA Psychiatry",
    )
    assert (source.studies_count, source.participants_count) == (56, 4060)
    assert source.pmid == "32492090"

    numbers = {
        (
            f.effect_measure,
            f.effect_value,
            f.ci_low,
            f.ci_high,
            f.studies_count,
            f.participants_count,
        )
        for f in source.findings.exclude(effect_value=None)
    }
    assert numbers == {
        ("percent-increase", Decimal("14.7"), Decimal("5.7"), Decimal("23.8"), 56, 4060),
        ("percent-decrease", Decimal("18.0"), Decimal("7.2"), Decimal("28.8"), 56, 4060),
    }


def test_meta_analysis_says_it_is_most_reliable_for_cbt(seeded):
    cbt = Finding.objects.get(source__slug="shields-2020-jama-psychiatry", therapy__slug="cbt")
    others = Finding.objects.filter(
        source__slug="shields-2020-jama-psychiatry",
        therapy__slug__in=[
            "cognitive-therapy",
            "behaviour-therapy",
            "psychoeducation",
            "supportive-therapy",
        ],
    )

    assert cbt.direction == "benefit"
    assert "most reliable for CBT" in cbt.context
    assert {f.direction for f in others} == {"no-clear-effect"}
    assert others.count() == 4


def test_clinic_article_is_rated_as_guidance_with_low_certainty_and_no_numbers(seeded):
    article = Source.objects.get(slug="cleveland-clinic-massage")
    findings = article.findings.all()

    assert article.source_type == "guidance"
    assert findings.count() >= 7
    assert {f.certainty for f in findings} <= {"low", "very-low"}
    assert not findings.exclude(effect_value=None).exists()
    claimed = set(findings.values_list("goal__slug", flat=True))
    assert {
        "stress-anxiety",
        "sleep",
        "pain-tension",
        "immune-function",
        "constipation",
        "fibromyalgia",
        "cancer-pain",
    } <= claimed


def test_mixed_evidence_for_cancer_pain_is_said_as_mixed(seeded):
    finding = Finding.objects.get(goal__slug="cancer-pain", therapy_kind="massage")

    assert finding.direction == "no-clear-effect"
    assert "disagree" in finding.context


@pytest.mark.parametrize("massage", MASSAGE)
def test_every_massage_has_a_sourced_rule_for_each_screened_condition(seeded, massage):
    rules = SafetyRule.objects.filter(therapy__slug=massage).select_related("condition", "source")
    by_condition = {r.condition.slug: r for r in rules}

    assert set(MASSAGE_SCREENED) <= set(by_condition)
    for rule in by_condition.values():
        assert rule.message.strip()
        assert rule.source.status == "published"


def test_lymphatic_drainage_needs_clearance_for_heart_and_kidney_failure(seeded):
    effects = dict(
        SafetyRule.objects.filter(
            therapy__slug="lymphatic-drainage",
            condition__slug__in=["heart-failure", "kidney-disease"],
        ).values_list("condition__slug", "effect")
    )

    assert effects == {"heart-failure": "clearance", "kidney-disease": "clearance"}


def test_prenatal_massage_suits_pregnancy_and_no_massage_is_silent_about_it(seeded):
    effects = dict(
        SafetyRule.objects.filter(condition__slug="pregnancy").values_list(
            "therapy__slug", "effect"
        )
    )

    assert effects["prenatal-massage"] == "suits"
    assert {effects[m] for m in MASSAGE if m != "prenatal-massage"} == {"clearance"}


def test_firm_massage_is_never_offered_to_someone_on_blood_thinners(seeded):
    firm = Therapy.objects.filter(kind="massage", pressure="firm")
    effects = set(
        SafetyRule.objects.filter(condition__slug="blood-thinners", therapy__in=firm).values_list(
            "effect", flat=True
        )
    )

    assert firm.exists()
    assert effects == {"exclude"}


def test_crisis_lines_for_the_uk_and_the_us(seeded):
    phones = {(c.region, c.phone) for c in CrisisContact.objects.all()}

    assert {("GB", "999"), ("GB", "111"), ("GB", "116 123"), ("US", "988"), ("US", "911")} <= phones
    assert CrisisContact.objects.filter(region="GB", text__icontains="85258").exists()


def test_every_finding_and_rule_names_a_published_source(seeded):
    assert not Finding.objects.exclude(source__status="published").exists()
    assert not SafetyRule.objects.exclude(source__status="published").exists()
    assert not Source.objects.filter(title="").exists()


def test_no_source_has_an_invented_link(seeded):
    # Only the links given in the vetted source notes: the JAMA DOI and the NCCIH page.
    linked = {s.slug: (s.doi, s.url) for s in Source.objects.exclude(doi="", url="")}

    assert linked == {
        "shields-2020-jama-psychiatry": ("10.1001/jamapsychiatry.2020.0431", ""),
        "nccih-massage": ("", "https://nccih.nih.gov/health/massage-therapy-what-you-need-to-know"),
    }
