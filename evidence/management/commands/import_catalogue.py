from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.catalogue import CatalogueError, catalogue_content_hash, catalogue_load


class Command(BaseCommand):
    help = (
        "Restore a catalogue file written by export_catalogue: every record in the file is "
        "created or made equal to it, whole or not at all. Records not in the file are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by export_catalogue.")

    def handle(self, *args, path: Path, **options):
        try:
            report = catalogue_load(path=path, update=True)
        except CatalogueError as exc:
            raise CommandError("Nothing was imported. Problems:\n" + "\n".join(exc.errors)) from exc
        created = sum(c.created for c in report.counts.values())
        updated = sum(c.updated for c in report.counts.values())
        unchanged = sum(c.unchanged for c in report.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path}: {created} created, {updated} updated, {unchanged} unchanged."
            )
        )
        self.stdout.write(f"Content hash: {catalogue_content_hash()}")
