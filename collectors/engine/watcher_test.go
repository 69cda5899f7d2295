package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// checkLeaks fails the test if any goroutine outlives it. Registered first, it runs after every
// other cleanup: the watcher's Close and the fake daemon's shutdown.
func checkLeaks(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

func newTestWatcher(t *testing.T, host string, opts ...Option) *Watcher {
	t.Helper()
	w, err := NewWatcher(Endpoint{Host: host, Source: "--host", Runtime: "docker"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// waitFor returns the first inventory that satisfies ok, waking on Changed.
func waitFor(t *testing.T, w *Watcher, what string, ok func(Inventory) bool) Inventory {
	t.Helper()
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		inv := w.Inventory()
		if ok(inv) {
			return inv
		}
		select {
		case <-w.Changed():
		case <-time.After(20 * time.Millisecond):
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; inventory: reachable=%v err=%v containers=%v", what, inv.Reachable, inv.Err, names(inv))
		}
	}
}

func names(inv Inventory) []string {
	var out []string
	for _, c := range inv.Containers {
		out = append(out, c.Name)
	}
	return out
}

func find(inv Inventory, id string) (ContainerInfo, bool) {
	for _, c := range inv.Containers {
		if c.ID == id {
			return c, true
		}
	}
	return ContainerInfo{}, false
}

func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

// diffCounts lists the paths whose request count moved.
func diffCounts(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for path, n := range after {
		if d := n - before[path]; d != 0 {
			out[path] = d
		}
	}
	return out
}

func TestWatcherSyncsThenReadsWithoutRequests(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json", "side.json", "db.json")
	w := newTestWatcher(t, fake.host)
	w.Start(context.Background())

	inv := w.Inventory()
	if !inv.Reachable || inv.Err != nil {
		t.Fatalf("after Start: reachable=%v err=%v", inv.Reachable, inv.Err)
	}
	wantEngine := EngineInfo{Name: "docker", Endpoint: fake.host, Version: "20.10.24+dfsg1", APIVersion: "1.41",
		CgroupDriver: "cgroupfs", StorageDriver: "overlay2", CgroupVersion: 1, OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
		Hostname: "vm", Kernel: "6.18.44-fc-v657", CPUs: 2, MemoryBytes: 25276510208}
	if inv.Engine != wantEngine {
		t.Errorf("engine %+v, want %+v", inv.Engine, wantEngine)
	}
	if got, want := names(inv), []string{"db", "side", "web"}; !slices.Equal(got, want) {
		t.Errorf("containers %q, want %q", got, want)
	}
	if side, _ := find(inv, sideID); side.NetworkMode != "container:web" {
		t.Errorf("side's network mode %q, want container:web", side.NetworkMode)
	}
	if web, _ := find(inv, webID); web.Pid != 6021 || web.State != "running" {
		t.Errorf("web: pid %d state %q", web.Pid, web.State)
	}
	var bridge NetworkInfo
	for _, n := range inv.Networks {
		if n.Name == "bridge" {
			bridge = n
		}
	}
	if !slices.Equal(bridge.Containers, []string{webID}) {
		t.Errorf("bridge members %q, want web only", bridge.Containers)
	}

	wantCounts := map[string]int{
		"/_ping": 1, "/version": 1, "/info": 1, "/events": 1, "/containers/json": 1, "/networks": 1,
		"/containers/" + webID + "/json": 1, "/containers/" + sideID + "/json": 1, "/containers/" + dbID + "/json": 1,
	}
	before := fake.snapshotCounts()
	for path, n := range wantCounts {
		if before[path] != n {
			t.Errorf("%s requested %d times during the sync, want %d", path, before[path], n)
		}
	}
	for range 1000 {
		w.Inventory()
	}
	if moved := diffCounts(before, fake.snapshotCounts()); len(moved) != 0 {
		t.Errorf("1000 Inventory calls made requests: %v", moved)
	}
}

func TestWatcherInspectsOnlyTheContainerAnEventNames(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json", "side.json", "db.json")
	w := newTestWatcher(t, fake.host)
	w.Start(context.Background())
	startGen := w.Inventory().Generation
	drain(w.Changed())
	before := fake.snapshotCounts()

	fake.put("web-exited.json")
	fake.emit(eventJSON("container", "die", webID, map[string]string{"name": "web", "image": "boxtop-sample:probe", "exitCode": "137"}))
	select {
	case <-w.Changed():
	case <-time.After(5 * time.Second):
		t.Fatal("Changed did not fire after an event")
	}
	inv := waitFor(t, w, "web to have exited", func(inv Inventory) bool {
		web, ok := find(inv, webID)
		return ok && web.State == "exited"
	})
	if web, _ := find(inv, webID); web.Pid != 0 || len(web.Ports) != 0 {
		t.Errorf("exited web still has pid %d, ports %v", web.Pid, web.Ports)
	}
	if inv.Generation <= startGen {
		t.Errorf("generation %d did not move from %d", inv.Generation, startGen)
	}
	if moved, want := diffCounts(before, fake.snapshotCounts()), map[string]int{"/containers/" + webID + "/json": 1}; !mapsEqual(moved, want) {
		t.Errorf("requests for one event: %v, want %v", moved, want)
	}
	last := inv.Events[len(inv.Events)-1]
	if last.Action != "die" || last.Name != "web" || last.ExitCode == nil || *last.ExitCode != 137 || last.Runtime != "docker" {
		t.Errorf("recorded event %+v", last)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWatcherDestroyRemovesWithoutInspecting(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json", "db.json")
	w := newTestWatcher(t, fake.host)
	w.Start(context.Background())
	before := fake.snapshotCounts()

	fake.remove(dbID)
	fake.emit(eventJSON("container", "destroy", dbID, map[string]string{"name": "db", "image": "boxtop-sample:probe"}))
	inv := waitFor(t, w, "db to go", func(inv Inventory) bool { _, ok := find(inv, dbID); return !ok })
	if got := names(inv); !slices.Equal(got, []string{"web"}) {
		t.Errorf("containers %q, want web only", got)
	}
	if moved := diffCounts(before, fake.snapshotCounts()); len(moved) != 0 {
		t.Errorf("a destroy made requests: %v", moved)
	}
	if last := inv.Events[len(inv.Events)-1]; last.Action != "destroy" || last.ContainerID != dbID || last.Name != "db" {
		t.Errorf("recorded event %+v", last)
	}
}

// TestWatcherLateInspectDoesNotResurrect holds an inspect until the container has been destroyed
// and its destroy event sent: the late, stale answer must not leave the container in place.
func TestWatcherLateInspectDoesNotResurrect(t *testing.T) {
	tests := []struct {
		name string
		// during says whether the race is during the first sync or after it.
		during string
	}{
		{name: "an event's inspect", during: "events"},
		{name: "the first sync's inspect", during: "sync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			fake := newFakeDaemon(t, "web.json", "db.json")
			w := newTestWatcher(t, fake.host)
			started := make(chan struct{})
			var arrived <-chan struct{}
			var release func()
			if tt.during == "sync" {
				arrived, release = fake.hold(webID)
				go func() { w.Start(context.Background()); close(started) }()
			} else {
				w.Start(context.Background())
				close(started)
				if !w.Inventory().Reachable {
					t.Fatal("the first sync failed")
				}
				arrived, release = fake.hold(webID)
				fake.emit(eventJSON("container", "start", webID, map[string]string{"name": "web", "image": "boxtop-sample:probe"}))
			}
			defer release()
			select {
			case <-arrived:
			case <-time.After(5 * time.Second):
				t.Fatal("the inspect never came")
			}
			fake.remove(webID)
			fake.emit(eventJSON("container", "die", webID, map[string]string{"name": "web", "exitCode": "0"}))
			fake.emit(eventJSON("container", "destroy", webID, map[string]string{"name": "web"}))
			release()
			<-started

			inv := waitFor(t, w, "the destroy to be applied", func(inv Inventory) bool {
				return len(inv.Events) > 0 && inv.Events[len(inv.Events)-1].Action == "destroy"
			})
			if _, ok := find(inv, webID); ok {
				t.Fatalf("web is back after its destroy: %v", names(inv))
			}
			// Nothing later brings it back either.
			time.Sleep(50 * time.Millisecond)
			if _, ok := find(w.Inventory(), webID); ok {
				t.Fatalf("web came back: %v", names(w.Inventory()))
			}
			var acts []string
			for _, e := range inv.Events {
				acts = append(acts, e.Action)
			}
			if n := len(acts); n < 2 || acts[n-2] != "die" || acts[n-1] != "destroy" {
				t.Errorf("events in order %q, want ... die, destroy", acts)
			}
		})
	}
}

func TestWatcherResubscribesAndRelistsAfterTheStreamCloses(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json", "db.json")
	const minBackoff = 60 * time.Millisecond
	w := newTestWatcher(t, fake.host, WithBackoff(minBackoff, 500*time.Millisecond))
	w.Start(context.Background())
	stamp := time.Unix(time.Now().Add(-time.Minute).Unix(), 306224978)
	fake.emit(eventJSONAt(stamp, "container", "restart", webID, map[string]string{"name": "web"}))
	waitFor(t, w, "the restart event", func(inv Inventory) bool { return len(inv.Events) == 1 })

	// While the stream is down the engine changes with no event to say so.
	fake.put("cache.json")
	fake.remove(dbID)
	closedAt := time.Now()
	fake.closeStreams()

	down := waitFor(t, w, "the watcher to notice", func(inv Inventory) bool { return !inv.Reachable })
	if down.Err == nil || !strings.Contains(down.Err.Error(), "docker at "+fake.host+": ") || !strings.Contains(down.Err.Error(), "events stream closed") {
		t.Errorf("Err while down: %v", down.Err)
	}
	if len(down.Containers) != 2 {
		t.Errorf("the last known containers went away while unreachable: %v", names(down))
	}
	inv := waitFor(t, w, "the relist", func(inv Inventory) bool {
		_, cache := find(inv, cacheID)
		_, db := find(inv, dbID)
		return inv.Reachable && cache && !db
	})
	if inv.Err != nil {
		t.Errorf("Err after recovery: %v", inv.Err)
	}
	if n := fake.count("/events"); n != 2 {
		t.Errorf("/events requested %d times, want 2", n)
	}
	if n := fake.count("/containers/json"); n != 2 {
		t.Errorf("/containers/json requested %d times, want 2 (sync and relist)", n)
	}
	// The new subscription asks for what it missed: everything after the last event it saw.
	if since, want := fake.eventRequestSince(), fmt.Sprintf("%d.306224979", stamp.Unix()); since[0] != "" || since[1] != want {
		t.Errorf("/events since %q, want none and then just after the last event", since)
	}
	times := fake.eventRequestTimes()
	if wait := times[1].Sub(closedAt); wait < minBackoff {
		t.Errorf("re-subscribed %v after the stream closed, before the %v backoff", wait, minBackoff)
	}
	// The new stream is live: an event on it is applied.
	fake.put("web-exited.json")
	fake.emit(eventJSON("container", "die", webID, map[string]string{"name": "web", "exitCode": "137"}))
	waitFor(t, w, "an event on the new stream", func(inv Inventory) bool { c, _ := find(inv, webID); return c.State == "exited" })
}

func TestWatcherBacksOffWhileTheEventsEndpointFails(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json")
	fake.failEvents(3)
	const minBackoff = 40 * time.Millisecond
	w := newTestWatcher(t, fake.host, WithBackoff(minBackoff, time.Second))
	w.Start(context.Background())

	failing := waitFor(t, w, "the failure to show", func(inv Inventory) bool { return inv.Err != nil })
	if msg := failing.Err.Error(); !strings.HasPrefix(msg, "docker at "+fake.host+": events: ") || !strings.Contains(msg, "bad day") {
		t.Errorf("Err = %q", msg)
	}
	if failing.Reachable {
		t.Error("reachable while the events endpoint fails")
	}
	if _, ok := find(failing, webID); !ok {
		t.Error("the containers listed before the stream failed are missing")
	}
	waitFor(t, w, "recovery", func(inv Inventory) bool { return inv.Reachable && inv.Err == nil })

	times := fake.eventRequestTimes()
	if len(times) != 4 {
		t.Fatalf("/events requested %d times, want 4 (3 failures, then a stream)", len(times))
	}
	for i := 1; i < len(times); i++ {
		want := minBackoff << (i - 1)
		if gap := times[i].Sub(times[i-1]); gap < want {
			t.Errorf("attempt %d came %v after the previous one, want at least %v", i+1, gap, want)
		}
	}
	if n := fake.count("/containers/json"); n != 4 {
		t.Errorf("/containers/json requested %d times, want a full relist on each of the 4 attempts", n)
	}
}

func TestWatcherUnreachableEndpoint(t *testing.T) {
	checkLeaks(t)
	sock := filepath.Join(t.TempDir(), "missing.sock")
	w := newTestWatcher(t, "unix://"+sock)
	began := time.Now()
	w.Start(context.Background())
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Start took %v against a missing socket", took)
	}
	inv := w.Inventory()
	want := "docker at unix://" + sock + ": dial unix " + sock + ": connect: no such file or directory"
	if inv.Reachable || inv.Err == nil || inv.Err.Error() != want {
		t.Errorf("reachable=%v err=%v, want %q", inv.Reachable, inv.Err, want)
	}
	if inv.Engine.Name != "docker" || inv.Engine.Endpoint != "unix://"+sock {
		t.Errorf("engine %+v does not name the endpoint", inv.Engine)
	}
}

func TestWatcherStartIsBoundedOnAHungDaemon(t *testing.T) {
	checkLeaks(t)
	host := hungDaemon(t)
	const limit = 300 * time.Millisecond
	w := newTestWatcher(t, host, WithStartTimeout(limit))
	began := time.Now()
	w.Start(context.Background())
	took := time.Since(began)
	if took < limit || took > limit+time.Second {
		t.Errorf("Start returned after %v, want about %v", took, limit)
	}
	inv := w.Inventory()
	if inv.Reachable || inv.Err == nil || inv.Err.Error() != "docker at "+host+": no answer within 300ms" {
		t.Errorf("reachable=%v err=%v", inv.Reachable, inv.Err)
	}
	began = time.Now()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("Close took %v with a request in flight", took)
	}
}

func TestWatcherLifecycle(t *testing.T) {
	checkLeaks(t)
	fake := newFakeDaemon(t, "web.json")
	tests := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"Close without Start", func(t *testing.T) {
			w := newTestWatcher(t, fake.host)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			w.Start(context.Background()) // after Close: does nothing
			if inv := w.Inventory(); inv.Reachable || len(inv.Containers) != 0 {
				t.Errorf("a closed watcher synced: %+v", inv)
			}
		}},
		{"Close twice, Changed closed", func(t *testing.T) {
			w := newTestWatcher(t, fake.host)
			w.Start(context.Background())
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			drain(w.Changed())
			if _, open := <-w.Changed(); open {
				t.Error("Changed still open after Close")
			}
		}},
		{"the caller's context ends the watcher", func(t *testing.T) {
			w := newTestWatcher(t, fake.host)
			ctx, cancel := context.WithCancel(context.Background())
			w.Start(ctx)
			if !w.Inventory().Reachable {
				t.Fatal("not synced")
			}
			cancel()
			inv := waitFor(t, w, "the watcher to stop", func(inv Inventory) bool { return !inv.Reachable })
			if want := "docker at " + fake.host + ": watcher stopped"; inv.Err == nil || inv.Err.Error() != want {
				t.Errorf("Err %v, want %q", inv.Err, want)
			}
			if len(inv.Containers) != 1 {
				t.Errorf("the last known containers are gone: %v", names(inv))
			}
		}},
		{"an ssh address is taken without contacting it; a password in it is refused", func(t *testing.T) {
			w, err := NewWatcher(Endpoint{Host: "ssh://ops@build.example", Source: "DOCKER_HOST", Runtime: "docker"})
			if err != nil {
				t.Fatalf("NewWatcher(ssh://ops@build.example): %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			_, err = NewWatcher(Endpoint{Host: "ssh://ops:secret@build.example", Source: "DOCKER_HOST", Runtime: "docker"})
			if err == nil || !strings.Contains(err.Error(), "docker at ssh://ops:xxxxx@build.example: ") || !strings.Contains(err.Error(), "password") ||
				strings.Contains(err.Error(), "secret") {
				t.Errorf("NewWatcher with a password in the URL: error %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.run)
	}
}

func TestMain(m *testing.M) {
	// Each watcher test checks itself; this catches whatever the others leave.
	goleak.VerifyTestMain(m)
}
