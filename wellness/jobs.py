"""The public journey's background jobs: keep the catalogue snapshot warm, purge saved results
(and, with them, what else is kept only for a while: failed staff logins, expired API tokens)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from outbox import jobs
from outbox.models import JobRequest
from wellness import selectors
from wellness.models import ApiToken, ImpactPreview, SavedResult

SNAPSHOT_REBUILD_TASK = "wellness.rebuild_catalogue_snapshot"
SAVED_RESULTS_PURGE_TASK = "wellness.purge_saved_results"
IMPACT_PREVIEW_TASK = "wellness.build_impact_preview"


def catalogue_changed(**_kwargs) -> None:
    """Ask, once per transaction, for the snapshot to be rebuilt after this change commits.

    Called for every history row a catalogue change writes (``wellness.signals``). The request
    coalesces with one still waiting, so a burst of edits rebuilds once.
    """
    if not jobs.job_requested_in_this_transaction(task=SNAPSHOT_REBUILD_TASK):
        jobs.job_request(task=SNAPSHOT_REBUILD_TASK, description="Rebuild the catalogue snapshot")


def catalogue_snapshot_rebuild(job: JobRequest, *, last_attempt: bool) -> Callable[[], str]:
    """Build the current snapshot into the shared cache, so no web request has to."""
    # Fresh: the change that asked for this may have been made by another process a moment ago.
    snapshot = selectors.catalogue_snapshot(fresh=True)
    return lambda: f"Catalogue version {snapshot.version} is ready."


@transaction.atomic
def saved_results_purge_request() -> JobRequest:
    """Ask for the expired saved results to be deleted."""
    return jobs.job_request(
        task=SAVED_RESULTS_PURGE_TASK, description="Delete expired saved results"
    )


def saved_results_purge(job: JobRequest, *, last_attempt: bool) -> Callable[[], str]:
    """Delete every saved result past its expiry date, and failed-login records past their
    lock-out (run inside the job's transaction): both are promised on the privacy page. Expired
    API tokens go too: they no longer work, and the admin's list should show only live ones; so
    do authenticator apps whose set-up was started but not finished in time."""
    from wellness.security.enrolment import unconfirmed_apps_purge
    from wellness.security.staff import purge_expired_login_failures

    def purge() -> str:
        deleted, _ = SavedResult.objects.expired().delete()
        failures = purge_expired_login_failures()
        tokens, _ = ApiToken.objects.expired().delete()
        # Authenticator apps whose set-up in the admin was never finished (docs/architecture.md §5).
        apps = unconfirmed_apps_purge()
        return (
            f"Deleted {deleted} expired saved result{'s' if deleted != 1 else ''}, "
            f"{failures} old failed-login record{'s' if failures != 1 else ''}, "
            f"{tokens} expired API token{'s' if tokens != 1 else ''} and "
            f"{apps} unfinished authenticator app set-up{'s' if apps != 1 else ''}."
        )

    return purge


def impact_preview_request(*, change, version: str) -> ImpactPreview:
    """Return the preview of this change on this catalogue version, asking for it if new."""
    with transaction.atomic():
        preview, made = ImpactPreview.objects.get_or_create(
            change=change, catalogue_version=version
        )
        if made:
            jobs.job_request(
                task=IMPACT_PREVIEW_TASK,
                args={"preview": preview.pk},
                description=f"Work out whom change {change.pk} would affect",
            )
    return preview


def impact_preview_build(job: JobRequest, *, last_attempt: bool) -> Callable[[], str]:
    """Run every reference scenario with and without the change, saying how far it has got."""
    from evidence.services import ReviewError
    from wellness.impact import impact_preview, impacts_data

    preview = ImpactPreview.objects.select_related("change").filter(pk=job.args["preview"]).first()
    if preview is None:
        return lambda: "The change's preview is no longer needed."

    def progress(done: int, total: int) -> None:
        ImpactPreview.objects.filter(pk=preview.pk).update(done=done, total=total)

    try:
        data, error = impacts_data(impact_preview(change=preview.change, progress=progress)), ""
    except ReviewError as refusal:  # the record changed since it was proposed
        data, error = None, str(refusal)

    def keep() -> str:
        ImpactPreview.objects.filter(pk=preview.pk).update(
            result=data, error=error, finished_at=timezone.now()
        )
        return error or f"{len(data or [])} scenarios would get different advice or order."

    return keep
