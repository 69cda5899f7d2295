// Package netns lists a container's network interfaces as its own network namespace sees them,
// and finds the host side of each veth pair.
//
// /sys/class/net shows the devices of the network namespace sysfs was mounted in, not the
// reader's, so it cannot answer for a container. Everything here goes through netlink sockets
// opened inside the namespaces in question, and the peer of a veth is found from the attributes
// the container's namespace reports for it (the peer's ifindex and the id of the peer's
// namespace), never from names.
package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Link is one network interface of a container's network namespace.
type Link struct {
	Name  string
	Index int
	MAC   string
	// Addresses are in CIDR form, e.g. "172.17.0.2/16", IPv4 and IPv6 as the kernel lists them.
	Addresses []string
	// Kind is the link type as netlink names it ("veth", "bridge", "macvlan", ...), or
	// "loopback"; a plain hardware device is "device".
	Kind string
	// HostPeer is the name of the other end of a veth pair when that end is in the host's network
	// namespace; "" for other kinds, or when the peer lives in another container.
	HostPeer string
	// Bridge is the master device of HostPeer on the host (docker0, br-<id>, ...); "" if none.
	Bridge string
}

// dumpRetries bounds the retries of a netlink dump that the kernel interrupted because links or
// addresses changed meanwhile.
const dumpRetries = 3

// Links lists the links of the network namespace of <procRoot>/<pid>/ns/net with their
// addresses. For each veth it finds the host-side peer in the network namespace of hostNetns, the
// path of a ns/net link known to be the host's (such as <procRoot>/self/ns/net, or the link of the
// process HostReference named), together with the bridge that peer is enslaved to.
//
// It needs root: opening another process's namespace link needs CAP_SYS_PTRACE and opening a
// socket inside it CAP_SYS_ADMIN. The calling goroutine's thread enters the namespace only for as
// long as it takes to create each socket, locked to its goroutine meanwhile.
func Links(ctx context.Context, procRoot string, pid int, hostNetns string) ([]Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("links of pid %d: %w", pid, err)
	}
	containerPath := filepath.Join(procRoot, strconv.Itoa(pid), "ns", "net")
	containerFd, err := openNamespace(containerPath)
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: %w", pid, err)
	}
	defer unix.Close(containerFd)
	hostFd, err := openNamespace(hostNetns)
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: host network namespace: %w", pid, err)
	}
	defer unix.Close(hostFd)

	container, err := openHandle(ctx, containerFd, containerPath)
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: %w", pid, err)
	}
	defer container.Close()

	links, err := retryDump(func() ([]netlink.Link, error) { return container.LinkList() })
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: list links in %s: %w", pid, containerPath, err)
	}
	addrs, err := retryDump(func() ([]netlink.Addr, error) { return container.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: list addresses in %s: %w", pid, containerPath, err)
	}
	byLink := make(map[int][]string)
	for _, a := range addrs {
		if a.IPNet != nil {
			byLink[a.LinkIndex] = append(byLink[a.LinkIndex], a.IPNet.String())
		}
	}

	out := make([]Link, 0, len(links))
	for _, l := range links {
		attrs := l.Attrs()
		link := Link{
			Name:      attrs.Name,
			Index:     attrs.Index,
			Kind:      kind(l),
			Addresses: append([]string{}, byLink[attrs.Index]...),
		}
		if len(attrs.HardwareAddr) > 0 {
			link.MAC = attrs.HardwareAddr.String()
		}
		out = append(out, link)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })

	same, err := sameNamespace(containerFd, hostFd)
	if err != nil {
		return nil, fmt.Errorf("links of pid %d: %w", pid, err)
	}
	if same {
		// Host networking: every link is the host's own, none has a host-side peer.
		return out, nil
	}
	if err := findHostPeers(ctx, container, hostFd, hostNetns, links, out); err != nil {
		return nil, fmt.Errorf("links of pid %d: %w", pid, err)
	}
	return out, nil
}

// findHostPeers fills HostPeer and Bridge of the veths in out, which it matches to links by ifindex.
func findHostPeers(ctx context.Context, container *netlink.Handle, hostFd int, hostPath string, links []netlink.Link, out []Link) error {
	// The id under which the container's namespace knows the host's. A veth whose peer is in the
	// host's namespace reports that id as its link-netnsid; -1 means the container's namespace has
	// no id for the host's, so no peer can be there. An error (a kernel without RTM_GETNSID)
	// leaves it unknown and the peer is then confirmed from both ends instead.
	hostID, idErr := container.GetNetNsIdByFd(hostFd)
	hostIDKnown := idErr == nil

	byIndex := make(map[int]netlink.Link, len(links))
	for _, l := range links {
		byIndex[l.Attrs().Index] = l
	}

	var host *netlink.Handle
	defer func() {
		if host != nil {
			host.Close()
		}
	}()
	for i := range out {
		l := byIndex[out[i].Index]
		attrs := l.Attrs()
		if l.Type() != "veth" || attrs.ParentIndex <= 0 {
			continue
		}
		confirm := false
		switch {
		case attrs.NetNsID >= 0 && hostIDKnown:
			if attrs.NetNsID != hostID {
				continue // the peer is in another container's namespace
			}
		case attrs.NetNsID >= 0:
			confirm = true
		default:
			// No link-netnsid: the peer is in this same namespace, or the kernel predates the
			// attribute (before 4.0).
			if peer, ok := byIndex[attrs.ParentIndex]; ok && peer.Attrs().ParentIndex == attrs.Index {
				continue
			}
			confirm = true
		}
		if host == nil {
			var err error
			if host, err = openHandle(ctx, hostFd, hostPath); err != nil {
				return fmt.Errorf("host network namespace: %w", err)
			}
		}
		peer, err := host.LinkByIndex(attrs.ParentIndex)
		if err != nil {
			if isNoDevice(err) {
				continue // the pair is being torn down
			}
			return fmt.Errorf("peer of %s (host ifindex %d) in %s: %w", attrs.Name, attrs.ParentIndex, hostPath, err)
		}
		if confirm && (peer.Type() != "veth" || peer.Attrs().ParentIndex != attrs.Index) {
			continue
		}
		out[i].HostPeer = peer.Attrs().Name
		if master := peer.Attrs().MasterIndex; master > 0 {
			bridge, err := host.LinkByIndex(master)
			if err != nil && !isNoDevice(err) {
				return fmt.Errorf("master of %s (host ifindex %d) in %s: %w", out[i].HostPeer, master, hostPath, err)
			}
			if err == nil {
				out[i].Bridge = bridge.Attrs().Name
			}
		}
	}
	return nil
}

// kind names a link's type, calling the loopback device "loopback" rather than netlink's generic
// "device".
func kind(l netlink.Link) string {
	attrs := l.Attrs()
	if attrs.Flags&net.FlagLoopback != 0 || attrs.EncapType == "loopback" {
		return "loopback"
	}
	return l.Type()
}

// openNamespace opens a network namespace link for use as a netlink target, refusing anything
// else: setns on a wrong file would fail later with a less helpful error, or not at all.
func openNamespace(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			return -1, fmt.Errorf("open %s: %w (opening another user's namespace needs root or CAP_SYS_PTRACE, entering it root or CAP_SYS_ADMIN)", path, err)
		}
		if errors.Is(err, unix.ENOENT) {
			return -1, fmt.Errorf("open %s: %w (the process exited?)", path, err)
		}
		return -1, fmt.Errorf("open %s: %w", path, err)
	}
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("statfs %s: %w", path, err)
	}
	if fs.Type != unix.NSFS_MAGIC {
		unix.Close(fd)
		return -1, fmt.Errorf("%s is not a namespace link", path)
	}
	// NS_GET_NSTYPE needs Linux 4.11; older kernels are trusted on the path alone.
	if typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE); err == nil && typ != unix.CLONE_NEWNET {
		unix.Close(fd)
		return -1, fmt.Errorf("%s is not a network namespace", path)
	}
	return fd, nil
}

// openHandle opens a netlink route socket inside the namespace of fd, bounded by ctx's deadline.
func openHandle(ctx context.Context, fd int, path string) (*netlink.Handle, error) {
	h, err := netlink.NewHandleAt(vnetns.NsHandle(fd), unix.NETLINK_ROUTE)
	if err != nil {
		// The library formats the setns error as text, so match the errno's words.
		if strings.Contains(err.Error(), unix.EPERM.Error()) {
			return nil, fmt.Errorf("netlink socket in %s: %w (entering a network namespace needs root or CAP_SYS_ADMIN)", path, err)
		}
		return nil, fmt.Errorf("netlink socket in %s: %w", path, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left < time.Millisecond {
			h.Close()
			return nil, fmt.Errorf("netlink socket in %s: %w", path, context.DeadlineExceeded)
		}
		if err := h.SetSocketTimeout(left); err != nil {
			h.Close()
			return nil, fmt.Errorf("netlink socket in %s: set timeout: %w", path, err)
		}
	}
	return h, nil
}

// sameNamespace compares two namespace fds by device and inode.
func sameNamespace(a, b int) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Fstat(a, &sa); err != nil {
		return false, fmt.Errorf("fstat namespace: %w", err)
	}
	if err := unix.Fstat(b, &sb); err != nil {
		return false, fmt.Errorf("fstat namespace: %w", err)
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}

// retryDump repeats a netlink dump that the kernel interrupted because the list changed while it
// was being read; after the last try it returns what it got with the error.
func retryDump[T any](dump func() ([]T, error)) ([]T, error) {
	var (
		got []T
		err error
	)
	for try := 0; try < dumpRetries; try++ {
		got, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return got, err
		}
	}
	return got, err
}

// isNoDevice reports whether a netlink lookup failed because the link is gone.
func isNoDevice(err error) bool {
	var notFound netlink.LinkNotFoundError
	return errors.As(err, &notFound) || errors.Is(err, unix.ENODEV)
}
