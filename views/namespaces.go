package views

import (
	"slices"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// nsVerdict is what one namespace of a container is: the host's, its own, or shared with
// another container; and, when the engine's config says otherwise, why that is suspicious.
type nsVerdict struct {
	Text     string // "host", "own", "=NAME", "-"; with "!" appended when config disagrees
	Tone     Tone
	Mismatch string // the disagreement in words; empty when there is none
}

// hostSensitive reports whether sharing the host's namespace of this type weakens isolation
// (user, cgroup and time are the host's for most containers).
func hostSensitive(typ string) bool {
	switch typ {
	case "pid", "net", "ipc", "uts", "mnt":
		return true
	}
	return false
}

// configuredMode is what the engine was told for a namespace type ("" when nothing was set).
func configuredMode(c *snapshot.Container, typ string) string {
	switch typ {
	case "net":
		if c.Network != nil {
			return c.Network.Mode
		}
		return ""
	case "user":
		if c.Security != nil && c.Security.UsernsMode != nil {
			return *c.Security.UsernsMode
		}
		return ""
	}
	if c.Security != nil {
		return c.Security.NamespaceModes[typ]
	}
	return ""
}

// namespaceVerdict compares the kernel's answer (namespace inodes) with the engine's config.
// The kernel decides the verdict; the config only raises a flag when it disagrees.
func namespaceVerdict(s *State, c *snapshot.Container, typ string) nsVerdict {
	if s.remote() {
		return nsVerdict{Text: remoteCell, Tone: ToneDim}
	}
	ns, ok := c.Namespaces[typ]
	if !ok || ns.Inode == 0 {
		return nsVerdict{Text: absent, Tone: ToneDim}
	}
	var v nsVerdict
	switch {
	case ns.SharedWithHost:
		v.Text = "host"
		if hostSensitive(typ) {
			v.Tone = ToneWarn
		}
	case len(ns.SharedWith) > 0:
		v.Text = "=" + ns.SharedWith[0]
		if len(ns.SharedWith) > 1 {
			v.Text += "+" + strconv.Itoa(len(ns.SharedWith)-1)
		}
		v.Tone = ToneAccent
	default:
		v.Text = "own"
	}
	mode := configuredMode(c, typ)
	inode := strconv.FormatUint(ns.Inode, 10)
	switch {
	case mode == "host" && !ns.SharedWithHost:
		v.Mismatch = typ + ": configured as host, but the namespace (inode " + inode + ") is not the host's" + hostInode(s, typ)
	case strings.HasPrefix(mode, "container:"):
		ref := strings.TrimPrefix(mode, "container:")
		name := ref
		if other := s.byName(ref); other != nil {
			name = other.Name
			if !other.Running() {
				break
			}
		}
		if !slices.Contains(ns.SharedWith, name) {
			v.Mismatch = typ + ": configured to join " + name + ", but the namespace (inode " + inode + ") is not " + name + "'s"
		}
	case ns.SharedWithHost && expectsPrivate(typ, mode):
		v.Mismatch = typ + ": configured as " + mode + ", but the container is in the host's namespace (inode " + inode + ")"
	}
	if v.Mismatch != "" {
		v.Text += "!"
		v.Tone = ToneBad
	}
	return v
}

// expectsPrivate reports whether a configured mode promises a namespace apart from the host's.
func expectsPrivate(typ, mode string) bool {
	switch mode {
	case "", "default", "host":
		return false
	case "private", "shareable", "none", "bridge":
		return true
	}
	// Any other network mode names an engine network, which has its own namespace.
	return typ == "net" && !strings.HasPrefix(mode, "container:")
}

func hostInode(s *State, typ string) string {
	if s.Snapshot == nil {
		return ""
	}
	if n, ok := s.Snapshot.Host.Namespaces[typ]; ok && n != 0 {
		return " (inode " + strconv.FormatUint(n, 10) + ")"
	}
	return ""
}

// namespaceMismatches lists every disagreement between config and kernel for a container.
func namespaceMismatches(s *State, c *snapshot.Container) []string {
	var out []string
	for _, typ := range snapshot.NamespaceTypes {
		if v := namespaceVerdict(s, c, typ); v.Mismatch != "" {
			out = append(out, v.Mismatch)
		}
	}
	return out
}

// sharers says who else is in a container's namespace, in words: "host", "db, cache", "nobody".
func sharers(ns snapshot.Namespace) string {
	switch {
	case ns.SharedWithHost && len(ns.SharedWith) > 0:
		return "the host, " + strings.Join(ns.SharedWith, ", ")
	case ns.SharedWithHost:
		return "the host"
	case len(ns.SharedWith) > 0:
		return strings.Join(ns.SharedWith, ", ")
	}
	return "no one"
}
