"""The few shell lines the generated jobs run, shared by both emitters.

Logic lives in the tool's subcommands (``changes``, ``test``, ``deploy``, ``verify``, ``rollback``); these
texts only call them. No user value is ever part of a script: every value reaches it through an
environment variable (GitHub ``env:``, GitLab ``variables:``) or is read from pipeline.yaml by the tool.
"""

from __future__ import annotations

from .. import versions

CHANGES = 'parasol-gitops changes --base "$BASE_SHA" --head "$HEAD_SHA" --event "$EVENT_NAME" --ref-type "$REF_TYPE"\n'

TEST = 'parasol-gitops test "$SERVICE" --coverage-threshold "$COVERAGE_THRESHOLD"\n'

SMOKE = 'parasol-gitops test "$SERVICE" --smoke --env "$ENVIRONMENT"\n'

VERIFY = 'parasol-gitops verify --service "$SERVICE" --env "$ENVIRONMENT"\n'

# GitHub's deploy step: deploy, smoke test, verify, then one verification per canary / blue-green traffic
# step (each observes one window of settings.canary_interval_minutes; GitLab runs one delayed job per
# step). DEPLOYED_COMMIT reaches $GITHUB_OUTPUT before any check, so the rollback step knows what to
# revert when a check fails.
GITHUB_DEPLOY = """\
parasol-gitops deploy --service "$SERVICE" --env "$ENVIRONMENT" --image "$IMAGE" --tag "$IMAGE_TAG" \\
  --digest "$(cat "digests/$SERVICE")" --gitops-dir gitops
parasol-gitops test "$SERVICE" --smoke --env "$ENVIRONMENT"
parasol-gitops verify --service "$SERVICE" --env "$ENVIRONMENT"
if [ "$STRATEGY" != rolling ]; then
  for step in $STEPS; do
    echo "$STRATEGY step $step%"
    parasol-gitops verify --service "$SERVICE" --env "$ENVIRONMENT"
  done
fi
"""

GITHUB_ROLLBACK = """\
parasol-gitops rollback --service "$SERVICE" --env "$ENVIRONMENT" --gitops-dir gitops --branch "$GITOPS_BRANCH" \\
  ${DEPLOYED_COMMIT:+--commit "$DEPLOYED_COMMIT"}
"""

GITLAB_DEPLOY = """\
parasol-gitops deploy --service "$SERVICE" --env "$ENVIRONMENT" --image "$IMAGE" --tag "$IMAGE_TAG" \\
  --digest "$IMAGE_DIGEST" --gitops-dir "$GITOPS_DIR" --repository "$GITOPS_REPOSITORY_URL" \\
  --branch "$GITOPS_BRANCH" --output deploy.env
"""

# After a failed deploy or verification: revert exactly what this pipeline deployed. The deploy job's
# dotenv report always sets DEPLOYED_COMMIT; empty = it pushed nothing (nothing to revert). Unset = the
# report did not arrive, and guessing could revert an older, good deploy: fail and say so.
GITLAB_AUTO_ROLLBACK = """\
if [ -z "${DEPLOYED_COMMIT+set}" ]; then
  echo "DEPLOYED_COMMIT did not arrive from the deploy job's dotenv report: run the manual rollback job" >&2
  exit 1
fi
parasol-gitops rollback --service "$SERVICE" --env "$ENVIRONMENT" --commit "$DEPLOYED_COMMIT" \\
  --gitops-dir "$GITOPS_DIR" --repository "$GITOPS_REPOSITORY_URL" --branch "$GITOPS_BRANCH"
"""

# By hand: the newest deploy of this service and environment that is not reverted yet.
GITLAB_ROLLBACK = """\
parasol-gitops rollback --service "$SERVICE" --env "$ENVIRONMENT" \\
  --gitops-dir "$GITOPS_DIR" --repository "$GITOPS_REPOSITORY_URL" --branch "$GITOPS_BRANCH"
"""

# Inputs a job needs before it starts the real work: one clear line when they are missing.
DOCKERFILE_CHECK = """\
if [ ! -f "$DOCKERFILE" ]; then
  echo "service $SERVICE: no Dockerfile at $DOCKERFILE (add it, or set services[].dockerfile in pipeline.yaml)" >&2
  exit 1
fi
"""

E2E_CHECK = """\
if [ ! -f "$E2E_PATH/package.json" ]; then
  echo "e2e: no $E2E_PATH/package.json (add the Playwright tests, set settings.e2e_path, or set e2e: false)" >&2
  exit 1
fi
"""

K6_CHECK = """\
if [ ! -f "$K6_SCRIPT" ]; then
  echo "performance: no k6 script at $K6_SCRIPT (add it, set settings.k6_script, or set performance: false)" >&2
  exit 1
fi
"""

DAST_CHECK = """\
if [ -z "$BASE_URL" ]; then
  echo "dast: no URL to scan (set environments[].url, or set dast: false)" >&2
  exit 1
fi
"""

INSTALL_TOOL = 'python3 -m pip install --quiet --disable-pip-version-check "$TOOL_PACKAGE"\n'

# `validate` builds overlays with kustomize; the python CI image has neither kustomize nor kubectl.
# A pinned release, checked against its published SHA-256 before it is unpacked.
KUSTOMIZE_VERSION = versions.get().kustomize
KUSTOMIZE_URL = (
    "https://github.com/kubernetes-sigs/kustomize/releases/download/"
    f"kustomize%2F{KUSTOMIZE_VERSION}/kustomize_{KUSTOMIZE_VERSION}_linux_amd64.tar.gz"
)
KUSTOMIZE_SHA256 = versions.get().kustomize_sha256
INSTALL_KUSTOMIZE = """\
if ! command -v kustomize >/dev/null 2>&1 && ! command -v kubectl >/dev/null 2>&1; then
python3 - <<'PY'
import hashlib, io, os, tarfile, urllib.request
data = urllib.request.urlopen(os.environ["KUSTOMIZE_URL"], timeout=120).read()
if hashlib.sha256(data).hexdigest() != os.environ["KUSTOMIZE_SHA256"]:
    raise SystemExit("kustomize download does not match its pinned SHA-256")
tarfile.open(fileobj=io.BytesIO(data)).extract("kustomize", "/usr/local/bin", filter="data")
PY
fi
"""

# POSIX sh: the rootless BuildKit image has no bash (and no Python: the input check is shell). Prints the
# exact build command; PARASOL_BUILD_DRY_RUN=true stops there (a runner without a container engine), and
# then no digest is handed on, so no deploy can follow a build that did not happen.
GITLAB_BUILD = DOCKERFILE_CHECK + """\
names="$IMAGE:$CI_COMMIT_SHA"
if [ -n "${CI_COMMIT_TAG:-}" ]; then names="$names,$IMAGE:${CI_COMMIT_TAG#v}"; fi
set -- build --frontend dockerfile.v0 \\
  --local context="$CONTEXT" --local dockerfile="$(dirname "$DOCKERFILE")" \\
  --opt filename="$(basename "$DOCKERFILE")"
if [ "$SBOM" = true ]; then set -- "$@" --opt attest:sbom=; fi
if [ "$PROVENANCE" = true ]; then set -- "$@" --opt attest:provenance=mode=max; fi
set -- "$@" --import-cache "type=registry,ref=$IMAGE:buildcache" \\
  --export-cache "type=registry,ref=$IMAGE:buildcache,mode=max" \\
  --output "type=image,\\"name=$names\\",push=true" --metadata-file metadata.json
echo "buildctl-daemonless.sh $*"
if [ "${PARASOL_BUILD_DRY_RUN:-}" = true ]; then
  echo "PARASOL_BUILD_DRY_RUN: the image was not built (no digest, so nothing can be deployed)"
  exit 0
fi
# registry credentials in a folder of this job only: a shell runner's own ~/.docker stays untouched
DOCKER_CONFIG=$(mktemp -d)
export DOCKER_CONFIG
printf '{"auths":{"%s":{"username":"%s","password":"%s"}}}' "${IMAGE%%/*}" "$REGISTRY_USER" "$REGISTRY_PASSWORD" \\
  > "$DOCKER_CONFIG/config.json"
buildctl-daemonless.sh "$@"
digest=$(sed -n 's/.*"containerimage.digest": *"\\([^"]*\\)".*/\\1/p' metadata.json)
echo "IMAGE_DIGEST=$digest" > build.env
echo "IMAGE_TAG=$CI_COMMIT_SHA" >> build.env
echo "pushed $IMAGE@$digest"
"""

GITLAB_SIGN = """\
apk add --no-cache cosign >/dev/null
cosign sign --yes "$IMAGE@$IMAGE_DIGEST"
"""

# promtool for `alerts test` (and git for `validate --changed`, absent from the python image) when the job lacks
# them: the distribution's packages (Debian's / Ubuntu's signed archive; Debian's prometheus package ships
# promtool), installed only when needed, as root or through sudo (GitHub's runners).
INSTALL_CHECK_TOOLS = """\
set --
if [ -n "${CHANGED_BASE:-}" ] && ! command -v git >/dev/null 2>&1; then set -- "$@" git; fi
if [ -d tests/alerts ] && ! command -v promtool >/dev/null 2>&1; then set -- "$@" prometheus; fi
if [ "$#" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then as_root=""; else as_root="sudo"; fi
  ${as_root:+"$as_root"} apt-get update -qq
  ${as_root:+"$as_root"} env DEBIAN_FRONTEND=noninteractive \\
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
fi
"""

# A merge/pull request (CHANGED_BASE: its base commit, with the history fetched) validates only what its diff
# can affect; the default branch and other pushes run the full validate and the VMS5 status.
REPOSITORY_CHECKS = """\
if [ -n "${CHANGED_BASE:-}" ]; then
  parasol-gitops validate . --changed="$CHANGED_BASE" --schema-location "$SCHEMA_LOCATION"
else
  parasol-gitops validate . --schema-location "$SCHEMA_LOCATION"
  parasol-gitops status vms5 .
fi
parasol-gitops pipeline --target "$PIPELINE_TARGET" --check
if [ -d tests/alerts ]; then
  parasol-gitops alerts test .
else
  echo "alert tests: not measured (this repository has no tests/alerts)"
fi
"""
