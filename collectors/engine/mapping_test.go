package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
)

const (
	webID  = "7b296cc9608e9fa862cf54920473f0e8acb7cd35874f111842e81f6ef725adcc"
	sideID = "ebf2b93bafe57f1a2a26f5ab50c97aa56e99f2fae374f97fca05748ac5119c4b"
	dbID   = "2d5c993d9d8190646ee6a93df75648f5a732a400c29f69ac5687858a31141642"
	privID = "937713d4db33c3fecd1b751f0584a2cc1898259cf9a92c252748aa805c08d053"
	// cacheID is a container that appears only after a reconnect in the watcher tests.
	cacheID = "5f1c0a3e9b7d4c2a8e6f0b1d3c5a7e9f2b4d6c8a0e1f3b5d7c9a2e4f6b8d0c1a"

	bridgeNetID = "f105adc5992cfa8041aa531094b9b78287ecd4684a93d41c32a3e561f0621294"
	hostNetID   = "3eb424b40ab5629f79a20cdb16e6e296e43b946c0e36079fb4e6f745a248e4bf"
)

func ptr[T any](v T) *T { return &v }

func readTestdata(t testing.TB, parts ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadInspect(t testing.TB, file string) container.InspectResponse {
	t.Helper()
	var r container.InspectResponse
	if err := json.Unmarshal(readTestdata(t, "inspect", file), &r); err != nil {
		t.Fatalf("decode testdata/inspect/%s: %v", file, err)
	}
	return r
}

func TestContainerFromInspect(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		seccomp bool // whether the engine applies seccomp
		want    ContainerInfo
	}{
		{
			name: "running bridge container with ports, dropped caps, read-only rootfs and no-new-privileges",
			file: "web.json", seccomp: true,
			want: ContainerInfo{
				ID: webID, Name: "web", Image: "boxtop-sample:probe", State: "running", Pid: 6021,
				StartedAt:   time.Date(2026, 11, 27, 8, 7, 31, 466046471, time.UTC),
				Labels:      map[string]string{"app": "web", "boxtop.probe": "1"},
				NetworkMode: "bridge",
				Ports: []snapshot.Port{
					{ContainerPort: 53, Protocol: "udp", HostIP: "0.0.0.0", HostPort: 5353},
					{ContainerPort: 53, Protocol: "udp", HostIP: "::", HostPort: 5353},
					{ContainerPort: 80, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 8080},
				},
				Security: snapshot.Security{
					ReadOnlyRootfs: true, NoNewPrivileges: true,
					CapAdd: []string{"NET_BIND_SERVICE"}, CapDrop: []string{"ALL"},
					Seccomp: ptr("default"),
				},
				Mounts: []snapshot.Mount{
					{Type: "volume", Source: "/var/lib/docker/volumes/web-data/_data", Destination: "/data", VolumeName: ptr("web-data")},
					{Type: "bind", Source: "/etc/hostname", Destination: "/host-hostname", ReadOnly: true},
					{Type: "tmpfs", Destination: "/run"},
				},
				Networks:      []Attachment{{Name: "bridge", NetworkID: bridgeNetID, IPAddress: "172.17.0.2/16", Gateway: "172.17.0.1", MAC: "02:42:ac:11:00:02"}},
				StorageDriver: "overlay2",
				IpcMode:       "shareable", CgroupnsMode: "host",
				MemoryLimit: 64 << 20, NanoCPUs: 500000000, PidsLimit: 33,
			},
		},
		{
			name: "privileged with seccomp=unconfined, host pid, uts and userns, on a user network",
			file: "priv.json", seccomp: true,
			want: ContainerInfo{
				ID: privID, Name: "priv", Image: "boxtop-sample:probe", State: "created",
				Labels:      map[string]string{"boxtop.probe": "1"},
				NetworkMode: "probe-net",
				Ports:       []snapshot.Port{},
				Security: snapshot.Security{
					Privileged: true, CapAdd: []string{}, CapDrop: []string{},
					Seccomp: ptr("unconfined"), AppArmor: ptr("unconfined"), UsernsMode: ptr("host"),
				},
				Mounts:        []snapshot.Mount{{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock"}},
				Networks:      []Attachment{{Name: "probe-net", NetworkID: "818fdb91deb15b23d43bdf43b1a1ee8d98ac17788f2a89e4887301821b140008"}},
				StorageDriver: "overlay2",
				PidMode:       "host", IpcMode: "private", UTSMode: "host", CgroupnsMode: "host",
			},
		},
		{
			name: "network and ipc of another container, kept as configured until the inventory names it",
			file: "side.json", seccomp: true,
			want: ContainerInfo{
				ID: sideID, Name: "side", Image: "boxtop-sample:probe", State: "running", Pid: 6188,
				StartedAt:     time.Date(2026, 11, 27, 8, 7, 32, 1122334, time.UTC),
				Labels:        map[string]string{},
				NetworkMode:   "container:" + webID,
				Ports:         []snapshot.Port{},
				Security:      snapshot.Security{CapAdd: []string{}, CapDrop: []string{}, Seccomp: ptr("default"), AppArmor: ptr("docker-default")},
				Mounts:        []snapshot.Mount{},
				Networks:      []Attachment{},
				StorageDriver: "overlay2",
				PidMode:       "container:web", IpcMode: "container:7b296cc9608e", CgroupnsMode: "private",
			},
		},
		{
			name: "exited on the host network with a seccomp profile file, no-new-privileges:false and a CFS quota",
			file: "db.json", seccomp: true,
			want: ContainerInfo{
				ID: dbID, Name: "db", Image: "boxtop-sample:probe", State: "exited",
				StartedAt:     time.Date(2026, 11, 27, 8, 7, 32, 300000000, time.UTC),
				Labels:        map[string]string{"tier": "data"},
				NetworkMode:   "host",
				Ports:         []snapshot.Port{},
				Security:      snapshot.Security{CapAdd: []string{}, CapDrop: []string{}, Seccomp: ptr("custom")},
				Mounts:        []snapshot.Mount{},
				Networks:      []Attachment{{Name: "host", NetworkID: hostNetID}},
				StorageDriver: "overlay2",
				IpcMode:       "private", CgroupnsMode: "host",
				MemoryLimit: 256 << 20, CPUQuota: 20000, CPUPeriod: 100000,
			},
		},
		{
			name: "the engine applies no seccomp at all",
			file: "db.json", seccomp: false,
			want: ContainerInfo{
				ID: dbID, Name: "db", Image: "boxtop-sample:probe", State: "exited",
				StartedAt:     time.Date(2026, 11, 27, 8, 7, 32, 300000000, time.UTC),
				Labels:        map[string]string{"tier": "data"},
				NetworkMode:   "host",
				Ports:         []snapshot.Port{},
				Security:      snapshot.Security{CapAdd: []string{}, CapDrop: []string{}, Seccomp: ptr("unconfined")},
				Mounts:        []snapshot.Mount{},
				Networks:      []Attachment{{Name: "host", NetworkID: hostNetID}},
				StorageDriver: "overlay2",
				IpcMode:       "private", CgroupnsMode: "host",
				MemoryLimit: 256 << 20, CPUQuota: 20000, CPUPeriod: 100000,
			},
		},
		{
			name: "Podman-shaped: lower-case caps, inline seccomp profile, no-new-privileges=true, keep-id",
			file: "podman.json", seccomp: true,
			want: ContainerInfo{
				ID: "3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b", Name: "pod-app",
				Image: "localhost/app:1", State: "paused", Pid: 8120,
				StartedAt:   time.Date(2026, 11, 27, 7, 20, 1, 500000000, time.UTC),
				NetworkMode: "slirp4netns",
				Ports:       []snapshot.Port{{ContainerPort: 8080, Protocol: "tcp", HostPort: 18080}},
				Security: snapshot.Security{
					NoNewPrivileges: true, CapAdd: []string{"NET_ADMIN", "SYS_TIME"}, CapDrop: []string{"MKNOD"},
					Seccomp: ptr("custom"), UsernsMode: ptr("keep-id"),
				},
				Mounts: []snapshot.Mount{
					{Type: "volume", Source: "/home/u/.local/share/containers/storage/volumes/pod-cache/_data", Destination: "/cache", ReadOnly: true, VolumeName: ptr("pod-cache")},
					{Type: "tmpfs", Destination: "/tmp"},
				},
				Networks:      []Attachment{},
				StorageDriver: "overlay",
				PidMode:       "private", IpcMode: "shareable", UTSMode: "private", CgroupnsMode: "private",
				NanoCPUs: 1500000000, PidsLimit: 2048,
			},
		},
		{
			name: "only an id and a name: no State, HostConfig, Config or NetworkSettings",
			file: "bare.json", seccomp: true,
			want: ContainerInfo{
				ID: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9", Name: "bare", State: "unknown",
				Ports: []snapshot.Port{}, Networks: []Attachment{}, Mounts: []snapshot.Mount{},
				Security: snapshot.Security{CapAdd: []string{}, CapDrop: []string{}, Seccomp: ptr("default")},
			},
		},
		{
			name: "explicit nulls, a null endpoint and an unbound port",
			file: "nulls.json", seccomp: true,
			want: ContainerInfo{
				ID: "1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a", Name: "nulls", State: "unknown",
				Ports:    []snapshot.Port{{ContainerPort: 443, Protocol: "tcp"}},
				Networks: []Attachment{{Name: "bridge"}},
				Mounts:   []snapshot.Mount{},
				Security: snapshot.Security{CapAdd: []string{}, CapDrop: []string{}, Seccomp: ptr("default")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := containerFromInspect(loadInspect(t, tt.file), tt.seccomp)
			if !got.StartedAt.Equal(tt.want.StartedAt) {
				t.Errorf("StartedAt = %v, want %v", got.StartedAt, tt.want.StartedAt)
			}
			got.StartedAt, tt.want.StartedAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("containerFromInspect(%s):\n got %+v\nwant %+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestContainerFromSummary(t *testing.T) {
	var list []container.Summary
	if err := json.Unmarshal([]byte(`[{
		"Id": "`+webID+`", "Names": ["/web"], "Image": "boxtop-sample:probe", "State": "running",
		"Labels": {"app": "web"}, "HostConfig": {"NetworkMode": "default"},
		"Ports": [{"PrivatePort": 80, "Type": "tcp"}, {"IP": "127.0.0.1", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}],
		"NetworkSettings": {"Networks": {"bridge": {"NetworkID": "`+bridgeNetID+`", "IPAddress": "172.17.0.2", "IPPrefixLen": 16}}},
		"Mounts": [{"Type": "bind", "Source": "/srv", "Destination": "/srv", "RW": false}]
	}, {"Id": "`+dbID+`"}]`), &list); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   container.Summary
		want ContainerInfo
	}{
		{
			name: "a full list entry",
			in:   list[0],
			want: ContainerInfo{
				ID: webID, Name: "web", Image: "boxtop-sample:probe", State: "running",
				Labels: map[string]string{"app": "web"}, NetworkMode: "bridge",
				Ports:    []snapshot.Port{{ContainerPort: 80, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 8080}},
				Security: snapshot.Security{CapAdd: []string{}, CapDrop: []string{}},
				Mounts:   []snapshot.Mount{{Type: "bind", Source: "/srv", Destination: "/srv", ReadOnly: true}},
				Networks: []Attachment{{Name: "bridge", NetworkID: bridgeNetID, IPAddress: "172.17.0.2/16"}},
			},
		},
		{
			name: "an entry with an id only",
			in:   list[1],
			want: ContainerInfo{
				ID: dbID, State: "unknown", Ports: []snapshot.Port{}, Networks: []Attachment{}, Mounts: []snapshot.Mount{},
				Security: snapshot.Security{CapAdd: []string{}, CapDrop: []string{}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := containerFromSummary(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestEngineInfo(t *testing.T) {
	var info system.Info
	if err := json.Unmarshal(readTestdata(t, "daemon", "info.json"), &info); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ep      Endpoint
		version string
		want    EngineInfo
	}{
		{
			name: "Docker 20.10", ep: Endpoint{Host: "unix:///var/run/docker.sock", Runtime: "docker"}, version: "version.json",
			want: EngineInfo{Name: "docker", Endpoint: "unix:///var/run/docker.sock", Version: "20.10.24+dfsg1", APIVersion: "1.41",
				CgroupDriver: "cgroupfs", StorageDriver: "overlay2", CgroupVersion: 1, OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
				Hostname: "vm", Kernel: "6.18.44-fc-v657", CPUs: 2, MemoryBytes: 25276510208},
		},
		{
			name: "Podman named by its version answer though its socket path does not say so",
			ep:   Endpoint{Host: "tcp://10.0.0.5:2375", Runtime: "docker"}, version: "podman-version.json",
			want: EngineInfo{Name: "podman", Endpoint: "tcp://10.0.0.5:2375", Version: "4.3.1", APIVersion: "1.41",
				CgroupDriver: "cgroupfs", StorageDriver: "overlay2", CgroupVersion: 1, OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
				Hostname: "vm", Kernel: "6.18.44-fc-v657", CPUs: 2, MemoryBytes: 25276510208},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v client.ServerVersionResult
			if err := json.Unmarshal(readTestdata(t, "daemon", tt.version), &v); err != nil {
				t.Fatal(err)
			}
			if got := engineInfo(tt.ep, v, info); got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestEngineAppliesSeccomp(t *testing.T) {
	tests := []struct {
		name string
		opts []string
		want bool
	}{
		{"default profile", []string{"name=seccomp,profile=default", "name=cgroupns"}, true},
		{"apparmor and userns but no seccomp", []string{"name=apparmor", "name=userns"}, false},
		{"no list at all", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engineAppliesSeccomp(system.Info{SecurityOptions: tt.opts}); got != tt.want {
				t.Errorf("engineAppliesSeccomp(%q) = %v, want %v", tt.opts, got, tt.want)
			}
		})
	}
}

// FuzzContainerFromInspect feeds the mapping whatever decodes as an inspect answer: an engine's
// JSON is input boxtop does not control.
func FuzzContainerFromInspect(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "inspect", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r container.InspectResponse
		if json.Unmarshal(data, &r) != nil {
			return
		}
		c := containerFromInspect(r, true)
		if c.State == "" || c.Security.Seccomp == nil {
			t.Fatalf("State %q, Seccomp %v: every container gets both", c.State, c.Security.Seccomp)
		}
		st := state{containers: map[string]ContainerInfo{c.ID: c}}
		st.inventory()
	})
}
