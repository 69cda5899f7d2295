package engine

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

// containerFromInspect maps one inspect answer. Every pointer in it may be nil (Podman and old
// engines leave parts out), so each is checked. engineSeccomp says whether the engine applies
// seccomp at all: an engine built or run without it confines nobody, whatever the container asks.
func containerFromInspect(r container.InspectResponse, engineSeccomp bool) ContainerInfo {
	c := ContainerInfo{
		ID:            r.ID,
		Name:          strings.TrimPrefix(r.Name, "/"),
		Image:         r.Image,
		State:         "unknown",
		StorageDriver: r.Driver,
		Ports:         []snapshot.Port{},
		Networks:      []Attachment{},
	}
	if r.Config != nil {
		if r.Config.Image != "" {
			c.Image = r.Config.Image // the name it was run with, not the image's digest
		}
		c.Labels = maps.Clone(r.Config.Labels)
	}
	if s := r.State; s != nil {
		if s.Status != "" {
			c.State = string(s.Status)
		}
		c.Pid = s.Pid
		c.StartedAt = parseEngineTime(s.StartedAt)
	}
	c.Security = security(r, engineSeccomp)
	if h := r.HostConfig; h != nil {
		c.NetworkMode = normaliseNetworkMode(string(h.NetworkMode))
		c.PidMode = string(h.PidMode)
		c.IpcMode = string(h.IpcMode)
		c.UTSMode = string(h.UTSMode)
		c.CgroupnsMode = string(h.CgroupnsMode)
		c.MemoryLimit = h.Memory
		c.NanoCPUs = h.NanoCPUs
		c.CPUQuota = h.CPUQuota
		c.CPUPeriod = h.CPUPeriod
		if h.PidsLimit != nil && *h.PidsLimit > 0 { // 0 and -1 both mean unlimited
			c.PidsLimit = *h.PidsLimit
		}
	}
	c.Mounts = mounts(r.Mounts, r.HostConfig)
	if ns := r.NetworkSettings; ns != nil {
		c.Ports = publishedPorts(ns.Ports)
		c.Networks = attachments(ns.Networks)
	}
	return c
}

// containerFromSummary maps a list entry. It stands in for a container whose inspect failed with
// an engine error, so that one broken container does not hide the others.
func containerFromSummary(s container.Summary) ContainerInfo {
	c := ContainerInfo{
		ID:          s.ID,
		Image:       s.Image,
		State:       string(s.State),
		Labels:      maps.Clone(s.Labels),
		NetworkMode: normaliseNetworkMode(s.HostConfig.NetworkMode),
		Security:    snapshot.Security{CapAdd: []string{}, CapDrop: []string{}},
		Ports:       []snapshot.Port{},
		Networks:    []Attachment{},
	}
	if len(s.Names) > 0 {
		c.Name = strings.TrimPrefix(s.Names[0], "/")
	}
	if c.State == "" {
		c.State = "unknown"
	}
	for _, p := range s.Ports {
		if p.PublicPort == 0 {
			continue // exposed, not published
		}
		c.Ports = append(c.Ports, snapshot.Port{ContainerPort: p.PrivatePort, Protocol: p.Type, HostIP: addrString(p.IP), HostPort: p.PublicPort})
	}
	sortPorts(c.Ports)
	c.Mounts = mounts(s.Mounts, nil)
	if s.NetworkSettings != nil {
		c.Networks = attachments(s.NetworkSettings.Networks)
	}
	return c
}

func normaliseNetworkMode(mode string) string {
	if mode == "default" {
		return "bridge" // what "default" means on Linux
	}
	return mode
}

// parseEngineTime reads the engine's RFC 3339 times; the zero time "0001-01-01T00:00:00Z" of a
// container that never started, and anything unreadable, become the zero time.
func parseEngineTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

func security(r container.InspectResponse, engineSeccomp bool) snapshot.Security {
	sec := snapshot.Security{CapAdd: []string{}, CapDrop: []string{}}
	if r.AppArmorProfile != "" {
		profile := r.AppArmorProfile
		sec.AppArmor = &profile
	}
	seccomp := "default"
	h := r.HostConfig
	if h != nil {
		sec.Privileged = h.Privileged
		sec.ReadOnlyRootfs = h.ReadonlyRootfs
		for _, c := range h.CapAdd {
			sec.CapAdd = append(sec.CapAdd, capabilityName(c))
		}
		for _, c := range h.CapDrop {
			sec.CapDrop = append(sec.CapDrop, capabilityName(c))
		}
		if h.UsernsMode != "" {
			mode := string(h.UsernsMode)
			sec.UsernsMode = &mode
		}
		for _, opt := range h.SecurityOpt {
			key, value, hasValue := cutSecurityOpt(opt)
			switch key {
			case "no-new-privileges":
				sec.NoNewPrivileges = !hasValue || value == "true" || value == "1"
			case "seccomp":
				if value == "unconfined" {
					seccomp = "unconfined"
				} else if hasValue && value != "" && value != "builtin" {
					seccomp = "custom" // the profile's JSON itself, which nobody wants to read here
				}
			}
		}
	}
	// The engine applies no seccomp filter to a privileged container, nor when it has none.
	if (h != nil && h.Privileged) || !engineSeccomp {
		seccomp = "unconfined"
	}
	sec.Seccomp = &seccomp
	return sec
}

// cutSecurityOpt splits "key=value" or the older "key:value" form.
func cutSecurityOpt(opt string) (key, value string, hasValue bool) {
	i := strings.IndexAny(opt, "=:")
	if i < 0 {
		return opt, "", false
	}
	return opt[:i], opt[i+1:], true
}

// capabilityName writes capabilities as the docker CLI takes them ("NET_ADMIN", "ALL"): engines
// differ on the CAP_ prefix and on case.
func capabilityName(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	return strings.TrimPrefix(c, "CAP_")
}

// publishedPorts lists the bindings in force: only a running container has them.
func publishedPorts(ports network.PortMap) []snapshot.Port {
	out := []snapshot.Port{}
	for port, bindings := range ports {
		for _, b := range bindings {
			hostPort, _ := strconv.ParseUint(b.HostPort, 10, 16)
			out = append(out, snapshot.Port{
				ContainerPort: port.Num(),
				Protocol:      string(port.Proto()),
				HostIP:        addrString(b.HostIP),
				HostPort:      uint16(hostPort),
			})
		}
	}
	sortPorts(out)
	return out
}

func sortPorts(ports []snapshot.Port) {
	slices.SortFunc(ports, func(a, b snapshot.Port) int {
		return cmp.Or(cmp.Compare(a.ContainerPort, b.ContainerPort), strings.Compare(a.Protocol, b.Protocol),
			strings.Compare(a.HostIP, b.HostIP), cmp.Compare(a.HostPort, b.HostPort))
	})
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// mounts lists the container's mounts by destination, with the tmpfs mounts given by --tmpfs,
// which the engine keeps in HostConfig only.
func mounts(points []container.MountPoint, h *container.HostConfig) []snapshot.Mount {
	out := make([]snapshot.Mount, 0, len(points))
	seen := make(map[string]bool, len(points))
	for _, p := range points {
		m := snapshot.Mount{Type: string(p.Type), Source: p.Source, Destination: p.Destination, ReadOnly: !p.RW}
		if p.Type == "volume" && p.Name != "" {
			name := p.Name
			m.VolumeName = &name
		}
		seen[p.Destination] = true
		out = append(out, m)
	}
	if h != nil {
		for dest, opts := range h.Tmpfs {
			if seen[dest] {
				continue
			}
			readOnly := slices.Contains(strings.Split(opts, ","), "ro")
			out = append(out, snapshot.Mount{Type: "tmpfs", Destination: dest, ReadOnly: readOnly})
		}
	}
	slices.SortFunc(out, func(a, b snapshot.Mount) int { return strings.Compare(a.Destination, b.Destination) })
	return out
}

func attachments(networks map[string]*network.EndpointSettings) []Attachment {
	out := make([]Attachment, 0, len(networks))
	for name, ep := range networks {
		a := Attachment{Name: name}
		if ep != nil {
			a.NetworkID = ep.NetworkID
			a.Gateway = addrString(ep.Gateway)
			if ep.IPAddress.IsValid() {
				a.IPAddress = ep.IPAddress.String()
				if ep.IPPrefixLen > 0 {
					a.IPAddress = fmt.Sprintf("%s/%d", a.IPAddress, ep.IPPrefixLen)
				}
			}
			if len(ep.MacAddress) > 0 {
				a.MAC = ep.MacAddress.String()
			}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Attachment) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func networksFromList(items []network.Summary) []NetworkInfo {
	out := make([]NetworkInfo, 0, len(items))
	for _, n := range items {
		out = append(out, NetworkInfo{ID: n.ID, Name: n.Name, Driver: n.Driver})
	}
	slices.SortFunc(out, func(a, b NetworkInfo) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}

// engineInfo names the engine from its version answer: Podman's compatible API reports a
// component named "Podman Engine" or a platform naming Podman; anything else is taken for Docker
// unless the address already said Podman.
func engineInfo(ep Endpoint, v client.ServerVersionResult, info system.Info) EngineInfo {
	e := EngineInfo{
		Name:            ep.Runtime,
		Endpoint:        ep.Host,
		Version:         v.Version,
		APIVersion:      v.APIVersion,
		CgroupDriver:    info.CgroupDriver,
		StorageDriver:   info.Driver,
		OperatingSystem: info.OperatingSystem,
		Hostname:        info.Name,
		Kernel:          info.KernelVersion,
		CPUs:            info.NCPU,
	}
	if info.MemTotal > 0 {
		e.MemoryBytes = uint64(info.MemTotal)
	}
	if e.Name == "" {
		e.Name = "docker"
	}
	podman := strings.Contains(strings.ToLower(v.Platform.Name), "podman")
	for _, c := range v.Components {
		if strings.Contains(strings.ToLower(c.Name), "podman") {
			podman = true
			if e.Version == "" {
				e.Version = c.Version
			}
		}
	}
	if podman {
		e.Name = "podman"
	}
	if n, err := strconv.Atoi(info.CgroupVersion); err == nil {
		e.CgroupVersion = n
	}
	return e
}

// engineAppliesSeccomp reads the engine's security options ("name=seccomp,profile=default"). An
// engine that lists none is not taken to lack seccomp: old and compatible engines omit the list.
func engineAppliesSeccomp(info system.Info) bool {
	if len(info.SecurityOptions) == 0 {
		return true
	}
	for _, opt := range info.SecurityOptions {
		for _, field := range strings.Split(opt, ",") {
			if field == "name=seccomp" {
				return true
			}
		}
	}
	return false
}
