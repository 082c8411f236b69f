from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.catalogue import DEFAULT_PATH, SECTIONS, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = (
        "Load the seed catalogue file whole, or reject it and change nothing. "
        "Records nobody changed since the last load take the file's values; records staff "
        "changed are kept unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", type=Path, default=DEFAULT_PATH, help="Catalogue YAML file."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite records that differ from the file (staff edits included).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, then roll back."
        )

    def handle(self, *args, path: Path, update: bool, dry_run: bool, **options):
        try:
            report = catalogue_load(path=path, update=update, dry_run=dry_run)
        except CatalogueError as exc:
            count = len(exc.errors)
            raise CommandError(
                f"The catalogue was not loaded; nothing was changed. "
                f"{count} problem{'s' if count != 1 else ''}:\n" + "\n".join(exc.errors)
            ) from exc

        prefix = "Dry run, rolled back: " if dry_run else ""
        if not report.changed and not report.kept:
            message = f"{prefix}No changes: the catalogue already matches version {report.version}."
            self.stdout.write(self.style.SUCCESS(message))
        elif not report.changed:
            self.stdout.write(f"{prefix}No changes made from catalogue version {report.version}.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{prefix}Loaded catalogue version {report.version}:")
            )
            for section in SECTIONS:
                c = report.counts[section]
                if c.created or c.updated:
                    self.stdout.write(
                        f"  {section.replace('_', ' ')}: {c.created} created, "
                        f"{c.updated} updated, {c.unchanged} unchanged"
                    )
        if report.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.kept} record{'s' if report.kept != 1 else ''} differ from the file "
                    "because staff changed them; kept as they are (use --update to overwrite)."
                )
            )
