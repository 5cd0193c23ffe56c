"""Make ``copier update`` cost what ``new`` costs (bench/bench_update.py measures it against bare Copier).

Copier's update renders the template three times (``copier/_main.py``, ``Worker._apply_update``):

1. the *old* version with the last answers into a temporary ``old_copy`` (the merge base);
2. the *new* version with the new answers into the real destination (overwriting every generated file);
3. the *new* version with the same answers again into a temporary ``new_copy``, only to have a clean "theirs"
   for the 3-way merge of rejected hunks and the added-in-both check.

Renders 2 and 3 are the same template version with the same answers, so their files are byte-identical.
:func:`update_speedups` records what render 2 produced (the exact bytes and mode Copier hands to
``_render_allowed`` before writing) and writes render 3 from that record instead of rendering again. It replays
only when the third worker's template URL, commit and data are what the second worker rendered with, and never
for a template whose files read ``_copier_conf.dst_path`` (the one input that differs between the two);
otherwise Copier renders as usual.

On top of that the speed-ups of ``new`` (:func:`parasol_gitops.scaffold._copy_speedups`: compiled path parts
cached, Jinja bytecode cache) apply to every render, and Copier's per-file ``git config core.fileMode`` call
in the destination runs once: when the destination's ``core.fileMode`` is not ``false``, Copier's own sync of
the executable bit into the index is a no-op for every file, so it is skipped; when it is ``false``, Copier's
method runs unchanged. The temporary copies are in no git index, so the sync is skipped there too.

All patches hold for the duration of one update and are removed afterwards. When a Copier release renames the
internals patched here, the update runs unpatched: slower, same result.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NEW_COPY_PREFIX = "copier._main.new_copy."


@dataclass
class _Record:
    """What the render into the destination produced: (relative path, is_dir, contents, mode) in order."""

    url: str | None = None
    commit: str | None = None
    data: dict[str, Any] | None = None
    entries: list[tuple[Path, bool, bytes, int | None]] = field(default_factory=list)
    usable: bool = True


@contextmanager
def update_speedups(dest: Path) -> Iterator[None]:
    """Patch Copier for one ``run_update`` of ``dest`` (the subproject folder, resolved)."""
    from .scaffold import _copy_speedups

    try:
        from copier import _main
        from copier._user_data import AnswersMap  # noqa: F401  (proves the update internals are the known ones)

        worker_cls = _main.Worker
        originals = {name: worker_cls.__dict__[name] for name in
                     ("_render_template", "_render_allowed", "_sync_git_index_executable_bit")}
    except (ImportError, AttributeError, KeyError):
        with _copy_speedups():
            yield
        return
    dest = Path(dest).resolve()
    record = _Record()
    recording: list[Any] = []  # the worker being recorded (render 2), while it renders
    file_mode_false: dict[str, bool] = {}

    def is_dest(worker: Any) -> bool:
        try:
            return Path(worker.subproject.local_abspath).resolve() == dest
        except (AttributeError, OSError):
            return False

    def is_new_copy(worker: Any) -> bool:
        return any(part.startswith(NEW_COPY_PREFIX) for part in Path(worker.dst_path).parts)

    def render_template(worker: Any) -> None:
        if is_dest(worker):
            record.entries.clear()
            # the rendered subdirectory (``_subdirectory``), where every file and include that renders lives
            record.usable = not _reads_dst_path(Path(worker.template_copy_root))
            record.url, record.commit = worker.template.url, worker.template.commit
            recording.append(worker)
            try:
                originals["_render_template"](worker)
            finally:
                recording.remove(worker)
            record.data = _plain_answers(worker)
            return
        if is_new_copy(worker) and _replayable(worker, record):
            _replay(Path(worker.subproject.local_abspath), record)
            return
        originals["_render_template"](worker)

    def render_allowed(worker: Any, dst_relpath: Path, is_dir: bool = False, is_symlink: bool = False,
                       expected_contents: bytes | Path = b"", expected_mode: int | None = None) -> bool:
        if worker in recording:
            if is_symlink or not isinstance(expected_contents, bytes):
                record.usable = False  # symlinks are rare: not worth replaying, render them again
            else:
                record.entries.append((Path(dst_relpath), is_dir, expected_contents, expected_mode))
        return originals["_render_allowed"](worker, dst_relpath, is_dir, is_symlink, expected_contents, expected_mode)

    def sync_exec_bit(worker: Any, dst_relpath: Path, src_mode: int) -> None:
        if not is_dest(worker):
            return  # a temporary copy: in no git index, Copier's sync would find nothing to do
        root = str(dest)
        if root not in file_mode_false:
            out = subprocess.run(["git", "config", "--type=bool", "core.fileMode"], cwd=root, capture_output=True,
                                 text=True)
            file_mode_false[root] = out.stdout.strip() == "false"
        if file_mode_false[root]:
            originals["_sync_git_index_executable_bit"](worker, dst_relpath, src_mode)

    patches = {"_render_template": render_template, "_render_allowed": render_allowed,
               "_sync_git_index_executable_bit": sync_exec_bit}
    with ExitStack() as stack:
        stack.enter_context(_copy_speedups())
        # _copy_speedups replaced the sync with a no-op for copies; the destination of an update needs the
        # conditional one above, so these go on top and come off first
        saved = {name: worker_cls.__dict__.get(name) for name in patches}
        for name, value in patches.items():
            setattr(worker_cls, name, value)
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(worker_cls, name, value)


def _plain_answers(worker: Any) -> dict[str, Any] | None:
    """The answers Copier passes to the third render (``_apply_update``: combined, not hidden, no ``_`` keys)."""
    try:
        answers = worker.answers
        return {k: v for k, v in answers.combined.items()
                if isinstance(k, str) and not k.startswith("_") and k not in answers.hidden}
    except AttributeError:
        return None


def _replayable(worker: Any, record: _Record) -> bool:
    if not record.usable or record.data is None or not record.entries:
        return False
    try:
        same_template = (worker.template.url, worker.template.commit) == (record.url, record.commit)
        data = {k: v for k, v in dict(worker.data).items() if not str(k).startswith("_")}
    except AttributeError:
        return False
    return same_template and data == {k: v for k, v in record.data.items() if k in data} and set(data) <= set(
        record.data)


def _replay(root: Path, record: _Record) -> None:
    for rel, is_dir, contents, mode in record.entries:
        target = root / rel
        if is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents)
        if mode is not None and (target.stat().st_mode & 0o7777) != (mode & 0o7777):
            target.chmod(mode & 0o7777)


def _reads_dst_path(template_root: Path) -> bool:
    """Does any template file use ``dst_path``, the one input in which renders 2 and 3 differ?"""
    for folder, dirs, files in os.walk(template_root):
        dirs[:] = [d for d in dirs if d != ".git"]  # a cloned template's history is not rendered
        for name in files:
            # copier.yml's after-copy message names the destination; it is printed, never rendered to a file
            if name in ("copier.yml", "copier.yaml"):
                continue
            try:
                if b"dst_path" in Path(folder, name).read_bytes():
                    return True
            except OSError:
                return True
    return False
