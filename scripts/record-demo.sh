#!/usr/bin/env bash
# Records testdata/demo.bxr on the real daemon: a varied scene for `boxtop replay` and demo.tape.
# Limits, a throttled CPU burner, an OOM kill, a container that exits with a code, host and
# joined namespaces, a published port, a shared volume and a sensitive bind mount. Needs root and
# a running daemon (make docker-up); removes everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-testdata/demo.bxr}
seconds=${DEMO_SECONDS:-45}
label=boxtop.demo=1
tmp=$(mktemp -d)
cleanup() {
	docker ps -aq --filter "label=$label" | xargs -r docker rm -f -v >/dev/null
	docker volume rm -f demo-data >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
cleanup

mkdir -p "$tmp/rootfs"/{etc,tmp,proc,sys,dev,data}
touch "$tmp/rootfs"/etc/{hostname,hosts,resolv.conf}
CGO_ENABLED=0 go build -trimpath -o "$tmp/rootfs/workload" ./integration/workload
tar -C "$tmp/rootfs" -c . | docker import --change 'ENTRYPOINT ["/workload"]' - boxtop-demo:latest >/dev/null
go build -o "$tmp/boxtop" ./cmd/boxtop

run() { docker run -d --label "$label" "$@" >/dev/null; }
run --name web --memory 128m --cpus 1 --pids-limit 100 -p 127.0.0.1:8080:8080 -v demo-data:/data boxtop-demo:latest -listen 8080 -fork 2
run --name sidecar --network container:web --ipc shareable boxtop-demo:latest -sleep
run --name batch --cpus 0.25 -v demo-data:/data:ro boxtop-demo:latest -burn 1
run --name node-agent --network host --pid host --read-only -v /var/run/docker.sock:/var/run/docker.sock:ro boxtop-demo:latest -sleep
run --name locked --cap-drop ALL --cap-add NET_BIND_SERVICE --read-only --security-opt no-new-privileges --memory 32m --pids-limit 20 boxtop-demo:latest -sleep
docker create --label "$label" --name old-job boxtop-demo:latest -sleep >/dev/null

"$tmp/boxtop" record -o "$out" --interval 1s --duration "${seconds}s" --processes &
rec=$!
sleep 8
run --name cache --memory 48m boxtop-demo:latest -alloc-child 200   # its child is OOM-killed
sleep 8
run --name migrate boxtop-demo:latest -exit-after 4s -exit-code 3    # dies with status 3
wait "$rec"
ls -l "$out"
