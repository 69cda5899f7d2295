package record

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fleet builds a realistic sequence of readings of a host running n containers, the way the
// sampler produces them: counters grow, rates are full-precision floats that change every
// reading, a process starts now and then, events arrive. It is deterministic for a seed.
type fleet struct {
	rng        *rand.Rand
	t          time.Time
	containers []snapshot.Container
	events     []snapshot.Event
}

var defaultCaps = []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
	"CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}

func ptr[T any](v T) *T { return &v }

func hexID(rng *rand.Rand) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 64)
	for i := range b {
		b[i] = digits[rng.IntN(16)]
	}
	return string(b)
}

func newFleet(seed uint64, n int) *fleet {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	f := &fleet{rng: rng, t: time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)}
	services := []string{"web", "api", "worker", "db", "cache", "queue", "proxy", "metrics", "auth", "search"}
	images := []string{"nginx:1.27", "ghcr.io/acme/api:2.4.1", "ghcr.io/acme/worker:2.4.1", "postgres:16",
		"redis:7.2", "rabbitmq:3.13-management", "traefik:v3.1", "prom/prometheus:v2.53.0", "keycloak/keycloak:25.0", "opensearchproject/opensearch:2.15.0"}
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("shop-%s-%d", services[i%len(services)], i/len(services)+1)
	}
	netID := hexID(rng)
	for i := range n {
		id := hexID(rng)
		pid := 4000 + i*37
		started := f.t.Add(-time.Duration(rng.IntN(86400)) * time.Second)
		group := names[(i/5)*5 : min((i/5)*5+5, n)]
		c := snapshot.Container{
			ID: id, Name: names[i], Image: images[i%len(images)], Runtime: "docker", State: "running",
			Pid: ptr(pid), StartedAt: &started, CgroupPath: ptr("/docker/" + id),
			Labels: map[string]string{
				"com.docker.compose.project":             "shop",
				"com.docker.compose.service":             services[i%len(services)],
				"com.docker.compose.container-number":    fmt.Sprint(i/len(services) + 1),
				"com.docker.compose.config-hash":         hexID(rng),
				"com.docker.compose.version":             "2.29.1",
				"com.docker.compose.oneoff":              "False",
				"com.docker.compose.project.working_dir": "/srv/shop",
			},
			CPU: &snapshot.CPU{UsageNanoseconds: rng.Uint64N(1e12), Cpuset: ptr("0-1"),
				Periods: ptr(rng.Uint64N(1e6)), ThrottledPeriods: ptr(uint64(0)), ThrottledSeconds: ptr(0.0)},
			Memory: &snapshot.Memory{UsageBytes: 50<<20 + rng.Uint64N(400<<20), SwapBytes: ptr(uint64(0)), OOMKills: ptr(uint64(0))},
			Pids:   &snapshot.Pids{Current: uint64(1 + rng.IntN(30)), Limit: ptr(uint64(4096))},
			IO:     &snapshot.IO{ReadBytes: rng.Uint64N(1 << 30), WriteBytes: rng.Uint64N(1 << 30)},
			Network: &snapshot.Network{Mode: "shop_default",
				Interfaces: []snapshot.Interface{
					{Name: "eth0", Addresses: []string{fmt.Sprintf("172.18.0.%d/16", i+2)},
						MAC: fmt.Sprintf("02:42:ac:12:00:%02x", i+2), HostPeer: ptr(fmt.Sprintf("veth%07x", rng.Uint32N(1<<28))), Bridge: ptr("br-" + netID[:12]),
						RxBytes: rng.Uint64N(1 << 32), TxBytes: rng.Uint64N(1 << 32), RxPackets: rng.Uint64N(1 << 24), TxPackets: rng.Uint64N(1 << 24)},
					{Name: "lo", Addresses: []string{"127.0.0.1/8"}},
				},
				Ports: []snapshot.Port{}},
			Namespaces: map[string]snapshot.Namespace{},
			Security: &snapshot.Security{CapEffective: defaultCaps, CapAdd: []string{}, CapDrop: []string{},
				Seccomp: ptr("default"), AppArmor: ptr("docker-default")},
			Storage: &snapshot.Storage{Driver: ptr("overlay2"), WritableLayerBytes: ptr(int64(rng.IntN(1 << 26)))},
			Mounts: []snapshot.Mount{{Type: "volume", Source: "/var/lib/docker/volumes/shop_" + names[i] + "/_data",
				Destination: "/data", VolumeName: ptr("shop_" + names[i]), SharedWith: []string{}}},
			Networks: []snapshot.NetworkMembership{{Name: "shop_default", ID: netID, Driver: "bridge",
				IPAddress: fmt.Sprintf("172.18.0.%d/16", i+2), Gateway: "172.18.0.1", Containers: group}},
			Processes: []snapshot.Process{{Pid: pid, NsPid: 1, PPid: 3900, Command: images[i%len(images)] + " --config /etc/app.conf"}},
			Errors:    []string{},
		}
		if i%3 == 0 {
			c.CPU.LimitCores = ptr(2.0)
			c.Memory.LimitBytes = ptr(uint64(1 << 30))
			c.Network.Ports = []snapshot.Port{{ContainerPort: 8080, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: uint16(18080 + i)}}
		}
		for k, ns := range snapshot.NamespaceTypes {
			shared := ns == "user" || ns == "cgroup" || ns == "time"
			inode := uint64(4026532200 + i*10 + k)
			if shared {
				inode = uint64(4026531830 + k)
			}
			c.Namespaces[ns] = snapshot.Namespace{Inode: inode, Device: 4, SharedWithHost: shared, SharedWith: []string{}}
		}
		f.containers = append(f.containers, c)
	}
	return f
}

// next advances the clock by about a second and returns the new reading. Every pointer in it is
// fresh, so earlier readings are not changed by later ones.
func (f *fleet) next() snapshot.Snapshot {
	rng := f.rng
	elapsed := 1 + float64(rng.IntN(50000000))/1e9
	f.t = f.t.Add(time.Duration(elapsed * 1e9))
	out := make([]snapshot.Container, len(f.containers))
	for i := range f.containers {
		c := &f.containers[i]
		cpuNs := rng.Uint64N(uint64(elapsed * 3e8))
		c.CPU.UsageNanoseconds += cpuNs
		*c.CPU.Periods += 10
		if rng.IntN(10) == 0 {
			*c.CPU.ThrottledPeriods++
		}
		c.Memory.UsageBytes = uint64(int64(c.Memory.UsageBytes) + rng.Int64N(1<<20) - 1<<19)
		c.Memory.WorkingSetBytes = c.Memory.UsageBytes - c.Memory.UsageBytes/7
		readDelta, writeDelta := rng.Uint64N(1<<16)*512, rng.Uint64N(1<<14)*512
		c.IO.ReadBytes += readDelta
		c.IO.WriteBytes += writeDelta
		rx, tx := rng.Uint64N(1<<20), rng.Uint64N(1<<19)
		eth := &c.Network.Interfaces[0]
		eth.RxBytes += rx
		eth.TxBytes += tx
		eth.RxPackets += rx / 900
		eth.TxPackets += tx / 700
		if rng.IntN(40) == 0 {
			c.Processes = append(c.Processes, snapshot.Process{Pid: *c.Pid + len(c.Processes) + 1,
				NsPid: len(c.Processes) + 1, PPid: *c.Pid, Command: "/bin/sh -c healthcheck"})
		}
		if len(c.Processes) > 4 {
			c.Processes = c.Processes[:1]
		}
		out[i] = cloneContainer(*c)
		oc := &out[i]
		oc.CPU.UsagePercent = ptr(float64(cpuNs) / elapsed / 1e7)
		if oc.CPU.LimitCores != nil {
			oc.CPU.PercentOfLimit = ptr(*oc.CPU.UsagePercent / *oc.CPU.LimitCores)
			oc.Memory.PercentOfLimit = ptr(float64(oc.Memory.UsageBytes) / float64(*oc.Memory.LimitBytes) * 100)
		}
		oc.CPU.ThrottledPercent = ptr(float64(rng.IntN(3)) * 10 / 3)
		oc.IO.ReadBytesPerSecond = ptr(float64(readDelta) / elapsed)
		oc.IO.WriteBytesPerSecond = ptr(float64(writeDelta) / elapsed)
		oc.Network.Interfaces[0].RxBytesPerSecond = ptr(float64(rx) / elapsed)
		oc.Network.Interfaces[0].TxBytesPerSecond = ptr(float64(tx) / elapsed)
		oc.Network.Interfaces[1].RxBytesPerSecond = ptr(0.0)
		oc.Network.Interfaces[1].TxBytesPerSecond = ptr(0.0)
	}
	if rng.IntN(15) == 0 && len(out) > 0 {
		c := out[rng.IntN(len(out))]
		f.events = append(f.events, snapshot.Event{Time: f.t.Add(-300 * time.Millisecond), Runtime: "docker",
			Type: "container", Action: "exec_start: /bin/sh -c healthcheck", ContainerID: c.ID, Name: c.Name, Image: c.Image})
		if len(f.events) > 20 {
			f.events = f.events[1:]
		}
	}
	return snapshot.Snapshot{
		Schema: snapshot.Schema, Time: f.t, IntervalSeconds: elapsed,
		Host: snapshot.Host{Hostname: "shop-prod-3", Kernel: "6.8.0-45-generic", CgroupVersion: 2,
			CgroupDriver: ptr("systemd"), CPUs: 8, MemoryBytes: 33 << 30,
			Namespaces: map[string]uint64{"cgroup": 4026531835, "ipc": 4026531839, "mnt": 4026531841,
				"net": 4026531840, "pid": 4026531836, "time": 4026531834, "user": 4026531837, "uts": 4026531838},
			NamespacesReference: "pid 1"},
		Runtimes: []snapshot.Runtime{{Name: "docker", Endpoint: "unix:///var/run/docker.sock", Reachable: true,
			Version: ptr("27.1.1"), APIVersion: ptr("1.46"), CgroupDriver: ptr("systemd")}},
		Containers: out,
		Events:     append([]snapshot.Event(nil), f.events...),
	}
}

// cloneContainer copies the parts that next changes, so each reading is independent.
func cloneContainer(c snapshot.Container) snapshot.Container {
	cpu, mem, io, net := *c.CPU, *c.Memory, *c.IO, *c.Network
	cpu.Periods, cpu.ThrottledPeriods = ptr(*cpu.Periods), ptr(*cpu.ThrottledPeriods)
	net.Interfaces = append([]snapshot.Interface(nil), net.Interfaces...)
	c.CPU, c.Memory, c.IO, c.Network = &cpu, &mem, &io, &net
	c.Processes = append([]snapshot.Process(nil), c.Processes...)
	return c
}

// readings returns count readings of an n-container fleet.
func readings(seed uint64, n, count int) []snapshot.Snapshot {
	f := newFleet(seed, n)
	out := make([]snapshot.Snapshot, count)
	for i := range out {
		out[i] = f.next()
	}
	return out
}
