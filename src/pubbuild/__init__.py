"""pubbuild: article HTML into accessible publications (EPUB 3 and tagged PDF)."""

__version__ = "0.1.0"
