"""``parasol-gitops deploy``: the GitOps deploy of one service. Logic in :mod:`parasol_gitops.pipeline.gitops`."""

from __future__ import annotations

import click


@click.command("deploy")
@click.option("--service", "service", required=True, help="Service name in pipeline.yaml.")
@click.option("--env", "env_name", required=True, metavar="ENV", help="Environment name in pipeline.yaml.")
@click.option("--image", "image", default="", metavar="REPO", help="Image repository (default: the service's image).")
@click.option("--tag", "tag", required=True, help="Image tag (the commit SHA or release version).")
@click.option("--digest", "digest", required=True, metavar="sha256:…", help="Image digest the build pushed.")
@click.option("--spec", "spec", default="pipeline.yaml", show_default=True, metavar="FILE", help="Pipeline spec.")
@click.option("--gitops-dir", "gitops_dir", default="gitops", show_default=True, metavar="DIR",
              help="Working copy of the GitOps repository.")
@click.option("--repository", "repository", default="", metavar="URL",
              help="Clone (or fetch) the GitOps repository from URL into --gitops-dir first.")
@click.option("--branch", "branch", default="", metavar="BRANCH", help="GitOps branch (default: gitops.branch).")
@click.option("--output", "output", default="", metavar="FILE",
              help="Where DEPLOYED_COMMIT=<sha> goes (default: $GITHUB_OUTPUT, else deploy.env).")
def deploy(service: str, env_name: str, image: str, tag: str, digest: str, spec: str, gitops_dir: str,
           repository: str, branch: str, output: str) -> None:
    """Migration hook, bump of the service's overlay, commit with the Parasol-Deploy trailer, push with retry.

    Exit codes: 0 deployed (or already deployed), 1 the migration or the push failed, 2 bad input.
    """
    from pathlib import Path

    from ..pipeline import gitops, runtime

    data = runtime.load(spec)
    svc = runtime.service(data, service)
    runtime.environment(data, env_name)
    branch = branch or data.gitops.branch
    out = runtime.output_file(output)
    sha = ""
    try:
        git = gitops.prepare(Path(gitops_dir), repository, branch, click.echo)
        request = gitops.DeployRequest(svc, env_name, image or svc.image, tag, digest)
        sha = gitops.deploy(data, request, git, branch, click.echo, app_root=Path.cwd())
    finally:
        # Always written, also when the deploy failed before its push (then empty): an automatic
        # rollback must revert exactly this commit, never guess an older one.
        runtime.write_outputs(out, {"DEPLOYED_COMMIT": sha})
