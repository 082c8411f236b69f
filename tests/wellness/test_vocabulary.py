"""The engine spells the catalogue's words itself (it imports none of the apps): they agree.

``wellness/recommender/facts.py`` holds the engine's copy; the models are the definition.
"""

from evidence.models import Certainty, Harm, SafetyRule
from therapies.models import Therapy
from wellness.recommender import (
    APPROACH_KINDS,
    CERTAINTY_WEIGHT,
    EFFECT_ORDER,
    FORMATS,
    HARM_ORDER,
    PREFERENCE_CHOICES,
    PRESSURES,
)


def test_formats_are_the_ways_a_therapy_is_offered():
    assert tuple(Therapy.Format.values) == FORMATS
    assert tuple(Therapy.FORMAT_FIELDS) == FORMATS
    fields = {f.name for f in Therapy._meta.get_fields()}
    assert set(Therapy.FORMAT_FIELDS.values()) <= fields


def test_pressures_are_a_massages_pressures():
    assert set(PRESSURES) == set(Therapy.Pressure.values) - {Therapy.Pressure.NOT_APPLICABLE}


def test_preferences_add_no_preference_to_the_choices():
    assert {"format": ("any", *FORMATS), "pressure": ("any", *PRESSURES)} == PREFERENCE_CHOICES


def test_approaches_name_the_kinds_of_therapy():
    assert set(APPROACH_KINDS.values()) == set(Therapy.Kind.values)


def test_certainty_weights_cover_every_level_strongest_first():
    assert list(CERTAINTY_WEIGHT) == Certainty.values
    assert sorted(CERTAINTY_WEIGHT.values(), reverse=True) == list(CERTAINTY_WEIGHT.values())


def test_warning_effects_and_harm_categories_are_the_models():
    assert set(EFFECT_ORDER) <= set(SafetyRule.Effect.values)
    assert set(HARM_ORDER) == set(Harm.Category.values)


def test_therapy_formats_read_and_set_by_name():
    therapy = Therapy(in_person=False, online=True, group=True)
    assert therapy.offered_formats() == ["online", "group"]
    assert Therapy.format_fields(["group", "in-person"]) == {
        "in_person": True,
        "online": False,
        "group": True,
    }
