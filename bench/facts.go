package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// machineFacts gathers what the figures depend on, from /proc, the cgroup mount, the daemon and
// the checkout. A fact that cannot be read shows as "?" rather than stopping the run.
func machineFacts(ctx context.Context, procRoot, cgroupRoot, moduleRoot string, term tmux) machine {
	m := machine{
		CPU:    cpuModel(filepath.Join(procRoot, "cpuinfo")),
		CPUs:   runtime.NumCPU(),
		Memory: memTotal(filepath.Join(procRoot, "meminfo")),
		Kernel: readTrimmed(filepath.Join(procRoot, "sys/kernel/osrelease")),
		Cgroup: cgroupVersion(cgroupRoot),
		Tmux:   term.version(ctx),
		Term:   "screen (tmux's default-terminal)",
		Go:     runtime.Version(),
		Boxtop: checkout(ctx, moduleRoot),
		Date:   time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	m.Docker = orUnknown(docker(ctx, "version", "--format", "{{.Server.Version}}"))
	components, _ := docker(ctx, "version", "--format", "{{range .Server.Components}}{{.Name}}={{.Version}};{{end}}")
	m.Containerd, m.Runc = "?", "?"
	for _, c := range strings.Split(components, ";") {
		name, version, _ := strings.Cut(c, "=")
		switch strings.ToLower(name) {
		case "containerd":
			m.Containerd = version
		case "runc":
			m.Runc = version
		}
	}
	m.CgroupDriver = orUnknown(docker(ctx, "info", "--format", "{{.CgroupDriver}}"))
	return m
}

func orUnknown(s string, err error) string {
	if err != nil || s == "" {
		return "?"
	}
	return s
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

func cpuModel(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "?"
}

func memTotal(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemTotal:" {
			if kb, err := strconv.ParseFloat(f[1], 64); err == nil {
				return fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	return "?"
}

// cgroupVersion tells v2 (cgroup2 mounted at the root), v1 (a tmpfs of controller mounts) and
// the hybrid layout, v1 with an extra cgroup2 hierarchy at unified/.
func cgroupVersion(root string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(root, &st); err != nil {
		return "?"
	}
	if st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2 (unified)"
	}
	var uni unix.Statfs_t
	if err := unix.Statfs(filepath.Join(root, "unified"), &uni); err == nil && uni.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v1 (hybrid: controllers on v1, an empty cgroup2 at " + filepath.Join(root, "unified") + ")"
	}
	return "v1"
}

// checkout names the boxtop source that was measured: the commit, and whether the working tree
// had changes on top of it.
func checkout(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "?"
	}
	commit := "commit " + strings.TrimSpace(string(out))
	status, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(bytes.TrimSpace(status)) > 0 {
		commit += " with uncommitted changes"
	}
	return commit
}

// clockTicks is USER_HZ, the unit of utime and stime; 100 on every Linux build this runs on,
// but asked of getconf as the manual says.
func clockTicks(ctx context.Context) float64 {
	out, err := exec.CommandContext(ctx, "getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || v <= 0 {
		return 100
	}
	return v
}
