"""Parasol integration: detect a Parasol project, discover its services, write phase 7 (outputs/7-platform)."""

# Phase 7's folder under a project's outputs/: what `platform` writes and `status vms5` grades.
PLATFORM_DIR = "7-platform"
