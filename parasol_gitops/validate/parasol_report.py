"""``parasol-gitops validate platform`` inside a Parasol project: check ``<outputs>/7-platform`` and write
``<outputs>/validation-report.md`` with the 0–100 VMS5 score, the gates and the findings.

The word ``platform`` means the Parasol phase only when a Parasol project (``parasol.yaml`` here or up to two
folders above) is found; elsewhere ``validate platform`` validates a folder named ``platform`` as usual.

``status vms5 [PATH]`` uses :func:`grading_target`: a folder of a Parasol project that is not a GitOps repository
of its own (the project root, ``outputs/``, ``outputs/4-architecture`` …) stands for ``outputs/7-platform``, as
the Parasol method runs the command from the project root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ParasolGitopsError
from ..fsutil import write_files
from ..messages import t
from ..parasol import PLATFORM_DIR
from ..scaffold import ANSWERS_FILE
from .engine import Result

REPORT_FILE = "validation-report.md"


@dataclass(frozen=True)
class ParasolTarget:
    name: str
    output_dir: Path
    repo: Path
    language: str


def parasol_target(cwd: Path) -> ParasolTarget | None:
    try:
        from ..parasol.project import detect

        project = detect(cwd)
    except (ImportError, ParasolGitopsError):
        return None
    repo = Path(project.output_dir) / PLATFORM_DIR
    if not repo.is_dir():
        raise InputError(t("validate.parasol.no_platform", path=repo))
    return ParasolTarget(project.name, Path(project.output_dir), repo, project.language)


REPO_MARKERS = (ANSWERS_FILE, "apps", "bootstrap", "kustomization.yaml", "Chart.yaml")


def _is_repository(folder: Path) -> bool:
    """A folder that is a GitOps repository (or a kustomize/Helm source) by itself, graded as given."""
    return any((folder / marker).exists() for marker in REPO_MARKERS)


def grading_target(path: Path) -> tuple[Path, ParasolTarget | None]:
    """The folder ``status vms5`` grades for ``path`` and the Parasol project around it (None outside one).

    Inside ``outputs/7-platform`` (or any folder that is a repository of its own) ``path`` is graded as given;
    any other folder of a Parasol project means its ``outputs/7-platform`` (exit 2 when it is not generated yet).
    """
    try:
        from ..parasol.project import detect

        project = detect(path)
    except (ImportError, ParasolGitopsError):
        return path, None
    repo = (Path(project.output_dir) / PLATFORM_DIR).resolve()
    here = path.resolve()
    target = ParasolTarget(project.name, Path(project.output_dir), repo, project.language)
    if here == repo or repo in here.parents:
        return path, target
    if _is_repository(here):
        return path, None  # a GitOps repository of its own that happens to sit inside the project
    if not repo.is_dir():
        raise InputError(t("validate.parasol.no_platform", path=repo))
    return repo, target


def write_validation_report(target: ParasolTarget, result: Result) -> Path:
    from .. import vms5

    v = vms5.evaluate(result)
    s = result.stats
    schema = t("validate.summary.schema", objects=s["objects"], passed=s["schema_passed"], failed=s["schema_failed"],
               skipped=s["schema_skipped"])
    lines = [f"# {t('validate.parasol.title', name=target.name)}", "",
             t("validate.parasol.score", score=v.score, band=v.band, date=v.date), "",
             f"- {t('validate.parasol.repo')}: `{target.repo.relative_to(target.output_dir).as_posix()}/`",
             f"- {schema}", "", f"## {t('vms5.gates')}", ""]
    lines += [f"- {vms5.status_mark(g.status)} {t(f'vms5.gate.{g.id}')}: {g.value} — {g.reason}" for g in v.gates]
    lines += ["", f"## {t('validate.parasol.findings')}", ""]
    shown = [f for f in result.findings if f.severity != "info"]
    if shown:
        lines += ["| severity | id | where | message |", "|---|---|---|---|"]
        lines += [f"| {f.severity} | {f.id} | {f.where} | {f.text().replace('|', '/')} |" for f in shown]
    else:
        lines.append(t("validate.parasol.clean"))
    lines += ["", f"## {t('vms5.next')}", ""]
    lines += [f"- {a}" for a in v.next_actions] or ["- " + t("vms5.none")]
    write_files(target.output_dir, {REPORT_FILE: "\n".join(lines) + "\n"})
    return target.output_dir / REPORT_FILE
