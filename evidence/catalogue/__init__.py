"""The versioned seed catalogue: its file format, loading it, and exporting the database to it."""

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
    "catalogue_load",
    "read_catalogue",
]
