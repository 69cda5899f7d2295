package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// writeTable prints a reading for people: the host, each engine, and a row per container.
func writeTable(w io.Writer, snap snapshot.Snapshot) error {
	h := snap.Host
	driver := "unknown driver"
	if h.CgroupDriver != nil {
		driver = *h.CgroupDriver
	}
	fmt.Fprintf(w, "%s  kernel %s  cgroup v%d (%s)  %d CPUs  %s memory  host namespaces from %s\n",
		h.Hostname, h.Kernel, h.CgroupVersion, driver, h.CPUs, humanBytes(h.MemoryBytes), h.NamespacesReference)
	for _, e := range h.Errors {
		fmt.Fprintf(w, "  host: %s\n", e)
	}
	for _, rt := range snap.Runtimes {
		if rt.Reachable {
			fmt.Fprintf(w, "%s %s (API %s) at %s\n", rt.Name, deref(rt.Version), deref(rt.APIVersion), rt.Endpoint)
		} else {
			fmt.Fprintf(w, "%s unreachable: %s\n", rt.Name, deref(rt.Error))
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tCPU%\tCPU LIMIT\tTHROTTLED%\tMEM\tMEM LIMIT\tMEM%\tOOM\tPIDS\tNET RX/s\tNET TX/s\tIO R/s\tIO W/s\tNAMESPACES")
	found := false
	for _, c := range snap.Containers {
		state := c.State
		if c.FoundWithoutEngine {
			state += "*"
			found = true
		}
		cols := []string{c.Name, state, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", namespaceSummary(c)}
		if c.CPU != nil {
			cols[2] = percent(c.CPU.UsagePercent)
			cols[3] = "none"
			if c.CPU.LimitCores != nil {
				cols[3] = fmt.Sprintf("%.2f", *c.CPU.LimitCores)
			}
			cols[4] = percent(c.CPU.ThrottledPercent)
		}
		if m := c.Memory; m != nil {
			cols[5] = humanBytes(m.WorkingSetBytes)
			cols[6] = "none"
			if m.LimitBytes != nil {
				cols[6] = humanBytes(*m.LimitBytes)
			}
			cols[7] = percent(m.PercentOfLimit)
			if m.OOMKills != nil {
				cols[8] = fmt.Sprint(*m.OOMKills)
			}
		}
		if p := c.Pids; p != nil {
			cols[9] = fmt.Sprint(p.Current)
			if p.Limit != nil {
				cols[9] += fmt.Sprintf("/%d", *p.Limit)
			}
		}
		if c.Network != nil && len(c.Network.Interfaces) > 0 {
			var rx, tx float64
			rated := false
			for _, i := range c.Network.Interfaces {
				if i.RxBytesPerSecond != nil && i.TxBytesPerSecond != nil {
					rx, tx, rated = rx+*i.RxBytesPerSecond, tx+*i.TxBytesPerSecond, true
				}
			}
			if rated {
				cols[10], cols[11] = rate(&rx), rate(&tx)
			}
		}
		if c.IO != nil {
			cols[12], cols[13] = rate(c.IO.ReadBytesPerSecond), rate(c.IO.WriteBytesPerSecond)
		}
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if found {
		fmt.Fprintln(w, "* found by its cgroup alone: no engine lists it")
	}
	for _, c := range snap.Containers {
		for _, e := range c.Errors {
			fmt.Fprintf(w, "%s: %s\n", c.Name, e)
		}
	}
	if len(snap.Containers) == 0 {
		fmt.Fprintln(w, "no containers")
	}
	return nil
}

// namespaceSummary lists the namespace types a container shares with the host or others.
func namespaceSummary(c snapshot.Container) string {
	var parts []string
	for _, typ := range snapshot.NamespaceTypes {
		n, ok := c.Namespaces[typ]
		switch {
		case !ok:
		case n.SharedWithHost:
			parts = append(parts, typ+"=host")
		case len(n.SharedWith) > 0:
			parts = append(parts, typ+"="+strings.Join(n.SharedWith, ","))
		}
	}
	if len(parts) == 0 {
		if len(c.Namespaces) == 0 {
			return "-"
		}
		return "all own"
	}
	return strings.Join(parts, " ")
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func percent(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *v)
}

func rate(v *float64) string {
	if v == nil {
		return "-"
	}
	return humanBytes(uint64(*v)) + "/s"
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
