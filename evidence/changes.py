"""Propose, approve, reject and revert a reviewed change (docs/architecture.md §3).

What decides safety is never saved straight from a form: ``change_propose`` records the change
with the values it was made against, and only ``change_approve``, by a second person with the
review permission, applies it, in one transaction, after checking the record has not changed
since. A revert is itself a proposal, reviewed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from evidence.models import SafetyRule
from evidence.models.changes import ChangeRequest
from evidence.services import ReviewError
from therapies.models import Condition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Subject = ChangeRequest.Subject
Action = ChangeRequest.Action
REVIEW_PERMISSION = "evidence.review_changerequest"
HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason
PUBLIC_REASON_LENGTH: int = getattr(
    ChangeRequest._meta.get_field("public_reason"), "max_length", 200
)


@dataclass(frozen=True)
class Reviewed:
    """A kind of record whose changes are reviewed: its model and the fields that decide safety."""

    model: type[models.Model]
    fields: tuple[str, ...]  # attnames: foreign keys by id

    def values_of(self, record: models.Model) -> dict[str, Any]:
        return {name: getattr(record, name) for name in self.fields}

    def label(self, record: models.Model) -> str:
        return str(record)

    def about(self, record: models.Model) -> tuple[str, str]:
        """Return (what it is about, in public words; the therapy's slug, or "")."""
        if isinstance(record, Condition):
            return f"The screening question “{record.question}”", ""
        therapy = getattr(record, "therapy", None)
        condition = getattr(record, "condition", None)
        if therapy is None:
            return str(record), ""
        words = f"Safety advice on {therapy.name}"
        if condition is not None:
            words += f" for people who answer yes to “{condition.question}”"
        return words, therapy.slug


REVIEWED: dict[str, Reviewed] = {
    Subject.SAFETY_RULE: Reviewed(
        SafetyRule, ("therapy_id", "condition_id", "effect", "message", "source_id")
    ),
    # A screening question: whether it is asked, whether a yes means crisis, and its words.
    Subject.CONDITION: Reviewed(
        Condition, ("slug", "question", "help_text", "is_crisis", "active", "position")
    ),
}


def reviewed_for(model: type[models.Model]) -> str | None:
    """Return the subject whose changes to ``model`` are reviewed, or None."""
    return next((subject for subject, kind in REVIEWED.items() if kind.model is model), None)


def _permission(kind: Reviewed, action: str) -> str:
    verbs: dict[str, str] = {Action.CREATE: "add", Action.UPDATE: "change", Action.DELETE: "delete"}
    verb = verbs[action]
    return f"{kind.model._meta.app_label}.{verb}_{kind.model._meta.model_name}"


def _unsaved(kind: Reviewed, values: dict[str, Any], target: models.Model | None):
    record = kind.model() if target is None else kind.model._base_manager.get(pk=target.pk)
    for name, value in values.items():
        setattr(record, name, value)
    return record


def change_propose(
    *,
    subject: str,
    action: str,
    by: User,
    reason: str,
    values: dict[str, Any] | None = None,
    target: models.Model | None = None,
    reverts: ChangeRequest | None = None,
) -> ChangeRequest:
    """Record a proposed change; nothing the public sees changes until it is approved.

    The values are checked as the model checks them (``full_clean``), so a draft that could never
    be applied is refused now, with the field that is wrong (``ValidationError``).
    """
    kind = REVIEWED[subject]
    if not by.has_perm(_permission(kind, action)):
        raise PermissionDenied("You may not propose this change.")
    if not reason.strip():
        raise ReviewError("Say why this change is needed.")
    values = {name: value for name, value in (values or {}).items() if name in kind.fields}
    before: dict[str, Any] = {}
    if action == Action.CREATE:
        if target is not None:
            raise ReviewError("A new record has no existing record to change.")
        record = _unsaved(kind, values, None)
        record.full_clean()
    else:
        if target is None:
            raise ReviewError("Say which record to change.")
        before = kind.values_of(target)
        if action == Action.UPDATE:
            values = {name: value for name, value in values.items() if before[name] != value}
            if not values:
                raise ReviewError("Nothing would change: the values are the ones already live.")
            record = _unsaved(kind, values, target)
            record.full_clean()
        else:
            record = target
            values = {}
    public_label, therapy_slug = kind.about(record)
    return ChangeRequest.objects.create(
        subject=subject,
        action=action,
        target_id=None if target is None else target.pk,
        label=_cut(kind.label(record), "label"),
        public_label=_cut(public_label, "public_label"),
        therapy_slug=therapy_slug,
        values=values,
        before=before,
        reason=reason.strip(),
        author=by,
        reverts=reverts,
    )


def _cut(text: str, field: str) -> str:
    """Fit a generated description into its column, with an ellipsis if cut."""
    length = getattr(ChangeRequest._meta.get_field(field), "max_length", None) or len(text)
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _locked_waiting(change: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status != ChangeRequest.Status.WAITING:
        raise ReviewError(f"This change has already been reviewed ({locked.get_status_display()}).")
    return locked


def _may_review(change: ChangeRequest, by: User) -> bool:
    """Check the reviewer; return whether a superuser approves their own change."""
    if not by.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("You may not review changes to safety.")
    if change.author_id != by.pk:
        return False
    if not by.is_superuser:
        raise ReviewError("Someone else must review your change: you proposed it.")
    return True


def change_approve(*, change: ChangeRequest, by: User, public_reason: str) -> ChangeRequest:
    """Apply a waiting change and record who approved it; the catalogue moves once."""
    public_reason = " ".join(public_reason.split())
    if not public_reason:
        raise ReviewError("Write one line for the public: what changed and why.")
    if len(public_reason) > PUBLIC_REASON_LENGTH:
        raise ReviewError(f"Keep the line for the public to {PUBLIC_REASON_LENGTH} characters.")
    with transaction.atomic():
        change = _locked_waiting(change)
        own = _may_review(change, by)
        change.target_id = _apply(change, by=by, public_reason=public_reason)
        change.status = ChangeRequest.Status.APPROVED
        change.reviewer = by
        change.reviewed_at = timezone.now()
        change.public_reason = public_reason
        change.approved_own_as_superuser = own
        change.save()
    return change


def change_reject(*, change: ChangeRequest, by: User, note: str) -> ChangeRequest:
    """Close a waiting change without applying it, saying why to its author."""
    if not note.strip():
        raise ReviewError("Say why the change is not approved, so its author can fix it.")
    with transaction.atomic():
        change = _locked_waiting(change)
        if not by.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied("You may not review changes to safety.")
        change.status = ChangeRequest.Status.REJECTED
        change.reviewer = by
        change.reviewed_at = timezone.now()
        change.review_note = note.strip()
        change.save()
    return change


def change_revert(*, change: ChangeRequest, by: User, reason: str) -> ChangeRequest:
    """Propose undoing an approved change; it goes through review like any other."""
    if change.status != ChangeRequest.Status.APPROVED:
        raise ReviewError("Only a change that is live can be undone.")
    kind = REVIEWED[change.subject]
    current = kind.model._base_manager.filter(pk=change.target_id).first()
    if change.action == Action.CREATE:
        if current is None:
            raise ReviewError("The record this change added has been removed already.")
        return change_propose(
            subject=change.subject,
            action=Action.DELETE,
            by=by,
            reason=reason,
            target=current,
            reverts=change,
        )
    if change.action == Action.UPDATE:
        if current is None:
            raise ReviewError("The record this change changed has been removed since.")
        return change_propose(
            subject=change.subject,
            action=Action.UPDATE,
            by=by,
            reason=reason,
            target=current,
            values={name: change.before[name] for name in change.values},
            reverts=change,
        )
    return change_propose(
        subject=change.subject,
        action=Action.CREATE,
        by=by,
        reason=reason,
        values=change.before,
        reverts=change,
    )


def change_try(change: ChangeRequest) -> None:
    """Apply a change's values without deciding it, inside a transaction the caller rolls back.

    For the impact preview (``wellness.impact``): the catalogue as it would be, never kept.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change_try needs a transaction that will be rolled back")
    _apply(change, by=change.author, public_reason="preview only")


def _apply(change: ChangeRequest, *, by: User, public_reason: str) -> int | None:
    """Make the change live; return the record's id (None once removed)."""
    kind = REVIEWED[change.subject]
    record: models.Model
    if change.action == Action.CREATE:
        record = kind.model(**change.values)
    else:
        found = kind.model._base_manager.select_for_update().filter(pk=change.target_id).first()
        if found is None:
            raise ReviewError("The record this change is about has been removed since.")
        if kind.values_of(found) != change.before:
            raise ReviewError(
                "The record has changed since this change was proposed. Reject it and propose "
                "it again from what is live now."
            )
        record = found
        for name, value in change.values.items():
            setattr(record, name, value)
    # History says who proposed it and who made it live; the reasons are on the change itself
    # (the history's reason column holds 100 characters).
    reason = f"Change {change.pk}: proposed by {change.author}, approved by {by}"
    record._change_reason = reason[:HISTORY_REASON_LENGTH]  # type: ignore[attr-defined]
    record._history_user = by  # type: ignore[attr-defined]
    if change.action == Action.DELETE:
        try:
            record.delete()
        except (ProtectedError, RestrictedError):
            raise ReviewError(
                "Other records still use this one (safety rules, therapies or warning signs). "
                "Change or remove those first."
            ) from None
        return change.target_id
    try:
        record.full_clean()
    except ValidationError as invalid:
        # Valid when proposed, but something live has changed since (a rule for the same
        # therapy and question added, a record it names removed).
        raise ReviewError(
            "This change can no longer be made as it stands: "
            f"{' '.join(invalid.messages)} Reject it, and propose it again from what is live now."
        ) from None
    record.save()
    return record.pk
