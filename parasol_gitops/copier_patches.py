"""Every patch of Copier's internals lives here: the speed-ups of ``new`` (:func:`copy_speedups`) and of
``update`` (:func:`update_speedups`), and the refusal of answers to questions the template does not ask
(:func:`reject_unknown_questions`). Nothing else in the package touches Copier's private names.

All patches hold for one copy or update only. When a Copier release renames what they patch, the commands run
unpatched (slower, same output), so those internals are listed in :data:`INTERNALS` and
``tests/test_copier_internals.py`` fails on a Copier upgrade that changes any of them.

``update``: Copier's update renders the template three times (``copier/_main.py``, ``Worker._apply_update``;
bench/bench_update.py measures it against bare Copier):

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

On top of that the speed-ups of ``new`` apply to every render, and Copier's per-file ``git config
core.fileMode`` call in the destination runs once: when the destination's ``core.fileMode`` is not ``false``,
Copier's own sync of the executable bit into the index is a no-op for every file, so it is skipped; when it is
``false``, Copier's method runs unchanged. The temporary copies are in no git index, so the sync is skipped there
too.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import git

NEW_COPY_PREFIX = "copier._main.new_copy."

# What the patches rely on, checked against the installed Copier by :func:`missing_internals`:
# (module, class, name) → the parameter names of a method the patches call or replace, or None for an attribute
# they read (a property or a dataclass field).
INTERNALS: dict[tuple[str, str, str], tuple[str, ...] | None] = {
    ("copier._jinja_ext", "SandboxedEnvironment", "from_string"): ("self", "source", "globals", "template_class"),
    # a cache hit calls env.preprocess so that the yield extension resets its state as a compile would
    ("copier._jinja_ext", "YieldExtension", "preprocess"): ("self", "source", "name", "filename"),
    ("copier._main", "Worker", "_sync_git_index_executable_bit"): ("self", "dst_relpath", "src_mode"),
    ("copier._main", "Worker", "_render_template"): ("self",),
    ("copier._main", "Worker", "_render_allowed"): (
        "self", "dst_relpath", "is_dir", "is_symlink", "expected_contents", "expected_mode"),
    ("copier._main", "Worker", "run_copy"): ("self",),
    ("copier._main", "Worker", "run_update"): ("self",),
}
# ... and the attributes they read, by class
INTERNALS.update({(module, cls, name): None for module, cls, names in (
    ("copier._main", "Worker", ("jinja_env", "subproject", "template", "template_copy_root", "answers", "data",
                                "dst_path")),
    ("copier._user_data", "AnswersMap", ("combined", "hidden")),
    ("copier._template", "Template", ("url", "commit", "questions_data")),
    ("copier._subproject", "Subproject", ("local_abspath",)),
) for name in names})


def missing_internals() -> list[str]:
    """What :data:`INTERNALS` names that the installed Copier lacks or spells differently (empty: all there)."""
    import dataclasses
    import importlib
    import inspect

    problems: list[str] = []
    for (module_name, class_name, name), params in INTERNALS.items():
        where = f"{module_name}.{class_name}.{name}"
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            problems.append(f"{where}: no {module_name}.{class_name}")
            continue
        fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        if name not in fields and not hasattr(cls, name):
            problems.append(f"{where}: missing")
        elif params is not None and tuple(inspect.signature(getattr(cls, name)).parameters) != params:
            problems.append(f"{where}: parameters {tuple(inspect.signature(getattr(cls, name)).parameters)}")
    from copier import _main

    # the bytecode cache is installed by wrapping this cached property's factory
    if not isinstance(_main.Worker.__dict__.get("jinja_env"), functools.cached_property):
        problems.append("copier._main.Worker.jinja_env: not a functools.cached_property")
    # the replay recognises render 3 by the prefix of its temporary folder
    if not (NEW_COPY_PREFIX.startswith(f"{_main.__name__}.")
            and 'prefix=f"{__name__}.new_copy."' in inspect.getsource(_main.Worker._apply_update)):
        problems.append(f"copier._main.Worker._apply_update: no temporary folder named {NEW_COPY_PREFIX}*")
    return problems


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
    try:
        from copier import _main
        from copier._user_data import AnswersMap  # noqa: F401  (proves the update internals are the known ones)

        worker_cls = _main.Worker
        originals = {name: worker_cls.__dict__[name] for name in
                     ("_render_template", "_render_allowed", "_sync_git_index_executable_bit")}
    except (ImportError, AttributeError, KeyError):
        with copy_speedups():
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
        return bool(
            originals["_render_allowed"](worker, dst_relpath, is_dir, is_symlink, expected_contents, expected_mode)
        )

    def sync_exec_bit(worker: Any, dst_relpath: Path, src_mode: int) -> None:
        if not is_dest(worker):
            return  # a temporary copy: in no git index, Copier's sync would find nothing to do
        root = str(dest)
        if root not in file_mode_false:
            out = git.run(dest, "config", "--type=bool", "core.fileMode", check=False)
            file_mode_false[root] = out.stdout.strip() == "false"
        if file_mode_false[root]:
            originals["_sync_git_index_executable_bit"](worker, dst_relpath, src_mode)

    patches = {"_render_template": render_template, "_render_allowed": render_allowed,
               "_sync_git_index_executable_bit": sync_exec_bit}
    with ExitStack() as stack:
        stack.enter_context(copy_speedups())
        # copy_speedups replaced the sync with a no-op for copies; the destination of an update needs the
        # conditional one above, so these go on top and come off first
        saved = {name: worker_cls.__dict__.get(name) for name in patches}
        for name, value in patches.items():
            setattr(worker_cls, name, value)
        try:
            yield
        finally:
            for name, original in saved.items():
                setattr(worker_cls, name, original)


@contextmanager
def reject_unknown_questions(data: Mapping[str, Any], where: str) -> Iterator[None]:
    """While active, the first (outermost) Copier run checks ``data`` against the questions of the template version
    it is about to render, before anything is written (an update's inner renders replay recorded answers, which
    may name questions an older version had)."""
    from .answer_names import check

    keys = dict(data)
    if not keys:
        yield
        return
    try:
        from copier import _main

        worker_cls = _main.Worker
        originals = {name: worker_cls.__dict__[name] for name in ("run_copy", "run_update")}
    except (ImportError, AttributeError, KeyError):
        yield
        return
    done: list[bool] = []

    def guarded(name: str) -> Any:
        def run(worker: Any, *args: Any, **kwargs: Any) -> Any:
            if not done:
                done.append(True)
                check(keys, worker.template.questions_data, where)
            return originals[name](worker, *args, **kwargs)

        return run

    for name in originals:
        setattr(worker_cls, name, guarded(name))
    try:
        yield
    finally:
        for name, value in originals.items():
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


@contextmanager
def copy_speedups() -> Iterator[None]:
    """Drop three per-file costs of Copier that a copy into a new staging folder does not need (bench/run.py
    measures them; at 100 services they were about half of ``new``'s time):

    - Copier renders every part of every destination path with ``jinja_env.from_string``, which compiles the
      string anew each time (thousands of identical compiles: ``base``, ``kustomization.yaml``, the yield tags).
      Compiled templates are cached per environment here. A cache hit still runs the environment's
      ``preprocess`` hooks, because that is where Copier's yield extension resets its state when it compiles;
      rendering then sets it exactly as before, so ``{% yield %}`` paths expand as without the cache.
    - After writing each file Copier runs ``git config core.fileMode`` (and, where that is false,
      ``git ls-files``) in the destination to copy the executable bit into the destination's git index. The
      staging folder is new, so none of its files is in any index and that sync is a no-op: skipped.

    - Copier compiles each of the template's ~180 files for every copy (about a third of ``new`` at 10
      services). Jinja's own bytecode cache keeps the compiled code in ``$XDG_CACHE_HOME/parasol-gitops/jinja``:
      Jinja keys each entry by template name and source checksum, and the folder name hashes everything else
      compiled code depends on (Jinja, Copier and Python versions, environment class, extensions, syntax
      options), so an edited template or another configuration never sees stale code.

    ``update`` applies these too, under its own patches (:func:`update_speedups`).
    """
    try:
        from copier import _jinja_ext, _main

        env_cls = _jinja_ext.SandboxedEnvironment
        worker_cls = _main.Worker
        compile_string = env_cls.from_string
    except (ImportError, AttributeError):
        yield
        return
    # Keyed by the environment itself (not id()): it stays alive until the copy ends, so no id is reused.
    caches: dict[Any, dict[str, Any]] = {}

    def from_string(env: Any, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return compile_string(env, source, globals, template_class)
        cache = caches.setdefault(env, {})
        template = cache.get(source)
        if template is not None:
            env.preprocess(source)
            return template
        bcc = env.bytecode_cache
        if bcc is None:
            template = cache[source] = compile_string(env, source)
            return template
        # a path part seen in an earlier run: its compiled code comes from the bytecode cache
        bucket = bcc.get_bucket(env, f"<path>/{hashlib.sha256(source.encode()).hexdigest()}", None, source)
        if bucket.code is None:
            bucket.code = env.compile(source)
            bcc.set_bucket(bucket)
        else:
            env.preprocess(source)
        template = cache[source] = env.template_class.from_code(env, bucket.code, env.make_globals(None), None)
        return template

    patches: list[tuple[type, str, Any]] = [(env_cls, "from_string", from_string)]
    jinja_env = worker_cls.__dict__.get("jinja_env")
    if isinstance(jinja_env, functools.cached_property):
        def with_bytecode_cache(worker: Any, _make: Any = jinja_env.func) -> Any:
            from .jinja_cache import bytecode_cache

            env = _make(worker)
            env.bytecode_cache = bytecode_cache(env)
            return env

        cached = functools.cached_property(with_bytecode_cache)
        cached.__set_name__(worker_cls, "jinja_env")
        patches.append((worker_cls, "jinja_env", cached))
    if hasattr(worker_cls, "_sync_git_index_executable_bit"):
        patches.append((worker_cls, "_sync_git_index_executable_bit", lambda *_args, **_kwargs: None))
    saved = [(cls, name, cls.__dict__.get(name)) for cls, name, _ in patches]
    try:
        for cls, name, value in patches:
            setattr(cls, name, value)
        yield
    finally:
        for cls, name, value in saved:
            if value is None:
                delattr(cls, name)
            else:
                setattr(cls, name, value)
