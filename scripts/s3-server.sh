#!/usr/bin/env bash
# Runs a real S3 server for Ferry's integration tests: OpenStack Swift with s3api, on 127.0.0.1 only.
#
#   bash scripts/s3-server.sh start|stop|status|env
#
# Needs the Debian/Ubuntu packages (this script installs nothing; CI does it with apt):
#   swift swift-proxy swift-account swift-container swift-object python3-swift memcached
# and curl. Background: the team notes on Swift s3api (../shared/s3-test-server.md, not needed to run this).
#
# Everything lives in one data folder, ${FERRY_S3_DIR:-<repo>/.s3-server}:
#   etc/ (configs, rings)  node/d1/ (the stored data)  run/ (pid files)  logs/
# Stored objects survive stop/start; delete the folder (when stopped) for a clean slate.
#
# Ports (all on 127.0.0.1; keep them below 32768, the ephemeral range, or a bind can collide with
# an outgoing connection): FERRY_S3_PORT (S3 endpoint, 18080), FERRY_S3_OBJECT_PORT (16200),
# FERRY_S3_CONTAINER_PORT (16201), FERRY_S3_ACCOUNT_PORT (16202), FERRY_S3_MEMCACHED_PORT (16211).
# FERRY_S3_START_TIMEOUT (seconds, default 60) bounds how long start waits for readiness.
#
# Tests take their settings from `eval "$(bash scripts/s3-server.sh env)"`
# (in GitHub Actions: `bash scripts/s3-server.sh env | sed 's/^export //' >> "$GITHUB_ENV"`).

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# Absolute path: the servers chdir to / when they start, and the path is how `stop` recognises them.
DATA_DIR="$(realpath -m -- "${FERRY_S3_DIR:-$REPO_DIR/.s3-server}")"
ETC_DIR="$DATA_DIR/etc"
NODE_DIR="$DATA_DIR/node"
RUN_DIR="$DATA_DIR/run"
LOG_DIR="$DATA_DIR/logs"
PORTS_FILE="$RUN_DIR/ports"
START_TIMEOUT="${FERRY_S3_START_TIMEOUT:-60}"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || { echo "s3-server: FERRY_S3_START_TIMEOUT must be whole seconds" >&2; exit 2; }

# The servers must run under Debian's python (their shebang): a pyenv/venv python3 first on PATH
# has no `swift` module.
PYTHON=/usr/bin/python3

# Test credentials (tempauth users). test:reader has no .admin role, so every S3 call it makes is
# refused with 403 AccessDenied: the tests' "refused request" case.
REGION=us-east-1
ACCESS_KEY=test:tester
SECRET_KEY=testing
READER_ACCESS_KEY=test:reader
READER_SECRET_KEY=reading
# A second account (its own buckets, which the first cannot read): copies across accounts.
OTHER_ACCESS_KEY=test2:tester2
OTHER_SECRET_KEY=testing2

# memcached first: the proxy needs it to answer anything but healthchecks.
SERVICES=(memcached account container object proxy)

die() { echo "s3-server: $*" >&2; exit 1; }
say() { echo "s3-server: $*"; }

# Ports for `start`: the environment, else the defaults.
ports_from_env() {
  PROXY_PORT="${FERRY_S3_PORT:-18080}"
  OBJECT_PORT="${FERRY_S3_OBJECT_PORT:-16200}"
  CONTAINER_PORT="${FERRY_S3_CONTAINER_PORT:-16201}"
  ACCOUNT_PORT="${FERRY_S3_ACCOUNT_PORT:-16202}"
  MEMCACHED_PORT="${FERRY_S3_MEMCACHED_PORT:-16211}"
  local p
  for p in "$PROXY_PORT" "$OBJECT_PORT" "$CONTAINER_PORT" "$ACCOUNT_PORT" "$MEMCACHED_PORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && (( p > 0 && p < 65536 )) || die "invalid port: '$p'"
  done
}

# Ports for stop/status/env: what the last `start` recorded (it may have been started with other
# FERRY_S3_*_PORT values), unless the environment says otherwise.
ports_for_running() {
  local P_PROXY='' P_OBJECT='' P_CONTAINER='' P_ACCOUNT='' P_MEMCACHED=''
  if [[ -f "$PORTS_FILE" ]]; then
    # shellcheck disable=SC1090
    source "$PORTS_FILE"
  fi
  FERRY_S3_PORT="${FERRY_S3_PORT:-$P_PROXY}" \
  FERRY_S3_OBJECT_PORT="${FERRY_S3_OBJECT_PORT:-$P_OBJECT}" \
  FERRY_S3_CONTAINER_PORT="${FERRY_S3_CONTAINER_PORT:-$P_CONTAINER}" \
  FERRY_S3_ACCOUNT_PORT="${FERRY_S3_ACCOUNT_PORT:-$P_ACCOUNT}" \
  FERRY_S3_MEMCACHED_PORT="${FERRY_S3_MEMCACHED_PORT:-$P_MEMCACHED}" \
    ports_from_env
}

port_of() {
  case "$1" in
    memcached) echo "$MEMCACHED_PORT" ;;
    account) echo "$ACCOUNT_PORT" ;;
    container) echo "$CONTAINER_PORT" ;;
    object) echo "$OBJECT_PORT" ;;
    proxy) echo "$PROXY_PORT" ;;
  esac
}

pid_file() { echo "$RUN_DIR/$1.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }

# A string only our own process of that service has on its command line. For memcached that is
# the path of its own -P pid file (which it writes and may leave behind; we use run/memcached.pid).
marker_of() {
  case "$1" in
    memcached) echo "$RUN_DIR/memcached.self.pid" ;;
    *) echo "$ETC_DIR/$1-server.conf" ;;
  esac
}

# True if PID is alive (not a zombie) and its command line is our server for that service: a pid
# file can outlive its process and the pid can be reused by anything.
is_ours() {
  local svc="$1" pid="$2" stat cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ "${stat##*) }" != Z* ]] || return 1
  cmdline="$(tr '\0' '\n' 2>/dev/null < "/proc/$pid/cmdline")" || return 1
  grep -qxF -- "$(marker_of "$svc")" <<<"$cmdline"
}

# The recorded pid of a service if that process is ours and alive, else nothing.
our_pid() {
  local pid
  pid="$(cat "$(pid_file "$1")" 2>/dev/null)" || return 1
  is_ours "$1" "$pid" || return 1
  echo "$pid"
}

# True while any live (non-zombie) process is in process group PGID. Reads /proc so that procps
# need not be installed.
group_alive() {
  local pgid="$1" f stat rest state pgrp
  for f in /proc/[0-9]*/stat; do
    stat="$(cat "$f" 2>/dev/null)" || continue
    rest="${stat##*) }"
    read -r state _ pgrp _ <<<"$rest"
    if [[ "$pgrp" == "$pgid" && "$state" != Z ]]; then return 0; fi
  done
  return 1
}

# True if something accepts TCP connections on 127.0.0.1:PORT (any program, not only ours).
port_answers() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() {
  curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' "$@" 2>/dev/null || true
}

# The full readiness check: every Swift server's healthcheck, memcached, then through the proxy a
# tempauth token (stored in memcached) and a signed S3 ListBuckets (s3api + tempauth checking the
# signature). Prints what is missing to stderr when not ready.
ready() {
  local svc code
  for svc in account container object proxy; do
    code="$(http_code "http://127.0.0.1:$(port_of "$svc")/healthcheck")"
    [[ "$code" == 200 ]] || { echo "$svc healthcheck: ${code/#000/no answer}" >&2; return 1; }
  done
  port_answers "$MEMCACHED_PORT" || { echo "memcached: no answer" >&2; return 1; }
  # curl's --aws-sigv4 cannot sign for an access key with a colon, so sign in python
  # (signature V2, which s3api accepts).
  "$PYTHON" - "$PROXY_PORT" "$ACCESS_KEY" "$SECRET_KEY" <<'EOF'
import base64, email.utils, hashlib, hmac, sys, urllib.error, urllib.request

port, access, secret = sys.argv[1:4]
base = 'http://127.0.0.1:%s' % port
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore http_proxy

def get(path, headers):
    try:
        with opener.open(urllib.request.Request(base + path, headers=headers), timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
    except OSError as e:
        return None, {}, str(e).encode()

status, headers, body = get('/auth/v1.0', {'X-Auth-User': access, 'X-Auth-Key': secret})
if status != 200 or not headers.get('X-Auth-Token'):
    sys.exit('tempauth token: %s %s' % (status, body[:200]))
date = email.utils.formatdate(usegmt=True)
sig = base64.b64encode(hmac.new(secret.encode(), ('GET\n\n\n%s\n/' % date).encode(),
                                hashlib.sha1).digest()).decode()
status, headers, body = get('/', {'Date': date, 'Authorization': 'AWS %s:%s' % (access, sig)})
if status != 200 or b'ListAllMyBucketsResult' not in body:
    sys.exit('S3 ListBuckets: %s %s' % (status, body[:200]))
EOF
}

require_tools() {
  local missing=() f
  for f in "$PYTHON" /usr/bin/swift-proxy-server /usr/bin/swift-account-server \
      /usr/bin/swift-container-server /usr/bin/swift-object-server; do
    [[ -x "$f" ]] || missing+=("$f")
  done
  command -v memcached >/dev/null || missing+=(memcached)
  command -v curl >/dev/null || missing+=(curl)
  command -v setsid >/dev/null || missing+=(setsid)
  # Swift always reads /etc/swift/swift.conf (the package's, hash prefix/suffix "changeme"),
  # whatever swift_dir says.
  [[ -f /etc/swift/swift.conf ]] || missing+=(/etc/swift/swift.conf)
  if ((${#missing[@]})); then
    die "missing: ${missing[*]}
  install: sudo apt-get install -y --no-install-recommends swift swift-proxy swift-account swift-container swift-object python3-swift memcached curl"
  fi
}

write_configs() {
  local user
  user="$(id -un)" || die "the current uid $(id -u) has no user name; Swift needs one"
  # Every server: loopback only; one device folder without a mount check; rings from our etc/;
  # workers = 0 (one process each: about half the memory of workers = 1, same results; also a
  # forking server signals its whole process group on SIGTERM); user = whoever runs this, since
  # Swift switches to `user` (default "swift") and then could not write our folder (every
  # CreateBucket would fail with 503).
  common() {
    cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
devices = $NODE_DIR
mount_check = false
swift_dir = $ETC_DIR
workers = 0
user = $user
EOF
  }

  { common "$ACCOUNT_PORT"; cat <<'EOF'

[pipeline:main]
pipeline = healthcheck account-server

[app:account-server]
use = egg:swift#account

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  } > "$ETC_DIR/account-server.conf"

  { common "$CONTAINER_PORT"; cat <<'EOF'

[pipeline:main]
pipeline = healthcheck container-server

[app:container-server]
use = egg:swift#container

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  } > "$ETC_DIR/container-server.conf"

  # allowed_headers: the object headers kept on upload. Swift 2.30's default already holds these;
  # older defaults lack Cache-Control, Content-Language and Expires and silently drop them.
  { common "$OBJECT_PORT"; cat <<'EOF'

[pipeline:main]
pipeline = healthcheck object-server

[app:object-server]
use = egg:swift#object
allowed_headers = Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires, X-Delete-At, X-Object-Manifest, X-Static-Large-Object, X-Robots-Tag

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
  } > "$ETC_DIR/object-server.conf"

  # Proxy: s3api translates S3 to Swift, tempauth holds the test users (its "cache" filter, i.e.
  # memcached, is required: without it every request is 500 "Memcache required"); slo backs
  # multipart uploads, so it must allow S3's 10,000 parts.
  { common "$PROXY_PORT"; cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
location = $REGION
max_upload_part_num = 10000

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin
user_test_reader = reading

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHED_PORT

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000
EOF
    local f
    for f in catch_errors gatekeeper healthcheck listing_formats bulk tempurl copy dlo \
        versioned_writes symlink; do
      printf '\n[filter:%s]\nuse = egg:swift#%s\n' "$f" "$f"
    done
    printf '\n[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n'
  } > "$ETC_DIR/proxy-server.conf"
}

# The rings map partitions to our one device; they hold the servers' ports, so they are rebuilt
# when a port changes (the data stays: with one device every partition lives on d1).
build_rings() {
  local stamp="account=$ACCOUNT_PORT container=$CONTAINER_PORT object=$OBJECT_PORT"
  if [[ -f "$ETC_DIR/account.ring.gz" && -f "$ETC_DIR/container.ring.gz" \
      && -f "$ETC_DIR/object.ring.gz" && "$(cat "$ETC_DIR/rings.ports" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  say "building rings"
  "$PYTHON" - "$ETC_DIR" "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" <<'EOF'
import sys
from swift.common.ring import RingBuilder

etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:5]):
    b = RingBuilder(10, 1, 1)  # 2^10 partitions, 1 replica, min_part_hours 1
    b.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
               'device': 'd1', 'weight': 100})
    b.rebalance()
    b.get_ring().save('%s/%s.ring.gz' % (etc, name))
EOF
  echo "$stamp" > "$ETC_DIR/rings.ports"
}

# Starts one service in its own session, so its pid is also its process-group id and stop can
# signal the whole group without touching our caller's. The pid is written by the process itself
# right before exec (setsid may fork, so $! could be the wrong pid). stdin/stdout/stderr are
# detached from the caller so `$(... start)` or a CI step does not hang on them.
launch() {
  local svc="$1" cmd
  case "$svc" in
    memcached)
      cmd=("$(command -v memcached)" -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64 -P "$(marker_of memcached)")
      # As root memcached refuses to run (exit 64) unless told which user to be.
      if [[ "$(id -u)" == 0 ]]; then cmd+=(-u root); fi
      # A stale one makes memcached log a misleading warning.
      rm -f "$(marker_of memcached)"
      ;;
    *)
      # -v: log to stderr (our log file); otherwise errors go to syslog only.
      cmd=("$PYTHON" "/usr/bin/swift-$svc-server" "$ETC_DIR/$svc-server.conf" -v)
      ;;
  esac
  rm -f "$(pid_file "$svc")"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$(pid_file "$svc")" "${cmd[@]}" \
    < /dev/null > "$(log_file "$svc")" 2>&1 9>&- &
}

show_logs() {
  local svc
  for svc in "${SERVICES[@]}"; do
    echo "----- $(log_file "$svc") (last 30 lines) -----" >&2
    tail -n 30 "$(log_file "$svc")" >&2 2>/dev/null || true
  done
}

# Polls (every 0.2 s, up to START_TIMEOUT s) until ready; else returns 1 with the reason in WAIT_WHY.
WAIT_WHY=''
wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT)) svc pid dead
  while :; do
    # A server that exits during start (bad config, port taken meanwhile) will not come back:
    # fail now instead of waiting out the deadline.
    dead=''
    for svc in "${SERVICES[@]}"; do
      pid="$(cat "$(pid_file "$svc")" 2>/dev/null)" || continue
      if ! is_ours "$svc" "$pid"; then dead+=" $svc"; fi
    done
    if [[ -n "$dead" ]]; then WAIT_WHY="exited:$dead"; return 1; fi
    if WAIT_WHY="$(ready 2>&1)"; then return 0; fi
    if ((SECONDS >= deadline)); then
      WAIT_WHY="not ready after $START_TIMEOUT s: $WAIT_WHY"
      return 1
    fi
    sleep 0.2
  done
}

# Serialises start and stop on one data folder (two test runners starting it at once would
# otherwise both find the ports free). Held on fd 9 until this script exits; launch() keeps fd 9
# out of the servers, or they would hold the lock forever.
lock() {
  if ! command -v flock >/dev/null; then return 0; fi
  exec 9>>"$RUN_DIR/lock"
  flock -w $((START_TIMEOUT + 30)) 9 || die "another start/stop on $DATA_DIR did not finish"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

do_stop() {
  local svc pid pgids=() names=()
  for svc in "${SERVICES[@]}"; do
    if pid="$(our_pid "$svc")"; then
      pgids+=("$pid")
      names+=("$svc")
    fi
  done
  if ((${#pgids[@]} == 0)); then
    rm -f "$RUN_DIR"/*.pid 2>/dev/null || true
    say "not running"
    return 0
  fi
  say "stopping ${names[*]}"
  # All groups at once: each takes 1.5-2 s to exit, in parallel that is the total.
  for pid in "${pgids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done

  local start deadline left
  start="$(now)"
  deadline=$((SECONDS + 10))
  while :; do
    left=()
    for pid in "${pgids[@]}"; do
      if group_alive "$pid"; then left+=("$pid"); fi
    done
    ((${#left[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      say "still running after 10 s, sending SIGKILL to process groups ${left[*]}"
      for pid in "${left[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
      deadline=$((SECONDS + 5))
      pgids=("${left[@]}")
      continue
    fi
    sleep 0.1
  done
  rm -f "$RUN_DIR"/*.pid

  # Closed ports before returning, so a following start does not find them taken.
  deadline=$((SECONDS + 10))
  for svc in "${SERVICES[@]}"; do
    while port_answers "$(port_of "$svc")"; do
      if ((SECONDS >= deadline)); then
        say "warning: port $(port_of "$svc") ($svc) still answers: another program?" >&2
        break
      fi
      sleep 0.1
    done
  done
  say "stopped ($(elapsed "$start") s)"
}

do_start() {
  require_tools
  mkdir -p "$ETC_DIR" "$NODE_DIR/d1" "$RUN_DIR" "$LOG_DIR" 2>/dev/null \
    && [[ -w "$DATA_DIR" && -w "$NODE_DIR/d1" && -w "$RUN_DIR" ]] \
    || die "cannot write $DATA_DIR (set FERRY_S3_DIR to a writable folder)"
  lock
  ports_for_running

  # Our own server (per the pid files) already up: nothing to do.
  local svc ours=()
  for svc in "${SERVICES[@]}"; do
    if our_pid "$svc" >/dev/null; then ours+=("$svc"); fi
  done
  if ((${#ours[@]} == ${#SERVICES[@]})); then
    # All up; it may still be booting (another start running meanwhile), so allow the usual time.
    if wait_ready; then
      say "already running on http://127.0.0.1:$PROXY_PORT (data: $DATA_DIR)"
      return 0
    fi
    say "our processes are running but the server does not answer ($WAIT_WHY); restarting"
    do_stop
  elif ((${#ours[@]})); then
    # Half up (a crash, or an interrupted start): start over cleanly.
    say "only ${ours[*]} of our processes are running; restarting"
    do_stop
  fi

  ports_from_env
  local port busy=0
  for svc in "${SERVICES[@]}"; do
    port="$(port_of "$svc")"
    if port_answers "$port"; then
      echo "s3-server: port $port on 127.0.0.1 (for $svc) is already in use by another program" >&2
      if command -v ss >/dev/null; then ss -ltnpH "sport = :$port" >&2 2>/dev/null || true; fi
      busy=1
    fi
  done
  if ((busy)); then
    die "not starting: stop that program or choose other ports (FERRY_S3_PORT, FERRY_S3_OBJECT_PORT, FERRY_S3_CONTAINER_PORT, FERRY_S3_ACCOUNT_PORT, FERRY_S3_MEMCACHED_PORT)"
  fi

  local start
  start="$(now)"
  write_configs
  build_rings
  cat > "$PORTS_FILE" <<EOF
P_PROXY=$PROXY_PORT
P_OBJECT=$OBJECT_PORT
P_CONTAINER=$CONTAINER_PORT
P_ACCOUNT=$ACCOUNT_PORT
P_MEMCACHED=$MEMCACHED_PORT
EOF
  for svc in "${SERVICES[@]}"; do launch "$svc"; done

  if wait_ready; then
    say "ready on http://127.0.0.1:$PROXY_PORT in $(elapsed "$start") s (data: $DATA_DIR)"
    return 0
  fi
  echo "s3-server: start failed: $WAIT_WHY" >&2
  show_logs
  # Each process writes its own pid file as it starts; give a late one a moment so none escapes.
  local deadline=$((SECONDS + 3))
  for svc in "${SERVICES[@]}"; do
    while [[ ! -s "$(pid_file "$svc")" ]] && ((SECONDS < deadline)); do sleep 0.1; done
  done
  do_stop >&2 || true
  exit 1
}

do_status() {
  ports_for_running
  local svc down=()
  for svc in "${SERVICES[@]}"; do
    if ! our_pid "$svc" >/dev/null; then down+=("$svc"); fi
  done
  if ((${#down[@]} == ${#SERVICES[@]})); then
    say "not running"
    return 3
  fi
  if ((${#down[@]})); then
    say "partly running; not running: ${down[*]} (run stop, then start)"
    return 1
  fi
  local why
  if why="$(ready 2>&1)"; then
    say "running on http://127.0.0.1:$PROXY_PORT (data: $DATA_DIR)"
    return 0
  fi
  say "processes are up but not answering: $why"
  return 1
}

do_env() {
  ports_for_running
  cat <<EOF
export FERRY_TEST_ENDPOINT=http://127.0.0.1:$PROXY_PORT
export FERRY_TEST_REGION=$REGION
export FERRY_TEST_ACCESS_KEY=$ACCESS_KEY
export FERRY_TEST_SECRET_KEY=$SECRET_KEY
export FERRY_TEST_PATH_STYLE=true
export FERRY_TEST_ACCESS_KEY_READER=$READER_ACCESS_KEY
export FERRY_TEST_SECRET_KEY_READER=$READER_SECRET_KEY
export FERRY_TEST_ACCESS_KEY_OTHER=$OTHER_ACCESS_KEY
export FERRY_TEST_SECRET_KEY_OTHER=$OTHER_SECRET_KEY
EOF
}

case "${1:-}" in
  start) do_start ;;
  stop)
    if [[ -d "$RUN_DIR" && -w "$RUN_DIR" ]]; then lock; fi
    ports_for_running
    do_stop
    ;;
  status) do_status ;;
  env) do_env ;;
  *) echo "usage: bash scripts/s3-server.sh start|stop|status|env" >&2; exit 2 ;;
esac
