"""The files each CI target writes: the one home of these names (the emitters, ``pipeline --check`` and
``validate`` read them here). Import-light: no emitter is loaded to learn a file name."""

from __future__ import annotations

GITHUB_CI_FILE = ".github/workflows/ci.yml"
GITHUB_DEPLOY_FILE = ".github/workflows/deploy.yml"
GITHUB_ROLLBACK_FILE = ".github/workflows/rollback.yml"
GITHUB_CHECKS_FILE = ".github/workflows/repository-checks.yml"
GITHUB_FILES: tuple[str, ...] = (GITHUB_CI_FILE, GITHUB_DEPLOY_FILE, GITHUB_ROLLBACK_FILE, GITHUB_CHECKS_FILE)

GITLAB_FILE = ".gitlab-ci.yml"
# One child pipeline per production rollout strategy (see gitlab.py for why parent-child).
STRATEGIES: tuple[str, ...] = ("rolling", "canary", "blue-green")
GITLAB_CHILD_FILES: dict[str, str] = {s: f".gitlab/ci/service-{s}.yml" for s in STRATEGIES}
GITLAB_FILES: tuple[str, ...] = (GITLAB_FILE, *GITLAB_CHILD_FILES.values())

TARGETS: tuple[str, ...] = ("github", "gitlab")
FILES: dict[str, tuple[str, ...]] = {"github": GITHUB_FILES, "gitlab": GITLAB_FILES}
