"""The seed catalogue's sources: every finding, rule and harm names a published one, no address
is invented, and a source the catalogue team found says so and where it was read."""

import pytest

from evidence.models import Finding, Harm, SafetyRule, Source


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
