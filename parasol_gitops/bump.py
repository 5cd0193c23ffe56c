"""The deploy primitive: set one image in an overlay's ``kustomization.yaml`` or a Helm values file.

A ruamel.yaml round trip: comments, key order, quoting and unrelated keys stay byte for byte; only the
``images:`` entry of ``image_name`` changes (or is appended). Running it twice changes nothing.

The file is read, edited and replaced under an exclusive lock (:func:`~parasol_gitops.fsutil.locked_update`):
deploy jobs of two services bumping one overlay at the same time both keep their edit.

With Helm packaging the per-environment "overlay" is ``values-<env>.yaml``; there the chart's
``image.repository`` / ``image.tag`` / ``image.digest`` are set instead (the template's charts read them).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any, cast

from .errors import InputError, SpecError
from .messages import t

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_NAME = re.compile(r"^[a-z0-9]+([._/:-][a-z0-9]+)*$")


def parse_image_arg(value: str) -> tuple[str, str, str, str | None]:
    """``NAME=REF[@DIGEST]`` → (name, new_name, new_tag, digest). REF is ``[newName:]tag`` or ``newName``."""
    name, sep, ref = value.partition("=")
    if not sep or not name or not ref:
        raise InputError(t("bump.bad_arg", value=value))
    digest: str | None = None
    if "@" in ref:
        ref, _, digest = ref.partition("@")
        if not _DIGEST.fullmatch(digest):
            raise InputError(t("bump.bad_digest", value=value))
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        new_name, _, tag = ref.rpartition(":")
    elif "/" in ref or ("." in ref and not _TAG.fullmatch(ref)):
        new_name, tag = ref, ""
    else:
        new_name, tag = "", ref
    if tag and not _TAG.fullmatch(tag):
        raise InputError(t("bump.bad_tag", value=value, tag=tag))
    for part in (name, new_name):
        if part and not _NAME.fullmatch(part.lower()):
            raise InputError(t("bump.bad_name", value=value, name=part))
    return name, new_name, tag, digest


def bump(overlay_dir: Path, image_name: str, new_ref: str, digest: str | None) -> bool:
    """Set ``image_name`` to ``new_ref`` (``[newName:]tag``) and ``digest`` in the overlay. True if changed."""
    if overlay_dir.is_file() and overlay_dir.name not in KUSTOMIZATION_NAMES:
        return _locked(overlay_dir, lambda original: _bumped_values(overlay_dir, original, image_name, new_ref,
                                                                    digest))
    path = kustomization_path(overlay_dir)
    return _locked(path, lambda original: _bumped(path, original, image_name, new_ref, digest))


def _locked(path: Path, edit: Callable[[str], str]) -> bool:
    """Apply ``edit`` (old text → new text) to ``path`` under the file's lock, on the bytes read under it."""
    from .fsutil import locked_update
    from .yamlio import check_size

    def change(current: bytes | None) -> bytes:
        if current is None:  # removed by someone else since we looked
            raise InputError(t("file.path_missing", path=str(path)))
        check_size(current, display=str(path))
        return edit(current.decode("utf-8")).encode("utf-8")

    try:
        return locked_update(path, change)
    except UnicodeDecodeError:
        raise SpecError(str(path), "", t("file.not_utf8")) from None


def _bumped(path: Path, original: str, image_name: str, new_ref: str, digest: str | None) -> str:
    from .yamlio import load_text

    _, new_name, tag, _ = parse_image_arg(f"{image_name}={new_ref}")
    doc = load_text(original, display=str(path))
    if doc is None or not hasattr(doc, "get"):
        raise SpecError(str(path), "", t("bump.not_kustomization"))
    images = doc.get("images")
    if images is None:
        from ruamel.yaml.comments import CommentedSeq

        images = CommentedSeq()
        doc["images"] = images
    if not isinstance(images, list):
        raise SpecError(str(path), "images", t("bump.images_not_list"))
    image_name = match_image(path, doc, image_name)
    entry = next((e for e in images if hasattr(e, "get") and e.get("name") == image_name), None)
    if entry is None:
        from ruamel.yaml.comments import CommentedMap

        entry = CommentedMap()
        entry["name"] = image_name
        images.append(entry)
    _set(entry, "newName", new_name if new_name and new_name != image_name else None)
    _set(entry, "newTag", tag or None)
    _set(entry, "digest", digest)
    text = _dump(doc)
    return original if text == original else text


def match_image(path: Path, doc: Any, wanted: str) -> str:
    """The image of the overlay that ``wanted`` names: the one with that full name, else the only one whose last
    path segment is ``wanted`` (``orders`` → ``ghcr.io/example/orders``). An overlay image is an ``images:``
    entry or a container image in what the overlay builds (local resources, followed down). No match, or an
    ambiguous one, is :class:`CheckFailed` listing the images there are: a new entry for an image nothing uses
    would deploy nothing."""
    from .errors import CheckFailed

    known = sorted(_entry_names(doc) | _container_images(path.parent, doc, set()))
    if wanted in known:
        return wanted
    by_segment = [name for name in known if name.rsplit("/", 1)[-1] == wanted]
    if len(by_segment) == 1:
        return by_segment[0]
    listed = ", ".join(known) or t("bump.no_images")
    if by_segment:
        raise CheckFailed(t("bump.ambiguous", name=wanted, overlay=str(path), images=", ".join(by_segment)))
    raise CheckFailed(t("bump.no_match", name=wanted, overlay=str(path), images=listed))


def _entry_names(doc: Any) -> set[str]:
    images = doc.get("images") if hasattr(doc, "get") else None
    return {str(e["name"]) for e in images or [] if hasattr(e, "get") and e.get("name")}


def _container_images(folder: Path, doc: Any, seen: set[Path]) -> set[str]:
    """Image names (no tag, no digest) of the containers in the local resources a kustomization builds."""
    from ruamel.yaml.error import YAMLError

    from .yamlio import dumper

    found: set[str] = set()
    if not hasattr(doc, "get"):
        return found
    refs = [*(doc.get("resources") or []), *(doc.get("bases") or []), *(doc.get("components") or [])]
    for ref in refs:
        if not isinstance(ref, str) or "://" in ref or ref.startswith(("github.com/", "git@")):
            continue
        target = (folder / ref).resolve()
        if target in seen:
            continue
        seen.add(target)
        if target.is_dir():
            kfile = next((target / n for n in KUSTOMIZATION_NAMES if (target / n).is_file()), None)
            if kfile is not None:
                try:
                    sub = dumper().load(kfile.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, YAMLError):
                    continue  # an unreadable base only means fewer names to list
                found |= _entry_names(sub) | _container_images(target, sub, seen)
        elif target.is_file():
            try:
                docs = list(dumper().load_all(target.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, YAMLError):
                continue
            for d in docs:
                found |= _images_in(d)
    return found


def _images_in(node: Any) -> set[str]:
    out: set[str] = set()
    if hasattr(node, "items"):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                for c in value:
                    image = c.get("image") if hasattr(c, "get") else None
                    if isinstance(image, str) and image:
                        out.add(_strip_ref(image))
            else:
                out |= _images_in(value)
    elif isinstance(node, list):
        for item in node:
            out |= _images_in(item)
    return out


def _strip_ref(image: str) -> str:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return name.rsplit(":", 1)[0] if ":" in last else name


def _bumped_values(path: Path, original: str, image_name: str, new_ref: str, digest: str | None) -> str:
    """Helm values: ``image.repository`` (only when REF names one), ``image.tag``, ``image.digest``."""
    from .yamlio import load_text

    _, new_name, tag, _ = parse_image_arg(f"{image_name}={new_ref}")
    doc = load_text(original, display=str(path))
    image = doc.get("image") if isinstance(doc, MutableMapping) else None
    if not isinstance(image, MutableMapping):
        raise SpecError(str(path), "image", t("bump.values_no_image"))
    repository = image.get("repository")
    if repository not in (image_name, new_name or image_name):
        raise SpecError(str(path), "image.repository",
                        t("bump.values_other_image", repository=repository, image=image_name))
    if new_name and new_name != repository:
        image["repository"] = new_name
    if tag and image.get("tag") != tag:
        image["tag"] = _like(image.get("tag"), tag)
    wanted_digest = digest or ""
    if ("digest" in image or wanted_digest) and image.get("digest") != wanted_digest:
        image["digest"] = _like(image.get("digest"), wanted_digest)
    text = _dump(doc)
    return original if text == original else text


def _like(old: object, value: str) -> str:
    """``value`` quoted the way the old scalar was, so a bump touches only the value."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(old, DoubleQuotedScalarString):
        return cast(str, DoubleQuotedScalarString(value))
    if isinstance(old, SingleQuotedScalarString):
        return cast(str, SingleQuotedScalarString(value))
    return value


def _set(entry: dict[str, Any], key: str, value: str | None) -> None:
    if value is None:
        entry.pop(key, None)
    elif entry.get(key) != value:
        entry[key] = value


def kustomization_path(overlay_dir: Path) -> Path:
    if not overlay_dir.is_dir():
        raise InputError(t("bump.no_overlay", path=str(overlay_dir)))
    for name in KUSTOMIZATION_NAMES:
        candidate = overlay_dir / name
        if candidate.is_file():
            return candidate
    raise InputError(t("bump.no_kustomization", path=str(overlay_dir)))


def _dump(doc: object) -> str:
    from .yamlio import dumper

    buf = io.StringIO()
    dumper().dump(doc, buf)
    return buf.getvalue()
