"""Public text is written for a reading age of about 11-12 (Flesch-Kincaid grade 8 at most)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import textstat
from django.apps import apps
from django.urls import reverse

from evidence.harm_statements import harm_statement_for
from evidence.models import Finding, Harm
from evidence.statements import NO_COMPARATOR, statement_for
from tests.factories import TherapyFactory
from therapies.readability import (
    LONGEST_WORD_SYLLABLES,
    MAX_GRADE,
    MIN_WORDS,
    reading_grade,
    too_hard,
)
from wellness import answers as answer_store
from wellness.content import GAP_WORDS, PREFERENCE_REASONS

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_TEMPLATES = [
    *sorted((ROOT / "templates" / "wellness").rglob("*.html")),
    ROOT / "templates" / "404.html",
    ROOT / "templates" / "413.html",
    ROOT / "templates" / "500.html",
    ROOT / "templates" / "base.html",
]


class _Text(HTMLParser):
    """Collect the visible text of a page, one block per element."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        self.blocks.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1
        self.blocks.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.blocks.append(data)


def fixed_copy(template: Path) -> str:
    """Return a template's own words: tags, variables and comments taken out."""
    source = template.read_text()
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    blocks = (" ".join(b.split()) for b in "".join(parser.blocks).split("\n"))
    # Each block ends a sentence, so short labels do not run into one long "sentence".
    return " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_copy_is_plain(template):
    text = fixed_copy(template)

    if len(text.split()) >= MIN_WORDS:
        assert reading_grade(text) <= MAX_GRADE, text
    else:
        long_words = [
            w for w in text.split() if textstat.syllable_count(w) > LONGEST_WORD_SYLLABLES
        ]
        assert long_words == [], text


@pytest.mark.django_db
def test_every_public_text_of_the_seed_catalogue_is_plain(seed_catalogue):
    seed_catalogue()
    hard = []
    for model in apps.get_models():
        fields = getattr(model, "PLAIN_LANGUAGE_FIELDS", ())
        for obj in model.objects.all() if fields else ():
            for name, grade in too_hard({f: str(getattr(obj, f)) for f in fields}).items():
                hard.append(f"{model.__name__} {obj}: {name} at grade {grade}")

    assert hard == []


@pytest.mark.django_db
def test_every_finding_statement_of_the_seed_catalogue_is_plain(seed_catalogue):
    seed_catalogue()
    findings = Finding.objects.select_related("therapy")

    hard = [(f.slug, reading_grade(statement_for(f))) for f in findings]

    assert [(slug, grade) for slug, grade in hard if grade > MAX_GRADE] == []


@pytest.mark.django_db
def test_every_harm_statement_of_the_seed_catalogue_is_plain(seed_catalogue):
    seed_catalogue()

    hard = [(h.slug, reading_grade(harm_statement_for(h))) for h in Harm.objects.all()]

    assert [(slug, grade) for slug, grade in hard if grade > MAX_GRADE] == []


def test_the_engines_fixed_words_are_plain():
    texts = {**GAP_WORDS, **PREFERENCE_REASONS, "no comparator": NO_COMPARATOR}

    assert too_hard(texts) == {}


def test_reading_grade_tells_plain_from_dense_text():
    plain = "You lie on a padded table. The therapist uses long, gentle strokes."
    dense = (
        "Psychosocial interventions demonstrated statistically significant associations with "
        "enhanced immunological functioning across heterogeneous randomised investigations."
    )

    assert reading_grade(plain) <= MAX_GRADE < reading_grade(dense)


@pytest.mark.django_db
def test_admin_warns_an_editor_about_hard_text_but_still_saves(client, editor):
    therapy = TherapyFactory(summary="A calm massage.")
    client.force_login(editor)
    url = f"/admin/therapies/therapy/{therapy.pk}/change/"
    page = client.get(url)
    from tests.conftest import admin_post_data

    data = admin_post_data(page)
    data["summary"] = (
        "Psychosocial interventions demonstrated statistically significant associations with "
        "enhanced immunological functioning across heterogeneous randomised investigations."
    )

    response = client.post(url, data, follow=True)

    therapy.refresh_from_db()
    assert therapy.summary.startswith("Psychosocial")
    messages = [str(m) for m in response.context["messages"]]
    assert any("may be hard to read" in m and "summary" in m for m in messages), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("goals", "conditions"),
    [
        (["stress-anxiety", "sleep"], {}),
        (["low-mood"], {}),
        (["stress-anxiety"], {"heart-failure": "yes"}),
    ],
    ids=["stress and sleep", "low mood", "heart failure"],
)
def test_the_results_summary_reads_plainly(client, goals, conditions, seed_catalogue):
    seed_catalogue()
    answers = {"goals": goals, "conditions": conditions, "format": "any", "pressure": "any"}
    page = client.post(reverse("results"), {"answers": answer_store.to_token(answers)}, follow=True)
    html = page.content.decode()
    start = html.index('<section class="summary"')
    parser = _Text()
    parser.feed(html[start : html.index("</section>", start)])
    blocks = (" ".join(b.split()) for b in "".join(parser.blocks).split("\n"))
    text = " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)

    assert reading_grade(text) <= MAX_GRADE, text
