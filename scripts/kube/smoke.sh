#!/usr/bin/env bash
# Smoke test of the test control plane (scripts/kube/start.sh): starts it, talks to
# it with curl using only the generated admin kubeconfig, and stops it again.
#
# Checks: kubeconfig works (TLS against the generated CA + bearer token), RBAC is
# enforced (anonymous gets 403), a Namespace and a ConfigMap can be created and read
# back, a Deployment and an HPA are accepted (but never reconciled: no
# controller-manager), and namespace deletion only reaches "Terminating".
#
# If the control plane was already running before, it is left running.
# Ends with the line "smoke: N passed, 0 failed"; exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KUBE_DIR="${AVELON_KUBE_DIR:-$(cd "$here/../.." && pwd)/.data/kube}"

passed=0
failed=0
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '  FAIL %s\n' "$*"; }

was_running=0
if [[ -f "$KUBE_DIR/kube-apiserver.pid" ]] && kill -0 "$(cat "$KUBE_DIR/kube-apiserver.pid")" 2>/dev/null; then
  was_running=1
fi

work="$(mktemp -d)"
cleanup() {
  local rc=$?
  rm -rf "$work"
  if ((was_running == 0)); then
    "$here/stop.sh" || true
  fi
  exit "$rc"
}
trap cleanup EXIT

echo "==> smoke: starting control plane"
start=$SECONDS
kubeconfig="$("$here/start.sh")"
echo "==> smoke: control plane up in $((SECONDS - start))s, kubeconfig $kubeconfig"

# --- read server, CA and token from the kubeconfig (what a client would do) ------
server="$(sed -n 's/^ *server: *//p' "$kubeconfig")"
sed -n 's/^ *certificate-authority-data: *//p' "$kubeconfig" | base64 -d >"$work/ca.crt"
token="$(sed -n 's/^ *token: *//p' "$kubeconfig")"
[[ -n "$server" && -s "$work/ca.crt" && -n "$token" ]] || {
  echo "kubeconfig $kubeconfig is missing server/CA/token" >&2
  exit 1
}

# api METHOD PATH [JSON-BODY] [auth|anon]: prints "<http-code> <body>".
api() {
  local method="$1" path="$2" body="${3:-}" auth="${4:-auth}" args
  args=(-sS --max-time 20 -A avelon-smoke/1.0 --cacert "$work/ca.crt" -X "$method" -o "$work/body" -w '%{http_code}'
    -H 'Accept: application/json')
  [[ "$auth" == auth ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  local code
  code="$(curl "${args[@]}" "$server$path")" || code=000
  printf '%s %s' "$code" "$(cat "$work/body" 2>/dev/null)"
}

# expect DESCRIPTION WANT-CODE RESPONSE [GREP-FIXED-STRING...]
expect() {
  local desc="$1" want="$2" resp="$3" s
  shift 3
  if [[ "${resp%% *}" != "$want" ]]; then
    fail "$desc: want HTTP $want, got ${resp:0:400}"
    return 0
  fi
  for s in "$@"; do
    if ! grep -qF -- "$s" <<<"$resp"; then
      fail "$desc: response lacks '$s': ${resp:0:400}"
      return 0
    fi
  done
  ok "$desc"
}

ns="avelon-smoke-$(date +%s)-$$"
echo "==> smoke: running checks in namespace $ns"

expect "GET /version" 200 "$(api GET /version)" '"gitVersion"'
expect "admin token is system:masters (SelfSubjectReview)" 201 \
  "$(api POST /apis/authentication.k8s.io/v1/selfsubjectreviews '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}')" \
  '"avelon-admin"' '"system:masters"'
expect "anonymous user is denied by RBAC" 403 "$(api GET /api/v1/namespaces/default/configmaps '' anon)" '"Forbidden"'

expect "create namespace" 201 \
  "$(api POST /api/v1/namespaces "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$ns\"}}")"
expect "create configmap" 201 \
  "$(api POST "/api/v1/namespaces/$ns/configmaps" '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"smoke"},"data":{"greeting":"hello avelon"}}')"
expect "read configmap back" 200 "$(api GET "/api/v1/namespaces/$ns/configmaps/smoke")" \
  '"name":"smoke"' "\"namespace\":\"$ns\"" '"greeting":"hello avelon"'

expect "create deployment (accepted, never reconciled)" 201 \
  "$(api POST "/apis/apps/v1/namespaces/$ns/deployments" '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"example.invalid/web:1"}]}}}}')"
expect "create HPA autoscaling/v2" 201 \
  "$(api POST "/apis/autoscaling/v2/namespaces/$ns/horizontalpodautoscalers" '{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}}')"
resp="$(api GET "/apis/apps/v1/namespaces/$ns/deployments/web")"
expect "read deployment back" 200 "$resp" '"replicas":2'
if grep -q '"readyReplicas"' <<<"$resp"; then
  fail "deployment unexpectedly has readyReplicas (is a controller-manager running?)"
else
  ok "deployment has no status replicas (no controller-manager, as documented)"
fi
expect "list pods: none were created" 200 "$(api GET "/api/v1/namespaces/$ns/pods")" '"items":[]'

expect "delete namespace" 200 "$(api DELETE "/api/v1/namespaces/$ns")"
expect "namespace stays Terminating (no namespace controller)" 200 \
  "$(api GET "/api/v1/namespaces/$ns")" '"phase":"Terminating"'

echo "smoke: $passed passed, $failed failed"
((failed == 0))
