"""Find the Parasol project around a folder and read its ``parasol.yaml``.

``detect(start)`` looks in ``start``, ``start/..`` and ``start/../..`` (the depth at which users run commands
inside a project: the root, ``outputs/`` or ``outputs/<phase>/``) and is shared by ``platform``, ``validate``
and ``status``.

The project's language (documents and messages): ``settings.language``, else the language its own prose is
written in (Japanese when most prose lines of ``parasol.yaml`` and the phase-4 documents are Japanese), else the
locale. ``--lang`` overrides all three (the commands apply it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from .. import messages
from ..errors import InputError, SpecError
from ..messages import t
from .clean import Cleaned, clean_terminal_capture, original_line
from .prose import prose_language

PROJECT_FILE = "parasol.yaml"
SEARCH_DEPTH = 2  # cwd, .., ../..
JA_VALUES = {"ja", "ja_jp", "ja-jp", "japanese", "jp", "日本語"}
EN_VALUES = {"en", "en_us", "en-us", "english"}


@dataclass
class ParasolProject:
    root: Path
    name: str
    display_name: str
    output_dir: Path
    language: str  # "en" | "ja"
    data: Any  # parsed parasol.yaml (ruamel round-trip mapping)
    yaml_path: Path = field(default=Path())
    raw_text: str = ""  # the file exactly as on disk
    cleaned: Cleaned | None = None  # set when the file was a terminal capture
    language_source: str = ""  # where the language came from ("settings.language", "documents: …", "locale")

    @property
    def contaminated(self) -> bool:
        return self.cleaned is not None and self.cleaned.contaminated

    def phase(self, key: str) -> dict[str, Any]:
        phases = self.data.get("phases") if isinstance(self.data, dict) else None
        value = phases.get(key) if isinstance(phases, dict) else None
        return value if isinstance(value, dict) else {}

    def setting(self, key: str, default: Any = None) -> Any:
        settings = self.data.get("settings") if isinstance(self.data, dict) else None
        if isinstance(settings, dict) and settings.get(key) is not None:
            return settings[key]
        return default


def find_project_file(start: Path) -> Path | None:
    here = start.resolve()
    for _ in range(SEARCH_DEPTH + 1):
        candidate = here / PROJECT_FILE
        if candidate.is_file():
            return candidate
        if here.parent == here:
            break
        here = here.parent
    return None


def detect(start: Path) -> ParasolProject:
    """The project whose ``parasol.yaml`` is in ``start`` or up to two folders above; InputError if none."""
    path = find_project_file(start)
    if path is None:
        raise InputError(t("parasol.not_found"), hint=t("parasol.not_found.next"))
    return load(path)


def load(path: Path) -> ParasolProject:
    shown = str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise SpecError(shown, "", t("file.unreadable", problem=exc.strerror or exc)) from None
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(shown, "", t("file.not_utf8_at", byte=exc.start)) from None
    cleaned = clean_terminal_capture(raw)
    data = _parse(cleaned, shown)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecError(shown, "", t("parasol.yaml.top_not_mapping"))
    project = data.get("project")
    if project is not None and not isinstance(project, dict):
        raise SpecError(shown, "project", t("parasol.yaml.not_mapping"))
    root = path.parent
    name = str((project or {}).get("name") or root.name).strip()
    display = str((project or {}).get("display_name") or (project or {}).get("company") or name)
    result = ParasolProject(
        root=root,
        name=name,
        display_name=display,
        output_dir=root,  # replaced below once the settings are known
        language="en",
        data=data,
        yaml_path=path,
        raw_text=raw,
        cleaned=cleaned if cleaned.contaminated else None,
    )
    result.output_dir = _output_dir(result, shown)
    result.language, result.language_source = _language(result)
    return result


def _parse(cleaned: Cleaned, shown: str) -> Any:
    from ..yamlio import check_size, loader, malformed

    check_size(cleaned.text, display=shown)
    try:
        return loader().load(cleaned.text)
    except YAMLError as exc:
        # the line the user sees: a cleaned terminal capture is numbered as the capture was
        raise malformed(shown, exc, lambda line: original_line(cleaned, line)) from None


def _output_dir(project: ParasolProject, shown: str) -> Path:
    value = project.setting("output_dir", "outputs")
    if not isinstance(value, str) or not value.strip():
        raise SpecError(shown, "settings.output_dir", t("parasol.yaml.output_dir_relative"))
    rel = Path(value.strip())
    if rel.is_absolute() or ".." in rel.parts:
        raise SpecError(shown, "settings.output_dir", t("parasol.yaml.output_dir_outside", value=value))
    return (project.root / rel).resolve() if rel.parts else project.root.resolve()


def _language(project: ParasolProject) -> tuple[str, str]:
    value = project.setting("language")
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in JA_VALUES:
            return "ja", "settings.language"
        if lowered in EN_VALUES:
            return "en", "settings.language"
    found = prose_language(project.raw_text if project.cleaned is None else project.cleaned.text,
                           project.output_dir / "4-architecture")
    if found is not None:
        lang, ja_lines, en_lines = found
        return lang, f"documents (parasol.yaml + outputs/4-architecture: {ja_lines} Japanese, {en_lines} English " \
                     "prose lines)"
    return messages.detect_language(), "locale"
