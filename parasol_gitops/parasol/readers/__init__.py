"""Readers for Parasol layouts that ``discovery`` combines (one module per kind of document)."""
