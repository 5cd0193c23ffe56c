"""Planning a render: which folders are kustomizations or charts, which of them are built, and in which batches.

Nothing here starts a process; :mod:`.run` builds what this module plans.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import refs, sandbox
from .objects import Loader
from .parsed import ParsedKustomizations
from .tree import below, walk
from .tree import rel as _rel

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
BATCH_MAX = 20  # measured: the kustomize cost per folder grows again beyond ~20 folders in one build
# kustomize's memory follows the bytes it reads: a folder whose files exceed this (a platform layer carrying
# every service's rules and dashboards) is built alone, so batching never stacks it with others
BATCH_BYTES = 512 * 1024
_INCLUDES = ("resources", "bases", "components")


@dataclass
class Kustomization:
    rel: str
    is_component: bool
    local_refs: list[str]  # repository-relative folders it includes
    remote_refs: list[str]
    local_files: list[str]  # repository-relative resource files
    # what makes it unbuildable here: (check id, field, reason, the refusal when the kustomization file itself was
    # not read: its finding is said in the reader's language); a pinned remote base is not among them
    problems: list[tuple[str, str, str, sandbox.Refused | None]] = field(default_factory=list)
    file: str = ""  # repository-relative path of the kustomization file
    hidden: bool = False  # found only because another kustomization includes it (e.g. under a dot-folder)
    # a generator reads an env file: kustomize takes a line without "=" from its own environment
    reads_environment: bool = False


Kustomizations = dict[str, Kustomization]


# ---- discovery ------------------------------------------------------------------------------------------
def discover(root: Path) -> Kustomizations:
    """Every kustomization below ``root`` (a resolved path), keyed by its repository-relative folder."""
    found: Kustomizations = {}
    parsed = ParsedKustomizations(root)
    for here, _dirnames, filenames in walk(root):
        for name in KUSTOMIZATION_FILES:
            if name in filenames:
                rel = _rel(root, here)
                found[rel] = parse_kustomization(root, rel, here / name, parsed)
                break
    # kustomize follows every include, also into folders the walk skips (dot-folders, node_modules …):
    # those are scanned too, or a remote reference there would be fetched
    pending = [r for k in found.values() for r in k.local_refs]
    while pending:
        rel = pending.pop()
        if rel in found:
            continue
        folder = root / rel
        file = next((folder / n for n in KUSTOMIZATION_FILES if (folder / n).is_file()), None)
        if file is None:
            continue
        k = parse_kustomization(root, rel, file, parsed)
        k.hidden = True
        found[rel] = k
        pending.extend(k.local_refs)
    parsed.save()
    return found


def parse_kustomization(root: Path, rel: str, file: Path, parsed: ParsedKustomizations | None = None) -> Kustomization:
    base = root / rel
    problems: list[tuple[str, str, str, sandbox.Refused | None]] = []
    try:
        text = sandbox.read_text(root, file)
        data = (parsed.load(text) if parsed is not None else yaml.load(text, Loader=Loader)) or {}
    except sandbox.Refused as exc:
        data = {}
        problems.append((exc.check, "", str(exc), exc))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        data = {}  # the build reports the real error with its line
    if not isinstance(data, dict):
        data = {}
    local, remote, files = [], [], []
    reads_environment = False
    for key, ref in refs.remote_refs(data, base):
        if _pinned_base(key, ref):
            remote.append(ref)
        else:
            problems.append(("PGO-REMOTE-REF", key, f"{ref} is a remote reference: never fetched, folder not built",
                             None))
    top, here = os.fspath(root), os.fspath(base)
    for key, ref in refs.local_paths(data, base):
        reads_environment = reads_environment or (key.startswith(("configMapGenerator[", "secretGenerator["))
                                                  and ".envs[" in key)
        # on strings: ~4,800 paths at 300 services, where Path objects cost more than the checks themselves
        refused, real, is_dir = sandbox.check_path(top, os.path.join(here, ref))
        if refused is not None:
            problems.append((refused[0], key, f"{ref}: {refused[1]}: folder not built", None))
            continue
        name = below(top, real)
        if key.split("[", 1)[0] in _INCLUDES and is_dir:
            local.append(name)
        else:
            files.append(name)
    return Kustomization(rel, data.get("kind") == "Component", local, remote, files, problems, _rel(root, file),
                         reads_environment=reads_environment)


def _pinned_base(key: str, ref: str) -> bool:
    """A remote kustomize base pinned to a release: an https URL with ``?ref=`` in resources/bases/components.

    The one remote reference a generated repository holds (the Argo CD install): reported as ``PGO-REMOTE-BASE``
    (info) with its local files checked. Everything else remote is a ``PGO-REMOTE-REF`` error.
    """
    return key.split("[", 1)[0] in _INCLUDES and ref.startswith("https://") and "?ref=" in ref and "\n" not in ref


def charts(root: Path) -> list[str]:
    """Every chart folder below ``root``; subcharts render with their parent, so none below a chart."""
    return sorted(_rel(root, here) for here, _dirnames, filenames
                  in walk(root, leaf=lambda _here, files: "Chart.yaml" in files) if "Chart.yaml" in filenames)


# ---- the include graph ------------------------------------------------------------------------------------
def closure(ks: Kustomizations, rel: str) -> set[str]:
    """Every local kustomization folder ``rel`` includes, transitively (itself too)."""
    seen: set[str] = set()
    stack = [rel]
    while stack:
        cur = stack.pop()
        if cur in seen:
            continue
        seen.add(cur)
        k = ks.get(cur)
        if k:
            stack.extend(k.local_refs)
    return seen


def needs_network(ks: Kustomizations, rel: str) -> bool:
    """True when ``rel`` or a kustomization it includes pulls a remote base."""
    return any(ks[r].remote_refs for r in closure(ks, rel) if r in ks)


def blocked_by(ks: Kustomizations, rel: str) -> list[str]:
    """Kustomizations in ``rel``'s closure that must not be built (remote reference, outside the root …)."""
    return sorted(r for r in closure(ks, rel) if r in ks and ks[r].problems)


def roots(ks: Kustomizations) -> list[str]:
    """Kustomizations no buildable one includes: a folder included only by an unbuildable one is built alone."""
    included: set[str] = set()
    for rel, k in ks.items():
        if not needs_network(ks, rel) and not blocked_by(ks, rel):
            included.update(k.local_refs)
    return sorted(rel for rel, k in ks.items() if rel not in included and not k.is_component and not k.hidden)


# ---- batches ----------------------------------------------------------------------------------------------
def weight(root: Path, ks: Kustomizations, folders: set[str]) -> int:
    """Bytes of the resource files a build of these folders (a closure) reads."""
    total = 0
    for rel in folders:
        k = ks.get(rel)
        for f in k.local_files if k else []:
            with contextlib.suppress(OSError):  # a missing file fails the build, which reports it
                total += (root / f).stat().st_size
    return total


def batches(root: Path, ks: Kustomizations, rels: list[str], workers: int) -> list[list[str]]:
    """Pack folders into batches whose kustomization closures are pairwise disjoint.

    One ``kustomize build`` of a synthetic kustomization listing a batch costs a fraction of one process
    per folder (process start-up dominates small overlays). Disjoint closures keep overlays of one base
    apart: without a ``namespace:`` they emit the same object ids, which kustomize refuses in one build
    (the batch would fall back to one process per folder).
    """
    if not rels:
        return []
    # as few processes as keep every core busy: kubectl's start-up (~70 ms) costs more than three small
    # overlays, and the pool runs more batches than cores anyway
    cap = max(1, min(BATCH_MAX, -(-len(rels) // max(1, workers // 2))))
    packed: list[tuple[list[str], set[str], list[int]]] = []
    for rel in rels:
        inside = closure(ks, rel)
        size = weight(root, ks, inside)
        fits = [b for b in packed if len(b[0]) < cap and not (b[1] & inside) and b[2][0] + size <= BATCH_BYTES]
        if fits:  # the emptiest one keeps batches even, so no core idles behind one long build
            members, used, total = min(fits, key=lambda b: len(b[0]))
            members.append(rel)
            used |= inside
            total[0] += size
        else:
            packed.append(([rel], set(inside), [size]))
    return [members for members, _, _ in packed]


def chart_batches(charts: list[str], workers: int) -> list[list[str]]:
    """One renderer process per batch of charts: its start-up (~0.3 CPU-s) costs more than a chart."""
    size = max(1, -(-len(charts) // max(1, workers // 2)))
    return [charts[i:i + size] for i in range(0, len(charts), size)]


def chart_refusal(root: Path, chart: str) -> tuple[str, str] | None:
    """``(check id, message)`` when a chart must not be rendered: a symlink leaving the root, a FIFO or a
    device (Helm's loader would open it), or more bytes than one build may read."""
    folder = root / chart
    bad = sandbox.escapes(root, folder)
    if bad or not sandbox.inside(root, folder):
        check = "PGO-OUTSIDE-ROOT" if any(not sandbox.inside(root, root / b) for b in bad) or not bad \
            else "PGO-INPUT-LIMIT"
        return check, ("chart not rendered: " + ", ".join(bad or [chart])
                       + " leave(s) the repository root or is not a regular file or folder")
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    if size > sandbox.MAX_BUILD_BYTES:
        return "PGO-INPUT-LIMIT", f"chart not rendered: {size} bytes, above the {sandbox.MAX_BUILD_BYTES}-byte limit"
    return None
