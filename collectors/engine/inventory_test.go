package engine

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func TestInventoryResolvesContainerModes(t *testing.T) {
	web := containerFromInspect(loadInspect(t, "web.json"), true)
	side := containerFromInspect(loadInspect(t, "side.json"), true)
	tests := []struct {
		name       string
		containers []ContainerInfo
		wantMode   map[string][3]string // name -> network, pid, ipc mode
	}{
		{
			name:       "full id, name and short id all become the other container's name",
			containers: []ContainerInfo{web, side},
			wantMode: map[string][3]string{
				"web":  {"bridge", "", "shareable"},
				"side": {"container:web", "container:web", "container:web"},
			},
		},
		{
			name:       "the other container unknown: kept as configured",
			containers: []ContainerInfo{side},
			wantMode: map[string][3]string{
				"side": {"container:" + webID, "container:web", "container:7b296cc9608e"},
			},
		},
		{
			name: "a short id two containers share names nobody",
			containers: []ContainerInfo{
				{ID: "abc111", Name: "one"}, {ID: "abc222", Name: "two"},
				{ID: "fff000", Name: "three", NetworkMode: "container:abc"},
			},
			wantMode: map[string][3]string{"one": {}, "two": {}, "three": {"container:abc", "", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := state{containers: map[string]ContainerInfo{}}
			for _, c := range tt.containers {
				st.containers[c.ID] = c
			}
			inv := st.inventory()
			if len(inv.Containers) != len(tt.wantMode) {
				t.Fatalf("%d containers, want %d", len(inv.Containers), len(tt.wantMode))
			}
			for _, c := range inv.Containers {
				got := [3]string{c.NetworkMode, c.PidMode, c.IpcMode}
				if got != tt.wantMode[c.Name] {
					t.Errorf("%s: network, pid, ipc modes = %q, want %q", c.Name, got, tt.wantMode[c.Name])
				}
			}
			// The watcher's own record keeps the configured value for a later rename.
			if c, ok := st.containers[sideID]; ok && c.NetworkMode != "container:"+webID {
				t.Errorf("state changed to %q", c.NetworkMode)
			}
		})
	}
}

func TestInventorySortsAndFillsNetworkMembers(t *testing.T) {
	st := state{
		containers: map[string]ContainerInfo{
			webID: {ID: webID, Name: "web", Networks: []Attachment{{Name: "bridge", NetworkID: bridgeNetID}}},
			dbID:  {ID: dbID, Name: "db", Networks: []Attachment{{Name: "host", NetworkID: hostNetID}}},
			cacheID: {ID: cacheID, Name: "cache", Networks: []Attachment{
				{Name: "bridge", NetworkID: bridgeNetID}, {Name: "none"}}},
		},
		networks: []NetworkInfo{
			{ID: bridgeNetID, Name: "bridge", Driver: "bridge"},
			{ID: hostNetID, Name: "host", Driver: "host"},
			{ID: "e1ae", Name: "none", Driver: "null"},
			{ID: "818f", Name: "empty", Driver: "bridge"},
		},
	}
	inv := st.inventory()
	var names []string
	for _, c := range inv.Containers {
		names = append(names, c.Name)
	}
	if want := []string{"cache", "db", "web"}; !slices.Equal(names, want) {
		t.Errorf("containers in order %q, want %q", names, want)
	}
	want := []NetworkInfo{
		{ID: bridgeNetID, Name: "bridge", Driver: "bridge", Containers: []string{cacheID, webID}},
		{ID: hostNetID, Name: "host", Driver: "host", Containers: []string{dbID}},
		{ID: "e1ae", Name: "none", Driver: "null", Containers: []string{cacheID}},
		{ID: "818f", Name: "empty", Driver: "bridge", Containers: []string{}},
	}
	if !reflect.DeepEqual(inv.Networks, want) {
		t.Errorf("networks:\n got %+v\nwant %+v", inv.Networks, want)
	}
}

// TestInventoryIsACopy writes through everything a caller can reach and checks the watcher's
// record did not move: callers fill in SharedWith and Sensitive on the copies they get.
func TestInventoryIsACopy(t *testing.T) {
	code := 137
	st := state{
		containers: map[string]ContainerInfo{webID: containerFromInspect(loadInspect(t, "web.json"), true)},
		networks:   []NetworkInfo{{ID: bridgeNetID, Name: "bridge"}},
		events:     []snapshot.Event{{Action: "die", ContainerID: webID, ExitCode: &code}},
	}
	before := st.inventory()
	scribble := st.inventory()
	c := &scribble.Containers[0]
	c.Labels["app"] = "changed"
	c.Ports[0].HostPort = 1
	c.Networks[0].IPAddress = "changed"
	c.Security.CapAdd[0] = "changed"
	c.Security.CapDrop[0] = "changed"
	*c.Security.Seccomp = "changed"
	c.Mounts[0].SharedWith = append(c.Mounts[0].SharedWith, "other")
	*c.Mounts[0].VolumeName = "changed"
	scribble.Networks[0].Containers[0] = "changed"
	*scribble.Events[0].ExitCode = 0
	if after := st.inventory(); !reflect.DeepEqual(before, after) {
		t.Errorf("writing to a returned inventory changed the watcher's:\nbefore %+v\n after %+v", before, after)
	}
}

// BenchmarkInventory measures what a screen pays on every tick: a full copy of 200 containers.
func BenchmarkInventory(b *testing.B) {
	web := containerFromInspect(loadInspect(b, "web.json"), true)
	st := state{containers: map[string]ContainerInfo{}, networks: []NetworkInfo{{ID: bridgeNetID, Name: "bridge"}}}
	for i := range 200 {
		c := cloneContainer(web)
		c.ID = fmt.Sprintf("%064x", i)
		c.Name = fmt.Sprintf("web-%03d", i)
		st.containers[c.ID] = c
	}
	b.ReportAllocs()
	for b.Loop() {
		st.inventory()
	}
}
