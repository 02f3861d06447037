#!/usr/bin/env bash
# What of deploy/ can run without a container engine or a cluster, run with the real binaries on this machine:
#
#  1. the Kubernetes manifests against the API schemas of Kubernetes 1.29, 1.31 and 1.37 (kubernetes-validate,
#     strict: unknown fields are errors), installed from PyPI when missing;
#  2. the service's reload on change: backstop-server started with the Deployment's arguments on a directory laid out
#     as the kubelet lays out a projected ConfigMap volume (each key a link into ..data, ..data a link to a
#     timestamped directory), the reloader sidecar's script taken from service.yaml and run as it is (only the
#     volume's path, the server's address and the polling period substituted), then the volume's contents swapped
#     as the kubelet swaps them (a new directory, a new link renamed over ..data): /readyz must then show the new
#     catalog's hash, and the sidecar must have logged the reload's 200;
#  3. the cohort: the shard Job's script from cohort-shards-job.yaml run once per completion index, all at once, with
#     JOB_COMPLETION_INDEX and HOSTNAME set as Kubernetes sets them (/data substituted), then the merge Job's command
#     from cohort-merge-job.yaml: the merged file must be byte for byte one unsharded run's output.
#
# Not exercised: the image build (deploy/Dockerfile), a cluster, the kubelet itself, the ReadWriteMany volume.
#
# Usage: deploy/exercise-locally.sh        (from anywhere; runs from the repository root)
# Environment: BACKSTOP_BIN (a built backstop with backstop-server beside it; default: a debug build of both),
# PYTHON (default python3), KEEP_DIR (keep the work files there).
# Exit status: 0 when every check passed, 1 when one failed, 2 when setup failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
KUBERNETES_VALIDATE_VERSION=1.37.0

source scripts/lib.sh
apt_install_missing curl:curl
if [[ -z ${BACKSTOP_BIN:-} ]]; then
    swift build --product backstop >&2 || exit 2
    swift build --product backstop-server >&2 || exit 2
    BACKSTOP_BIN="$(swift build --show-bin-path)/backstop"
fi
SERVER_BIN=$(release_backstop_server)
bin_dir=$(cd "$(dirname "$BACKSTOP_BIN")" && pwd)
use_work_directory catalog data reloader.log server.log
reloader_pid=
trap 'stop_backstop_server; [[ -n $reloader_pid ]] && kill "$reloader_pid" 2>/dev/null; [[ -n ${KEEP_DIR:-} ]] || rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# What a manifest says, read with PyYAML: `yq FILE EXPRESSION` evaluates EXPRESSION with `docs` (the file's documents)
# and `container(doc, name)` in scope and prints the result (a list joined by NUL bytes).
yq() {
    "$PYTHON" - "$@" <<'EOF'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
def container(doc, name):
    return next(c for c in doc["spec"]["template"]["spec"]["containers"] if c["name"] == name)
value = eval(sys.argv[2])
sys.stdout.write("\0".join(map(str, value)) if isinstance(value, list) else str(value))
EOF
}
# Kubernetes writes $$ for a literal $ in a container's command (docs/deploy.md).
unescape() { sed 's/\$\$/$/g'; }

echo "== 1. the manifests against the Kubernetes API schemas" >&2
installed=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null || true)
if [[ $installed != "$KUBERNETES_VALIDATE_VERSION" ]]; then
    "$PYTHON" -m pip install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
        || "$PYTHON" -m pip install -q --disable-pip-version-check --break-system-packages \
            "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" || exit 2
fi
for version in 1.29.0 1.31.0 1.37.0; do
    if "$PYTHON" -m kubernetes_validate --strict --quiet -k "$version" deploy/k8s/*.yaml; then
        echo "   Kubernetes $version: every resource valid" >&2
    else
        fail "a manifest does not validate against Kubernetes $version"
    fi
done

echo "== 2. reload on change (service.yaml: backstop-server and the catalog-reloader sidecar)" >&2
# The volume as the kubelet lays it out.
lay_out() { # DIRECTORY VERSION-NAME SOURCE-CATALOG
    local volume=$1 version=$2 source=$3
    mkdir -p "$volume/$version/schema" "$volume/$version/caps"
    cp "$source"/*.xml "$volume/$version/"
    cp "$source/schema/provider-1.xsd" "$volume/$version/schema/"
    cp "$source/caps/legal-caps.json" "$volume/$version/caps/"
    ln -s "$version" "$volume/..data_tmp"
    mv -T "$volume/..data_tmp" "$volume/..data"
    local entry
    for entry in "$volume/$version"/*; do
        [[ -e $volume/$(basename "$entry") ]] || ln -s "..data/$(basename "$entry")" "$volume/$(basename "$entry")"
    done
}
lay_out "$work/catalog" "..2026_11_25_00_00_00.000000001" providers
mapfile -d '' server_args < <(yq deploy/k8s/service.yaml 'container(docs[0], "backstop")["args"]')
server_args=("${server_args[@]//\/catalog/$work/catalog}")
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Loopback and a free port here instead of the pod's 0.0.0.0:8080.
if ! BACKSTOP_ADMIN_TOKEN=$token BACKSTOP_HOST=127.0.0.1 BACKSTOP_MAX_CONNECTIONS_PER_CLIENT=0 \
    start_backstop_server "$work/server.log" "$work/server.log" "$SERVER_BIN" "${server_args[@]}" --port 0; then
    echo "SETUP FAILED: the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 2
fi
echo "   $SERVER_BIN ${server_args[*]} at $server_url" >&2
readyz() { curl -sS "$server_url/readyz" | "$PYTHON" -c 'import json,sys; c=json.load(sys.stdin)["catalog"]; print(c["hash"], c["providers"])'; }
read -r first_hash first_count < <(readyz)
reloader=$(yq deploy/k8s/service.yaml 'container(docs[0], "catalog-reloader")["command"][2]' | unescape)
reloader=${reloader//\/catalog/$work/catalog}
reloader=${reloader//http:\/\/127.0.0.1:8080/$server_url}
reloader=${reloader//sleep 10/sleep 1}
BACKSTOP_ADMIN_TOKEN=$token sh -c "$reloader" >"$work/reloader.log" 2>&1 &
reloader_pid=$!
sleep 2
# A new version without one provider, swapped in as the kubelet does.
mkdir -p "$work/smaller"
cp -R providers/schema providers/caps "$work/smaller/"
cp providers/*.xml "$work/smaller/"
rm "$work/smaller/jd-jintiao.xml"
lay_out "$work/catalog" "..2026_11_25_00_01_00.000000002" "$work/smaller"
second_hash=$first_hash
for _ in $(seq 30); do
    read -r second_hash second_count < <(readyz)
    [[ $second_hash != "$first_hash" ]] && break
    sleep 1
done
if [[ $second_hash == "$first_hash" ]]; then
    fail "the server still serves $first_hash 30 s after the volume changed"
elif ((second_count != first_count - 1)); then
    fail "after the swap the server has $second_count providers, expected $((first_count - 1))"
else
    echo "   reloaded: $first_hash ($first_count providers) -> $second_hash ($second_count)" >&2
fi
grep -q "^HTTP 200$" "$work/reloader.log" || fail "the reloader did not log the reload's 200: $(cat "$work/reloader.log")"
sed 's/^/   reloader: /' "$work/reloader.log" | cut -c1-160 >&2
kill "$reloader_pid" 2>/dev/null || true
reloader_pid=
stop_backstop_server

echo "== 3. the cohort (cohort-shards-job.yaml, then cohort-merge-job.yaml)" >&2
mkdir -p "$work/data/in"
"$PYTHON" Benchmarks/batch/generate.py --count 300 --output "$work/data/in/cohort.jsonl"
echo '{"id": "a bad line", "creditScore": 7' >>"$work/data/in/cohort.jsonl"
completions=$(yq deploy/k8s/cohort-shards-job.yaml 'docs[0]["spec"]["completions"]')
shard_script=$(yq deploy/k8s/cohort-shards-job.yaml 'container(docs[0], "batch")["command"][2]' | unescape)
shard_script=${shard_script//\/data/$work/data}
pids=()
for ((index = 0; index < completions; index++)); do
    JOB_COMPLETION_INDEX=$index HOSTNAME="backstop-cohort-$index-x7k2p" BACKSTOP_CATALOG="$work/catalog/..data" \
        PATH="$bin_dir:$PATH" sh -c "$shard_script" 2>"$work/data/shard-$index.log" &
    pids+=($!)
done
for index in "${!pids[@]}"; do
    wait "${pids[$index]}" || fail "shard $index exited $?: $(tail -n 3 "$work/data/shard-$index.log")"
done
leftovers=$(find "$work/data/out" -name '.*partial' | wc -l)
((leftovers == 0)) || fail "$leftovers partial shard files left behind"
mapfile -d '' merge < <(yq deploy/k8s/cohort-merge-job.yaml \
    'container(docs[0], "merge")["command"] + container(docs[0], "merge")["args"]')
merge=("${merge[@]//\/data/$work/data}")
if BACKSTOP_CATALOG="$work/catalog/..data" PATH="$bin_dir:$PATH" "${merge[@]}" 2>"$work/data/merge.log"; then
    sed 's/^/   /' "$work/data/merge.log" >&2
else
    fail "the merge failed: $(cat "$work/data/merge.log")"
fi
# One unsharded run with the Job's settings.
"$BACKSTOP_BIN" batch --in "$work/data/in/cohort.jsonl" --out "$work/data/whole.jsonl" --catalog "$work/catalog/..data" \
    --jobs 2 --detail summary --date 2026-11-25 --progress never --allow-bad-lines 2>/dev/null
if cmp -s "$work/data/whole.jsonl" "$work/data/results.jsonl"; then
    echo "   $completions shards merged: $(wc -l <"$work/data/results.jsonl") lines, identical to one unsharded run" >&2
else
    fail "the merged result differs from one unsharded run"
fi

if ((failures)); then
    echo "exercise: $failures check(s) FAILED" >&2
    exit 1
fi
echo "exercise: every check passed" >&2
