import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from evidence.catalogue import catalogue_content_hash, catalogue_dump, catalogue_export


class Command(BaseCommand):
    help = (
        "Write the whole catalogue and its evidence as a catalogue file (a backup), keyed by "
        "natural keys. Restore it with import_catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", type=Path, help="Output file; standard output if left out."
        )

    def handle(self, *args, path: Path | None, **options):
        data = catalogue_export()
        text = catalogue_dump(data)
        if path is None:
            sys.stdout.write(text)
            return
        path.write_text(text, encoding="utf-8")
        counts = ", ".join(f"{len(data[k])} {k.replace('_', ' ')}" for k in data if k != "version")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}: {counts}."))
        self.stdout.write(f"Content hash: {catalogue_content_hash(data)}")
