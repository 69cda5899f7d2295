package cgroups

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDetectVersion(t *testing.T) {
	cases := []struct {
		name    string
		root    string
		want    int
		wantErr string
	}{
		{"v2 systemd fixture", "testdata/v2-systemd/sys/fs/cgroup", 2, ""},
		{"v2 cgroupfs fixture", "testdata/v2-cgroupfs/sys/fs/cgroup", 2, ""},
		{"v1 separate cpu and cpuacct, hybrid", "testdata/v1-cgroupfs/sys/fs/cgroup", 1, ""},
		{"v1 combined cpu,cpuacct", "testdata/v1-systemd/sys/fs/cgroup", 1, ""},
		{"no hierarchy", "testdata", 0, "no cgroup hierarchy found"},
		{"missing root", "testdata/nope", 0, "statfs testdata/nope: no such file or directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DetectVersion(tc.root)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("DetectVersion = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestLocate(t *testing.T) {
	abs := func(fx, rel string) string { return filepath.Join("testdata", fx, "sys/fs/cgroup", rel) }
	v1 := func(fx, path string, ctl map[string]string) map[string]string {
		m := map[string]string{}
		for c, mount := range ctl {
			m[c] = abs(fx, mount+path)
		}
		return m
	}
	sysPath := "/system.slice/docker-" + idV1Systemd + ".scope"
	cgfsPath := "/docker/" + idV1Cgroupfs
	cases := []struct {
		name       string
		fixture    string
		pid        int
		version    int
		want       Paths
		wantDriver string
		wantErr    string
	}{
		{name: "v2 systemd", fixture: "v2-systemd", pid: 4242, version: 2, wantDriver: "systemd",
			want: Paths{Version: 2, Unified: abs("v2-systemd", "system.slice/docker-"+idV2Systemd+".scope"), Path: "/system.slice/docker-" + idV2Systemd + ".scope"}},
		{name: "v2 cgroupfs", fixture: "v2-cgroupfs", pid: 5151, version: 2, wantDriver: "cgroupfs",
			want: Paths{Version: 2, Unified: abs("v2-cgroupfs", "docker/"+idV2Cgroupfs), Path: "/docker/" + idV2Cgroupfs}},
		{name: "v2 inferred from the file", fixture: "v2-cgroupfs", pid: 5151, version: 0, wantDriver: "cgroupfs",
			want: Paths{Version: 2, Unified: abs("v2-cgroupfs", "docker/"+idV2Cgroupfs), Path: "/docker/" + idV2Cgroupfs}},
		{name: "v1 cgroupfs, separate cpu and cpuacct", fixture: "v1-cgroupfs", pid: 6161, version: 1, wantDriver: "cgroupfs",
			want: Paths{Version: 1, Path: cgfsPath, Controllers: v1("v1-cgroupfs", cgfsPath, map[string]string{
				"cpu": "cpu", "cpuacct": "cpuacct", "memory": "memory", "pids": "pids", "blkio": "blkio", "cpuset": "cpuset"})}},
		{name: "v1 inferred from the file", fixture: "v1-cgroupfs", pid: 6161, version: 0, wantDriver: "cgroupfs",
			want: Paths{Version: 1, Path: cgfsPath, Controllers: v1("v1-cgroupfs", cgfsPath, map[string]string{
				"cpu": "cpu", "cpuacct": "cpuacct", "memory": "memory", "pids": "pids", "blkio": "blkio", "cpuset": "cpuset"})}},
		{name: "v1 systemd, combined cpu,cpuacct", fixture: "v1-systemd", pid: 7171, version: 1, wantDriver: "systemd",
			want: Paths{Version: 1, Path: sysPath, Controllers: v1("v1-systemd", sysPath, map[string]string{
				"cpu": "cpu,cpuacct", "cpuacct": "cpu,cpuacct", "memory": "memory", "pids": "pids", "blkio": "blkio", "cpuset": "cpuset"})}},
		{name: "v2 asked of a legacy-only file", fixture: "v1-systemd", pid: 7171, version: 2, wantErr: "no cgroup v2 line"},
		{name: "no such process", fixture: "v1-systemd", pid: 1, version: 1, wantErr: "proc/1/cgroup: no such file or directory"},
		{name: "bad version", fixture: "v1-systemd", pid: 7171, version: 3, wantErr: "unknown cgroup version 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			procRoot, cgRoot := roots(filepath.Join("testdata", tc.fixture))
			got, err := Locate(procRoot, cgRoot, tc.pid, tc.version)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Locate =\n%s\nwant\n%s", asJSON(got), asJSON(tc.want))
			}
			if d := DriverFromPath(got.Path); d != tc.wantDriver {
				t.Errorf("DriverFromPath(%q) = %q, want %q", got.Path, d, tc.wantDriver)
			}
		})
	}
}

func TestLocateV1Edges(t *testing.T) {
	cases := []struct {
		name     string
		mounts   []string // directories under the cgroup root
		cgroup   string   // /proc/<pid>/cgroup
		wantPath string
		want     map[string]string // controller -> dir relative to the cgroup root
		wantErr  string
	}{
		{
			name:   "symlinked cpu and cpuacct beside the combined mount win",
			mounts: []string{"cpu,cpuacct", "cpu", "cpuacct", "memory"},
			cgroup: "4:cpu,cpuacct:/a\n3:memory:/a (deleted)\n1:name=systemd:/a\n",
			want:   map[string]string{"cpu": "cpu/a", "cpuacct": "cpuacct/a", "memory": "memory/a"}, wantPath: "/a",
		},
		{
			name:   "named hierarchies are skipped",
			mounts: []string{"systemd", "cpu"},
			cgroup: "2:cpu:/x\n1:name=systemd:/user.slice/x.scope\n",
			want:   map[string]string{"cpu": "cpu/x"}, wantPath: "/x",
		},
		{
			name:   "only a named hierarchy mounted: error, with Path from name=systemd",
			mounts: []string{"systemd"},
			cgroup: "2:cpu:/x\n1:name=systemd:/user.slice/x.scope\n",
			want:   map[string]string{}, wantPath: "/user.slice/x.scope", wantErr: "none of the v1 controllers",
		},
		{
			name:   "controllers not mounted are left out",
			mounts: []string{"memory"},
			cgroup: "9:pids:/p\n7:memory:/m\n5:blkio:/b\n",
			want:   map[string]string{"memory": "memory/m"}, wantPath: "/m",
		},
		{
			name:    "nothing mounted",
			mounts:  []string{"devices"},
			cgroup:  "9:pids:/p\n1:name=systemd:/p\n0::/p\n",
			wantErr: "none of the v1 controllers",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			procRoot, cgRoot := roots(base)
			for _, m := range tc.mounts {
				if err := os.MkdirAll(filepath.Join(cgRoot, m), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			os.MkdirAll(filepath.Join(procRoot, "9"), 0o755)
			if err := os.WriteFile(filepath.Join(procRoot, "9", "cgroup"), []byte(tc.cgroup), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Locate(procRoot, cgRoot, 9, 1)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if tc.want == nil {
					return
				}
			} else if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for c, rel := range tc.want {
				want[c] = filepath.Join(cgRoot, rel)
			}
			if !reflect.DeepEqual(got.Controllers, want) || got.Path != tc.wantPath {
				t.Errorf("got %s\nwant controllers %v path %q", asJSON(got), want, tc.wantPath)
			}
		})
	}
}

func TestParseProcCgroup(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    []ProcCgroupLine
		wantErr string
	}{
		{"v2 only", "0::/system.slice/docker-abc.scope\n",
			[]ProcCgroupLine{{HierarchyID: 0, Path: "/system.slice/docker-abc.scope"}}, ""},
		{"hybrid, this machine's shape", "9:name=systemd:/\n4:memory:/process_api/2015\n2:cpuacct:/\n1:cpu:/\n0::/\n",
			[]ProcCgroupLine{
				{HierarchyID: 9, Controllers: []string{"name=systemd"}, Path: "/"},
				{HierarchyID: 4, Controllers: []string{"memory"}, Path: "/process_api/2015"},
				{HierarchyID: 2, Controllers: []string{"cpuacct"}, Path: "/"},
				{HierarchyID: 1, Controllers: []string{"cpu"}, Path: "/"},
				{HierarchyID: 0, Path: "/"},
			}, ""},
		{"combined controllers, deleted suffix, colon in path, no final newline",
			"4:cpu,cpuacct:/a:b (deleted)\n2:net_cls,net_prio:/c",
			[]ProcCgroupLine{
				{HierarchyID: 4, Controllers: []string{"cpu", "cpuacct"}, Path: "/a:b", Deleted: true},
				{HierarchyID: 2, Controllers: []string{"net_cls", "net_prio"}, Path: "/c"},
			}, ""},
		{"blank lines skipped", "\n0::/\n\n", []ProcCgroupLine{{Path: "/"}}, ""},
		{"empty", "", nil, ""},
		{"one colon", "0:/x\n", nil, "line 1: want id:controllers:path"},
		{"bad id", "x::/\n", nil, "line 1: bad hierarchy id"},
		{"relative path", "0::x\n", nil, "line 1: path \"x\" is not absolute"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseProcCgroup([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDriverFromPath(t *testing.T) {
	id := strings.Repeat("ab", 32)
	cases := []struct {
		name, path, want string
	}{
		{"docker systemd", "/system.slice/docker-" + id + ".scope", "systemd"},
		{"docker systemd deleted", "/system.slice/docker-" + id + ".scope (deleted)", "systemd"},
		{"podman systemd", "/machine.slice/libpod-" + id + ".scope", "systemd"},
		{"kubernetes systemd", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice/cri-containerd-" + id + ".scope", "systemd"},
		{"rootless podman", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope/container", "systemd"},
		{"docker cgroupfs", "/docker/" + id, "cgroupfs"},
		{"kubernetes cgroupfs", "/kubepods/besteffort/pod1234/" + id, "cgroupfs"},
		{"podman cgroupfs", "/libpod_parent/libpod-" + id, "cgroupfs"},
		{"unknown parent with an id", "/custom/" + id, "cgroupfs"},
		{"root", "/", ""},
		{"empty", "", ""},
		{"lxc", "/lxc.payload.web", ""},
		{"bare id", "/" + id, ""},
		{"short id", "/custom/abc", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := DriverFromPath(tc.path); got != tc.want {
				t.Errorf("DriverFromPath(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}
