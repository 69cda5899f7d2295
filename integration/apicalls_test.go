package integration

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors"
)

// countingProxy forwards a unix socket to the real engine's and counts the requests by path.
type countingProxy struct {
	mu    sync.Mutex
	paths []string
}

func (p *countingProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.paths...)
}

func startCountingProxy(t *testing.T, target string) (string, *countingProxy) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: "engine"})
	rp.Transport = &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", target)
	}}
	rp.FlushInterval = -1 // the events stream must flow as it comes
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		srv.Close()
	})
	return "unix://" + sock, p
}

// TestNoAPICallPerTick proves on the real daemon that readings cost the engine nothing: after
// the first inventory, twenty samples make no request of their own (no list, no stats, nothing
// about the idle container), and a container start makes the watcher inspect that one
// container, not list everything again.
func TestNoAPICallPerTick(t *testing.T) {
	idle := start(t, spec{name: "apicalls-idle", workload: []string{"-sleep"}})
	host, proxy := startCountingProxy(t, "/var/run/docker.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := collectors.New(ctx, collectors.Options{Host: host})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sampleUntil(t, c, 10*time.Second, nil, running(idle.ID))
	before := proxy.requests()
	for i := 0; i < 20; i++ {
		sample(t, c)
	}
	after := proxy.requests()
	// Other suites (e2e) may start containers on the same daemon meanwhile, and their events
	// rightly make the watcher inspect them: what readings must never cause is a list, or a
	// request about a container nothing happened to.
	for _, r := range after[len(before):] {
		if strings.HasSuffix(r, "/containers/json") || strings.Contains(r, "/stats") || strings.Contains(r, idle.ID) {
			t.Errorf("20 samples made an engine request: %s (all: %v)", r, after[len(before):])
		}
	}

	// Likewise after a start: no list, no inspect of the idle container, an inspect of the new.
	late := start(t, spec{name: "apicalls-late", workload: []string{"-sleep"}})
	sampleUntil(t, c, 10*time.Second, nil, running(late.ID))
	var lists, inspects int
	for _, r := range proxy.requests()[len(after):] {
		switch {
		case strings.HasSuffix(r, "/containers/json"):
			lists++
		case strings.Contains(r, "/containers/") && strings.HasSuffix(r, "/json"):
			if strings.Contains(r, late.ID) {
				inspects++
			}
			if strings.Contains(r, idle.ID) {
				t.Errorf("inspected the idle container, which had no event: %s", r)
			}
		}
	}
	if lists != 0 || inspects == 0 {
		t.Errorf("after a start event: %d lists, %d inspects; want no list and an inspect of the new container (%v)", lists, inspects, proxy.requests()[len(after):])
	}
}
