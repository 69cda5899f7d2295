// Package engine is boxtop's only door to a container engine's API (Docker, or Podman's
// Docker-compatible API). It turns the engine's answers into plain values and keeps them current
// from the engine's event stream, so that the rest of boxtop can read the inventory on every
// tick without a single API call.
package engine

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// EngineInfo describes the engine that answered.
type EngineInfo struct {
	// Name is "docker" or "podman".
	Name     string
	Endpoint string
	// Version and APIVersion are the engine's own, as it reports them.
	Version    string
	APIVersion string
	// CgroupDriver is "systemd" or "cgroupfs"; empty when the engine does not say.
	CgroupDriver  string
	StorageDriver string
	// CgroupVersion is 1 or 2; 0 when the engine does not say.
	CgroupVersion   int
	OperatingSystem string
	// Hostname, Kernel, CPUs and MemoryBytes describe the machine the engine runs on, which for
	// a remote endpoint is not the one boxtop runs on; zero when the engine does not say.
	Hostname    string
	Kernel      string
	CPUs        int
	MemoryBytes uint64
}

// ContainerInfo is what the engine knows of one container: its identity and its configuration,
// which boxtop compares with what the kernel shows.
type ContainerInfo struct {
	ID string
	// Name is without the leading "/" the API puts there.
	Name  string
	Image string
	State string
	// Pid is the host PID of the container's init; 0 when it is not running.
	Pid       int
	StartedAt time.Time
	Labels    map[string]string
	// NetworkMode is as configured: "bridge", "host", "none", "container:NAME" (the other
	// container's name when it is known, else its id as configured) or a network name.
	NetworkMode string
	Ports       []snapshot.Port
	// Security holds the configured privilege and confinement; CapEffective is left empty for
	// the /proc reader, which sees what the kernel actually granted.
	Security snapshot.Security
	// Mounts carry Type, Source, Destination, ReadOnly and VolumeName; SharedWith and Sensitive
	// are for the caller, who sees every container.
	Mounts        []snapshot.Mount
	Networks      []Attachment
	StorageDriver string
	// The namespace modes as configured ("", "host", "private", "shareable", "container:NAME"),
	// to set against the namespaces the kernel shows.
	PidMode, IpcMode, UTSMode, CgroupnsMode string
	// Configured limits; 0 when unset.
	MemoryLimit, NanoCPUs, CPUQuota, CPUPeriod, PidsLimit int64
}

// Attachment is the container's endpoint on one engine network.
type Attachment struct {
	Name      string
	NetworkID string
	// IPAddress carries the prefix length: "172.17.0.2/16".
	IPAddress string
	Gateway   string
	MAC       string
}

// NetworkInfo is one engine network and the containers attached to it, which can therefore
// reach each other.
type NetworkInfo struct {
	ID     string
	Name   string
	Driver string
	// Containers holds the ids of the attached containers, sorted.
	Containers []string
}

// Inventory is one consistent copy of everything the watcher knows. The caller owns it: nothing
// in it is shared with the watcher.
type Inventory struct {
	Engine EngineInfo
	// Reachable is true while the watcher is in step with the engine: synced and subscribed to
	// its events. When false, Containers is the last known state and Err says why.
	Reachable bool
	// Err names the engine, its address and what failed.
	Err        error
	Containers []ContainerInfo // sorted by name
	Networks   []NetworkInfo   // sorted by name
	// Events holds the most recent container events, oldest first.
	Events []snapshot.Event
	// Generation increases on every change, so a caller can skip work when it has not moved.
	Generation uint64
}

// state is the watcher's own record, guarded by its mutex. Containers keep the modes exactly as
// configured; names are resolved when an Inventory is built, since the container they point to
// may be renamed or inspected later.
type state struct {
	engine     EngineInfo
	reachable  bool
	err        error
	synced     bool
	containers map[string]ContainerInfo
	networks   []NetworkInfo
	events     []snapshot.Event
	generation uint64
	// lastSyncDaemonTime is the engine's clock at the last successful handshake: where a
	// re-subscription starts when no event has been seen since.
	lastSyncDaemonTime time.Time

	// built caches the sorted inventory of builtGeneration.
	built           Inventory
	builtGeneration uint64
	builtOK         bool
}

// inventory returns a copy the caller owns. The sorted, resolved form is built once per
// generation: a screen asks on every tick, and sorting large structs is most of the cost.
func (st *state) inventory() Inventory {
	if !st.builtOK || st.builtGeneration != st.generation {
		st.built = st.build()
		st.builtGeneration, st.builtOK = st.generation, true
	}
	inv := st.built
	inv.Containers = make([]ContainerInfo, len(st.built.Containers))
	for i, c := range st.built.Containers {
		inv.Containers[i] = cloneContainer(c)
	}
	inv.Networks = make([]NetworkInfo, len(st.built.Networks))
	for i, n := range st.built.Networks {
		n.Containers = slices.Clone(n.Containers)
		inv.Networks[i] = n
	}
	inv.Events = make([]snapshot.Event, len(st.built.Events))
	for i, e := range st.built.Events {
		if e.ExitCode != nil {
			code := *e.ExitCode
			e.ExitCode = &code
		}
		inv.Events[i] = e
	}
	return inv
}

// build sorts the containers and resolves what they point at. Its result shares maps and
// slices with the state, which are never changed in place, only replaced.
func (st *state) build() Inventory {
	inv := Inventory{
		Engine:     st.engine,
		Reachable:  st.reachable,
		Err:        st.err,
		Generation: st.generation,
		Events:     st.events,
	}
	inv.Containers = make([]ContainerInfo, 0, len(st.containers))
	for _, c := range st.containers {
		inv.Containers = append(inv.Containers, c)
	}
	slices.SortFunc(inv.Containers, func(a, b ContainerInfo) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range inv.Containers {
		c := &inv.Containers[i]
		c.NetworkMode = resolveContainerRef(c.NetworkMode, inv.Containers)
		c.PidMode = resolveContainerRef(c.PidMode, inv.Containers)
		c.IpcMode = resolveContainerRef(c.IpcMode, inv.Containers)
	}
	inv.Networks = networkMembers(st.networks, inv.Containers)
	return inv
}

// resolveContainerRef turns "container:<id>" into "container:<name>" when that container is
// known, so that the views can name it. A name, an unknown id or any other mode stays as it is.
func resolveContainerRef(mode string, containers []ContainerInfo) string {
	ref, ok := strings.CutPrefix(mode, "container:")
	if !ok || ref == "" {
		return mode
	}
	var match *ContainerInfo
	for i := range containers {
		c := &containers[i]
		switch {
		case c.ID == ref || c.Name == ref:
			return "container:" + c.Name
		case strings.HasPrefix(c.ID, ref):
			if match != nil { // an ambiguous short id names nobody
				return mode
			}
			match = c
		}
	}
	if match != nil {
		return "container:" + match.Name
	}
	return mode
}

// networkMembers fills each network's Containers from the containers' own attachments: the
// network list does not carry them, and inspecting every network would cost a call each.
func networkMembers(networks []NetworkInfo, containers []ContainerInfo) []NetworkInfo {
	out := make([]NetworkInfo, len(networks))
	for i, n := range networks {
		n.Containers = []string{}
		for _, c := range containers {
			for _, a := range c.Networks {
				if (a.NetworkID != "" && a.NetworkID == n.ID) || (a.NetworkID == "" && a.Name == n.Name) {
					n.Containers = append(n.Containers, c.ID)
					break
				}
			}
		}
		slices.Sort(n.Containers)
		out[i] = n
	}
	return out
}

// cloneContainer copies everything a caller could write through, so that a caller filling in
// Mounts' SharedWith never races with the watcher.
func cloneContainer(c ContainerInfo) ContainerInfo {
	c.Labels = maps.Clone(c.Labels)
	c.Ports = slices.Clone(c.Ports)
	c.Networks = slices.Clone(c.Networks)
	c.Security.CapAdd = slices.Clone(c.Security.CapAdd)
	c.Security.CapDrop = slices.Clone(c.Security.CapDrop)
	c.Security.CapEffective = slices.Clone(c.Security.CapEffective)
	c.Security.Seccomp = cloneString(c.Security.Seccomp)
	c.Security.AppArmor = cloneString(c.Security.AppArmor)
	c.Security.UsernsMode = cloneString(c.Security.UsernsMode)
	if c.Mounts != nil {
		mounts := make([]snapshot.Mount, len(c.Mounts))
		for i, m := range c.Mounts {
			m.VolumeName = cloneString(m.VolumeName)
			m.Sensitive = cloneString(m.Sensitive)
			m.SharedWith = slices.Clone(m.SharedWith)
			mounts[i] = m
		}
		c.Mounts = mounts
	}
	return c
}

func cloneString(p *string) *string {
	if p == nil {
		return nil
	}
	s := *p
	return &s
}
