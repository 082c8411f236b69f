"""The one signal that joins the catalogue to the journey (docs/architecture.md §2).

Every change to the catalogue or its evidence, from the admin, the API, a service or the loader,
writes a simple_history row; each one tells this process the catalogue changed and asks, once
per transaction, for the snapshot to be rebuilt after the commit. Connected in
``WellnessConfig.ready()``, so every process (web, worker, management command) listens.
"""

from django.db import transaction
from simple_history.signals import post_create_historical_record

from wellness import jobs, selectors


def catalogue_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, selectors.CATALOGUE_MODELS):
        # This process sees its own change at once, in the transaction and after the commit.
        selectors.catalogue_change_marker_forget()
        transaction.on_commit(selectors.catalogue_change_marker_forget)
        jobs.catalogue_changed()


def connect() -> None:
    post_create_historical_record.connect(
        catalogue_changed, dispatch_uid="wellness-catalogue-changed"
    )
