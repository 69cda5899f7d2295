package views

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Network pane column ids.
const (
	colMode    = "MODE"
	colNetns   = "NETNS"
	colIface   = "IFACE"
	colAddress = "ADDRESS"
	colPeer    = "HOST PEER"
	colPorts   = "PORTS"
	colRxRate  = "RX/s"
	colTxRate  = "TX/s"
	colErrors  = "ERR rx/tx"
	colDrops   = "DROP rx/tx"
)

// netLine is one line of the network table: a container's interface, or a note where the
// container has no interfaces of its own.
type netLine struct {
	c     *snapshot.Container
	first bool // the container's first line carries its name, mode and ports
	ifc   *snapshot.Interface
	note  string
}

// networkLines lays out the containers' interfaces, one line each, loopback left out.
func networkLines(s *State) (lines []netLine, starts []int) {
	for _, c := range s.Containers {
		starts = append(starts, len(lines))
		mode := displayMode(s, c)
		switch {
		case !c.Running():
			lines = append(lines, netLine{c: c, first: true, note: "not running"})
			continue
		case SharesHostNetwork(c):
			lines = append(lines, netLine{c: c, first: true, note: "(host network)"})
			continue
		case strings.HasPrefix(mode, "container:"):
			lines = append(lines, netLine{c: c, first: true, note: "(" + strings.TrimPrefix(mode, "container:") + "'s)"})
			continue
		case c.Network == nil:
			lines = append(lines, netLine{c: c, first: true, note: "not read"})
			continue
		}
		n := 0
		for i := range c.Network.Interfaces {
			ifc := &c.Network.Interfaces[i]
			if ifc.Name == "lo" {
				continue
			}
			lines = append(lines, netLine{c: c, first: n == 0, ifc: ifc})
			n++
		}
		if n == 0 {
			lines = append(lines, netLine{c: c, first: true, note: "(loopback only)"})
		}
	}
	return lines, starts
}

// displayMode names the network mode, with a joined container's name instead of its id.
func displayMode(s *State, c *snapshot.Container) string {
	if c.Network == nil {
		return ""
	}
	mode := c.Network.Mode
	if ref, ok := strings.CutPrefix(mode, "container:"); ok {
		if other := s.byName(ref); other != nil {
			return "container:" + other.Name
		}
	}
	return mode
}

// networkColumns sizes the Network pane. The name, the mode ("container:NAME"), the host peer
// ("veth1b0ec50@docker0") and the published ports claim the room their content needs once the
// peer and ports columns are in, before the NETNS column appears (its verdict mostly repeats
// the mode). At 80 columns those claims find little room and the cells are cut.
func networkColumns(s *State, lines []netLine) []Column {
	var mode, netns, addr, peer, ports int
	for _, l := range lines {
		if l.first {
			mode = max(mode, Width(networkCell(s, l, colMode, false).Text))
			netns = max(netns, Width(networkCell(s, l, colNetns, false).Text))
			ports = max(ports, Width(networkCell(s, l, colPorts, false).Text))
		}
		addr = max(addr, Width(networkCell(s, l, colAddress, false).Text))
		peer = max(peer, Width(networkCell(s, l, colPeer, false).Text))
	}
	cols := []Column{
		{ID: colGutter, Width: gutterWidth},
		{ID: ColName, Title: ColName, Width: 12, Grow: true, MaxWidth: 30, Want: nameWidth(s.Containers, 30), ClaimPriority: 3, ClaimWidth: nameClaimWidth},
		{ID: colMode, Title: colMode, Width: 9, Priority: 1, Grow: true, MaxWidth: 40, Want: mode, ClaimPriority: 3, ClaimWidth: len("container:") + nameClaimWidth},
		{ID: colNetns, Title: colNetns, Width: 6, Priority: 4, Grow: true, MaxWidth: 30, Want: netns},
		{ID: colIface, Title: colIface, Width: 7, Priority: 1},
		{ID: colAddress, Title: colAddress, Width: 15, Grow: true, MaxWidth: 40, Want: addr},
		{ID: colPeer, Title: colPeer, Width: 11, Priority: 3, Grow: true, MaxWidth: 32, Want: peer, ClaimPriority: 3, ClaimWidth: len("veth0123456@docker0")},
		{ID: colPorts, Title: colPorts, Width: 12, Priority: 3, Grow: true, MaxWidth: 48, Want: ports, ClaimPriority: 3},
		{ID: colRxRate, Title: colRxRate, Width: 8, Align: AlignRight, Priority: 2},
		{ID: colTxRate, Title: colTxRate, Width: 8, Align: AlignRight, Priority: 2},
		{ID: colErrors, Title: colErrors, Width: 10, Align: AlignRight, Priority: 5},
		{ID: colDrops, Title: colDrops, Width: 10, Align: AlignRight, Priority: 5},
	}
	if s.remote() {
		// Every cell would say the same "n/a": the note under the table says it once.
		cols = slices.DeleteFunc(cols, func(c Column) bool { return c.ID == colNetns })
	}
	return cols
}

// networkPane draws pane 3: each container's interfaces, and below them the engine's networks
// with their members (the containers on one network can reach each other).
func networkPane(s *State, width, height int, st Styles) []string {
	if len(s.Containers) == 0 {
		return emptyState(s, width, height, st)
	}
	nets := engineNetworks(s.Snapshot)
	netHeight := 0
	if len(nets) > 0 && height >= 10 {
		netHeight = min(len(nets)+2, height/3)
	}
	tableHeight := height - netHeight
	remoteNote := ""
	if s.remote() && tableHeight >= 4 {
		remoteNote = "addresses, host veth peers and namespaces: " + notForRemote
		tableHeight--
	}
	lines, starts := networkLines(s)
	cols := networkColumns(s, lines)
	t := Table{
		Columns:  cols,
		Rows:     len(lines),
		Offset:   blockWindow(starts, len(lines), s.Offset, s.Selected, tableHeight-1),
		Selected: func(r int) bool { return blockOwner(starts, r) == s.Selected },
		Cell: func(r, col, _ int) Cell {
			return networkCell(s, lines[r], cols[col].ID, blockOwner(starts, r) == s.Selected)
		},
	}
	out := t.Render(width, tableHeight, st)
	if remoteNote != "" {
		for len(out) < tableHeight {
			out = append(out, "")
		}
		out = append(out, st.Dim.Render(Truncate(remoteNote, width)))
		tableHeight++
	}
	if netHeight == 0 {
		return out
	}
	for len(out) < tableHeight {
		out = append(out, "")
	}
	return append(out, networksTable(nets, width, netHeight, st)...)
}

func networkCell(s *State, l netLine, id string, selected bool) Cell {
	c := l.c
	switch id {
	case colGutter:
		if !l.first {
			return Cell{}
		}
		return gutter(s, c, selected)
	case ColName:
		if !l.first {
			return Cell{}
		}
		return Cell{Text: c.Name}
	case colMode:
		if !l.first {
			return Cell{}
		}
		mode := displayMode(s, c)
		v := namespaceVerdict(s, c, "net")
		if v.Mismatch != "" {
			return Cell{Text: orAbsent(mode) + "!", Tone: ToneBad}
		}
		if mode == "host" {
			return Cell{Text: mode, Tone: ToneWarn}
		}
		return Cell{Text: orAbsent(mode)}
	case colNetns:
		if !l.first {
			return Cell{}
		}
		v := namespaceVerdict(s, c, "net")
		return Cell{Text: v.Text, Tone: v.Tone}
	case colPorts:
		if !l.first || c.Network == nil {
			return Cell{}
		}
		return Cell{Text: formatPorts(c.Network.Ports)}
	}
	if l.ifc == nil {
		if id == colAddress {
			return Cell{Text: l.note, Tone: ToneDim}
		}
		return Cell{}
	}
	ifc := l.ifc
	switch id {
	case colIface:
		return Cell{Text: ifc.Name}
	case colAddress:
		if s.remote() && len(ifc.Addresses) == 0 {
			return Cell{Text: remoteCell, Tone: ToneDim}
		}
		return Cell{Text: orAbsent(strings.Join(ifc.Addresses, ","))}
	case colPeer:
		if s.remote() && ifc.HostPeer == nil {
			return Cell{Text: remoteCell, Tone: ToneDim}
		}
		return Cell{Text: peerText(ifc)}
	case colRxRate:
		return Cell{Text: FormatRate(ifc.RxBytesPerSecond)}
	case colTxRate:
		return Cell{Text: FormatRate(ifc.TxBytesPerSecond)}
	case colErrors:
		return pairCell(ifc.RxErrors, ifc.TxErrors)
	case colDrops:
		return pairCell(ifc.RxDropped, ifc.TxDropped)
	}
	return Cell{}
}

// peerText is the host side of a veth: "veth3f2a1b0@docker0".
func peerText(ifc *snapshot.Interface) string {
	if ifc.HostPeer == nil {
		return absent
	}
	if ifc.Bridge != nil && *ifc.Bridge != "" {
		return *ifc.HostPeer + "@" + *ifc.Bridge
	}
	return *ifc.HostPeer
}

// pairCell shows a receive/transmit pair of counters, warning when either is not zero.
func pairCell(rx, tx uint64) Cell {
	text := strconv.FormatUint(rx, 10) + "/" + strconv.FormatUint(tx, 10)
	if rx > 0 || tx > 0 {
		return Cell{Text: text, Tone: ToneWarn}
	}
	return Cell{Text: text}
}

// formatPorts lists published ports the way engines print them: "8080→80/tcp". A port
// published on both 0.0.0.0 and :: (as engines do by default) reads once.
func formatPorts(ports []snapshot.Port) string {
	if len(ports) == 0 {
		return absent
	}
	parts := make([]string, 0, len(ports))
	seen := make(map[string]bool, len(ports))
	add := func(part string) {
		if !seen[part] {
			seen[part] = true
			parts = append(parts, part)
		}
	}
	for _, p := range ports {
		host := ""
		if p.HostIP != "" && p.HostIP != "0.0.0.0" && p.HostIP != "::" {
			host = p.HostIP + ":"
		}
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if p.HostPort == 0 {
			add(strconv.Itoa(int(p.ContainerPort)) + "/" + proto)
			continue
		}
		add(host + strconv.Itoa(int(p.HostPort)) + "→" + strconv.Itoa(int(p.ContainerPort)) + "/" + proto)
	}
	return strings.Join(parts, ",")
}

// engineNetwork is one engine network and who sits on it.
type engineNetwork struct {
	Name, Driver, Gateway string
	Members               []string
}

// engineNetworks gathers the networks from every container's memberships.
func engineNetworks(snap *snapshot.Snapshot) []engineNetwork {
	if snap == nil {
		return nil
	}
	byKey := map[string]*engineNetwork{}
	for i := range snap.Containers {
		for _, m := range snap.Containers[i].Networks {
			key := m.ID
			if key == "" {
				key = m.Name
			}
			n, ok := byKey[key]
			if !ok {
				n = &engineNetwork{Name: m.Name, Driver: m.Driver, Gateway: m.Gateway}
				byKey[key] = n
			}
			if n.Gateway == "" {
				n.Gateway = m.Gateway
			}
			n.Members = mergeSorted(n.Members, m.Containers)
		}
	}
	out := make([]engineNetwork, 0, len(byKey))
	for _, n := range byKey {
		out = append(out, *n)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// reachNote says what membership means on the networks that do not connect their members:
// "host" is the host's own stack, "null" (Docker's "none") no network at all.
func reachNote(driver string) string {
	switch driver {
	case "host":
		return " (host network)"
	case "null":
		return " (no network)"
	}
	return ""
}

// mergeSorted returns the sorted union of two name lists.
func mergeSorted(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	var out []string
	for _, l := range [][]string{a, b} {
		for _, n := range l {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

func networksTable(nets []engineNetwork, width, height int, st Styles) []string {
	lines := []string{st.Section.Render(Truncate("ENGINE NETWORKS (containers on one network can reach each other)", width))}
	t := Table{
		Columns: []Column{
			{ID: "NETWORK", Title: "NETWORK", Width: 12, Grow: true, MaxWidth: 24},
			{ID: "DRIVER", Title: "DRIVER", Width: 7, Priority: 1},
			{ID: "GATEWAY", Title: "GATEWAY", Width: 11, Priority: 2, Grow: true, MaxWidth: 16},
			{ID: "MEMBERS", Title: "CONTAINERS", Width: 20, Grow: true},
		},
		Rows: len(nets),
		Cell: func(r, col, _ int) Cell {
			n := nets[r]
			switch col {
			case 0:
				return Cell{Text: n.Name}
			case 1:
				return Cell{Text: orAbsent(n.Driver)}
			case 2:
				return Cell{Text: orAbsent(n.Gateway)}
			}
			return Cell{Text: orAbsent(strings.Join(n.Members, ", ")) + reachNote(n.Driver)}
		},
	}
	return append(lines, t.Render(width, height-1, st)...)
}
