package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// cgroup2SuperMagic is CGROUP2_SUPER_MAGIC, the statfs f_type of a cgroup2 mount.
const cgroup2SuperMagic = 0x63677270

// DetectVersion says which cgroup layout cgroupRoot has: 2 when it is a cgroup2 mount (or,
// for fixture trees and bind mounts that statfs cannot recognise, has cgroup.controllers), 1
// when it holds v1 controller directories (legacy, or hybrid with a controller-less "unified"
// cgroup2 mount beside them, whose files boxtop does not read).
func DetectVersion(cgroupRoot string) (int, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(cgroupRoot, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", cgroupRoot, err)
	}
	if uint64(st.Type) == cgroup2SuperMagic {
		return 2, nil
	}
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil {
		return 2, nil
	}
	for _, c := range []string{"memory", "cpu", "cpuacct", "cpu,cpuacct", "pids", "blkio", "cpuset"} {
		if st, err := os.Stat(filepath.Join(cgroupRoot, c)); err == nil && st.IsDir() {
			return 1, nil
		}
	}
	return 0, fmt.Errorf("%s: no cgroup hierarchy found (neither cgroup2 nor v1 controller directories)", cgroupRoot)
}
