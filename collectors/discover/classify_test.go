package discover

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// fixtureID is how testdata names its containers: the sha256 of a label, a realistic 64-hex id
// that the tests can recompute instead of repeating.
func fixtureID(label string) string {
	sum := sha256.Sum256([]byte(label))
	return hex.EncodeToString(sum[:])
}

func TestClassify(t *testing.T) {
	id := fixtureID("a")
	id2 := fixtureID("b")
	const uid = "8a5c1f34-2b6e-4f0a-9c1d-3e7f5a9b0c12"
	uidSystemd := strings.ReplaceAll(uid, "-", "_")
	short := id[:12]
	tests := []struct {
		name string
		path string
		want Found // zero means not a container
	}{
		// Docker
		{"docker cgroupfs", "/docker/" + id,
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/docker/" + id}},
		{"docker cgroupfs nested child", "/docker/" + id + "/inner/x",
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/docker/" + id}},
		{"docker in docker is the outer container", "/docker/" + id + "/docker/" + id2,
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/docker/" + id}},
		{"docker systemd", "/system.slice/docker-" + id + ".scope",
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/system.slice/docker-" + id + ".scope"}},
		{"docker systemd deleted", "/system.slice/docker-" + id + ".scope (deleted)",
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/system.slice/docker-" + id + ".scope"}},
		{"docker systemd with inner docker", "/system.slice/docker-" + id + ".scope/docker/" + id2,
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/system.slice/docker-" + id + ".scope"}},
		{"docker under a cgroup namespace root", "/../../docker/" + id,
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/../../docker/" + id}},
		{"docker systemd seen from a cgroup namespace", "/../docker-" + id + ".scope",
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/../docker-" + id + ".scope"}},
		{"docker rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" + id + ".scope",
			Found{Runtime: "docker", ID: id, Name: short, CgroupPath: "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" + id + ".scope"}},
		// Podman
		{"podman systemd", "/machine.slice/libpod-" + id + ".scope",
			Found{Runtime: "podman", ID: id, Name: short, CgroupPath: "/machine.slice/libpod-" + id + ".scope"}},
		{"podman 4 split container subgroup", "/machine.slice/libpod-" + id + ".scope/container",
			Found{Runtime: "podman", ID: id, Name: short, CgroupPath: "/machine.slice/libpod-" + id + ".scope"}},
		{"podman in a pod", "/machine.slice/machine-libpod_pod_" + id2 + ".slice/libpod-" + id + ".scope",
			Found{Runtime: "podman", ID: id, Name: short, CgroupPath: "/machine.slice/machine-libpod_pod_" + id2 + ".slice/libpod-" + id + ".scope"}},
		{"podman rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope",
			Found{Runtime: "podman", ID: id, Name: short, CgroupPath: "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope"}},
		{"podman cgroupfs", "/libpod_parent/libpod-" + id,
			Found{Runtime: "podman", ID: id, Name: short, CgroupPath: "/libpod_parent/libpod-" + id}},
		// Kubernetes
		{"k8s containerd systemd burstable",
			"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope",
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "burstable",
				CgroupPath: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope"}},
		{"k8s containerd systemd besteffort",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope",
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "besteffort",
				CgroupPath: "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope"}},
		{"k8s containerd systemd guaranteed",
			"/kubepods.slice/kubepods-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope",
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "guaranteed",
				CgroupPath: "/kubepods.slice/kubepods-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope"}},
		{"k8s kind node kubelet slice",
			"/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope",
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "besteffort",
				CgroupPath: "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod" + uidSystemd + ".slice/cri-containerd-" + id + ".scope"}},
		{"k8s cgroupfs burstable", "/kubepods/burstable/pod" + uid + "/" + id,
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "burstable",
				CgroupPath: "/kubepods/burstable/pod" + uid + "/" + id}},
		{"k8s cgroupfs guaranteed", "/kubepods/pod" + uid + "/" + id,
			Found{Runtime: "containerd", ID: id, Name: short, PodUID: uid, QoSClass: "guaranteed",
				CgroupPath: "/kubepods/pod" + uid + "/" + id}},
		{"k8s docker node of kind is the outer container",
			"/docker/" + id2 + "/kubepods/burstable/pod" + uid + "/" + id,
			Found{Runtime: "docker", ID: id2, Name: id2[:12], CgroupPath: "/docker/" + id2}},
		// CRI-O
		{"cri-o systemd",
			"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidSystemd + ".slice/crio-" + id + ".scope",
			Found{Runtime: "cri-o", ID: id, Name: short, PodUID: uid, QoSClass: "besteffort",
				CgroupPath: "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidSystemd + ".slice/crio-" + id + ".scope"}},
		{"cri-o systemd container subgroup",
			"/kubepods.slice/kubepods-pod" + uidSystemd + ".slice/crio-" + id + ".scope/container",
			Found{Runtime: "cri-o", ID: id, Name: short, PodUID: uid, QoSClass: "guaranteed",
				CgroupPath: "/kubepods.slice/kubepods-pod" + uidSystemd + ".slice/crio-" + id + ".scope"}},
		{"cri-o cgroupfs", "/kubepods/besteffort/pod" + uid + "/crio-" + id,
			Found{Runtime: "cri-o", ID: id, Name: short, PodUID: uid, QoSClass: "besteffort",
				CgroupPath: "/kubepods/besteffort/pod" + uid + "/crio-" + id}},
		// LXC
		{"lxc payload", "/lxc.payload.web",
			Found{Runtime: "lxc", ID: "web", Name: "web", CgroupPath: "/lxc.payload.web"}},
		{"lxc payload nested child", "/lxc.payload.web-01/system.slice/sshd.service",
			Found{Runtime: "lxc", ID: "web-01", Name: "web-01", CgroupPath: "/lxc.payload.web-01"}},
		{"lxc 3 payload directory", "/lxc.payload/c2",
			Found{Runtime: "lxc", ID: "c2", Name: "c2", CgroupPath: "/lxc.payload/c2"}},
		{"lxc old layout", "/lxc/c1",
			Found{Runtime: "lxc", ID: "c1", Name: "c1", CgroupPath: "/lxc/c1"}},
		// systemd-nspawn
		{"nspawn escaped name", `/machine.slice/machine-db\x2d01.scope`,
			Found{Runtime: "systemd-nspawn", ID: "db-01", Name: "db-01", CgroupPath: `/machine.slice/machine-db\x2d01.scope`}},
		{"nspawn payload child", `/machine.slice/machine-fedora.scope/payload/init.scope`,
			Found{Runtime: "systemd-nspawn", ID: "fedora", Name: "fedora", CgroupPath: `/machine.slice/machine-fedora.scope`}},
		{"nspawn bad escape kept", `/machine.slice/machine-a\x2.scope`,
			Found{Runtime: "systemd-nspawn", ID: `a\x2`, Name: `a\x2`, CgroupPath: `/machine.slice/machine-a\x2.scope`}},
		// Not containers
		{"root", "/", Found{}},
		{"empty", "", Found{}},
		{"relative", "docker/" + id, Found{}},
		{"user session", "/user.slice/user-1000.slice/session-2.scope", Found{}},
		{"docker service", "/system.slice/docker.service", Found{}},
		{"containerd service", "/system.slice/containerd.service", Found{}},
		{"crio conmon", "/kubepods.slice/kubepods-pod" + uidSystemd + ".slice/crio-conmon-" + id + ".scope", Found{}},
		{"libpod conmon", "/machine.slice/libpod-conmon-" + id + ".scope", Found{}},
		{"lxc monitor", "/lxc.monitor.web", Found{}},
		{"lxc 3 monitor", "/lxc.monitor/c2", Found{}},
		{"63-hex id", "/docker/" + id[:63], Found{}},
		{"65-hex id", "/system.slice/docker-" + id + "0.scope", Found{}},
		{"uppercase id", "/docker/" + strings.ToUpper(id), Found{}},
		{"docker alone", "/docker", Found{}},
		{"docker with slash", "/docker/", Found{}},
		{"kubepods pod without container", "/kubepods/burstable/pod" + uid, Found{}},
		{"bare id outside a pod", "/kubepods/" + id, Found{}},
		{"bare id under a non-pod", "/system.slice/" + id, Found{}},
		{"libvirt vm", `/machine.slice/machine-qemu\x2d1\x2dvm1.scope/libvirt/emulator`, Found{}},
		{"podman pod slice alone", "/machine.slice/machine-libpod_pod_" + id + ".slice", Found{}},
		{"lxc payload empty name", "/lxc.payload.", Found{}},
		{"lxc parent of dot-dot", "/lxc/..", Found{}},
		{"nspawn empty name", "/machine.slice/machine-.scope", Found{}},
		{"this machine's sandbox cgroup", "/process_api/61dbbe0e8a29ec2ec2736f3b60994a5a", Found{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Classify(tt.path)
			if wantOK := tt.want.Runtime != ""; ok != wantOK {
				t.Fatalf("Classify(%q) ok = %v, want %v (got %+v)", tt.path, ok, wantOK, got)
			}
			if got.Runtime != tt.want.Runtime || got.ID != tt.want.ID || got.Name != tt.want.Name ||
				got.CgroupPath != tt.want.CgroupPath || got.PodUID != tt.want.PodUID || got.QoSClass != tt.want.QoSClass {
				t.Errorf("Classify(%q)\n got %+v\nwant %+v", tt.path, got, tt.want)
			}
		})
	}
}

func TestClassifyProcCgroup(t *testing.T) {
	id := fixtureID("a")
	other := fixtureID("b")
	tests := []struct {
		name   string
		file   string
		wantID string
		path   string
	}{
		{"v2 only", "0::/system.slice/docker-" + id + ".scope\n", id, "/system.slice/docker-" + id + ".scope"},
		{"v2 without trailing newline", "0::/docker/" + id, id, "/docker/" + id},
		{"hybrid: unified root, v1 names it", "4:memory:/docker/" + id + "\n1:cpu,cpuacct:/docker/" + id + "\n0::/\n", id, "/docker/" + id},
		{"v2 line wins over v1", "4:memory:/docker/" + other + "\n0::/docker/" + id + "\n", id, "/docker/" + id},
		{"memory wins over cpu", "2:cpuacct,cpu:/docker/" + other + "\n4:memory:/docker/" + id + "\n", id, "/docker/" + id},
		{"cpu in a joined controller list", "3:memory:/\n2:cpuacct,cpu:/docker/" + id + "\n", id, "/docker/" + id},
		{"pids only", "5:pids:/docker/" + id + "\n3:memory:/\n", id, "/docker/" + id},
		{"deleted suffix", "0::/docker/" + id + " (deleted)\n", id, "/docker/" + id},
		{"malformed lines around", "garbage\n:memory:/x\n4:memory\n4:memory:/docker/" + id + "\n", id, "/docker/" + id},
		{"cpuacct and cpuset are not read", "2:cpuacct:/docker/" + id + "\n3:cpuset:/docker/" + id + "\n", "", ""},
		{"named hierarchy is not read", "1:name=systemd:/docker/" + id + "\n", "", ""},
		{"non-zero id with empty controllers", "7::/docker/" + id + "\n", "", ""},
		{"host process", "0::/init.scope\n", "", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := classifyProcCgroup([]byte(tt.file))
			if ok != (tt.wantID != "") || got.ID != tt.wantID || got.CgroupPath != tt.path {
				t.Errorf("got %+v ok=%v, want id %q path %q", got, ok, tt.wantID, tt.path)
			}
		})
	}
}

func TestParsePPid(t *testing.T) {
	tests := []struct {
		name   string
		status string
		want   int
		ok     bool
	}{
		{"typical", "Name:\tbash\nPid:\t12\nPPid:\t7\nTracerPid:\t0\n", 7, true},
		{"first line", "PPid:\t0\n", 0, true},
		{"no newline at end", "Name:\tx\nPPid:\t4194304", 4194304, true},
		{"spaces", "PPid:   31\n", 31, true},
		{"missing", "Name:\tx\nPid:\t1\n", 0, false},
		{"not a number", "PPid:\tx1\n", 0, false},
		{"trailing junk", "PPid:\t12x\n", 0, false},
		{"negative", "PPid:\t-1\n", 0, false},
		{"overflow", "PPid:\t99999999999999999999999\n", 0, false},
		{"TracerPid is not PPid", "TracerPid:\t5\n", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parsePPid([]byte(tt.status))
			if got != tt.want || ok != tt.ok {
				t.Errorf("parsePPid(%q) = %d, %v; want %d, %v", tt.status, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestIsRuntimeHelper(t *testing.T) {
	for comm, want := range map[string]bool{
		"conmon": true, "containerd-shim": true, "containerd-shim-runc-v2": true, "runc": true,
		"runc:[2:INIT]": true, "crun": true, "systemd-nspawn": true, "(sd-pam)": true,
		"nginx": false, "containerd": false, "runcible": false, "systemd": false, "": false,
	} {
		if got := isRuntimeHelper(comm); got != want {
			t.Errorf("isRuntimeHelper(%q) = %v, want %v", comm, got, want)
		}
	}
}
