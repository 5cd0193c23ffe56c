"""Reading plain YAML into objects: Argo CD directory sources, loose manifests outside every kustomization and
chart, and the local files of a kustomization that pulls a pinned remote base (never built offline).

:class:`PlainYaml` is a part of :class:`.render.Renderer`: it reads and writes the run's findings and build
errors, so a refused or unreadable file is reported once, in the order the walk meets it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from . import plan, sandbox
from .findings import Finding, finding, finding_t
from .objects import Obj, parse
from .plan import KUSTOMIZATION_FILES, Kustomization
from .run import one_line
from .tree import below, lexical, walk


def could_hold_object(text: str) -> bool:
    """False when no YAML document in ``text`` can be a Kubernetes object, without parsing it.

    An object needs an ``apiVersion`` key, and YAML can spell that key without those letters only through a
    double-quoted escape (a backslash). A 300-service repository holds ~900 promtool test files (7 MB) beside
    its manifests: parsing them cost ~3 s of a `validate --changed` that needs none of them.
    """
    return "apiVersion" in text or "\\" in text


class PlainYaml:
    root: Path
    kustomizations: dict[str, Kustomization]
    built: dict[str, list[Obj]]
    build_errors: dict[str, str]
    findings: list[Finding]

    def _problem(self, check: str, where: str, message: str) -> None:
        f = finding(check, where, message)
        if f not in self.findings:
            self.findings.append(f)

    def _refused(self, exc: sandbox.Refused, where: str) -> None:
        """The finding of a file :mod:`.sandbox` would not read, in the catalogue's words."""
        f = finding_t(exc.check, where, msg=exc.msg, **exc.params)
        if f not in self.findings:
            self.findings.append(f)

    def _load_remote_kustomization(self, rel: str) -> None:
        k = self.kustomizations[rel]
        objs: list[Obj] = []
        for f in k.local_files:
            try:
                objs.extend(parse(sandbox.read_text(self.root, self.root / f), f))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, sandbox.Refused) as exc:
                self.build_errors[rel] = f"{f}: {one_line(str(exc))}"
                self.findings.append(finding("PGO-BUILD", rel, self.build_errors[rel]))
                return
        self.built[rel] = objs
        remote = sorted({r for inc in plan.closure(self.kustomizations, rel) if inc in self.kustomizations
                         for r in self.kustomizations[inc].remote_refs})
        self.findings.append(finding("PGO-REMOTE-BASE", rel, ", ".join(remote)))


    # ---- plain YAML (Argo CD directory sources and loose manifests) -------------------------------
    def load_directory(self, rel: str, *, recurse: bool = False) -> list[Obj]:
        folder = self.root / rel
        if not sandbox.inside(self.root, folder):
            self.build_errors[rel] = "resolves outside the repository root: not read"
            self._problem("PGO-OUTSIDE-ROOT", rel, self.build_errors[rel])
            return []
        objs: list[Obj] = []
        for here, _dirnames, filenames in walk(folder, skip_hidden=False, recurse=recurse):
            for name in sorted(filenames):
                f = here / name
                if f.suffix in (".yaml", ".yml", ".json") and name not in KUSTOMIZATION_FILES:
                    objs.extend(self.load_file(f))
        return objs

    def load_file(self, f: Path) -> list[Obj]:
        rel = lexical(self.root, f)
        try:
            return parse(sandbox.read_text(self.root, f), rel)
        except sandbox.Refused as exc:
            self._refused(exc, rel)
            return []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            self.findings.append(finding("PGO-BUILD", rel, f"unreadable manifest: {one_line(str(exc))}"))
            return []

    def loose_manifests(self) -> list[Obj]:
        """Kubernetes objects in YAML files outside every kustomization and chart (e.g. a plain bootstrap/)."""
        owned = set(self.kustomizations) | set(plan.charts(self.root))
        objs: list[Obj] = []
        top = os.fspath(self.root)
        # the walk enters no symlinked folder and stays below the (resolved) root, so a folder's lexical path there
        # is its real one: named on strings
        def skip(here: Path, _files: list[str]) -> bool:
            return below(top, os.fspath(here)) in owned

        for here, _dirnames, filenames in walk(self.root, skip=skip):
            prefix = "" if (folder := below(top, os.fspath(here))) == "." else f"{folder}/"
            for name in sorted(filenames):
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    where = prefix + name
                    try:
                        text = sandbox.read_text(self.root, os.path.join(here, name))
                        docs = parse(text, where) if could_hold_object(text) else []
                    except sandbox.Refused as exc:
                        self._refused(exc, where)
                        continue
                    except (OSError, UnicodeDecodeError, yaml.YAMLError):
                        continue  # not a manifest (docs data, drill records …): not ours to judge
                    objs.extend(docs)
        return objs
