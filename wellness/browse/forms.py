"""The two GET forms of the browse pages: filter the list, and pick therapies to compare.

Both are read from the query string: filters and therapy names are not health answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django import forms

from therapies.models import Goal, Therapy

COMPARE_MIN, COMPARE_MAX = 2, 3


class TherapyFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=Therapy.Kind.choices, required=False)
    goal = forms.ChoiceField(required=False)

    def __init__(self, *args, goals: Iterable[Goal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["goal"]).choices = [(g.slug, g.label) for g in goals]


class CompareForm(forms.Form):
    therapies = forms.MultipleChoiceField(
        error_messages={
            "required": "Choose 2 or 3 therapies to compare",
            "invalid_choice": (
                "We could not find one of the therapies you chose. Choose 2 or 3 from the list"
            ),
            "invalid_list": "Choose 2 or 3 therapies to compare",
        },
    )

    def __init__(self, *args, therapies: Iterable[Therapy], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["therapies"]).choices = [
            (t.slug, t.name) for t in therapies
        ]

    def clean_therapies(self) -> list[str]:
        # The same therapy twice counts once; keep the order the person chose them in.
        slugs = list(dict.fromkeys(self.cleaned_data["therapies"]))
        if len(slugs) < COMPARE_MIN:
            raise forms.ValidationError("Choose at least 2 therapies to compare", code="too_few")
        if len(slugs) > COMPARE_MAX:
            raise forms.ValidationError(
                "Choose no more than 3 therapies to compare", code="too_many"
            )
        return slugs
