#!/usr/bin/env bash
# The soak run: 10 minutes of mixed load through the standalone proxy while discovery restarts and
# the upstreams are made slow and killed; prints threads, fds, heap after GC, in-flight, failures
# by reason, and PASS/FAIL (exit 0/1). Not part of the unit tests.
# Usage: benchmarks/soak.sh [--minutes 10] [--concurrency 32] [--rate 300] [--hosts 200]
#        [--proxy-opts "-Xmx256m"]   (JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -DskipTests package
exec "$JAVA" -cp benchmarks/target/benchmarks.jar io.github.regionalrouter.benchmarks.SoakBenchmark "$@"
