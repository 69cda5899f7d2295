package collectors

import (
	"path"
	"sort"
	"strings"

	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// relate fills what needs every container at once: who shares a namespace, a mount source or a
// network with whom.
func relate(snap *snapshot.Snapshot, networksByRuntime map[string][]engine.NetworkInfo) {
	shareNamespaces(snap.Containers)
	shareMounts(snap.Containers)
	networkMembers(snap.Containers, networksByRuntime)
}

type nsKey struct {
	typ           string
	device, inode uint64
}

// shareNamespaces compares the inits' namespaces by device and inode: the kernel's truth, not
// the engine's configuration. A namespace that is the host's is marked so and lists no
// partners: every container left in the host's namespace shares it with every other, which
// shared_with_host already says, and listing them would make each reading grow with the square
// of the number of containers.
func shareNamespaces(cs []snapshot.Container) {
	// Most namespaces belong to one container only: count first, so that only the shared ones
	// get a list of names.
	counts := make(map[nsKey]int, len(cs)*len(snapshot.NamespaceTypes))
	for _, c := range cs {
		for typ, n := range c.Namespaces {
			if !n.SharedWithHost {
				counts[nsKey{typ, n.Device, n.Inode}]++
			}
		}
	}
	members := map[nsKey][]string{}
	for _, c := range cs {
		for typ, n := range c.Namespaces {
			if k := (nsKey{typ, n.Device, n.Inode}); !n.SharedWithHost && counts[k] > 1 {
				members[k] = append(members[k], c.Name)
			}
		}
	}
	for _, names := range members {
		sort.Strings(names)
	}
	for i := range cs {
		for typ, n := range cs[i].Namespaces {
			if n.SharedWithHost {
				continue
			}
			n.SharedWith = othersSorted(members[nsKey{typ, n.Device, n.Inode}], cs[i].Name)
			cs[i].Namespaces[typ] = n
		}
	}
}

// othersSorted returns the sorted names without self, never nil.
func othersSorted(sorted []string, self string) []string {
	out := make([]string, 0, len(sorted))
	for _, n := range sorted {
		if n != self {
			out = append(out, n)
		}
	}
	return out
}

// shareMounts marks mounts whose source (or volume) another container mounts too, and flags
// sensitive host paths.
func shareMounts(cs []snapshot.Container) {
	members := map[string][]string{}
	key := func(m snapshot.Mount) string {
		if m.VolumeName != nil && *m.VolumeName != "" {
			return "volume:" + *m.VolumeName
		}
		return m.Type + ":" + m.Source
	}
	for _, c := range cs {
		for _, m := range c.Mounts {
			if m.Source != "" || m.VolumeName != nil {
				members[key(m)] = append(members[key(m)], c.Name)
			}
		}
	}
	for _, names := range members {
		sort.Strings(names)
	}
	for i := range cs {
		for j := range cs[i].Mounts {
			m := &cs[i].Mounts[j]
			m.SharedWith = othersSorted(members[key(*m)], cs[i].Name)
			if m.Type == "bind" {
				if why := SensitivePath(m.Source); why != "" {
					m.Sensitive = &why
				}
			}
		}
	}
}

// sensitiveExact are host paths that give a container control of the host when mounted.
var sensitiveExact = map[string]string{
	"/":                                   "host root filesystem",
	"/var/run/docker.sock":                "container engine socket",
	"/run/docker.sock":                    "container engine socket",
	"/run/podman/podman.sock":             "container engine socket",
	"/run/containerd/containerd.sock":     "container engine socket",
	"/var/run/containerd/containerd.sock": "container engine socket",
	"/var/run/crio/crio.sock":             "container engine socket",
	"/home":                               "host /home",
}

// sensitiveTrees are host directories sensitive along with everything below them.
var sensitiveTrees = []string{"/etc", "/proc", "/sys", "/dev", "/var/lib/docker", "/root", "/boot", "/lib/modules", "/usr/lib/modules"}

// SensitivePath says why a bind-mount source is a sensitive host path, or "" when it is not.
func SensitivePath(source string) string {
	if source == "" {
		return ""
	}
	p := path.Clean(source)
	if why, ok := sensitiveExact[p]; ok {
		return why
	}
	for _, tree := range sensitiveTrees {
		if p == tree || strings.HasPrefix(p, tree+"/") {
			return "host " + tree
		}
	}
	return ""
}

// networkMembers lists, for each network a container is on, every container on it, from its
// engine's view of the network (two engines may each have a network called "bridge").
func networkMembers(cs []snapshot.Container, networksByRuntime map[string][]engine.NetworkInfo) {
	names := make(map[string]string, len(cs))
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	byKey := map[string]*engine.NetworkInfo{}
	for runtime, networks := range networksByRuntime {
		for i := range networks {
			byKey[runtime+" id:"+networks[i].ID] = &networks[i]
			byKey[runtime+" name:"+networks[i].Name] = &networks[i]
		}
	}
	// Each network's sorted member list is built once and shared by its members' readings:
	// a reading is never changed after it is taken, so sharing is safe, and a bridge with 100
	// containers costs one sort instead of a hundred.
	sorted := map[*engine.NetworkInfo][]string{}
	for i := range cs {
		cs[i].Networks = dropNoneNetwork(cs[i].Networks)
		for j := range cs[i].Networks {
			m := &cs[i].Networks[j]
			n, ok := byKey[cs[i].Runtime+" id:"+m.ID]
			if !ok {
				n, ok = byKey[cs[i].Runtime+" name:"+m.Name]
			}
			if !ok { // created moments ago; the next network event brings it
				m.Containers = []string{cs[i].Name}
				continue
			}
			m.Driver = n.Driver
			members, done := sorted[n]
			if !done {
				members = make([]string, 0, len(n.Containers))
				for _, id := range n.Containers {
					if name, ok := names[id]; ok {
						members = append(members, name)
					}
				}
				sort.Strings(members)
				sorted[n] = members
			}
			m.Containers = members
		}
	}
}

// dropNoneNetwork removes the engine's "none" network: a container on it is on no network.
func dropNoneNetwork(ms []snapshot.NetworkMembership) []snapshot.NetworkMembership {
	out := ms[:0]
	for _, m := range ms {
		if m.Name != "none" {
			out = append(out, m)
		}
	}
	return out
}
