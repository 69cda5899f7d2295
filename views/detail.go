package views

import (
	"math"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// gaugeLabelWidth is the width of the labels before the detail view's gauges.
const gaugeLabelWidth = 10

// detailView draws one container in depth, scrolled by DetailOffset.
func detailView(s *State, width, height int, st Styles) []string {
	lines := detailLines(s, width, st)
	off := min(max(s.DetailOffset, 0), max(len(lines)-height, 0))
	return lines[off:min(off+height, len(lines))]
}

// DetailLineCount is how many lines the detail view has at a width, so the TUI can bound its
// scrolling.
func DetailLineCount(s State, width int) int {
	return len(detailLines(&s, width, Styles{}))
}

func detailLines(s *State, width int, st Styles) []string {
	c := s.Focus
	if c == nil {
		return []string{st.Dim.Render(Truncate("the container is gone (removed since it was selected): esc goes back", width))}
	}
	var lines []string
	add := func(p Paint, text string) { lines = append(lines, p.Render(Truncate(sanitize(text), width))) }
	section := func(title string) { lines = append(lines, "", st.Section.Render(Truncate(title, width))) }

	// The image goes last, as in the Processes pane: a long registry path is the part to cut.
	head := []string{c.Name}
	if id := shortID(c.ID); id != c.Name {
		head = append(head, id)
	}
	head = append(head, c.State, orAbsent(c.Runtime))
	if c.Pid != nil {
		head = append(head, "pid "+strconv.Itoa(*c.Pid))
	}
	if c.StartedAt != nil && !c.StartedAt.IsZero() {
		head = append(head, "started "+c.StartedAt.In(s.location()).Format("2006-01-02 15:04:05"))
	}
	head = append(head, orAbsent(c.Image))
	add(st.Header, strings.Join(head, " · "))
	if c.FoundWithoutEngine {
		for _, l := range wrap("found by its cgroup alone: no engine lists it, so it has no name (its short id stands in), image, config or security settings", width, 2) {
			lines = append(lines, st.Warn.Render(l))
		}
	}
	if c.Pod != nil {
		add(Paint{}, "kubernetes pod "+orAbsent(c.Pod.UID)+" · QoS class "+orAbsent(c.Pod.QoSClass))
	}
	for _, e := range c.Errors {
		for _, l := range wrap("! "+compactIDs(sanitize(e)), width, 2) {
			lines = append(lines, st.Bad.Render(l))
		}
	}
	if c.Running() {
		lines = append(lines, usageLines(s, c, width, st)...)
	} else {
		add(st.Dim, c.Name+" is not running: no usage to show")
	}

	section("NAMESPACES")
	switch {
	case s.remote():
		add(st.Dim, notForRemote)
	case len(c.Namespaces) == 0:
		add(st.Dim, "not read")
	default:
		lines = append(lines, namespaceLines(s, c, width, st)...)
		for _, m := range namespaceMismatches(s, c) {
			add(st.Bad, "! "+m)
		}
	}
	section("NETWORK")
	lines = append(lines, networkDetail(s, c, width, st)...)
	section("STORAGE")
	lines = append(lines, storageDetail(s, c, width, st)...)
	section("SECURITY")
	lines = append(lines, securityDetail(s, c, width, st)...)
	return lines
}

// usageLines are the gauges and sparklines: CPU, throttling, memory, pids, IO, network, PSI.
func usageLines(s *State, c *snapshot.Container, width int, st Styles) []string {
	bar := min(max((width-gaugeLabelWidth)/5, 10), 30)
	sparkWidth := min(max(width/6, 8), 40)
	h := s.history(c.ID)
	var host snapshot.Host
	if s.Snapshot != nil {
		host = s.Snapshot.Host
	}
	var lines []string
	// row is one usage line: a label, a gauge where there is a limit to measure against,
	// the figures in words, and the history as a sparkline at the right edge.
	row := func(label string, fraction float64, hasGauge bool, text string, tone Tone, spark Series, scale float64) {
		line := padRight(label, gaugeLabelWidth)
		if hasGauge {
			line += Gauge(fraction, bar, st.Tone(tone), st) + " "
		}
		room := width - Width(line)
		// Sparklines start in one column on every row, gauge or not.
		sparkStart := min(width-sparkWidth, gaugeLabelWidth+bar+1+72+2)
		textRoom := sparkStart - 2 - Width(line)
		if seriesLen(spark) == 0 || textRoom < 20 {
			lines = append(lines, line+st.Tone(tone).Render(Truncate(text, room)))
			return
		}
		text = padRight(text, textRoom)
		lines = append(lines, line+st.Tone(tone).Render(text)+"  "+st.Accent.Render(Sparkline(spark, sparkWidth, scale)))
	}

	if cpu := c.CPU; cpu != nil {
		usage := deref(cpu.UsagePercent, math.NaN())
		scale := float64(max(host.CPUs, 1)) * 100
		text := FormatPercent(cpu.UsagePercent) + "%"
		if cpu.LimitCores != nil && *cpu.LimitCores > 0 {
			scale = *cpu.LimitCores * 100
			text += " of " + FormatCores(cpu.LimitCores) + " cores"
			if cpu.PercentOfLimit != nil {
				text += " (" + FormatPercent(cpu.PercentOfLimit) + "% of limit)"
			}
		} else {
			text += " · no limit (host has " + strconv.Itoa(host.CPUs) + " CPUs)"
		}
		if cpu.Cpuset != nil && *cpu.Cpuset != "" {
			text += " · cpuset " + *cpu.Cpuset
		}
		row("CPU", usage/scale, true, text, gaugeTone(usage/scale), h.CPUPercent, cpuScale(c))

		switch {
		case cpu.Periods == nil:
			row("THROTTLED", 0, false, "not reported (no CPU quota accounting)", ToneDim, nil, 0)
		default:
			thr := deref(cpu.ThrottledPercent, math.NaN())
			text := FormatPercent(cpu.ThrottledPercent) + "% of periods"
			if cpu.ThrottledSeconds != nil {
				text += " · " + FormatSeconds(*cpu.ThrottledSeconds) + " throttled in all"
			}
			text += " · " + FormatCount(cpu.ThrottledPeriods) + " of " + FormatCount(cpu.Periods) + " periods"
			row("THROTTLED", thr/100, true, text, percentTone(cpu.ThrottledPercent, 5, 25), h.ThrottledPct, 100)
		}
	} else {
		row("CPU", 0, false, "not read", ToneDim, nil, 0)
	}

	if mem := c.Memory; mem != nil {
		ws := float64(mem.WorkingSetBytes)
		text := FormatBytes(mem.WorkingSetBytes)
		scale := float64(host.MemoryBytes)
		if mem.LimitBytes != nil && *mem.LimitBytes > 0 {
			scale = float64(*mem.LimitBytes)
			text += " of " + FormatBytes(*mem.LimitBytes)
		} else {
			text += " · no limit (host has " + FormatBytes(host.MemoryBytes) + ")"
		}
		pct, _ := MemoryPercent(c, s.Snapshot)
		if pct != nil {
			text += " (" + FormatPercent(pct) + "%)"
		}
		text += " · high " + noneIfNil(mem.HighBytes) + " · swap " + noneIfNil(mem.SwapBytes) + " · usage with cache " + FormatBytes(mem.UsageBytes)
		fraction := 0.0
		if scale > 0 {
			fraction = ws / scale
		}
		row("MEMORY", fraction, true, text, gaugeTone(fraction), h.MemoryBytes, scale)
		if mem.HighBytes != nil && *mem.HighBytes > 0 {
			f := ws / float64(*mem.HighBytes)
			row("MEM HIGH", f, true, FormatBytes(mem.WorkingSetBytes)+" of high "+FormatBytes(*mem.HighBytes)+" (reclaim starts above it)", gaugeTone(f), nil, 0)
		}
		oom := "OOM kills " + FormatCount(mem.OOMKills) + " · OOM events " + FormatCount(mem.OOMEvents)
		tone := ToneNone
		if n := OOMKills(c); n != nil && *n > 0 {
			tone = ToneBad
			oom = "✖ " + oom
		}
		row("OOM", 0, false, oom, tone, nil, 0)
	} else {
		row("MEMORY", 0, false, "not read", ToneDim, nil, 0)
	}

	if p := c.Pids; p != nil {
		if p.Limit != nil && *p.Limit > 0 {
			f := float64(p.Current) / float64(*p.Limit)
			row("PIDS", f, true, strconv.FormatUint(p.Current, 10)+" of "+strconv.FormatUint(*p.Limit, 10), gaugeTone(f), nil, 0)
		} else {
			row("PIDS", 0, false, strconv.FormatUint(p.Current, 10)+" · no limit", ToneNone, nil, 0)
		}
	}
	if io := c.IO; io != nil {
		row("IO", 0, false, "read "+FormatRatePerSecond(io.ReadBytesPerSecond)+" · write "+FormatRatePerSecond(io.WriteBytesPerSecond)+
			" · in all read "+FormatBytes(io.ReadBytes)+", written "+FormatBytes(io.WriteBytes), ToneNone, h.WritePerSec, 0)
	}
	if SharesHostNetwork(c) {
		row("NET", 0, false, "the host's network: counters are the host's", ToneDim, nil, 0)
	} else if c.Network != nil && c.Network.Mode == "none" {
		row("NET", 0, false, "network none: loopback only, nothing to count", ToneDim, nil, 0)
	} else if rx, tx := NetworkRates(c); c.Network != nil {
		row("NET", 0, false, "rx "+FormatRatePerSecond(rx)+" · tx "+FormatRatePerSecond(tx), ToneNone, h.RxPerSecond, 0)
	}
	if s.remote() {
		row("PRESSURE", 0, false, notForRemote, ToneDim, nil, 0)
	} else {
		row("PRESSURE", 0, false, pressureText(c.Pressure), ToneNone, nil, 0)
	}
	return lines
}

func noneIfNil(v *uint64) string {
	if v == nil {
		return "none"
	}
	return FormatBytes(*v)
}

// pressureText gives the PSI stall figures, or says the kernel has none for this cgroup.
func pressureText(p *snapshot.Pressure) string {
	if p == nil {
		return "not available (no PSI for this cgroup)"
	}
	f := func(v *float64) string { return FormatPercent(v) + "%" }
	return "stalled, avg10: cpu some " + f(p.CPUSomeAvg10) + " · memory some " + f(p.MemorySomeAvg10) + " full " + f(p.MemoryFullAvg10) +
		" · io some " + f(p.IOSomeAvg10) + " full " + f(p.IOFullAvg10)
}

func networkDetail(s *State, c *snapshot.Container, width int, st Styles) []string {
	var lines []string
	add := func(p Paint, text string) { lines = append(lines, p.Render(Truncate(sanitize(text), width))) }
	if c.Network == nil {
		add(st.Dim, "not read")
	} else {
		head := "mode " + orAbsent(displayMode(s, c)) + " · netns " + namespaceVerdict(s, c, "net").Text
		head += " · ports " + formatPorts(c.Network.Ports)
		add(Paint{}, head)
		if SharesHostNetwork(c) {
			add(st.Dim, "  the host's network namespace: its interfaces are the host's")
		} else if c.Network.Mode == "none" {
			add(st.Dim, "  loopback only: no other container or host can reach it over a network")
		} else {
			for i := range c.Network.Interfaces {
				ifc := &c.Network.Interfaces[i]
				if ifc.Name == "lo" {
					continue
				}
				addrs, peer := orAbsent(strings.Join(ifc.Addresses, ",")), peerText(ifc)
				if s.remote() {
					addrs, peer = "addresses "+notForRemote, remoteCell
				}
				add(Paint{}, "  "+ifc.Name+" "+addrs+" · mac "+orAbsent(ifc.MAC)+" · host peer "+peer+
					" · rx "+FormatRatePerSecond(ifc.RxBytesPerSecond)+" tx "+FormatRatePerSecond(ifc.TxBytesPerSecond)+
					" · errors "+strconv.FormatUint(ifc.RxErrors, 10)+"/"+strconv.FormatUint(ifc.TxErrors, 10)+
					" · drops "+strconv.FormatUint(ifc.RxDropped, 10)+"/"+strconv.FormatUint(ifc.TxDropped, 10))
			}
		}
	}
	for _, n := range c.Networks {
		others := make([]string, 0, len(n.Containers))
		for _, m := range n.Containers {
			if m != c.Name {
				others = append(others, m)
			}
		}
		text := "  on network " + n.Name + " (" + orAbsent(n.Driver) + ") " + orAbsent(n.IPAddress)
		if n.Gateway != "" {
			text += " gw " + n.Gateway
		}
		if len(others) > 0 {
			text += " · reaches " + strings.Join(others, ", ")
		}
		add(Paint{}, text)
	}
	return lines
}

// storageDetail is the root filesystem, with the writable layer's size once measured, and
// every mount in words.
func storageDetail(s *State, c *snapshot.Container, width int, st Styles) []string {
	var lines []string
	add := func(p Paint, text string) { lines = append(lines, p.Render(Truncate(sanitize(text), width))) }
	root := "root filesystem: driver " + absent
	if c.Storage != nil {
		root = "root filesystem: driver " + orAbsent(deref(c.Storage.Driver, ""))
	}
	switch {
	case c.Security == nil:
		root += " · read-only not known"
	case c.Security.ReadOnlyRootfs:
		root += " · read-only"
	default:
		root += " · read-write"
	}
	layer, tone := "writable layer ", ToneNone
	m, known := layerMeasurement(s, c)
	switch {
	case known && m.Measuring:
		layer, tone = layer+"measuring…", ToneAccent
	case known && m.Err != "":
		layer, tone = layer+"not measured: "+compactIDs(m.Err), ToneBad
	case known:
		layer += FormatBytes(uint64(max(m.Bytes, 0)))
		if s.CanMeasureLayers {
			layer += " (w measures again)"
		}
	case s.remote():
		layer, tone = layer+notForRemote, ToneDim
	case s.CanMeasureLayers:
		layer, tone = layer+"not measured: press w (it walks the layer's files)", ToneDim
	default:
		layer, tone = layer+"not measured", ToneDim
	}
	add(Paint{}, root)
	for _, l := range wrap(layer, width, 2) {
		lines = append(lines, st.Tone(tone).Render(l))
	}
	if len(c.Mounts) == 0 {
		add(st.Dim, "no mounts")
		return lines
	}
	for i := range c.Mounts {
		mt := &c.Mounts[i]
		source, hostPath := orAbsent(mt.Source), ""
		if mt.VolumeName != nil && *mt.VolumeName != "" {
			source, hostPath = *mt.VolumeName, mt.Source
		}
		mode := "rw"
		if mt.ReadOnly {
			mode = "ro"
		}
		text := "  " + mt.Type + " " + source + " → " + mt.Destination + " " + mode
		if len(mt.SharedWith) > 0 {
			text += " · also mounted by " + strings.Join(mt.SharedWith, ", ")
		}
		w := mountWarning(mt, width)
		if w.Text != "" {
			text += " · " + w.Text
		}
		if hostPath != "" {
			text += " · at " + hostPath
		}
		add(st.Tone(w.Tone), text)
	}
	return lines
}

func securityDetail(s *State, c *snapshot.Container, width int, st Styles) []string {
	sec := c.Security
	if sec == nil && c.FoundWithoutEngine {
		return []string{st.Dim.Render(Truncate("not known: these settings come from the engine, and no engine lists this container", width))}
	}
	if sec == nil {
		return []string{st.Dim.Render("not read")}
	}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	caps, capsTone := capsSummary(sec)
	effective := "none"
	switch {
	case s.remote():
		effective = notForRemote // read from the init's /proc status
	case len(sec.CapEffective) > 0:
		effective = strings.Join(trimCaps(sec.CapEffective), " ")
	}
	privTone := ToneNone
	if sec.Privileged {
		privTone = ToneBad
	}
	lines := []string{
		st.Tone(privTone).Render(Truncate("privileged "+yesNo(sec.Privileged)+" · read-only rootfs "+yesNo(sec.ReadOnlyRootfs)+
			" · no-new-privileges "+yesNo(sec.NoNewPrivileges), width)),
		st.Tone(capsTone).Render(Truncate("capabilities against the default set: "+caps, width)),
		Truncate("effective (init): "+effective, width),
		Truncate("seccomp "+orAbsent(deref(sec.Seccomp, ""))+" · apparmor "+orAbsent(deref(sec.AppArmor, ""))+
			" · userns "+orAbsent(deref(sec.UsernsMode, "")), width),
	}
	return lines
}
