package discover

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestScanFixtures(t *testing.T) {
	const (
		u1   = "8a5c1f34-2b6e-4f0a-9c1d-3e7f5a9b0c12"
		u2   = "0b6d2e1a-77c4-4f6e-8d21-5a3c9e0f4b11"
		u3   = "d41f7a60-1e2b-4c3d-9e8f-0a1b2c3d4e5f"
		v1u1 = "5c9e2d10-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
		v1u2 = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
		v1u3 = "2468ace0-1357-4bdf-8ace-02468ace1357"
	)
	us := func(u string) string { return strings.ReplaceAll(u, "-", "_") }
	hexFound := func(runtime, label, path string, init int, pids ...int) Found {
		id := fixtureID(label)
		return Found{Runtime: runtime, ID: id, Name: id[:12], CgroupPath: strings.ReplaceAll(path, "ID", id), InitPid: init, Pids: pids}
	}
	pod := func(f Found, uid, qos string) Found { f.PodUID, f.QoSClass = uid, qos; return f }
	tests := []struct {
		name string
		root string
		want []Found // sorted by runtime, then id
	}{
		{
			name: "cgroup v2, systemd driver",
			root: "testdata/v2/proc",
			want: sortFound([]Found{
				// 1150 is a child that got a lower pid than its parent, 1180 exited after its
				// cgroup was read, 1190 is the shim; 1260 sits in a child cgroup.
				hexFound("docker", "docker-systemd", "/system.slice/docker-ID.scope", 1200, 1150, 1180, 1190, 1200, 1260),
				hexFound("podman", "podman4", "/machine.slice/libpod-ID.scope", 2010, 2010, 2011),
				hexFound("podman", "podman-in-pod", "/machine.slice/machine-libpod_pod_"+fixtureID("podpod")+".slice/libpod-ID.scope", 2060, 2060),
				// crun (2105) is the parent of the app and shares its cgroup.
				hexFound("podman", "rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-ID.scope", 2110, 2105, 2110),
				pod(hexFound("containerd", "k8s-pause", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"+us(u1)+".slice/cri-containerd-ID.scope", 4000, 4000), u1, "burstable"),
				pod(hexFound("containerd", "k8s-nginx", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"+us(u1)+".slice/cri-containerd-ID.scope", 4010, 4010, 4011), u1, "burstable"),
				pod(hexFound("containerd", "k8s-guaranteed", "/kubepods.slice/kubepods-pod"+us(u2)+".slice/cri-containerd-ID.scope", 4100, 4100), u2, "guaranteed"),
				pod(hexFound("cri-o", "crio", "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"+us(u3)+".slice/crio-ID.scope", 5010, 5010), u3, "besteffort"),
				{Runtime: "lxc", ID: "web", Name: "web", CgroupPath: "/lxc.payload.web", InitPid: 6000, Pids: []int{6000, 6001}},
				// 6990 is (sd-pam) and 7000 the nspawn supervisor: neither is the machine's init.
				{Runtime: "systemd-nspawn", ID: "db-01", Name: "db-01", CgroupPath: `/machine.slice/machine-db\x2d01.scope`,
					InitPid: 7001, Pids: []int{6990, 7000, 7001, 7040}},
			}),
		},
		{
			name: "cgroup v1 hybrid, cgroupfs driver",
			root: "testdata/v1/proc",
			want: sortFound([]Found{
				// 1320 is in a child cgroup, 1330 in a container of the inner Docker.
				hexFound("docker", "docker-cgroupfs", "/docker/ID", 1310, 1300, 1310, 1320, 1330),
				hexFound("docker", "docker-systemd-v1", "/system.slice/docker-ID.scope", 1400, 1400),
				hexFound("podman", "podman-cgroupfs", "/libpod_parent/libpod-ID", 2210, 2200, 2210),
				pod(hexFound("containerd", "k8s-pause-v1", "/kubepods/burstable/pod"+v1u1+"/ID", 4200, 4200), v1u1, "burstable"),
				pod(hexFound("containerd", "k8s-app-v1", "/kubepods/burstable/pod"+v1u1+"/ID", 4210, 4205, 4210), v1u1, "burstable"),
				// 4300's file has no unified line and a root memory line: the cpu line names it.
				pod(hexFound("containerd", "k8s-guaranteed-v1", "/kubepods/pod"+v1u2+"/ID", 4300, 4300), v1u2, "guaranteed"),
				pod(hexFound("cri-o", "crio-v1", "/kubepods/besteffort/pod"+v1u3+"/crio-ID", 5110, 5110), v1u3, "besteffort"),
				{Runtime: "lxc", ID: "c1", Name: "c1", CgroupPath: "/lxc/c1", InitPid: 6100, Pids: []int{6100}},
				// 6210's memory line carries " (deleted)".
				{Runtime: "lxc", ID: "c2", Name: "c2", CgroupPath: "/lxc.payload/c2", InitPid: 6200, Pids: []int{6200, 6210}},
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Scan(context.Background(), tt.root)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("found %d containers, want %d", len(got), len(tt.want))
			}
			for i := range max(len(got), len(tt.want)) {
				var g, w Found
				if i < len(got) {
					g = got[i]
				}
				if i < len(tt.want) {
					w = tt.want[i]
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("container %d\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

// sortFound puts expectations in Scan's documented order: by runtime, then id.
func sortFound(fs []Found) []Found {
	slices.SortFunc(fs, func(a, b Found) int {
		return cmp.Or(cmp.Compare(a.Runtime, b.Runtime), cmp.Compare(a.ID, b.ID))
	})
	return fs
}

// writeProc writes a fixture process under root: cgroup, comm and status files.
func writeProc(t testing.TB, root string, pid, ppid int, comm, cgroup string) {
	t.Helper()
	dir := filepath.Join(root, strconv.Itoa(pid))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"cgroup": cgroup,
		"comm":   comm + "\n",
		"status": "Name:\t" + comm + "\nPid:\t" + strconv.Itoa(pid) + "\nPPid:\t" + strconv.Itoa(ppid) + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScanFaults(t *testing.T) {
	id := fixtureID("fault")
	tests := []struct {
		name    string
		build   func(t *testing.T, root string)
		wantErr string // substring; empty means no error
		wantIDs int
	}{
		{
			name:    "no proc root",
			build:   func(t *testing.T, root string) { os.RemoveAll(root) },
			wantErr: "no such file or directory",
		},
		{
			name:  "empty proc",
			build: func(t *testing.T, root string) {},
		},
		{
			name: "every process vanished",
			build: func(t *testing.T, root string) {
				for _, pid := range []string{"10", "11"} {
					os.MkdirAll(filepath.Join(root, pid), 0o755)
				}
			},
		},
		{
			name: "nothing readable is an error naming the file",
			build: func(t *testing.T, root string) {
				// A directory where the file should be makes read fail with EISDIR, as
				// close to an unreadable file as root can get.
				os.MkdirAll(filepath.Join(root, "10", "cgroup"), 0o755)
			},
			wantErr: "10/cgroup",
		},
		{
			name: "one unreadable among readable ones is not an error",
			build: func(t *testing.T, root string) {
				os.MkdirAll(filepath.Join(root, "10", "cgroup"), 0o755)
				writeProc(t, root, 20, 1, "app", "0::/docker/"+id+"\n")
			},
			wantIDs: 1,
		},
		{
			name: "non-pid entries are ignored",
			build: func(t *testing.T, root string) {
				writeProc(t, root, 20, 1, "app", "0::/docker/"+id+"\n")
				os.MkdirAll(filepath.Join(root, "self", "cgroup"), 0o755)
				os.MkdirAll(filepath.Join(root, "1x", "cgroup"), 0o755)
				os.WriteFile(filepath.Join(root, "uptime"), []byte("1 2\n"), 0o644)
			},
			wantIDs: 1,
		},
		{
			name: "all helpers: init falls back to the lowest pid",
			build: func(t *testing.T, root string) {
				writeProc(t, root, 30, 1, "conmon", "0::/docker/"+id+"\n")
				writeProc(t, root, 31, 30, "runc:[2:INIT]", "0::/docker/"+id+"\n")
			},
			wantIDs: 1,
		},
		{
			name: "a cgroup file larger than the buffer",
			build: func(t *testing.T, root string) {
				long := strings.Repeat("9:blkio:/"+strings.Repeat("x", 200)+"\n", 100)
				writeProc(t, root, 40, 1, "app", long+"0::/docker/"+id+"\n")
			},
			wantIDs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tt.build(t, root)
			got, err := Scan(context.Background(), root)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantIDs {
				t.Fatalf("found %+v, want %d containers", got, tt.wantIDs)
			}
			for _, f := range got {
				if f.ID != id || f.InitPid != f.Pids[0] {
					t.Errorf("found %+v, want id %s with init pid %d", f, id, f.Pids[0])
				}
			}
		})
	}
}

// TestScanPathOfLowestPid checks that when the processes of one container show different paths
// for it, the lowest pid's path is reported whatever order the directory lists them in.
func TestScanPathOfLowestPid(t *testing.T) {
	id := fixtureID("order")
	low := "/system.slice/docker-" + id + ".scope"
	for _, order := range [][]int{{50, 60, 70}, {70, 60, 50}, {60, 50, 70}} {
		root := t.TempDir()
		for _, pid := range order {
			path := "/docker/" + id
			if pid == 50 {
				path = low
			}
			writeProc(t, root, pid, 1, "app", "0::"+path+"\n")
		}
		got, err := Scan(context.Background(), root)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].CgroupPath != low || !slices.Equal(got[0].Pids, []int{50, 60, 70}) {
			t.Errorf("created in order %v: got %+v, want one container at %s", order, got, low)
		}
	}
}

func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, "testdata/v2/proc"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
