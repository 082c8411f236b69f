"""Fields and a base serializer shared by the API's serializers."""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from evidence.models import Source

if TYPE_CHECKING:
    _FieldBase = serializers.Field
else:
    _FieldBase = object  # mixed in before a field class, which comes after it in the bases


SHOWN_LENGTH = 40


def shown(value: Any) -> str:
    """Return a sent value as an error repeats it: quoted, and cut short if long."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= SHOWN_LENGTH else f"{text[: SHOWN_LENGTH - 1]}…"


class EchoValue(_FieldBase):
    """Say the value that was sent after each error of the field, so a client sees what it sent.

    Only for fields whose values say nothing about a person's health: the answers' conditions
    are never repeated back (``wellness.api.serializers.answers``).
    """

    def run_validation(self, data: Any = serializers.empty) -> Any:
        try:
            return super().run_validation(data)
        except serializers.ValidationError as error:
            if data is serializers.empty or data is None or not isinstance(error.detail, list):
                raise
            you_sent = f"You sent {shown(data)}."
            raise serializers.ValidationError(
                [
                    serializers.ErrorDetail(
                        f"{message} {you_sent}", code=getattr(message, "code", None)
                    )
                    for message in error.detail
                ]
            ) from None


class AllowedChoiceField(EchoValue, serializers.ChoiceField):
    """A choice field whose error says which values are allowed, and what was sent."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        allowed = ", ".join(str(key) for key in self.choices if key != "")
        self.error_messages = {
            **self.error_messages,
            "invalid_choice": f"Choose one of: {allowed}.",
        }


class _Strict(_FieldBase):
    """Take only JSON values of the field's own type: no 0 for false, no 12 for "12"."""

    accepts: tuple[type, ...] = (str,)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, self.accepts) or (
            isinstance(data, bool) and bool not in self.accepts
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_Strict, serializers.CharField):
    pass


class StrictSlugField(_Strict, serializers.SlugField):
    pass


class StrictURLField(_Strict, serializers.URLField):
    pass


class StrictBooleanField(_Strict, serializers.BooleanField):
    accepts = (bool,)


class QueryIntegerField(EchoValue, serializers.IntegerField):
    """A whole number in a query parameter; its error repeats what was sent."""


class StrictIntegerField(_Strict, serializers.IntegerField):
    accepts = (int,)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number"},
            {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"},
        ]
    }
)
class NumberOrStringDecimalField(serializers.DecimalField):
    """A decimal sent as a JSON number or a string (as it is read back)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        return super().to_internal_value(data)


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class SlugRefListField(serializers.ManyRelatedField):
    """A list of slugs: a JSON object is not a list, however iterable it is in Python."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugRefField(serializers.SlugRelatedField):
    """Another record named by its slug; an unknown slug is named in the error.

    Only a string that could be a slug reaches the database (PostgreSQL refuses NUL characters
    outright, which would otherwise be a 500).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)
        queryset = kwargs.get("queryset")
        name = queryset.model._meta.verbose_name if queryset is not None else "record"
        self.error_messages = {
            **self.error_messages,
            "does_not_exist": f"There is no {name} {{value!r}}.",
            "invalid": f"Give the slug of a {name}, as a string.",
        }

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> SlugRefListField:
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return SlugRefListField(**list_kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        if not SLUG.fullmatch(data):
            self.fail("does_not_exist", value=data)
        return super().to_internal_value(data)


class SourceRefSerializer(serializers.Serializer):
    """Where a claim comes from: enough to cite and open it."""

    slug = serializers.CharField()
    title = serializers.CharField()
    link = serializers.CharField(help_text="The DOI, web or PubMed address; may be empty.")


def source_ref(source: Source) -> dict[str, str]:
    return {"slug": source.slug, "title": str(source), "link": source.link}


@extend_schema_field(SourceRefSerializer)
class SourceRefField(serializers.Field):
    """A source as ``{slug, title, link}`` (read only)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Source) -> dict[str, str]:
        return source_ref(value)


@extend_schema_field(SourceRefSerializer(allow_null=True))
class PublishedSourceRefField(SourceRefField):
    """A source as ``{slug, title, link}``, or null while it is not published."""

    def get_attribute(self, instance: Any) -> Any:
        source = super().get_attribute(instance)
        if source is None or source.status != Source.Status.PUBLISHED:
            return None
        return source


class CleanModelSerializer(serializers.ModelSerializer):
    """A model serializer that also runs the model's own validation, constraints included.

    Database constraints are the last line of defence; running ``full_clean`` first turns what
    would be an ``IntegrityError`` into a 400 that names the field.
    """

    serializer_choice_field = AllowedChoiceField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.DecimalField: NumberOrStringDecimalField,
    }

    # A constraint's violation code -> the API field its message is about.
    constraint_fields: dict[str, str] = {}

    def get_validators(self) -> list:
        # The model's constraints are checked by full_clean below, with the model's own messages.
        return []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(self._api_errors(exc)) from None
        return attrs

    def _api_name(self) -> dict[str, str]:
        names = {}
        for name, field in self.fields.items():
            if field.source == "*":
                names.update(dict.fromkeys(getattr(field, "model_fields", ()), name))
            else:
                names[field.source] = name
        return names

    def _api_errors(self, exc: DjangoValidationError) -> dict[str, list[str]]:
        names = self._api_name()
        errors: dict[str, list[str]] = {}
        for key, field_errors in exc.error_dict.items():
            for error in field_errors:
                if key == NON_FIELD_ERRORS:
                    name = self._constraint_field(error)
                else:
                    name = names.get(key, key)
                errors.setdefault(name, []).extend(error.messages)
        return errors

    def _constraint_field(self, error: DjangoValidationError) -> str:
        if error.code == "unique_together" and error.params:
            # "Safety rule with this Condition and Therapy already exists": about the last field.
            fields = error.params.get("unique_check") or ()
            if fields:
                return self._api_name().get(fields[-1], fields[-1])
        return self.constraint_fields.get(error.code or "", "non_field_errors")
