#!/usr/bin/env bash
# The load benchmark: proxy vs direct upstream, same run, wrk with 100 rotating Host headers.
# Usage: benchmarks/load.sh [--connections 64,8] [--duration 10] [--warmup 20]   (JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -DskipTests package
exec "$JAVA" -cp benchmarks/target/benchmarks.jar io.github.regionalrouter.benchmarks.LoadBenchmark "$@"
