"""Parasol integration: detect a Parasol project, discover its services, write phase 7 (outputs/7-platform)."""
