"""``parasol-gitops rollback``: revert a service's deploy commit. Logic in :mod:`parasol_gitops.pipeline.gitops`."""

from __future__ import annotations

import click


@click.command("rollback")
@click.option("--service", "service", required=True, help="Service name (DNS-1123 label).")
@click.option("--env", "env_name", required=True, metavar="ENV", help="Environment name (DNS-1123 label).")
@click.option("--commit", "commit", default=None, metavar="SHA",
              help="The deploy commit to revert (default: the newest one not yet reverted); '' reverts nothing.")
@click.option("--gitops-dir", "gitops_dir", default="gitops", show_default=True, metavar="DIR",
              help="Working copy of the GitOps repository (full history).")
@click.option("--repository", "repository", default="", metavar="URL",
              help="Clone (or fetch) the GitOps repository from URL into --gitops-dir first.")
@click.option("--branch", "branch", default="main", show_default=True, metavar="BRANCH", help="GitOps branch.")
def rollback(service: str, env_name: str, commit: str | None, gitops_dir: str, repository: str, branch: str) -> None:
    """Revert the deploy commit of SERVICE in ENV and push with retry (Argo CD syncs the previous image back).

    Exit codes: 0 reverted (or nothing to revert for --commit ''), 1 no deploy to revert or the push failed,
    2 bad input.
    """
    from pathlib import Path

    from ..pipeline import gitops

    git = gitops.prepare(Path(gitops_dir), repository, branch, click.echo)
    gitops.rollback(git, service, env_name, commit, branch, click.echo)
