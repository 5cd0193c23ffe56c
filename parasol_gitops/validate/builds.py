"""kustomize build results remembered between runs, keyed by everything the build reads.

On a pull request most kustomizations are the default branch's, byte for byte: at 300 services the three
``apps/<env>`` folders (300 Applications each) cost ~2.3 CPU-s of kustomize in every `validate --changed`.
A build's output is a function of the bytes it reads and of the kustomize binary, so its objects are kept in
``$XDG_CACHE_HOME/parasol-gitops/validate/builds/``, one file per key. The key is the SHA-256 of:

- the cache format, the kustomize command and the identity of its binary (real path, size, modification time:
  another kustomize is another key);
- the folder built (its path below the root);
- for every folder of its closure (the folder and the kustomizations it includes, transitively): the folder's
  path, the name and bytes of every file directly in it (the kustomization file, and any file a field names),
  and the path and bytes of every file its kustomization names elsewhere (:func:`.refs.local_paths`);
  a symlink counts by its target and, when that is a regular file inside the root, by its bytes.

A changed, added or removed file of the closure is another key: the folder is built again. Never remembered: a
folder not built offline (a remote base, a refused file); one whose closure reads its environment (a
generator's env file: some kustomize releases take a line without ``=`` from their environment), names a
folder in ``generators``/``transformers``/``validators`` (kustomize loads it as a kustomization the closure does
not follow) or a file above the size limit or not regular; output JSON cannot hold exactly (a date); a build
whose files no longer hash to the key taken before it (edited while kustomize read them); a failing build (it
runs every time, so its error is always kustomize's own). A cache file is checked against the SHA-256 it
carries; one that cannot be read, is damaged or cannot be written costs a build and nothing else. The checksum
guards against torn files, not against someone who can write the cache folder: that folder is as trusted as
the tool itself. A file not used for :data:`KEEP_DAYS` days is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

from ..fsutil import cache_dir, owned_prefix
from . import plan, sandbox
from .objects import Obj
from .parsed import json_exact, remove_unused

FORMAT = b"parasol-gitops kustomize build cache 1\n"


def tool_identity(command: list[str]) -> str | None:
    """The kustomize command and its binary (real path, size, mtime); None when the binary cannot be found."""
    found = shutil.which(command[0]) if command else None
    if found is None:
        return None
    real = os.path.realpath(found)
    try:
        st = os.stat(real)
    except OSError:
        return None
    return json.dumps([command, real, st.st_size, st.st_mtime_ns])


class BuildCache:
    """Build results of the kustomizations ``ks`` below ``root`` (resolved) built with ``command``."""

    def __init__(self, root: Path, command: list[str], ks: plan.Kustomizations) -> None:
        self.root = os.fspath(root)
        self.ks = ks
        self.tool = tool_identity(command)
        self.folder = cache_dir("validate") / "builds"
        self._digests: dict[str, bytes | None] = {}
        self._pruned = False
        self.hits = 0

    # ---- keys ----------------------------------------------------------------------------------------------
    def key(self, rel: str) -> str | None:
        """The key of ``rel``'s build; None when the build must not be remembered."""
        if self.tool is None:
            return None
        h = hashlib.sha256(FORMAT)
        h.update(_field(self.tool))
        h.update(_field(rel))
        for member in sorted(plan.closure(self.ks, rel)):
            k = self.ks.get(member)
            if k is not None and (k.problems or k.remote_refs or k.reads_environment):
                return None
            h.update(_field(f"folder {member}" if k is not None else f"not a kustomization {member}"))
            names = self._listing(member)
            if names is None:
                h.update(_field("missing"))
                continue
            for name in names:
                digest = self._digest(name if member == "." else f"{member}/{name}")
                if digest is None:
                    return None
                h.update(_field(name))
                h.update(_sized(digest))
            for f in sorted(k.local_files) if k is not None else []:
                digest = self._digest(f)
                # a folder named by generators/transformers/validators is loaded as a kustomization of its own,
                # outside the closure: its files are not in the key, so such a build is not remembered
                if digest is None or digest.endswith(b"folder\0"):
                    return None
                h.update(_field(f"file {f}"))
                h.update(_sized(digest))
        return h.hexdigest()

    def _listing(self, member: str) -> list[str] | None:
        """The names of the files (not folders) directly in ``member``; None when it is not a folder."""
        try:
            with os.scandir(os.path.join(self.root, member)) as it:
                return sorted(e.name for e in it if not e.is_dir(follow_symlinks=False))
        except OSError:
            return None

    def _digest(self, rel: str) -> bytes | None:
        """What one path holds, for the key; None when it is not remembered at all (too large)."""
        if rel not in self._digests:
            self._digests[rel] = self._read(os.path.join(self.root, rel))
        return self._digests[rel]

    def _read(self, path: str) -> bytes | None:
        try:
            st = os.lstat(path)
        except OSError:
            return b"absent\0"
        head = b""
        if stat.S_ISLNK(st.st_mode):
            try:
                head = b"link " + os.fsencode(os.readlink(path)) + b"\0"
            except OSError:
                return b"unreadable link\0"
            if not sandbox.inside(Path(self.root), Path(path)):
                return head + b"outside\0"
        try:
            data = sandbox.read_regular(path)  # never blocks on a FIFO, never reads a device
        except sandbox.Refused:  # a folder, a FIFO or device, or above the size limit
            return head + b"folder\0" if os.path.isdir(path) else None
        except OSError:
            return head + b"unopenable\0"
        return head + b"file " + hashlib.sha256(data).digest()

    # ---- entries -------------------------------------------------------------------------------------------
    def load(self, key: str, rel: str) -> list[Obj] | None:
        """The remembered objects of ``rel`` under ``key``, or None."""
        path = self.folder / f"{key}.json"
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        digest, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not (isinstance(data, dict) and data.get("key") == key and isinstance(data.get("objects"), list)
                and all(isinstance(o, dict) for o in data["objects"])):
            return None
        with contextlib.suppress(OSError):  # used: kept another KEEP_DAYS
            os.utime(path)
        self.hits += 1
        return [Obj(o, rel) for o in data["objects"]]

    def store(self, key: str, rel: str, objs: list[Obj]) -> None:
        """Remember ``objs`` (``rel`` just built, not yet changed by the run) under ``key``, the key taken before
        the build: only when the files still hash to it, so a file edited while kustomize read it is not
        remembered under its old bytes."""
        data = [o.data for o in objs]
        if not json_exact(data):
            return
        before, self._digests = self._digests, {}
        try:
            if self.key(rel) != key:
                return
        finally:
            self._digests = before
        body = json.dumps({"key": key, "objects": data}, separators=(",", ":")).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # not fsutil.atomic_write: its two fsyncs per file are ~1,800 on a full run of 300 services, and a file
            # torn by a crash is only a checksum miss here
            fd, tmp = tempfile.mkstemp(prefix=owned_prefix("build", "tmp"), dir=self.folder)  # mode 0600
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
                os.replace(tmp, self.folder / f"{key}.json")
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:  # a read-only or full cache folder only costs the next run a build
            return
        self._prune()

    def _prune(self) -> None:
        if not self._pruned:
            self._pruned = True
            remove_unused(self.folder.iterdir())


def _field(text: str) -> bytes:
    return _sized(text.encode("utf-8", "surrogateescape"))


def _sized(raw: bytes) -> bytes:
    """One length-prefixed field of a key: no two sequences of fields hash the same bytes."""
    return len(raw).to_bytes(8, "big") + raw
