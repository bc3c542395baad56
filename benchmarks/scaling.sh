#!/usr/bin/env bash
# How throughput grows with event loops: the standalone proxy with eventLoops 1, 2, ... behind the
# peer harness's discovery and upstreams (../shared/bench), wrk at c64, rounds interleaved, one run.
# The proxy may be pinned to CPUs of its own (taskset) and wrk plus the harness's nginx to others,
# so that what the loops can use is known. Prints req/s per round, the median per loop count and
# each median's ratio to the 1-loop median.
#
# Usage: benchmarks/scaling.sh                      (loops 1 2; proxy on CPU 1, the rest on CPU 0)
#   LOOPS="1 2 4" PROXY_CPUS=0-1 OTHER_CPUS= ROUNDS=3 DURATION=10 WARMUP=10 benchmarks/scaling.sh
#   (an empty OTHER_CPUS leaves wrk and the harness unpinned; JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH=${BENCH:-$ROOT/../shared/bench}
LOOPS=${LOOPS:-"1 2"}
PROXY_CPUS=${PROXY_CPUS-1}
OTHER_CPUS=${OTHER_CPUS-0}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
PORT=18290
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAR=$ROOT/jdk-server-adapter/target/regional-router-proxy.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

"$BENCH/start.sh" >/dev/null
work=$(mktemp -d)
proxy=
trap '[ -n "$proxy" ] && kill "$proxy" 2>/dev/null; rm -rf "$work"' EXIT
pin() { [ -n "$1" ] && echo "taskset -c $1" || true; }
if [ -n "$OTHER_CPUS" ]; then # the harness's nginx and haproxy, all their threads
  for p in $(pgrep -f 'nginx|haproxy'); do taskset -a -cp "$OTHER_CPUS" "$p" >/dev/null 2>&1 || true; done
fi

start_proxy() { # start_proxy LOOPS
  cat > "$work/proxy.json" <<JSON
{"listen": "127.0.0.1:$PORT", "routingHeader": "region", "accessLog": false,
 "discovery": {"url": "http://127.0.0.1:18090/discover?host={host}", "regionPointer": "/region", "timeout": "1s"},
 "clusters": [{"name": "us_east1", "endpoints": ["http://127.0.0.1:18081"]},
              {"name": "us_central1", "endpoints": ["http://127.0.0.1:18082"]}],
 "responseHeaders": {"Processed-By": "Regional Router"},
 "server": {"eventLoops": $1}}
JSON
  $(pin "$PROXY_CPUS") "$JAVA" -jar "$JAR" --config "$work/proxy.json" > "$work/proxy-$1.log" 2>&1 &
  proxy=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null --max-time 1 -H 'Host: a0.tenant.example' "http://127.0.0.1:$PORT/" && return
    sleep 0.2
  done
  echo "proxy with $1 loops did not start:"; cat "$work/proxy-$1.log"; exit 1
}

wrk_rps() { # wrk_rps SECONDS
  $(pin "$OTHER_CPUS") wrk -t1 -c64 -d"$1"s -s "$BENCH/wrk/hosts.lua" "http://127.0.0.1:$PORT/" \
    | sed -n 's/^RESULT rps=\([0-9.]*\).*/\1/p'
}

echo "proxy CPUs: ${PROXY_CPUS:-all}; wrk and harness CPUs: ${OTHER_CPUS:-all}; $("$JAVA" -version 2>&1 | head -1)"
for r in $(seq 1 "$ROUNDS"); do
  for n in $LOOPS; do
    start_proxy "$n"
    wrk_rps "$WARMUP" > /dev/null
    rps=$(wrk_rps "$DURATION")
    echo "round $r loops $n rps $rps" | tee -a "$work/results"
    kill "$proxy"; wait "$proxy" 2>/dev/null || true; proxy=
  done
done
base=
for n in $LOOPS; do
  med=$(awk -v n="$n" '$4 == n {print $6}' "$work/results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  [ -z "$base" ] && base=$med
  printf 'loops %s: median %.0f req/s, %.2fx the 1-loop median\n' "$n" "$med" "$(echo "$med / $base" | bc -l)"
done
