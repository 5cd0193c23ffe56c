"""Names that end up in Kubernetes objects, CI job ids and file paths.

A service name must be a DNS-1123 label; :func:`slugify` turns any display name (Japanese included)
into one, deterministically, so that the same Parasol project always yields the same folders.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")

# Characters that change the meaning of a value in a shell, a GitHub expression or YAML.
# needle → its description: code as it is written (the same in every language), or a catalogue key (core.yaml)
_UNSAFE = (
    ("${{", "'${{ }}'"),
    ("$(", "'$(...)'"),
    ("`", "names.unsafe.backtick"),
    ("\n", "names.unsafe.newline"),
    ("\r", "names.unsafe.carriage_return"),
)


def is_dns1123_label(name: str) -> bool:
    # fullmatch: with match, "$" also matches before a trailing newline ("orders\n" passed)
    return isinstance(name, str) and bool(DNS1123_LABEL.fullmatch(name))


def slugify(name: str, *, max_len: int = 63) -> str:
    """A DNS-1123 label for ``name``.

    ASCII letters and digits are kept (lower-cased), ``&`` becomes ``and``, every other run of
    characters becomes one ``-``. A name with no ASCII letters or digits at all (pure Japanese,
    for instance) becomes ``svc-`` plus a short hash of the name, which is stable across runs.
    """
    text = unicodedata.normalize("NFKC", name).replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        slug = f"svc-{digest}"
    if len(slug) > max_len:
        slug = slug[:max_len].rstrip("-")
    return slug


def unsafe_content(value: str) -> str | None:
    """A description of the first dangerous construct in ``value``, or None when it is safe."""
    from .messages import t

    for needle, what in _UNSAFE:
        if needle in value:
            return t(what) if what.startswith("names.") else what
    return None
