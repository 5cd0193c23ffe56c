"""The shell and Python snippets the generated jobs run, shared by both emitters.

No user value is ever part of these texts: every value reaches a script through an environment
variable (GitHub ``env:``, GitLab ``variables:``), so a spec can never inject into a script.
"""

from __future__ import annotations

RUN_COMMAND = 'sh -c "$COMMAND"\n'

COVERAGE_GATE = """\
total=$(sh -c "$COMMAND" | tail -n 1 | tr -d '%[:space:]')
echo "coverage ${total}% (threshold ${COVERAGE_THRESHOLD}%)"
awk -v total="$total" -v min="$COVERAGE_THRESHOLD" 'BEGIN { exit !(total + 0 >= min + 0) }'
"""

# Writes the changed services as a JSON matrix. Runs locally too: tests feed it a real git change.
CHANGES = """\
python3 - <<'PY'
import json, os, subprocess

services = json.loads(os.environ["SERVICES_JSON"])
shared = json.loads(os.environ["SHARED_PATHS"])
base, head = os.environ.get("BASE_SHA", ""), os.environ["HEAD_SHA"]
everything = os.environ.get("EVENT_NAME") == "workflow_dispatch" or os.environ.get("REF_TYPE") == "tag"
everything = everything or not base.strip("0")
changed = []
if not everything:
    diff = subprocess.run(["git", "diff", "--name-only", base, head], capture_output=True, text=True)
    everything = diff.returncode != 0  # base not in the clone (force push): build everything
    changed = [line for line in diff.stdout.splitlines() if line]

def touched(paths):
    return any(p == "." or f == p or f.startswith(p + "/") for f in changed for p in paths)

selected = services if everything or touched(shared) else [s for s in services if touched(s["paths"])]
matrix = [{k: v for k, v in s.items() if k != "paths"} for s in selected]
with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
    out.write("services=" + json.dumps(matrix, separators=(",", ":")) + "\\n")
    out.write("any=" + ("true" if matrix else "false") + "\\n")
print(f"{len(changed)} changed files; services to run: {', '.join(s['name'] for s in matrix) or 'none'}")
PY
"""

_PUSH_WITH_RETRY = """\
auth=()
if [ -n "${GIT_TOKEN:-}" ]; then
  basic=$(printf '%s:%s' "$GIT_TOKEN_USER" "$GIT_TOKEN" | base64 | tr -d '\\n')
  auth=(-c "http.extraheader=Authorization: Basic $basic")
fi
pushed=false
for attempt in 1 2 3 4 5; do
  if git "${auth[@]}" push --quiet origin "HEAD:$GITOPS_BRANCH"; then
    pushed=true
    break
  fi
  echo "push rejected (attempt $attempt): rebasing on $GITOPS_BRANCH"
  sleep "$attempt"
  git "${auth[@]}" pull --quiet --rebase origin "$GITOPS_BRANCH"
done
if [ "$pushed" != true ]; then
  echo "could not push to $GITOPS_BRANCH after 5 attempts" >&2
  exit 1
fi
"""

_GIT_IDENTITY = """\
git config user.name "parasol-gitops"
git config user.email "parasol-gitops@users.noreply.github.com"
"""

# The GitOps deploy: bump the overlay, commit, push with retry on non-fast-forward. Never kubectl.
DEPLOY = (
    """\
out=${GITHUB_OUTPUT:-$PWD/deploy.env}
overlay=${OVERLAY_PATTERN//\\{service\\}/$SERVICE}
overlay=${overlay//\\{env\\}/$ENVIRONMENT}
cd "$GITOPS_DIR"
"""
    + _GIT_IDENTITY
    + """\
if [ -n "${MIGRATE_COMMAND:-}" ]; then
  echo "database migration hook"
  sh -c "$MIGRATE_COMMAND"
fi
parasol-gitops bump --overlay "$overlay" --image "$IMAGE=$IMAGE:$IMAGE_TAG@$IMAGE_DIGEST"
if git diff --quiet; then
  echo "$SERVICE already runs $IMAGE_DIGEST in $ENVIRONMENT"
  echo "DEPLOYED_COMMIT=" >> "$out"
  exit 0
fi
# the overlay is a kustomize folder, or a Helm values file with packaging helm
git add --all -- "$overlay"
git commit --quiet -m "deploy($ENVIRONMENT): $SERVICE $IMAGE_TAG" -m "Image: $IMAGE@$IMAGE_DIGEST" \\
  -m "Parasol-Deploy: $ENVIRONMENT/$SERVICE"
"""
    + _PUSH_WITH_RETRY
    + """\
echo "DEPLOYED_COMMIT=$(git rev-parse HEAD)" >> "$out"
echo "deployed $SERVICE $IMAGE_TAG to $ENVIRONMENT"
"""
)

# Rollback = revert the deploy commit (DEPLOYED_COMMIT, or the newest unreverted one of this
# service and environment). Argo CD then syncs the previous image back.
ROLLBACK = (
    """\
if ! [[ "$SERVICE" =~ ^[a-z0-9-]+$ && "$ENVIRONMENT" =~ ^[a-z0-9-]+$ ]]; then
  echo "service and environment must be DNS-1123 labels" >&2
  exit 2
fi
cd "$GITOPS_DIR"
"""
    + _GIT_IDENTITY
    + """\
commit=${DEPLOYED_COMMIT:-}
if [ -z "$commit" ]; then
  for candidate in $(git log --format=%H --grep "^Parasol-Deploy: $ENVIRONMENT/$SERVICE\\$"); do
    if [ -z "$(git log --format=%H -n 1 --grep "This reverts commit $candidate")" ]; then
      commit=$candidate
      break
    fi
  done
fi
if [ -z "$commit" ]; then
  echo "no deploy of $SERVICE to $ENVIRONMENT to roll back" >&2
  exit 1
fi
git revert --no-edit "$commit"
"""
    + _PUSH_WITH_RETRY
    + """\
echo "rolled back $SERVICE in $ENVIRONMENT (reverted $commit)"
"""
)

# Smoke test / progressive-delivery check. VERIFY_MODE=smoke retries until healthy; VERIFY_MODE=steps
# walks the canary steps (STEPS, one check per step after INTERVAL_SECONDS) and fails on a breach:
# error rate above ERROR_RATE_MAX %, p95 above LATENCY_FACTOR x the previous hour, a failing health check.
VERIFY = """\
if [ -n "${SMOKE_COMMAND:-}" ] && [ "$VERIFY_MODE" = smoke ]; then
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if sh -c "$SMOKE_COMMAND"; then exit 0; fi
    echo "smoke test failed (attempt $attempt), retrying"
    sleep 15
  done
  exit 1
fi
python3 - <<'PY'
import json, os, sys, time, urllib.parse, urllib.request

env = os.environ
service, health = env["SERVICE"], env.get("HEALTH_URL", "")
prometheus = env.get("PROMETHEUS_URL", "")

def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()

def query(promql):
    url = prometheus.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    result = json.loads(get(url))["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0

def healthy():
    if env.get("HEALTH_CHECKS") == "true" and health:
        try:
            get(health)
        except Exception as exc:
            print(f"health check failed: {health}: {exc}")
            return False
    if prometheus:
        sel = 'service="%s"' % service
        errors = query(f'100 * sum(rate(http_requests_total{{{sel},code=~"5.."}}[5m]))'
                       f' / sum(rate(http_requests_total{{{sel}}}[5m]))')
        p95 = query(f"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m])))")
        base = query("histogram_quantile(0.95, sum by (le) "
                     f"(rate(http_request_duration_seconds_bucket{{{sel}}}[1h] offset 1h)))")
        print(f"error rate {errors:.2f}% (max {env['ERROR_RATE_MAX']}%), p95 {p95:.3f}s (baseline {base:.3f}s)")
        if errors > float(env["ERROR_RATE_MAX"]):
            return False
        if base > 0 and p95 > float(env["LATENCY_FACTOR"]) * base:
            return False
    if not health and not prometheus:
        print("no health URL and no PROMETHEUS_URL: nothing to verify")
    return True

if env["VERIFY_MODE"] == "smoke":
    for attempt in range(10):
        if healthy():
            sys.exit(0)
        time.sleep(15)
    sys.exit(1)
for step in env.get("STEPS", "100").split():
    time.sleep(int(env.get("INTERVAL_SECONDS", "0")))
    print(f"{env.get('STRATEGY', 'rollout')} step {step}%")
    if not healthy():
        print(f"step {step}% breached the rollback thresholds")
        sys.exit(1)
PY
"""

# GitLab has no checkout action for a second repository: clone it with the token as a header.
GITLAB_CLONE = """\
auth=()
if [ -n "${GITOPS_TOKEN:-}" ]; then
  basic=$(printf 'oauth2:%s' "$GITOPS_TOKEN" | base64 | tr -d '\\n')
  auth=(-c "http.extraheader=Authorization: Basic $basic")
fi
rm -rf "$GITOPS_DIR"
git "${auth[@]}" clone --quiet --branch "$GITOPS_BRANCH" "$GITOPS_REPOSITORY_URL" "$GITOPS_DIR"
"""

INSTALL_TOOL = 'python3 -m pip install --quiet --disable-pip-version-check "$TOOL_PACKAGE"\n'

# `validate` builds overlays with kustomize; the python CI image has neither kustomize nor kubectl.
# A pinned release, checked against its published SHA-256 before it is unpacked.
KUSTOMIZE_VERSION = "v5.5.0"
KUSTOMIZE_URL = (
    "https://github.com/kubernetes-sigs/kustomize/releases/download/"
    f"kustomize%2F{KUSTOMIZE_VERSION}/kustomize_{KUSTOMIZE_VERSION}_linux_amd64.tar.gz"
)
KUSTOMIZE_SHA256 = "6703a3a70a0c47cf0b37694030b54f1175a9dfeb17b3818b623ed58b9dbc2a77"
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

# POSIX sh: the rootless BuildKit image has no bash. Pushes by digest and hands it on as dotenv.
GITLAB_BUILD = """\
mkdir -p ~/.docker
registry=${IMAGE%%/*}
printf '{"auths":{"%s":{"username":"%s","password":"%s"}}}' "$registry" "$REGISTRY_USER" "$REGISTRY_PASSWORD" \\
  > ~/.docker/config.json
names="$IMAGE:$CI_COMMIT_SHA"
if [ -n "${CI_COMMIT_TAG:-}" ]; then names="$names,$IMAGE:${CI_COMMIT_TAG#v}"; fi
set --
if [ "$SBOM" = true ]; then set -- "$@" --opt attest:sbom=; fi
if [ "$PROVENANCE" = true ]; then set -- "$@" --opt attest:provenance=mode=max; fi
buildctl-daemonless.sh build --frontend dockerfile.v0 \\
  --local context="$CONTEXT" --local dockerfile="$(dirname "$DOCKERFILE")" \\
  --opt filename="$(basename "$DOCKERFILE")" "$@" \\
  --import-cache "type=registry,ref=$IMAGE:buildcache" \\
  --export-cache "type=registry,ref=$IMAGE:buildcache,mode=max" \\
  --output "type=image,\\"name=$names\\",push=true" --metadata-file metadata.json
digest=$(sed -n 's/.*"containerimage.digest": *"\\([^"]*\\)".*/\\1/p' metadata.json)
echo "IMAGE_DIGEST=$digest" > build.env
echo "IMAGE_TAG=$CI_COMMIT_SHA" >> build.env
echo "pushed $IMAGE@$digest"
"""

GITLAB_SIGN = """\
apk add --no-cache cosign >/dev/null
cosign sign --yes "$IMAGE@$IMAGE_DIGEST"
"""

REPOSITORY_CHECKS = """\
parasol-gitops validate . --schema-location "$SCHEMA_LOCATION"
parasol-gitops status vms5 .
parasol-gitops pipeline --target "$PIPELINE_TARGET" --check
"""

LINT_AND_TEST = """\
cd "$SERVICE_PATH"
if [ -n "$LINT_COMMAND" ]; then sh -c "$LINT_COMMAND"; fi
if [ -n "$UNIT_COMMAND" ]; then sh -c "$UNIT_COMMAND"; fi
if [ -n "$INTEGRATION_COMMAND" ]; then sh -c "$INTEGRATION_COMMAND"; fi
if [ -n "$COVERAGE_COMMAND" ]; then
  total=$(sh -c "$COVERAGE_COMMAND" | tail -n 1 | tr -d '%[:space:]')
  echo "coverage ${total}% (threshold ${COVERAGE_THRESHOLD}%)"
  awk -v total="$total" -v min="$COVERAGE_THRESHOLD" 'BEGIN { exit !(total + 0 >= min + 0) }'
fi
"""
