"""The seed catalogue file holds what the product promises, with every record sourced."""

from decimal import Decimal

import pytest

from evidence.models import Finding, Harm, SafetyRule, Source
from evidence.statements import NO_COMPARATOR, statement_for
from therapies.models import Condition, CrisisContact, Goal, NextStep, Therapy

TALKING = [
    "cbt",
    "cbt-insomnia",
    "cognitive-therapy",
    "behaviour-therapy",
    "psychoeducation",
    "supportive-therapy",
    "grief-therapy",
]
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
    "low-back-pain",
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
    "recent-fracture",
    "unexplained-swelling",
    "crisis",
]
MASSAGE_SCREENED = [c for c in CONDITIONS if c != "crisis"]
FIRM = ["deep-tissue-massage", "sports-massage", "trigger-point-therapy", "myofascial-release"]


@pytest.fixture
def seeded(seeded_module, db):
    """The real seed catalogue, loaded once for the module (see tests/conftest.py)."""


def test_catalogue_holds_every_promised_therapy(seeded):
    kinds = dict(Therapy.objects.values_list("slug", "kind"))

    assert {slug: kinds.get(slug) for slug in TALKING} == dict.fromkeys(TALKING, "talking")
    assert {slug: kinds.get(slug) for slug in MASSAGE} == dict.fromkeys(MASSAGE, "massage")
    # Cognitive therapy has no evidence of its own beyond immune function: not published.
    assert set(Therapy.objects.filter(published=False).values_list("slug", flat=True)) == {
        "cognitive-therapy"
    }


def test_every_published_talking_therapy_has_a_benefit_finding_for_a_goal_it_is_offered_for(
    seeded,
):
    for therapy in Therapy.objects.published().filter(kind="talking"):
        offered = set(therapy.goals.values_list("slug", flat=True))
        helped = set(
            Finding.objects.published()
            .filter(therapy=therapy, direction="benefit")
            .values_list("goal__slug", flat=True)
        )
        assert offered, therapy.slug
        assert offered & helped, therapy.slug


@pytest.mark.parametrize(
    ("therapy", "goals"),
    [
        ("cbt", {"stress-anxiety", "low-mood", "immune-function"}),
        ("cbt-insomnia", {"sleep"}),
        ("grief-therapy", {"grief"}),
        ("behaviour-therapy", {"low-mood"}),
    ],
)
def test_talking_therapies_are_linked_to_the_goals_their_evidence_supports(seeded, therapy, goals):
    assert set(Therapy.objects.get(slug=therapy).goals.values_list("slug", flat=True)) == goals


def test_every_goal_has_a_finding(seeded):
    with_findings = set(Finding.objects.published().values_list("goal__slug", flat=True))

    assert set(Goal.objects.values_list("slug", flat=True)) <= with_findings


def test_every_finding_names_its_population_and_comparator(seeded):
    assert not Finding.objects.filter(population="").exists()
    # Only the health article compares with nothing it names; its findings say so, and never
    # speak of "the studies" compared with an invented "no massage".
    without = Finding.objects.filter(comparator="").select_related("therapy", "technique")
    assert {f.source.slug for f in without} == {"cleveland-clinic-massage"}
    for finding in without:
        statement = statement_for(finding)
        assert NO_COMPARATOR in statement
        assert "compared this with" not in statement
        assert "The studies looked at" not in statement


def test_the_new_evidence_is_loaded_with_the_figures_as_published(seeded):
    figures = {
        f.slug: (f.effect_measure, f.effect_value, f.ci_low, f.ci_high, f.effect_unit)
        for f in Finding.objects.exclude(effect_value=None)
    }

    assert figures["cbt-low-mood"] == (
        "hedges-g",
        Decimal("0.79"),
        Decimal("0.70"),
        Decimal("0.89"),
        "",
    )
    assert figures["cbt-insomnia-falling-asleep"] == (
        "mean-difference",
        Decimal("19.03"),
        Decimal("14.12"),
        Decimal("23.93"),
        "minutes",
    )
    assert figures["massage-low-back-pain"] == (
        "smd",
        Decimal("-0.75"),
        Decimal("-0.90"),
        Decimal("-0.60"),
        "",
    )
    # No range in the source, none invented.
    assert figures["cbt-stress-anxiety-response"] == ("odds-ratio", Decimal("2.97"), None, None, "")
    assert figures["grief-therapy-grief"] == ("hedges-g", Decimal("0.41"), None, None, "")
    assert figures["lymphatic-drainage-lymphoedema-prevention"][:4] == (
        "risk-ratio",
        Decimal("0.63"),
        Decimal("0.14"),
        Decimal("2.82"),
    )


def test_certainty_rated_by_our_team_says_how_and_is_flagged_for_a_clinician(seeded):
    team = Finding.objects.filter(certainty_rated_by="team")

    assert team.exists()
    assert not team.filter(certainty_reason="").exists()
    assert all(f.needs_clinical_review for f in team)


def test_a_review_finding_no_reliable_effect_says_we_do_not_know(seeded):
    unclear = Finding.objects.filter(direction="no-clear-effect")

    assert set(unclear.values_list("slug", flat=True)) >= {
        "massage-cancer-pain",
        "cbt-insomnia-total-sleep",
        "massage-fibromyalgia-sleep",
        "lymphatic-drainage-lymphoedema-arm-volume",
        "supportive-therapy-grief-for-everyone",
    }


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


def test_clinic_article_names_no_study_so_its_findings_are_very_low_with_no_numbers(seeded):
    article = Source.objects.get(slug="cleveland-clinic-massage")
    findings = article.findings.all()

    assert article.source_type == "guidance"
    assert findings.count() >= 7
    assert {f.certainty for f in findings} == {"very-low"}
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
    rules = {
        r.condition.slug: r
        for r in SafetyRule.objects.filter(
            therapy__slug="lymphatic-drainage",
            condition__slug__in=["heart-failure", "kidney-disease"],
        ).select_related("condition")
    }

    assert {slug: r.effect for slug, r in rules.items()} == {
        "heart-failure": "clearance",
        "kidney-disease": "clearance",
    }
    assert "not for heart failure that is not well controlled" in rules["heart-failure"].message


@pytest.mark.parametrize("massage", MASSAGE)
def test_heart_failure_is_at_least_a_caution_on_every_massage(seeded, massage):
    rule = SafetyRule.objects.get(therapy__slug=massage, condition__slug="heart-failure")

    assert rule.effect in ("caution", "clearance")


@pytest.mark.parametrize("massage", MASSAGE)
def test_kidney_disease_asks_first_for_firm_massage_and_takes_care_with_gentle(seeded, massage):
    rule = SafetyRule.objects.get(therapy__slug=massage, condition__slug="kidney-disease")

    if massage in FIRM or massage == "lymphatic-drainage":
        assert rule.effect == "clearance"
    else:
        assert rule.effect == "caution"
    assert "dialysis" in rule.message


@pytest.mark.parametrize("condition", ["recent-fracture", "unexplained-swelling"])
def test_a_healing_break_and_unexplained_swelling_ask_first_for_every_massage(seeded, condition):
    effects = dict(
        SafetyRule.objects.filter(condition__slug=condition).values_list("therapy__slug", "effect")
    )

    assert effects == dict.fromkeys(MASSAGE, "clearance")


def test_prenatal_massage_is_only_for_pregnancy(seeded):
    prenatal = Therapy.objects.get(slug="prenatal-massage")

    assert prenatal.only_for_condition.slug == "pregnancy"
    assert (
        not Therapy.objects.exclude(slug="prenatal-massage")
        .exclude(only_for_condition=None)
        .exists()
    )


def test_the_constipation_claim_is_limited_to_tummy_massage(seeded):
    finding = Finding.objects.get(slug="massage-constipation")

    assert (finding.technique.slug, finding.therapy_kind, finding.therapy) == (
        "tummy-massage",
        "",
        None,
    )
    uses_it = set(finding.technique.therapies.values_list("slug", flat=True))
    assert uses_it == {"swedish-massage"}
    assert not uses_it & {"trigger-point-therapy", "sports-massage", "prenatal-massage"}


@pytest.mark.parametrize("kind", ["talking", "massage"])
def test_every_kind_has_its_side_effects_time_and_cost(seeded, kind):
    categories = set(Harm.objects.filter(therapy_kind=kind).values_list("category", flat=True))

    assert {"side-effect", "time", "cost"} <= categories


def test_every_harm_with_a_number_names_its_source(seeded):
    for harm in Harm.objects.all():
        text = f"{harm.description} {harm.context} {harm.population}"
        if any(ch.isdigit() for ch in text) or harm.affected_percent is not None:
            assert harm.source_id, harm.slug


def test_one_in_twenty_lasting_bad_effects_of_talking_therapy(seeded):
    harm = Harm.objects.get(slug="talking-therapies-lasting-bad-effects")

    assert (harm.affected_count, harm.people_count, harm.affected_percent) == (
        763,
        14587,
        Decimal("5.2"),
    )
    assert harm.source.doi == "10.1192/bjp.bp.114.162628"


def test_wait_and_see_is_left_out_by_the_steps_that_need_a_clinician(seeded):
    waiting = NextStep.objects.get(is_waiting=True)
    needing = set(NextStep.objects.filter(needs_clinician=True).values_list("slug", flat=True))

    assert waiting.slug == "wait-and-see"
    assert {"ask-about-a-lymphoedema-service", "see-a-doctor-about-swelling"} <= needing


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
    assert not Harm.objects.exclude(source=None).exclude(source__status="published").exists()
    assert not Source.objects.filter(title="").exists()


# Every address in a source record: from the vetted source notes, or read by the catalogue team
# (and then said so in the record's note, with the address it was read at).
KNOWN_LINKS = {
    "shields-2020-jama-psychiatry": ("10.1001/jamapsychiatry.2020.0431", ""),
    "nccih-massage": ("", "https://nccih.nih.gov/health/massage-therapy-what-you-need-to-know"),
    "cuijpers-2023-world-psychiatry": ("10.1002/wps.21069", ""),
    "nice-ng222-depression": ("", "https://www.nice.org.uk/guidance/ng222"),
    "carpenter-2018-depress-anxiety": ("10.1002/da.22728", ""),
    "nice-cg113-anxiety": ("", "https://www.nice.org.uk/guidance/cg113"),
    "trauer-2015-ann-intern-med": ("10.7326/M14-2841", ""),
    "crawford-2016-bjpsych": ("10.1192/bjp.bp.114.162628", ""),
    "furlan-2015-cochrane": ("10.1002/14651858.CD001929.pub3", ""),
    "li-2014-plos-one": ("10.1371/journal.pone.0089304", ""),
    "ezzo-2015-cochrane": ("10.1002/14651858.CD003475.pub2", ""),
    "huang-2013-world-j-surg-oncol": ("10.1186/1477-7819-11-15", ""),
    "cambron-2007-jacm": ("10.1089/acm.2006.6401", ""),
    "joseph-williams-2014-ipdas": ("10.1177/0272989X13501721", ""),
}
FOUND_BY_THE_TEAM = {
    "kyle-2014-sleep": ("10.5665/sleep.3386", ""),
    "ekers-2014-plos-one": ("", "https://pmc.ncbi.nlm.nih.gov/articles/PMC4061095"),
    "cuijpers-2024-j-affect-disord": ("10.1016/j.jad.2024.01.073", ""),
    "donker-2009-bmc-med": ("10.1186/1741-7015-7-79", ""),
    "tavistock-cbt": (
        "",
        "https://tavistockandportman.nhs.uk/visiting-us/treatments/cognitive-behavioural-therapy/",
    ),
    "nhs-england-talking-therapies": (
        "",
        "https://www.england.nhs.uk/mental-health/adults/nhs-talking-therapies/",
    ),
    "cnwl-talking-therapies": ("", "https://talkingtherapies.cnwl.nhs.uk/professionals-area"),
    "lsn-lymphoedema-services": (
        "",
        "https://www.lymphoedema.org/healthcare-professionals/no-specialist-service-in-my-area/",
    ),
    # The warning signs that need urgent care.
    "apec-what-is-pre-eclampsia": (
        "",
        "https://action-on-pre-eclampsia.org.uk/public-area/what-is-pre-eclampsia/",
    ),
    "gloshospitals-dvt-leaflet": (
        "",
        "https://www.gloshospitals.nhs.uk/your-visit/patient-information-leaflets/deep-vein-thrombosis-dvt/",
    ),
    "christie-infection-and-fever": (
        "",
        "https://www.christie.nhs.uk/patients-and-visitors/services/acute-oncology/infection-and-fever-advice",
    ),
    "bhf-heart-failure": ("", "https://www.bhf.org.uk/heart-health/conditions/heart-failure"),
    "patient-info-adult-sepsis": (
        "",
        "https://patient.info/infections/sepsis-septicaemia-leaflet/adult-sepsis-safety-net",
    ),
    # What massage costs: it is rarely offered on the NHS.
    "wye-2008-bmc-hsr": (
        "10.1186/1472-6963-8-173",
        "https://bmchealthservres.biomedcentral.com/articles/10.1186/1472-6963-8-173",
    ),
}


def test_no_source_has_an_invented_link(seeded):
    linked = {s.slug: (s.doi, s.url) for s in Source.objects.exclude(doi="", url="")}

    assert linked == KNOWN_LINKS | FOUND_BY_THE_TEAM


@pytest.mark.parametrize("slug", sorted(FOUND_BY_THE_TEAM))
def test_a_source_found_by_the_team_says_so_and_where_it_was_read(seeded, slug):
    note = Source.objects.get(slug=slug).note

    assert "found and read by the catalogue team" in note
    assert "http" in note or "address recorded here" in note
