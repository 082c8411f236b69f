"""The therapy admin, and the rule that the catalogue app imports neither other app."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

import therapies
from tests.factories import FindingFactory, SafetyRuleFactory, TherapyFactory

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def therapy(db):
    therapy = TherapyFactory()
    SafetyRuleFactory.create_batch(2, therapy=therapy)
    FindingFactory(therapy=therapy)
    SafetyRuleFactory()  # another therapy's rule, not counted
    return therapy


def test_change_page_links_to_the_therapys_safety_rules_and_findings(client, editor, therapy):
    client.force_login(editor)

    response = client.get(reverse("admin:therapies_therapy_change", args=[therapy.pk]))

    query = f"?therapy__id__exact={therapy.pk}"
    rules = reverse("admin:evidence_safetyrule_changelist") + query
    findings = reverse("admin:evidence_finding_changelist") + query
    assert f'<a href="{rules}">2 safety rules</a>' in response.text
    assert f'<a href="{findings}">1 finding</a>' in response.text


def test_links_open_lists_of_only_that_therapys_records(client, editor, therapy):
    client.force_login(editor)

    for name, expected in [("safetyrule", 2), ("finding", 1)]:
        response = client.get(
            reverse(f"admin:evidence_{name}_changelist"), {"therapy__id__exact": therapy.pk}
        )
        assert response.status_code == 200
        assert response.context["cl"].result_count == expected


def test_change_page_offers_to_add_a_rule_for_the_therapy(client, editor, therapy):
    client.force_login(editor)

    response = client.get(reverse("admin:therapies_therapy_change", args=[therapy.pk]))

    add = reverse("admin:evidence_safetyrule_add") + f"?therapy={therapy.pk}"
    assert f'href="{add}"' in response.text


def test_add_page_asks_to_save_before_linking(client, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:therapies_therapy_add"))

    assert response.status_code == 200
    assert "Save the therapy first" in response.text


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


PACKAGE = Path(therapies.__file__).parent


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_therapies_imports_nothing_from_evidence_or_wellness(path):
    forbidden = {
        name for name in imported_modules(path) if name.split(".")[0] in {"evidence", "wellness"}
    }
    assert not forbidden
