"""Deploys are GitOps commits: ``parasol-gitops deploy`` and ``rollback`` as package code.

Deploy = migration hook, :func:`parasol_gitops.bump.bump` on the service's overlay, a commit carrying the
``Parasol-Deploy: <env>/<service>`` trailer, push with ``pull --rebase`` and retry. Rollback = revert
that commit (Argo Rollouts aborting a canary leaves the bad image in git; the revert makes it stick).

git runs through :mod:`parasol_gitops.git`, the package's one git driver. Push credentials come from ``GIT_TOKEN``
(user ``GIT_TOKEN_USER``, default ``x-access-token``) and reach git as an ``http.extraheader`` through
``GIT_CONFIG_*`` environment variables, so the token is never on a command line.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import git
from ..errors import CheckFailed, InputError
from ..messages import t
from ..names import is_dns1123_label
from .spectypes import PipelineSpec, Service

Echo = Callable[[str], None]
Sleep = Callable[[float], None]
ATTEMPTS = 5
TRAILER = "Parasol-Deploy"
IDENTITY = ("parasol-gitops", "parasol-gitops@users.noreply.github.com")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_SHA = re.compile(r"^[0-9a-f]{7,40}$")


def _auth_env() -> dict[str, str]:
    env = dict(os.environ)
    token = env.get("GIT_TOKEN", "")
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    if token:
        user = env.get("GIT_TOKEN_USER") or "x-access-token"
        basic = base64.b64encode(f"{user}:{token}".encode()).decode()
        index = int(env.get("GIT_CONFIG_COUNT") or 0)
        env["GIT_CONFIG_COUNT"] = str(index + 1)
        env[f"GIT_CONFIG_KEY_{index}"] = "http.extraheader"
        env[f"GIT_CONFIG_VALUE_{index}"] = f"Authorization: Basic {basic}"
    return env


@dataclass
class Git:
    cwd: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = git.run(self.cwd, *args, env=_auth_env(), check=False, timeout=300)
        if check and proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise CheckFailed(t("ci.git.failed", command="git " + " ".join(args[:2]),
                                detail=detail[-1] if detail else f"exit {proc.returncode}"))
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def commit(self, *messages: str) -> None:
        identity: list[str] = []
        if not self.run("config", "user.email", check=False).stdout.strip():
            identity = ["-c", f"user.name={IDENTITY[0]}", "-c", f"user.email={IDENTITY[1]}"]
        args = [*identity, "commit", "--quiet"]
        for message in messages:
            args += ["-m", message]
        self.run(*args)


def prepare(gitops_dir: Path, repository: str, branch: str, echo: Echo) -> Git:
    """The GitOps working copy at ``gitops_dir`` on ``branch``: cloned (or fetched) from ``repository``
    when given, else it must already be a clone (actions/checkout made it)."""
    git = Git(gitops_dir)
    is_repo = (gitops_dir / ".git").exists()
    if repository:
        if not is_repo:
            if gitops_dir.exists() and any(gitops_dir.iterdir()):
                raise InputError(t("ci.git.not_a_clone", path=str(gitops_dir)))
            gitops_dir.parent.mkdir(parents=True, exist_ok=True)
            Git(gitops_dir.parent).run("clone", "--quiet", "--branch", branch, repository, str(gitops_dir))
            echo(t("ci.git.cloned", repository=repository, branch=branch, path=str(gitops_dir)))
        else:
            git.run("fetch", "--quiet", repository, branch)
            git.run("checkout", "--quiet", "-B", branch, "FETCH_HEAD")
        return git
    if not is_repo:
        raise InputError(t("ci.git.no_clone", path=str(gitops_dir)))
    return git


def push_with_retry(git: Git, branch: str, echo: Echo, *, sleep: Sleep = time.sleep) -> None:
    """Push HEAD to ``branch``; on a rejection rebase onto the remote branch and try again (5 attempts)."""
    for attempt in range(1, ATTEMPTS + 1):
        if git.run("push", "--quiet", "origin", f"HEAD:{branch}", check=False).returncode == 0:
            return
        if attempt == ATTEMPTS:
            break
        echo(t("ci.git.push_rejected", attempt=attempt, branch=branch))
        sleep(attempt)
        if git.run("pull", "--quiet", "--rebase", "origin", branch, check=False).returncode != 0:
            git.run("rebase", "--abort", check=False)
            raise CheckFailed(t("ci.git.rebase_conflict", branch=branch))
    raise CheckFailed(t("ci.git.push_failed", branch=branch, attempts=ATTEMPTS))


@dataclass
class DeployRequest:
    service: Service
    env: str
    image: str
    tag: str
    digest: str


def deploy(spec: PipelineSpec, req: DeployRequest, git: Git, branch: str, echo: Echo, *,
           app_root: Path, sleep: Sleep = time.sleep) -> str:
    """Bump, commit, push. The new commit's SHA, or '' when the overlay already ran that digest."""
    from .. import bump as bump_module

    name = req.service.name
    if not _DIGEST.match(req.digest):
        raise InputError(t("ci.deploy.bad_digest", digest=req.digest or "''"))
    bump_module.parse_image_arg(f"{req.image}={req.image}:{req.tag}@{req.digest}")
    overlay = spec.gitops.overlay_path(name, req.env)
    target = git.cwd / overlay
    if not target.exists():
        raise InputError(t("ci.deploy.no_overlay", overlay=overlay, path=str(git.cwd)))
    migrate = req.service.commands.get("migrate", "")
    if migrate:
        echo(f"==> migrate: {migrate}")
        folder = app_root / req.service.path
        env = {**os.environ, "SERVICE": name, "ENVIRONMENT": req.env, "IMAGE_DIGEST": req.digest}
        code = subprocess.run(["sh", "-c", migrate], cwd=folder if folder.is_dir() else app_root, env=env).returncode
        if code != 0:
            raise CheckFailed(t("ci.deploy.migrate_failed", service=name, code=code))
    changed = bump_module.bump(target, req.image, f"{req.image}:{req.tag}", req.digest)
    if not changed or not git.out("status", "--porcelain", "--", overlay):
        echo(t("ci.deploy.unchanged", service=name, digest=req.digest, env=req.env))
        return ""
    git.run("add", "--all", "--", overlay)
    git.commit(f"deploy({req.env}): {name} {req.tag}", f"Image: {req.image}@{req.digest}",
               f"{TRAILER}: {req.env}/{name}")
    push_with_retry(git, branch, echo, sleep=sleep)
    sha = git.out("rev-parse", "HEAD")
    echo(t("ci.deploy.done", service=name, tag=req.tag, env=req.env, commit=sha))
    return sha


def _check_names(service: str, env: str) -> None:
    for value in (service, env):
        if not is_dns1123_label(value):
            raise InputError(t("ci.rollback.bad_name", name=value))


def deploy_commits(git: Git, service: str, env: str) -> list[str]:
    """Deploy commits of ``service`` in ``env``, newest first (the trailer on a line of its own)."""
    found = git.out("log", "--format=%H", f"--grep=^{TRAILER}: {env}/{service}$")
    return found.split()


def is_reverted(git: Git, sha: str) -> bool:
    return bool(git.out("log", "--format=%H", "-n", "1", f"--grep=This reverts commit {sha}"))


def rollback(git: Git, service: str, env: str, commit: str | None, branch: str, echo: Echo, *,
             sleep: Sleep = time.sleep) -> str:
    """Revert ``commit`` (or the newest unreverted deploy of service/env) and push. The reverted SHA, or ''
    when ``commit`` is '' (the deploy changed nothing: there is nothing to revert)."""
    _check_names(service, env)
    if commit == "":
        echo(t("ci.rollback.nothing_deployed", service=service, env=env))
        return ""
    candidates = deploy_commits(git, service, env)
    if commit is not None:
        if not _SHA.match(commit):
            raise InputError(t("ci.rollback.bad_commit", commit=commit))
        full = git.run("rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}", check=False).stdout.strip()
        if full not in candidates:
            raise InputError(t("ci.rollback.not_a_deploy", commit=commit, service=service, env=env))
        if is_reverted(git, full):
            echo(t("ci.rollback.already", commit=full))
            return full
        target = full
    else:
        target = next((c for c in candidates if not is_reverted(git, c)), "")
        if not target:
            raise CheckFailed(t("ci.rollback.none", service=service, env=env))
    subject = git.out("log", "-n", "1", "--format=%s", target)
    if git.run("revert", "--no-commit", target, check=False).returncode != 0:
        git.run("revert", "--abort", check=False)
        raise CheckFailed(t("ci.rollback.conflict", commit=target))
    git.commit(f"rollback({env}): {service}", f'Reverts "{subject}".\n\nThis reverts commit {target}.',
               f"Parasol-Rollback: {env}/{service}")
    push_with_retry(git, branch, echo, sleep=sleep)
    echo(t("ci.rollback.done", service=service, env=env, commit=target))
    return target
