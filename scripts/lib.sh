# Shell functions shared by the scripts and benchmarks that install Debian tools, build the release binaries or start
# the real server: `source scripts/lib.sh` (from the repository root). Defines functions only; nothing runs on load.

# apt_install_missing COMMAND:PACKAGE... — installs, with apt-get, the package of every command that is not on PATH
# (sudo when not root). Exits 2 when something is missing and there is no apt-get.
apt_install_missing() {
    local pair missing=() sudo=()
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null || { echo "missing: ${missing[*]} (and no apt-get to install them)" >&2; exit 2; }
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    echo "installing ${missing[*]} with apt-get ..." >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# release_backstop — prints the path of the release `backstop`: $BACKSTOP_BIN when set, else after building it
# (SwiftPM waits by itself while another build holds the lock on .build). Exits 2 when the build fails.
release_backstop() {
    if [[ -n ${BACKSTOP_BIN:-} ]]; then
        echo "$BACKSTOP_BIN"
        return
    fi
    swift build -c release --product backstop >&2 || exit 2
    echo "$(swift build -c release --show-bin-path)/backstop"
}

# release_backstop_server — prints the path of the release `backstop-server` (the HTTP service, which `backstop serve`
# runs): $BACKSTOP_SERVER_BIN when set, else the `backstop-server` beside $BACKSTOP_BIN when that is set, else after
# building it. Exits 2 when the build fails or the binary is not there.
release_backstop_server() {
    local binary
    if [[ -n ${BACKSTOP_SERVER_BIN:-} ]]; then
        binary=$BACKSTOP_SERVER_BIN
    elif [[ -n ${BACKSTOP_BIN:-} ]]; then
        binary=$(dirname "$BACKSTOP_BIN")/backstop-server
    else
        swift build -c release --product backstop-server >&2 || exit 2
        binary="$(swift build -c release --show-bin-path)/backstop-server"
    fi
    if [[ ! -x $binary ]]; then
        echo "no backstop-server at $binary: build it with swift build -c release --product backstop-server," \
            "or set BACKSTOP_SERVER_BIN" >&2
        exit 2
    fi
    echo "$binary"
}

# start_backstop_server STDOUT STDERR BINARY SERVER-ARGUMENTS... — starts `BINARY SERVER-ARGUMENTS...` in the
# background, BINARY being `backstop-server` (or `backstop`, which is then run as `backstop serve`, the same server
# under the same process id); STDOUT and STDERR may be the same file. Waits up to 30 s for its "listening on" line.
# Sets server_pid and server_url (http://127.0.0.1:PORT). Returns 1, with server_url empty, when the server exits or
# does not listen in time; the caller reports it (the server's output is in the files). Environment variables set
# for the call (BACKSTOP_ADMIN_TOKEN=… start_backstop_server …) reach the server.
start_backstop_server() {
    local out=$1 err=$2 binary=$3
    shift 3
    local command=("$binary")
    [[ $(basename "$binary") == backstop ]] && command+=(serve)
    if [[ $out == "$err" ]]; then
        "${command[@]}" "$@" >"$out" 2>&1 &
    else
        "${command[@]}" "$@" >"$out" 2>"$err" &
    fi
    server_pid=$!
    server_url=
    local _
    for _ in $(seq 300); do
        server_url=$(sed -n 's|^backstop: listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$out" | head -n 1)
        [[ -n $server_url ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# stop_backstop_server — stops the server start_backstop_server started, if it still runs: SIGTERM (a graceful
# stop), then SIGKILL after 5 s.
stop_backstop_server() {
    [[ -n ${server_pid:-} ]] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        local _
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
}

# use_work_directory NAME... — sets `work` to $KEEP_DIR (created if missing, the NAMEs inside it removed first) or to
# a new temporary directory, and installs the traps: on exit the server is stopped and a temporary `work` removed;
# SIGINT/SIGTERM exit 130.
use_work_directory() {
    server_pid=
    if [[ -n ${KEEP_DIR:-} ]]; then
        work=$KEEP_DIR
        mkdir -p "$work"
        local name
        for name in "$@"; do rm -rf "${work:?}/$name"; done
    else
        work=$(mktemp -d)
    fi
    trap 'stop_backstop_server; [[ -n ${KEEP_DIR:-} ]] || rm -rf "$work"' EXIT
    trap 'exit 130' INT TERM
}
