"""Validate a record as ``full_clean`` does, with its check constraints asked in one query.

Django asks the database about each check constraint on its own, inside a savepoint of its own:
a finding has twelve, so loading the catalogue spent half its time there. Here every check of a
record is one ``SELECT``, with the same conditions and the same messages.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def record_full_clean(
    instance: models.Model, *, found: frozenset[str] = frozenset(), keyed: bool = False
) -> None:
    """Run ``instance.full_clean()``, raising the same ValidationError, in fewer queries.

    ``found`` names foreign keys the caller has just looked up itself, so they are not looked
    up again (Django checks that each one exists with a query of its own). With ``keyed``, the
    caller found the record by its unique natural key, so its unique fields need no query
    either (a unique constraint of the model is still checked).
    """
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(exclude=found, validate_unique=not keyed, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            try:
                constraint.validate(type(instance), instance, exclude=set(errors))
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
    for constraint in _violated_checks(instance):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
        )
    if errors:
        raise ValidationError(errors)


def _violated_checks(instance: models.Model) -> list[models.CheckConstraint]:
    checks = [c for c in instance._meta.constraints if isinstance(c, models.CheckConstraint)]
    if not checks:
        return []
    query = Query(None)
    # Private Django API (as Model.validate_constraints uses it), which the stubs leave out.
    fields = instance._get_field_expression_map(meta=instance._meta)  # type: ignore[attr-defined]
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    for number, check in enumerate(checks):
        # A check the values leave unknown (NULL) passes, as it does in the database.
        passes = Coalesce(
            ExpressionWrapper(Q(check.condition), output_field=BooleanField()),
            True,
            output_field=BooleanField(),
        )
        query.add_annotation(passes, f"check_{number}")
    row = query.get_compiler(using=instance._state.db or "default").execute_sql(SINGLE)
    return [check for check, passed in zip(checks, row, strict=True) if not passed]
