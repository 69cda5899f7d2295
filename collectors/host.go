package collectors

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/shirou/gopsutil/v4/common"
	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// readHost reads the facts about the machine that do not change while boxtop runs. The host's
// names come from procRoot, so that boxtop in a container with the host's /proc mounted
// elsewhere describes the host, not its own container.
func readHost(ctx context.Context, procRoot string) snapshot.Host {
	h := snapshot.Host{Namespaces: map[string]uint64{}, Errors: []string{}}
	// gopsutil takes its /proc root from the context's environment map.
	ctx = context.WithValue(ctx, common.EnvKey, common.EnvMap{common.HostProcEnvKey: procRoot})

	if b, err := os.ReadFile(filepath.Join(procRoot, "sys", "kernel", "hostname")); err == nil {
		h.Hostname = strings.TrimSpace(string(b))
	} else if name, err := os.Hostname(); err == nil {
		h.Hostname = name
	}
	if b, err := os.ReadFile(filepath.Join(procRoot, "sys", "kernel", "osrelease")); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
	} else {
		h.Errors = append(h.Errors, "kernel version: "+err.Error())
	}
	if n, err := cpu.CountsWithContext(ctx, true); err == nil && n > 0 {
		h.CPUs = n
	} else if err != nil {
		h.Errors = append(h.Errors, "cpu count: "+err.Error())
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		h.MemoryBytes = vm.Total
	} else {
		h.Errors = append(h.Errors, "memory: "+err.Error())
	}
	return h
}
