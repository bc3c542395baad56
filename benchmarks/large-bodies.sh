#!/usr/bin/env bash
# Checks that a 1 GiB upload and a 1 GiB download pass through the standalone proxy running with
# -Xmx64m (issue 3). Prints the bytes counted at each end and the proxy's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
SIZE=$((1024 * 1024 * 1024))
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -DskipTests package
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$JAVA" -cp benchmarks/target/benchmarks.jar io.github.regionalrouter.benchmarks.BulkUpstream 18391 > "$work/upstream.log" 2>&1 &
cat > "$work/proxy.json" <<JSON
{"listen": "127.0.0.1:18390",
 "resolver": {"type": "fixed", "hosts": {"big.example": "bulk"}, "cache": false},
 "clusters": [{"name": "bulk", "endpoints": ["http://127.0.0.1:18391"], "requestTimeout": "5m"}],
 "server": {"bodyIdleTimeout": "60s"}}
JSON
"$JAVA" -Xmx64m -jar jdk-server-adapter/target/regional-router-proxy.jar --config "$work/proxy.json" > "$work/proxy.log" 2>&1 &
proxy=$!
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:18390/ -H 'Host: big.example' && break; sleep 0.2; done
echo "download: $(curl -s -H 'Host: big.example' http://127.0.0.1:18390/bytes/$SIZE | wc -c) bytes received (expected $SIZE)"
truncate -s "$SIZE" "$work/upload.bin" # sparse: no disk used
echo "upload (Content-Length): upstream counted $(curl -s -X POST -T "$work/upload.bin" -H 'Host: big.example' http://127.0.0.1:18390/upload) bytes (expected $SIZE)"
echo "upload (chunked):        upstream counted $(head -c "$SIZE" /dev/zero | curl -s -X POST -T - -H 'Host: big.example' http://127.0.0.1:18390/upload) bytes (expected $SIZE)"
echo "proxy peak RSS: $(grep VmHWM /proc/$proxy/status)  (heap capped at 64 MiB)"
grep -c OutOfMemoryError "$work/proxy.log" | sed 's/^/OutOfMemoryError lines in the proxy log: /' || true
