package engine

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDaemon answers the part of the Docker Engine API the watcher uses, on a unix socket, with
// the JSON under testdata. It counts requests by path (without the /v1.xx prefix) and lets the
// test drive the events stream.
type fakeDaemon struct {
	t    testing.TB
	srv  *httptest.Server
	host string // unix:///...

	mu          sync.Mutex
	counts      map[string]int
	eventTimes  []time.Time       // when each /events request arrived
	eventSince  []string          // the since each asked for
	inspect     map[string][]byte // id -> inspect JSON
	stats       map[string][]byte // id -> stats JSON
	statsQuery  []string          // the query of each stats request
	statsDelay  time.Duration     // how long a stats answer waits, as for the engine's next collection
	order       []string          // ids in list order
	eventsFails int               // answer this many more /events requests with 500
	streams     []chan []byte     // open events streams
	gates       map[string]chan struct{}
	arrived     map[string]chan struct{}
	quit        chan struct{}
}

var versionPrefix = regexp.MustCompile(`^/v[0-9.]+`)

func newFakeDaemon(t testing.TB, inspectFiles ...string) *fakeDaemon {
	t.Helper()
	f := &fakeDaemon{
		t:       t,
		counts:  map[string]int{},
		inspect: map[string][]byte{},
		stats:   map[string][]byte{},
		gates:   map[string]chan struct{}{},
		arrived: map[string]chan struct{}{},
		quit:    make(chan struct{}),
	}
	for _, file := range inspectFiles {
		f.put(file)
	}
	// A short directory: unix socket paths are limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "bxe")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Listener.Close()
	f.srv.Listener = ln
	f.srv.Start()
	f.host = "unix://" + sock
	t.Cleanup(func() {
		close(f.quit)
		f.srv.Close()
		os.RemoveAll(dir)
	})
	return f
}

// put adds or replaces a container from testdata/inspect/file.
func (f *fakeDaemon) put(file string) string {
	f.t.Helper()
	data := readTestdata(f.t, "inspect", file)
	var head struct{ Id string }
	if err := json.Unmarshal(data, &head); err != nil || head.Id == "" {
		f.t.Fatalf("testdata/inspect/%s: no Id (%v)", file, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.inspect[head.Id]; !ok {
		f.order = append(f.order, head.Id)
	}
	f.inspect[head.Id] = data
	return head.Id
}

// putStats makes the stats of id answer with testdata/stats/file.
func (f *fakeDaemon) putStats(id, file string) {
	f.t.Helper()
	data := readTestdata(f.t, "stats", file)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats[id] = data
}

func (f *fakeDaemon) statsQueries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.statsQuery)
}

func (f *fakeDaemon) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.inspect, id)
	f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == id })
}

// count returns the requests made to path so far.
func (f *fakeDaemon) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[path]
}

func (f *fakeDaemon) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.counts {
		n += c
	}
	return n
}

func (f *fakeDaemon) snapshotCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

func (f *fakeDaemon) eventRequestTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.eventTimes)
}

func (f *fakeDaemon) eventRequestSince() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.eventSince)
}

func (f *fakeDaemon) failEvents(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.eventsFails = n
}

// hold makes inspects of id wait until the returned release is called; the answer is the
// container as it was when the request arrived. arrived is closed when the first one comes in.
func (f *fakeDaemon) hold(id string) (arrived <-chan struct{}, release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	gate, in := make(chan struct{}), make(chan struct{})
	f.gates[id], f.arrived[id] = gate, in
	var once sync.Once
	return in, func() { once.Do(func() { close(gate) }) }
}

// emit sends one event, as JSON, to every open events stream; it waits for a stream to exist.
func (f *fakeDaemon) emit(event string) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		streams := slices.Clone(f.streams)
		f.mu.Unlock()
		if len(streams) > 0 {
			for _, s := range streams {
				s <- []byte(event)
			}
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatal("no events stream open to emit on")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// closeStreams ends every open events stream, as a daemon restart or a proxy would.
func (f *fakeDaemon) closeStreams() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.streams {
		close(s)
	}
	f.streams = nil
}

func (f *fakeDaemon) serve(w http.ResponseWriter, r *http.Request) {
	path := versionPrefix.ReplaceAllString(r.URL.Path, "")
	f.mu.Lock()
	f.counts[path]++
	f.mu.Unlock()

	w.Header().Set("Api-Version", "1.41")
	w.Header().Set("Server", "Docker/20.10.24+dfsg1 (linux)")
	switch {
	case path == "/_ping":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.Method != http.MethodHead {
			fmt.Fprint(w, "OK")
		}
	case path == "/version":
		writeJSON(w, readTestdata(f.t, "daemon", "version.json"))
	case path == "/info":
		// The daemon's clock, as a live daemon reports it.
		var info map[string]any
		json.Unmarshal(readTestdata(f.t, "daemon", "info.json"), &info)
		info["SystemTime"] = time.Now().UTC().Format(time.RFC3339Nano)
		data, _ := json.Marshal(info)
		writeJSON(w, data)
	case path == "/networks":
		writeJSON(w, readTestdata(f.t, "daemon", "networks.json"))
	case path == "/containers/json":
		writeJSON(w, f.list())
	case strings.HasPrefix(path, "/containers/") && strings.HasSuffix(path, "/json"):
		f.serveInspect(w, strings.TrimSuffix(strings.TrimPrefix(path, "/containers/"), "/json"))
	case strings.HasPrefix(path, "/containers/") && strings.HasSuffix(path, "/stats"):
		f.serveStats(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/containers/"), "/stats"))
	case path == "/events":
		f.serveEvents(w, r)
	default:
		http.Error(w, `{"message":"page not found"}`, http.StatusNotFound)
	}
}

func writeJSON(w http.ResponseWriter, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

// list builds /containers/json entries from the inspect answers.
func (f *fakeDaemon) list() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	type entry struct {
		ID         string `json:"Id"`
		Names      []string
		Image      string
		State      string
		Labels     map[string]string
		HostConfig struct{ NetworkMode string }
	}
	out := []entry{}
	for _, id := range f.order {
		var r struct {
			Name   string
			State  *struct{ Status string }
			Config *struct {
				Image  string
				Labels map[string]string
			}
			HostConfig *struct{ NetworkMode string }
		}
		json.Unmarshal(f.inspect[id], &r)
		e := entry{ID: id, Names: []string{r.Name}}
		if r.State != nil {
			e.State = r.State.Status
		}
		if r.Config != nil {
			e.Image, e.Labels = r.Config.Image, r.Config.Labels
		}
		if r.HostConfig != nil {
			e.HostConfig.NetworkMode = r.HostConfig.NetworkMode
		}
		out = append(out, e)
	}
	data, _ := json.Marshal(out)
	return data
}

func (f *fakeDaemon) serveInspect(w http.ResponseWriter, id string) {
	f.mu.Lock()
	data, ok := f.inspect[id]
	gate, in := f.gates[id], f.arrived[id]
	delete(f.gates, id)
	delete(f.arrived, id)
	f.mu.Unlock()
	if gate != nil {
		close(in)
		select {
		case <-gate:
		case <-f.quit:
		}
	}
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"No such container: %s"}`, id)
		return
	}
	writeJSON(w, data)
}

func (f *fakeDaemon) serveStats(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	data, ok := f.stats[id]
	f.statsQuery = append(f.statsQuery, r.URL.RawQuery)
	delay := f.statsDelay
	f.mu.Unlock()
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"No such container: %s"}`, id)
		return
	}
	writeJSON(w, data)
}

func (f *fakeDaemon) serveEvents(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.eventTimes = append(f.eventTimes, time.Now())
	f.eventSince = append(f.eventSince, r.URL.Query().Get("since"))
	fail := f.eventsFails > 0
	if fail {
		f.eventsFails--
	}
	var stream chan []byte
	if !fail {
		stream = make(chan []byte, 16) // emit never blocks on a stream that is going away
		f.streams = append(f.streams, stream)
	}
	f.mu.Unlock()
	if fail {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"message":"events: the daemon is having a bad day"}`)
		return
	}
	defer func() {
		f.mu.Lock()
		f.streams = slices.DeleteFunc(f.streams, func(s chan []byte) bool { return s == stream })
		f.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	for {
		select {
		case line, open := <-stream:
			if !open {
				return
			}
			w.Write(append(line, '\n'))
			w.(http.Flusher).Flush()
		case <-r.Context().Done():
			return
		case <-f.quit:
			return
		}
	}
}

// hungDaemon accepts connections and never answers, as a wedged daemon does.
func hungDaemon(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bxh")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "h.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		os.RemoveAll(dir)
	})
	return "unix://" + sock
}

// eventJSON writes an event as Docker 20.10 sends it, stamped now.
func eventJSON(typ, action, id string, attrs map[string]string) string {
	return eventJSONAt(time.Now(), typ, action, id, attrs)
}

func eventJSONAt(now time.Time, typ, action, id string, attrs map[string]string) string {
	msg := map[string]any{
		"Type": typ, "Action": action, "scope": "local",
		"Actor": map[string]any{"ID": id, "Attributes": attrs},
		"time":  now.Unix(), "timeNano": now.UnixNano(),
	}
	if typ == "container" {
		msg["status"], msg["id"], msg["from"] = action, id, attrs["image"]
	}
	data, _ := json.Marshal(msg)
	return string(data)
}
