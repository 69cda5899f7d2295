package discover

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fixtureFiles returns the content of every testdata/*/proc/*/<name> file, to seed the fuzzers
// with what the kernel writes.
func fixtureFiles(f *testing.F, name string) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "proc", "*", name))
	if err != nil {
		f.Fatal(err)
	}
	if len(paths) == 0 {
		f.Fatalf("no testdata/*/proc/*/%s fixtures", name)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// checkFound states what every container Classify reports must satisfy, whatever its input.
func checkFound(t *testing.T, path string, got Found) {
	t.Helper()
	if got.ID == "" || got.Name == "" {
		t.Fatalf("Classify(%q): empty id or name in %+v", path, got)
	}
	switch got.Runtime {
	case RuntimeDocker, RuntimePodman, RuntimeContainerd, RuntimeCRIO:
		if !isContainerID(got.ID) || got.Name != got.ID[:12] {
			t.Fatalf("Classify(%q): id %q is not 64 lowercase hex or name %q is not its prefix", path, got.ID, got.Name)
		}
	case RuntimeLXC, RuntimeNspawn:
		if got.Name != got.ID {
			t.Fatalf("Classify(%q): name %q differs from id %q", path, got.Name, got.ID)
		}
	default:
		t.Fatalf("Classify(%q): unknown runtime %q", path, got.Runtime)
	}
	if !strings.HasPrefix(strings.TrimSuffix(path, deletedSuffix), got.CgroupPath) || got.CgroupPath == "" {
		t.Fatalf("Classify(%q): cgroup path %q is not a prefix of the input", path, got.CgroupPath)
	}
	if (got.PodUID == "") != (got.QoSClass == "") {
		t.Fatalf("Classify(%q): pod uid %q with qos %q", path, got.PodUID, got.QoSClass)
	}
	switch got.QoSClass {
	case "", QoSGuaranteed, QoSBurstable, QoSBestEffort:
	default:
		t.Fatalf("Classify(%q): qos %q", path, got.QoSClass)
	}
	if strings.Contains(got.PodUID, "_") {
		t.Fatalf("Classify(%q): pod uid %q keeps '_'", path, got.PodUID)
	}
	// The container's own cgroup must classify as the same container, unless its name itself
	// ends like the kernel's mark of a removed cgroup (which the kernel format cannot tell apart).
	if strings.HasSuffix(got.CgroupPath, deletedSuffix) {
		return
	}
	again, ok := Classify(got.CgroupPath)
	if !ok || !reflect.DeepEqual(again, got) {
		t.Fatalf("Classify(%q) = %+v but Classify(%q) = %+v, %v", path, got, got.CgroupPath, again, ok)
	}
}

func FuzzClassify(f *testing.F) {
	id := fixtureID("fuzz")
	for _, s := range []string{
		"/", "", "/docker", "/docker/" + id, "/system.slice/docker-" + id + ".scope (deleted)",
		"/machine.slice/libpod-" + id + ".scope/container", "/libpod_parent/libpod-" + id,
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice/cri-containerd-" + id + ".scope",
		"/kubepods/besteffort/podab-cd/" + id, "/kubepods/pod1/crio-" + id, "/lxc.payload.a", "/lxc/b",
		"/lxc.payload/c", `/machine.slice/machine-a\x2db.scope`, `/machine.slice/machine-\x.scope`,
		"/machine.slice/libpod-conmon-" + id + ".scope", "/lxc.monitor.a", "//docker//" + id,
		"/lxc.payload.a (deleted) (deleted)",
	} {
		f.Add(s)
	}
	for _, data := range fixtureFiles(f, "cgroup") {
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.LastIndexByte(line, ':'); i >= 0 {
				f.Add(line[i+1:])
			}
		}
	}
	f.Fuzz(func(t *testing.T, path string) {
		got, ok := Classify(path)
		if !ok {
			if !reflect.DeepEqual(got, Found{}) {
				t.Fatalf("Classify(%q) = %+v with ok false", path, got)
			}
			return
		}
		checkFound(t, path, got)
	})
}

func FuzzProcCgroupFile(f *testing.F) {
	for _, data := range fixtureFiles(f, "cgroup") {
		f.Add(data)
	}
	f.Add([]byte("0::/docker/" + fixtureID("fuzz")))
	f.Add([]byte("1:cpu,memory:/lxc/a\n:::\n0::"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := classifyProcCgroup(data)
		if !ok {
			return
		}
		// The container must come from the path of one of the file's lines.
		for _, line := range bytes.Split(data, []byte("\n")) {
			parts := bytes.SplitN(line, []byte(":"), 3)
			if len(parts) != 3 {
				continue
			}
			if f, ok := Classify(string(parts[2])); ok && reflect.DeepEqual(f, got) {
				checkFound(t, string(parts[2]), got)
				return
			}
		}
		t.Fatalf("classifyProcCgroup(%q) = %+v, which no line's path gives", data, got)
	})
}

func FuzzParsePPid(f *testing.F) {
	for _, data := range fixtureFiles(f, "status") {
		f.Add(data)
	}
	f.Add([]byte("PPid:\t99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, ok := parsePPid(data)
		if !ok {
			return
		}
		if n < 0 || !bytes.Contains(data, []byte("PPid:")) || !bytes.Contains(data, []byte(strconv.Itoa(n))) {
			t.Fatalf("parsePPid(%q) = %d, not in the input", data, n)
		}
	})
}
