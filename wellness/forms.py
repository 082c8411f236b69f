"""Questionnaire forms, each error said next to its field."""

from django import forms

from therapies.models import Therapy
from wellness.recommender import FORMATS, PRESSURES

NO_PREFERENCE = ("any", "No preference")


class GoalsForm(forms.Form):
    goals = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one thing you would like help with",
            "invalid_choice": "Select from the list",
        },
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_records = list(goals)
        self.fields["goals"].choices = [(g.slug, g.label) for g in self.goal_records]


class YesNoForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes or no", "invalid_choice": "Select yes or no"},
    )


class HealthForm(forms.Form):
    """Every screening question but the crisis one, on one page: each needs its own yes or no.

    Nothing is ticked for the person and an unanswered question is an error, never a "no".
    """

    def __init__(self, *args, conditions, **kwargs):
        super().__init__(*args, **kwargs)
        for condition in conditions:
            message = f"Select yes or no: {condition.question}"
            self.fields[condition.slug] = forms.ChoiceField(
                label=condition.question,
                help_text=condition.help_text,
                choices=YesNoForm.base_fields["answer"].choices,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )


class PreferencesForm(forms.Form):
    format = forms.ChoiceField(
        label="How would you like to have therapy?",
        choices=[NO_PREFERENCE, *((f, Therapy.Format(f).label) for f in FORMATS)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you would like to have therapy, or no preference"},
    )
    pressure = forms.ChoiceField(
        label="If you have a massage, how firm would you like it?",
        choices=[NO_PREFERENCE, *((p, Therapy.Pressure(p).label) for p in PRESSURES)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how firm you would like a massage, or no preference"},
    )


def _optional(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.Field:
    """A question answered by one radio button, or left out."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select one of the answers, or leave this question out"},
    )


class ValuesForm(forms.Form):
    """What matters to you: optional, every question. The field names are the answers' names
    (``wellness.answers.VALUES``); "any" is a stated no preference."""

    approach = _optional(
        "Would you rather talk, or have a hands-on therapy?",
        [
            ("talk", "Talk with someone"),
            ("touch", "Hands-on, such as massage"),
            ("any", "Either is fine"),
        ],
    )
    time = _optional(
        "How much time can you give?",
        [
            ("sessions", "Time for the sessions only"),
            ("practice", "Time for sessions, and things to do between them"),
            ("any", "I am not sure"),
        ],
        help_text="Some therapies ask you to do things between sessions, such as keep a diary.",
    )
    cost = _optional(
        "Does it need to be free?",
        [("free", "Yes, it needs to be free"), ("any", "No, I can pay, or cost does not matter")],
    )
    evidence = _optional(
        "How strong must the evidence be?",
        [
            ("strong", "I want options with good evidence (moderate or high)"),
            ("any", "I am happy to try options with weaker evidence"),
        ],
        help_text="Evidence is how sure we can be that a therapy helps.",
    )


def error_list(form: forms.Form) -> list[tuple[str, str]]:
    """Return (field id, message) pairs for the error summary, in the order of the fields."""
    errors = []
    for name in form.fields:
        for message in form.errors.get(name, []):
            field_id = f"id_{name}_0" if _is_choice(form, name) else f"id_{name}"
            errors.append((field_id, str(message)))
    return errors


def _is_choice(form: forms.Form, name: str) -> bool:
    return isinstance(form.fields[name].widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
