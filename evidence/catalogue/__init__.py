"""The versioned seed catalogue: its file format, loading it, and exporting the database to it."""

from evidence.catalogue.export import catalogue_content_hash, catalogue_dump, catalogue_export
from evidence.catalogue.load import catalogue_load
from evidence.catalogue.schema import (
    DEFAULT_PATH,
    SECTIONS,
    CatalogueError,
    LoadReport,
    read_catalogue,
)

__all__ = [
    "DEFAULT_PATH",
    "SECTIONS",
    "CatalogueError",
    "LoadReport",
    "catalogue_content_hash",
    "catalogue_dump",
    "catalogue_export",
    "catalogue_load",
    "read_catalogue",
]
