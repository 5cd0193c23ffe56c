"""Create and upgrade GitOps repositories from the Copier template, through Copier's Python API.

Three entry points (the ``new``/``update`` commands and the Parasol ``platform`` command use them):

- :func:`copy` renders the template into a staging folder beside ``dest``, checks the answers against
  :class:`~parasol_gitops.spec.PlatformSpec`, synthesizes the CI files from the rendered ``pipeline.yaml``
  and only then moves the whole tree into ``dest`` — a bad answer leaves nothing behind.
- :func:`update` runs ``copier update`` (inline conflict markers, recorded as unmerged index entries)
  and re-synthesizes the CI files, both in a staging clone whose changes are moved in at the end under a journal
  (:mod:`parasol_gitops.staging`), so an interrupted update leaves the project as it was. Copier returns
  normally even when conflicts remain, so this returns the conflicted files and the caller decides (exit 1).
- :func:`render` renders exactly what :func:`copy` writes into a new folder and returns nothing: used for
  partial regeneration (the Parasol ``platform infra|cicd|monitoring`` commands) and benchmarks.

The CI files are not part of the template: they are the output of the pipeline synthesizer, run on the
rendered ``pipeline.yaml``. That keeps the template free of Jinja extensions and tasks (no ``--trust``),
and ``copier update`` never sees them, so a regenerated workflow never conflicts with itself.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from . import git, messages, yamlio
from .errors import InputError

ANSWERS_FILE = ".copier-answers.yml"
PIPELINE_FILE = "pipeline.yaml"
# Inline markers that Copier's 3-way merge leaves (see copier/_main.py, conflict == "inline").
CONFLICT_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")


def bundled_template() -> str:
    """The folder holding ``copier.yml`` that ships with this package: the source checkout, or the copy bundled
    into an installed package (see :mod:`parasol_gitops.resources`)."""
    from . import resources

    root = resources.template_root()
    if not resources.has_template(root):
        raise InputError(messages.t("template.scaffold.no_bundled_template", path=str(root)))
    return str(root)


def load_data_file(path: Path) -> dict[str, Any]:
    """Answers from a YAML file (a mapping of question name → answer) as plain data."""
    data = yamlio.load_data_file(path)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InputError(messages.t("template.scaffold.data_file_not_mapping", path=str(path)))
    return cast(dict[str, Any], yamlio.plain(data))


def copy(
    dest: Path,
    data: Mapping[str, Any] | None = None,
    *,
    src: str | None = None,
    vcs_ref: str | None = None,
    defaults: bool = True,
    data_file: Path | None = None,
) -> list[str]:
    """Render the template into the new folder ``dest``; returns the written files (sorted, POSIX, relative)."""
    from .fsutil import checkpoint, os_errors, owned_tempdir_for_process, sweep_stale
    from .staging import interruptible

    dest = Path(dest)
    _require_new_folder(dest)
    answers = _merge_data(data, data_file)
    sweep_stale(dest.resolve().parent)
    with interruptible(), os_errors(dest), owned_tempdir_for_process(), _staging(dest) as staging:
        _render_into(staging, answers, src=src, vcs_ref=vcs_ref, defaults=defaults, shown=dest)
        files = _list_files(staging)
        checkpoint("new-rendered")
        _move_in(staging, dest)
    return files


def render(dest: Path, data: Mapping[str, Any], *, src: str | None = None, vcs_ref: str | None = None) -> None:
    """Render into the new folder ``dest`` exactly as :func:`copy` does (answers, CI files), no git needed."""
    copy(dest, data, src=src, vcs_ref=vcs_ref, defaults=True)


def update(
    dest: Path,
    data: Mapping[str, Any] | None = None,
    *,
    vcs_ref: str | None = None,
    data_file: Path | None = None,
    template: str | None = None,
) -> list[str]:
    """``copier update`` of ``dest`` (a clean git work tree); returns the sorted conflicted files. ``template``
    replaces the template source recorded in the answers (committed on its own first)."""
    dest = Path(dest).resolve()
    if not dest.is_dir():
        raise InputError(messages.t("template.scaffold.update_not_found", path=str(dest)))
    if not (dest / ANSWERS_FILE).is_file():
        raise InputError(messages.t("template.scaffold.update_no_answers", path=str(dest), answers=ANSWERS_FILE))
    top = git.run(dest, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0:
        raise InputError(
            messages.t("template.scaffold.update_not_git", path=str(dest)),
            hint=messages.t("template.scaffold.update_not_git_hint"),
        )
    answers = _merge_data(data, data_file)
    return _staged_update(dest, answers, vcs_ref, template)


def _staged_update(dest: Path, answers: dict[str, Any], vcs_ref: str | None, template: str | None) -> list[str]:
    """Copier's update in a staging clone, moved in at the end (see :mod:`parasol_gitops.staging`): an
    interrupted update leaves the project as it was."""
    import click

    from . import staging
    from .fsutil import os_errors, owned_tempdir_for_process

    def run(work: Path) -> list[str]:
        import copier

        from .copier_patches import reject_unknown_questions, update_speedups

        # The speed-ups key on the folder Copier updates: the staging clone's copy of the project, not ``dest``.
        with (_copier_errors(hints={"Unknown revision": messages.t("template.scaffold.update_unknown_commit")}),
              update_speedups(work), reject_unknown_questions(answers, "--data/--data-file")):
            copier.run_update(
                str(work),
                data=_with_language(answers),
                defaults=True,
                overwrite=True,
                skip_answered=True,
                conflict="inline",
                vcs_ref=vcs_ref,
                quiet=True,
                unsafe=False,
            )
        conflicts = conflicted_files(work)
        if PIPELINE_FILE not in conflicts:
            _check_spec(work, shown=dest)
            _write_ci(work, prune_other_targets=True, shown=dest)
        return conflicts

    repo = staging.locate(dest)
    with staging.interruptible(), staging.update_lock(repo) as notes:
        for note in notes:
            click.echo(note, err=True)
        _require_clean(dest)
        from . import template_cache

        recorded = yamlio.load_data_file(dest / ANSWERS_FILE, display=ANSWERS_FILE) or {}
        vcs_ref = template_cache.prepare_update(dest, recorded, vcs_ref, template)
        with os_errors(dest), owned_tempdir_for_process():
            return staging.staged_update(repo, run)


def _require_clean(dest: Path) -> None:
    status = git.run(dest, "status", "--porcelain", "--untracked-files=all", "--", ".").stdout
    dirty = [line for line in status.splitlines() if line.strip()]
    if dirty:
        first = dirty[0][3:]  # porcelain: two status columns and a space, then the path
        raise InputError(
            messages.t("template.scaffold.update_dirty", path=str(dest), file=first),
            hint=messages.t("template.scaffold.update_dirty_hint"),
        )


def conflicted_files(dest: Path) -> list[str]:
    """Unmerged index entries, ``*.rej`` files and files still holding Copier's conflict markers."""
    dest = Path(dest).resolve()
    found: set[str] = set()
    # -z: paths relative to dest, unquoted (git quotes non-ASCII names otherwise)
    for entry in git.run(dest, "ls-files", "-u", "-z", "--", ".").stdout.split("\0"):
        if "\t" in entry:
            found.add(entry.split("\t", 1)[1])
    for rej in dest.rglob("*.rej"):
        if ".git" not in rej.relative_to(dest).parts:
            found.add(rej.relative_to(dest).as_posix())
    for rel in git.run(dest, "ls-files", "-m", "-o", "--exclude-standard", "-z", "--", ".").stdout.split("\0"):
        if rel and (dest / rel).is_file() and _has_markers(dest / rel):
            found.add(rel)
    return sorted(found)


# --- internals ---------------------------------------------------------------------------------


def _render_into(
    target: Path, answers: Mapping[str, Any], *, src: str | None, vcs_ref: str | None, defaults: bool,
    shown: Path | None = None,
) -> None:
    import copier

    from . import resources, template_cache

    if src is None and resources.is_installed():
        # An installed package: its template as a tagged commit in the local template repository, so that
        # `update` later finds this version again (see template_cache).
        src, tag = template_cache.materialise()
        vcs_ref = vcs_ref or tag
    elif src is None:
        src = bundled_template()
        # The bundled template is this checkout: render what is on disk, not the latest tag.
        vcs_ref = vcs_ref or "HEAD"
    else:
        src = template_cache.absolute_source(src)
    from . import copier_patches

    with (_copier_errors(), copier_patches.copy_speedups(),
          copier_patches.reject_unknown_questions(answers, "--data/--data-file")):
        copier.run_copy(
            src,
            str(target),
            data=_with_language(answers),
            defaults=defaults,
            vcs_ref=vcs_ref,
            quiet=True,
            unsafe=False,
            overwrite=True,
        )
    _check_spec(target, shown=shown)
    _write_ci(target, prune_other_targets=False, shown=shown)


def _shown(root: Path | None, rel: str) -> str:
    """How a file of the rendered repository is named in messages: under the user's folder, never under the
    staging folder it was rendered into."""
    return rel if root is None else str(Path(root) / rel)


def _check_spec(root: Path, *, shown: Path | None = None) -> None:
    """The answers Copier accepted must also be a valid platform spec (calls to unknown services …)."""
    from .spec import PlatformSpec

    answers = yamlio.load_data_file(root / ANSWERS_FILE, display=_shown(shown, ANSWERS_FILE))
    PlatformSpec.from_answers(yamlio.plain(answers or {}), source=_shown(shown, ANSWERS_FILE))


def _write_ci(root: Path, *, prune_other_targets: bool, shown: Path | None = None) -> list[str]:
    """Synthesize the CI files for the answered ``ci_target`` from the rendered ``pipeline.yaml``."""
    spec_path = root / PIPELINE_FILE
    if not spec_path.is_file():
        return []
    from .fsutil import write_files
    from .pipeline import TARGETS, files_for_target, load_spec, synthesize

    answers = yamlio.load_data_file(root / ANSWERS_FILE, display=_shown(shown, ANSWERS_FILE)) or {}
    target = str(answers.get("ci_target", "github"))
    targets = list(TARGETS) if target == "both" else [target]
    spec = load_spec(spec_path, display=_shown(shown, PIPELINE_FILE))
    files: dict[str, str] = {}
    for name in targets:
        files.update(synthesize(spec, name, source=_shown(shown, PIPELINE_FILE)))
    write_files(root, files)
    if prune_other_targets:
        # ci_target was re-answered (github → gitlab): the other system's generated files are stale now.
        for name in set(TARGETS) - set(targets):
            for rel in files_for_target(name):
                (root / rel).unlink(missing_ok=True)
    return sorted(files)


def _merge_data(data: Mapping[str, Any] | None, data_file: Path | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    if data_file is not None:
        merged.update(load_data_file(Path(data_file)))
    merged.update(yamlio.plain(data or {}))
    # Copier's own bookkeeping keys in an answers file passed as data would confuse it.
    return {k: v for k, v in merged.items() if not str(k).startswith("_")}


def _require_new_folder(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(
            messages.t("template.scaffold.dest_not_empty", path=str(dest)),
            hint=messages.t("template.scaffold.dest_not_empty_hint"),
        )


@contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    parent = dest.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=_owned_prefix(dest.name, "render"), dir=parent))
    try:
        yield root / "repo"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _owned_prefix(name: str, kind: str) -> str:
    from .fsutil import owned_prefix

    return owned_prefix(name, kind)


def _move_in(staging: Path, dest: Path) -> None:
    if dest.is_dir():
        dest.rmdir()  # checked empty by _require_new_folder
    os.replace(staging, dest)


def _list_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


def _has_markers(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return any(line.rstrip() in CONFLICT_MARKERS for line in fh)
    except OSError:
        return False


@contextmanager
def _copier_errors(hints: Mapping[str, str] | None = None) -> Iterator[None]:
    """Copier's validation and user errors as one-line :class:`InputError` (with a hint when a known message
    fragment appears); its warnings stay quiet."""
    import jinja2.exceptions
    from copier.errors import CopierAnswersInterrupt, CopierError

    with warnings.catch_warnings():
        # DirtyLocalWarning etc.: the bundled template is a working tree on purpose.
        warnings.simplefilter("ignore")
        try:
            yield
        except CopierAnswersInterrupt:
            raise InputError(messages.t("template.scaffold.interrupted")) from None
        except jinja2.exceptions.TemplateNotFound as exc:
            # an untrusted template including "/etc/x" or "../x": Copier's loader only serves the template's files
            raise InputError(messages.t("template.unsafe_path", problem=_one_line(str(exc)))) from None
        except jinja2.exceptions.SecurityError as exc:
            raise InputError(messages.t("template.sandbox", problem=_one_line(str(exc)))) from None
        except jinja2.exceptions.TemplateError as exc:
            # UndefinedError and friends: an answer the template cannot render (a service named "123")
            problem = f"{type(exc).__name__}: {_one_line(str(exc))}"
            raise InputError(messages.t("template.error", problem=problem)) from None
        except (ValueError, CopierError) as exc:
            text = _answer_problem(_one_line(str(exc)))
            hint = next((h for fragment, h in (hints or {}).items() if fragment in text), None)
            raise InputError(text, hint=hint) from None


def _with_language(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers plus the hidden ``ui_language``, so that copier.yml's validators speak the user's language.
    Added after the unknown-question check (the user did not type it); Copier neither asks nor records it, and a
    template version without the question ignores it."""
    return {"ui_language": messages.detect_language(), **answers}


# Copier's own wording around a validator's message (copier/_user_data.py): the question and the message are
# kept, the frame is the catalogue's.
_VALIDATION = re.compile(r"Validation error for question '(?P<question>[^']+)': (?P<problem>.*)", re.S)
_CHOICE = re.compile(r"Invalid choice for '(?P<question>[^']+)': (?P<value>.*) is not in (?P<choices>\[.*\])", re.S)


def _answer_problem(text: str) -> str:
    if found := _VALIDATION.fullmatch(text):
        return messages.t("answer.invalid_answer", question=found["question"], problem=found["problem"])
    if found := _CHOICE.fullmatch(text):
        return messages.t("template.scaffold.invalid_choice", question=found["question"], value=found["value"],
                          choices=found["choices"])
    return text


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
