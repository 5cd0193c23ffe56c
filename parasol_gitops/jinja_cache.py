"""A Jinja bytecode cache for the template's compiled code, kept between runs in
``$XDG_CACHE_HOME/parasol-gitops/jinja``. Only Jinja's public cache API and Copier's version: the patch that
installs it on Copier's environment is :func:`parasol_gitops.copier_patches.copy_speedups`.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any


def bytecode_cache(env: Any) -> Any:
    """A Jinja bytecode cache for ``env`` whose folder is specific to how ``env`` compiles; a cache that cannot
    be read or written (read-only home, full disk) only costs the compile it would have saved."""
    import sys

    import copier
    import jinja2
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    from .fsutil import cache_dir

    class QuietCache(FileSystemBytecodeCache):
        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            # Copier renders from a fresh clone of the template each run: the absolute filename changes,
            # the name and (checked by Jinja) the source checksum do not
            return super().get_cache_key(name, None)

        def load_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                Path(self.directory).mkdir(parents=True, exist_ok=True)
                super().dump_bytecode(bucket)

    syntax = [getattr(env, name, None) for name in (
        "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
        "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
        "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "autoescape",
        "enable_async", "sandboxed")]
    undefined = getattr(env, "undefined", None)
    key = repr((jinja2.__version__, getattr(copier, "__version__", ""), sys.version, type(env).__qualname__,
                sorted(env.extensions), syntax, getattr(undefined, "__qualname__", repr(undefined))))
    return QuietCache(str(cache_dir("jinja") / hashlib.sha256(key.encode()).hexdigest()[:16]))
