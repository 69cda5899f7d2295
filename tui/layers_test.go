package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fakeMeasurer is a live source that can measure writable layers. A measurement waits for
// release (ignoring its context, like a walk stuck in a hung filesystem) when release is set.
type fakeMeasurer struct {
	*fakeSource
	release chan struct{}
	sizes   map[string]int64
	fail    error

	mu    sync.Mutex
	asked []string
}

func (f *fakeMeasurer) MeasureWritableLayer(ctx context.Context, id string) (int64, error) {
	f.mu.Lock()
	f.asked = append(f.asked, id)
	f.mu.Unlock()
	if f.release != nil {
		<-f.release
	}
	if f.fail != nil {
		return 0, f.fail
	}
	return f.sizes[id], nil
}

func (f *fakeMeasurer) measured() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

func idOf(t testing.TB, s snapshot.Snapshot, name string) string {
	t.Helper()
	for _, c := range s.Containers {
		if c.Name == name {
			return c.ID
		}
	}
	t.Fatalf("no container %q", name)
	return ""
}

// storageOf returns the Storage pane's row of a container (the line that names it).
func storageRow(m Model, name string) string {
	for _, l := range strings.Split(lastScreen(m), "\n") {
		if strings.Contains(l, " "+name+" ") {
			return l
		}
	}
	return ""
}

func lastScreen(m Model) string { return m.View().Content }

// withoutErrors drops the containers' read errors, so that the footer's room goes to the key
// hints.
func withoutErrors(s snapshot.Snapshot) snapshot.Snapshot {
	s.Containers = slices.Clone(s.Containers)
	for i := range s.Containers {
		s.Containers[i].Errors = nil
	}
	return s
}

func TestMeasureKeepsKeysResponsive(t *testing.T) {
	snap := withoutErrors(loadFixture(t))
	db := idOf(t, snap, "db")
	src := &fakeMeasurer{fakeSource: &fakeSource{snap: snap}, release: make(chan struct{}), sizes: map[string]int64{db: 3 << 20}}
	defer func() {
		select {
		case <-src.release:
		default:
			close(src.release)
		}
	}()
	m := loaded(t, src, snap, 160, 45)
	m = keys(t, m, "6", "j", "j", "j") // db
	if selectedName(m) != "db" {
		t.Fatalf("selected %q, want db", selectedName(m))
	}
	if !strings.Contains(lastLine(m.View().Content), "w measure layer") {
		t.Errorf("the Storage pane does not offer w: %q", lastLine(m.View().Content))
	}
	next, cmd := m.Update(press("w"))
	m = next.(Model)
	if cmd == nil {
		t.Fatal("w returns no command")
	}
	if got := src.measured(); len(got) != 0 {
		t.Fatalf("Update measured %v itself; only the command may", got)
	}
	if row := storageRow(m, "db"); !strings.Contains(row, "measuring…") {
		t.Errorf("db's row does not say measuring: %q", row)
	}
	landed := make(chan tea.Msg, 1)
	go func() { landed <- cmd() }() // as Bubble Tea runs it: in its own goroutine; it blocks
	deadline := time.Now().Add(2 * time.Second)
	for len(src.measured()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}

	seq := m.sampleSeq
	done := make(chan Model, 1)
	go func() {
		m := m
		for _, k := range []string{"k", "j", "enter", "j", "esc", "2", "6", "?", "esc", "tab", "shift+tab"} {
			m = update(t, m, press(k))
		}
		m = update(t, m, tickMsg{seq: m.tickSeq}) // readings go on beside the measurement
		m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: snap})
		m = update(t, m, press("w")) // still on db: already measuring
		done <- m
	}()
	select {
	case m = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("keys stopped being handled while a layer is measured")
	}
	if !strings.Contains(m.notice, "already measuring") {
		t.Errorf("a second w on db: notice %q", m.notice)
	}
	if got := src.measured(); len(got) != 1 {
		t.Errorf("measurements asked for: %v, want db's once", got)
	}
	if m.sampleSeq <= seq {
		t.Error("no reading was started while measuring")
	}
	close(src.release)
	var msg tea.Msg
	select {
	case msg = <-landed:
	case <-time.After(2 * time.Second):
		t.Fatal("the measurement never came back")
	}
	m = update(t, m, msg)
	if row := storageRow(m, "db"); !strings.Contains(row, "3.0MiB") {
		t.Errorf("db's row does not show the measured size: %q", row)
	}
	if !strings.Contains(m.notice, "writable layer of db: 3.0MiB") {
		t.Errorf("notice %q", m.notice)
	}
	// The detail view shows it too, and a later reading keeps it (same container).
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: snap})
	m = keys(t, m, "enter", "G")
	if v := m.View().Content; !strings.Contains(v, "writable layer 3.0MiB (w measures again)") {
		t.Errorf("the detail view does not show the size:\n%s", v)
	}
}

func TestMeasureForgottenWhenContainerChanges(t *testing.T) {
	snap := loadFixture(t)
	db := idOf(t, snap, "db")
	src := &fakeMeasurer{fakeSource: &fakeSource{snap: snap}, sizes: map[string]int64{db: 1 << 20}}
	m := loaded(t, src, snap, 160, 45)
	m = keys(t, m, "6", "j", "j", "j")
	next, cmd := m.Update(press("w"))
	m = next.(Model)
	answer := cmd()

	restarted := snap
	restarted.Containers = slices.Clone(snap.Containers)
	for i := range restarted.Containers {
		if restarted.Containers[i].ID == db {
			later := restarted.Containers[i].StartedAt.Add(time.Hour)
			restarted.Containers[i].StartedAt = &later
		}
	}
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: restarted})
	m = update(t, m, answer) // the answer for the old db comes late
	if row := storageRow(m, "db"); strings.Contains(row, "1.0MiB") || strings.Contains(row, "measuring") {
		t.Errorf("a measurement of db before its restart is shown: %q", row)
	}
	if _, ok := m.measured[db]; ok {
		t.Error("the measurement of the restarted container is kept")
	}

	// Measured after the restart, it stays until the container goes away.
	next, cmd = m.Update(press("w"))
	m = update(t, next.(Model), cmd())
	if row := storageRow(m, "db"); !strings.Contains(row, "1.0MiB") {
		t.Fatalf("db's new measurement is not shown: %q", row)
	}
	gone := restarted
	gone.Containers = slices.DeleteFunc(slices.Clone(restarted.Containers), func(c snapshot.Container) bool { return c.ID == db })
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: gone})
	if len(m.measured) != 0 {
		t.Errorf("%d measurements kept for containers that are gone", len(m.measured))
	}
}

func TestMeasureFailures(t *testing.T) {
	snap := loadFixture(t)
	t.Run("an error is shown", func(t *testing.T) {
		src := &fakeMeasurer{fakeSource: &fakeSource{snap: snap}, fail: errors.New("container d9e8f7a6b5c4: no writable layer known")}
		m := keys(t, loaded(t, src, snap, 160, 45), "6", "j") // build-runner
		next, cmd := m.Update(press("w"))
		m = update(t, next.(Model), cmd())
		if row := storageRow(m, "build-runner"); !strings.Contains(row, "failed") {
			t.Errorf("row %q", row)
		}
		if !strings.Contains(m.notice, "no writable layer known") {
			t.Errorf("notice %q does not give the reason", m.notice)
		}
	})
	t.Run("a measurement that never answers times out", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		src := &fakeMeasurer{fakeSource: &fakeSource{snap: snap}, release: release}
		opts := testOptions()
		opts.LayerTimeout = 50 * time.Millisecond
		m := New(src, opts)
		m = update(t, m, tea.WindowSizeMsg{Width: 160, Height: 45})
		m = update(t, m, sampleMsg{seq: 1, snap: snap})
		m = keys(t, m, "6")
		next, cmd := m.Update(press("w"))
		start := time.Now()
		msg := cmd()
		if time.Since(start) > time.Second {
			t.Fatalf("the measurement took %v past its 50ms limit", time.Since(start))
		}
		m = update(t, next.(Model), msg)
		if !strings.Contains(m.notice, "no answer within 50ms") {
			t.Errorf("notice %q", m.notice)
		}
	})
	t.Run("a remote host", func(t *testing.T) {
		remote := snap
		remote.Host.Remote = true
		src := &fakeMeasurer{fakeSource: &fakeSource{snap: remote}}
		m := keys(t, loaded(t, src, remote, 160, 45), "6")
		if _, cmd := m.Update(press("w")); cmd != nil {
			t.Error("w measures on a remote host")
		}
		m = keys(t, m, "w")
		if !strings.Contains(m.notice, "not available for a remote host") {
			t.Errorf("notice %q", m.notice)
		}
	})
	t.Run("a source that cannot measure", func(t *testing.T) {
		m := keys(t, loaded(t, &fakeSource{snap: snap}, snap, 160, 45), "6")
		if _, cmd := m.Update(press("w")); cmd != nil {
			t.Error("w returns a command without a measurer")
		}
		m = keys(t, m, "w")
		if !strings.Contains(m.notice, "only on a live host") {
			t.Errorf("notice %q", m.notice)
		}
		if strings.Contains(lastLine(m.View().Content), "w measure") {
			t.Error("the footer offers w where it cannot work")
		}
	})
}

// The footer names every engine that does not answer, with why; the header names both
// engines when both answer.
func TestEnginesInFooterAndHeader(t *testing.T) {
	snap := loadFixture(t)
	denied := "docker at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied"
	missing := "podman at unix:///run/podman/podman.sock: dial unix /run/podman/podman.sock: connect: no such file or directory"
	down := snap
	down.Runtimes = []snapshot.Runtime{
		{Name: "docker", Endpoint: "unix:///var/run/docker.sock", Error: &denied},
		{Name: "podman", Endpoint: "unix:///run/podman/podman.sock", Error: &missing},
	}
	down = withoutErrors(down)
	m := loaded(t, &fakeSource{snap: down}, down, 120, 40)
	footer := lastLine(m.View().Content)
	for _, want := range []string{"error: docker unreachable (permission denied), podman unreachable (no such file or directory)"} {
		if !strings.Contains(footer, want) {
			t.Errorf("footer %q lacks %q", footer, want)
		}
	}
	if h := header(m); !strings.Contains(h, "docker unreachable · podman unreachable") {
		t.Errorf("header %q", h)
	}
	line, isErr := problemLine(&snap)
	if !isErr || !strings.HasPrefix(line, "cache: read ") || !strings.Contains(line, "+1 more") {
		t.Errorf("with engines up, the problem line is %q", line)
	}

	v1, v2, api := "27.3.1", "4.9.3", "1.41"
	up := snap
	up.Runtimes = []snapshot.Runtime{
		{Name: "docker", Reachable: true, Version: &v1, APIVersion: &api},
		{Name: "podman", Reachable: true, Version: &v2, APIVersion: &api},
	}
	for _, width := range []int{80, 120} {
		m := loaded(t, &fakeSource{snap: up}, up, width, 24)
		if h := header(m); !strings.Contains(h, "docker 27.3.1") || !strings.Contains(h, "podman 4.9.3") {
			t.Errorf("at %d the header does not name both engines: %q", width, h)
		}
	}
}

func TestPlainReason(t *testing.T) {
	for in, want := range map[string]string{
		"docker at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied": "permission denied",
		"podman at ssh://h: no answer within 5s":                                                            "no answer within 5s",
		"no answer yet from unix:///run/podman/podman.sock":                                                 "no answer yet from unix:///run/podman/podman.sock",
		"trailing colon: ": "trailing colon:",
	} {
		if got := plainReason(in); got != want {
			t.Errorf("plainReason(%q) = %q, want %q", in, got, want)
		}
	}
}
