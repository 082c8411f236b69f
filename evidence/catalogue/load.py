"""Load the versioned seed catalogue (``evidence/data/catalogue.yaml``) into the database.

The file is checked whole before anything is kept: a malformed file is rejected with the file,
the record and the field named, and the database is left as it was. Loading is idempotent: records
are matched on their natural keys, and a record equal to the file is not written again (so no new
history row appears either). A record the loader wrote and nobody changed since takes the file's
new values, so a corrected rating reaches every database; a record that staff changed since it
was loaded is kept as staff left it unless ``update`` is asked for, so a restart never undoes
their work.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from evidence.catalogue.checks import record_full_clean
from evidence.catalogue.schema import (
    CONSTRAINT_FIELDS,
    DEFAULT_PATH,
    MANY_TO_MANY,
    MODELS,
    REFERENCES,
    SCHEMA,
    SECTIONS,
    CatalogueError,
    Field,
    LoadReport,
    SectionCount,
    describe,
    natural_key,
    read_catalogue,
)
from evidence.catalogue.sections import EXPANDED_FIELDS

# --- Writing ---------------------------------------------------------------------------------

LOADED_REASON = "Loaded from the seed catalogue"


def catalogue_load(
    *, path: Path = DEFAULT_PATH, update: bool = False, dry_run: bool = False
) -> LoadReport:
    """Load the catalogue file whole, or raise CatalogueError and leave the database untouched."""
    data = read_catalogue(path)
    version = data["version"].strip()
    counts = {section: SectionCount() for section in SECTIONS}
    errors: list[str] = []
    with transaction.atomic():
        loaded: dict[str, dict[str, models.Model]] = {section: {} for section in SECTIONS}
        for section in SECTIONS:
            existing = _existing_by_key(section)
            for index, record in enumerate(data[section]):
                where = f"{path}: {describe(section, index, record)}"
                _load_record(
                    section=section,
                    record=record,
                    where=where,
                    loaded=loaded,
                    existing=existing,
                    update=update,
                    version=version,
                    count=counts[section],
                    errors=errors,
                )
        if errors:
            # Leaving the atomic block by an exception rolls back every write made so far.
            raise CatalogueError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return LoadReport(version=version, counts=counts)


def _load_record(
    *,
    section: str,
    record: dict[str, Any],
    where: str,
    loaded: dict[str, dict[str, models.Model]],
    existing: dict[tuple, models.Model],
    update: bool,
    version: str,
    count: SectionCount,
    errors: list[str],
) -> None:
    model = MODELS[section]
    values: dict[str, Any] = {}
    references = REFERENCES.get(section, {})
    for field in SCHEMA[section]:
        if field.name in references:
            continue
        if record.get(field.name) is not None:
            values.update(field.model_values(record[field.name]))
        else:
            # A field left out of the file means empty, so a later load can clear it.
            values.update(_empty_values(model, field))

    for name, (target, model_field) in REFERENCES.get(section, {}).items():
        slug = record.get(name)
        if slug is None:
            values[model_field] = None
            continue
        target_object = _find(loaded, target, slug)
        if target_object is None:
            errors.append(f"{where}: field '{name}' names unknown {target[:-1]} '{slug}'.")
            return
        values[model_field] = target_object

    instance = existing.get(natural_key(section, record))
    creating = instance is None
    if instance is None:
        instance = model(**values)
    else:
        differs = _differs(instance, values, section, record)
        if not differs:
            count.unchanged += 1
            _remember(loaded, section, record, instance)
            return
        if not update and _changed_since_loaded(instance):
            count.kept += 1
            _remember(loaded, section, record, instance)
            return
        for name, value in values.items():
            setattr(instance, name, value)

    try:
        # The references were just found by slug; only what the file itself says is checked.
        found = frozenset(field for _, field in references.values() if values.get(field))
        record_full_clean(instance, found=found, keyed=True)
    except ValidationError as exc:
        errors.extend(_messages(where, exc, section))
        return
    # Read by simple_history while saving (untyped, so mypy knows no such attribute).
    instance._change_reason = f"{LOADED_REASON}, version {version}"  # type: ignore[attr-defined]
    instance.save()
    for name, (target, model_field) in MANY_TO_MANY.get(section, {}).items():
        slugs = record.get(name) or []
        chosen = [_find(loaded, target, slug) for slug in slugs]
        missing = [slug for slug, found in zip(slugs, chosen, strict=True) if found is None]
        if missing:
            errors.append(f"{where}: field '{name}' names unknown {target[:-1]} '{missing[0]}'.")
            return
        getattr(instance, model_field).set(chosen)
    if creating:
        count.created += 1
    else:
        count.updated += 1
    _remember(loaded, section, record, instance)


def _changed_since_loaded(instance: models.Model) -> bool:
    """Whether anyone changed the record since the loader last wrote it (one query).

    Its latest history row must be the loader's and hold the values the record has now, so a
    write that made no history row (a queryset update) also counts as a change.
    """
    latest = instance.history.first()  # type: ignore[attr-defined]  # simple_history's manager
    if latest is None or not (latest.history_change_reason or "").startswith(LOADED_REASON):
        return True
    return any(
        getattr(latest, field.attname) != getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
    )


def _find(loaded: dict[str, dict[str, models.Model]], section: str, slug: str):
    found = loaded[section].get(slug)
    if found is None:
        # A reference may point at a record that exists in the database but not in the file.
        found = MODELS[section]._default_manager.filter(slug=slug).first()
    return found


def _existing_by_key(section: str) -> dict[tuple, models.Model]:
    """Return the section's records already in the database by natural key (one query)."""
    # The section's model, whichever it is (hence Any), has the fields read here;
    # _default_manager is its `objects`, by the name Django gives it on any model.
    records: Any = MODELS[section]._default_manager
    if section == "crisis_contacts":
        return {(c.region, c.name): c for c in records.all()}
    if section == "safety_rules":
        rules = records.select_related("condition", "therapy")
        return {(r.condition.slug, r.therapy.slug): r for r in rules}
    return {(r.slug,): r for r in records.all()}


def _remember(loaded, section: str, record: dict[str, Any], instance: models.Model) -> None:
    if "slug" in record:
        loaded[section][record["slug"]] = instance


def _empty_values(model: type[models.Model], field: Field) -> dict[str, Any]:
    if isinstance(field.to_model, str) or field.to_model is None:
        names = [field.to_model or field.name]
    else:
        names = [name for name, file_name in EXPANDED_FIELDS.items() if file_name == field.name]
    # The catalogue file's fields are concrete ones, never a reverse relation.
    return {name: cast(models.Field, model._meta.get_field(name)).get_default() for name in names}


def _differs(instance: models.Model, values: dict[str, Any], section: str, record) -> bool:
    for name, value in values.items():
        field = cast(models.Field, instance._meta.get_field(name))  # concrete, as above
        if field.is_relation:
            if getattr(instance, field.attname) != getattr(value, "pk", None):
                return True
            continue
        try:
            wanted = field.to_python(value)
        except ValidationError:
            return True
        if getattr(instance, name) != wanted:
            return True
    for name, (_, model_field) in MANY_TO_MANY.get(section, {}).items():
        current = set(getattr(instance, model_field).values_list("slug", flat=True))
        if current != set(record.get(name) or []):
            return True
    return False


def _model_to_file_field(section: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for field in SCHEMA[section]:
        if isinstance(field.to_model, str):
            mapping[field.to_model] = field.name
        elif field.to_model is None:
            mapping[field.name] = field.name
    mapping.update(EXPANDED_FIELDS)
    return mapping


def _messages(where: str, exc: ValidationError, section: str) -> Iterable[str]:
    to_file = _model_to_file_field(section)
    for model_field, errors in exc.error_dict.items():
        for error in errors:
            message = " ".join(error.messages)
            if model_field == NON_FIELD_ERRORS:
                name = CONSTRAINT_FIELDS.get(error.code or "")
                if name:
                    yield f"{where}: field '{name}': {message}"
                else:
                    yield f"{where}: {message}"
            else:
                yield f"{where}: field '{to_file.get(model_field, model_field)}': {message}"
