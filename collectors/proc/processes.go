package proc

import (
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// overflowID is what a process sees for a host id its user namespace does not map (the default
// of /proc/sys/kernel/overflowuid).
const overflowID = 65534

// Processes describes the given pids (a container's cgroup.procs) against the namespaces of the
// container's init. Processes come and go while the list is read: a pid that vanished is skipped
// silently. Any other failure is returned beside the result, which still holds everything that
// could be read, so that one unreadable process does not hide the others.
func (fs FS) Processes(pids []int, initNS map[string]NS) ([]snapshot.Process, []error) {
	out := make([]snapshot.Process, 0, len(pids))
	var errs []error
	for _, pid := range pids {
		st, err := fs.Status(pid)
		if err != nil {
			if !isGone(err) {
				errs = append(errs, err)
			}
			continue
		}
		p := snapshot.Process{
			Pid:              pid,
			NsPid:            pid,
			PPid:             st.PPid,
			HostUID:          st.UIDs[1], // effective: what the process acts as, and what ps shows
			NamespacesDiffer: []string{},
		}
		p.UID = p.HostUID
		if len(st.NSpids) > 0 {
			p.NsPid = st.NSpids[len(st.NSpids)-1]
		}

		m, err := fs.UIDMap(pid)
		switch {
		case err == nil:
			if inside, ok := MapToInside(m, p.HostUID); ok {
				p.UID = inside
			} else {
				p.UID = overflowID
			}
		case isGone(err):
			continue
		default:
			errs = append(errs, err)
		}

		ns, err := fs.Namespaces(pid)
		switch {
		case err == nil:
			p.NamespacesDiffer = differingTypes(initNS, ns)
		case isGone(err):
			if !fs.exists(pid) {
				continue
			}
			// A zombie: its namespaces are released, there is nothing to compare.
		default:
			errs = append(errs, err)
		}

		p.Command = fs.Command(pid)
		out = append(out, p)
	}
	return out, errs
}

// differingTypes lists, in display order, the types present in both maps whose namespaces differ.
func differingTypes(a, b map[string]NS) []string {
	out := []string{}
	for _, typ := range snapshot.NamespaceTypes {
		x, okA := a[typ]
		y, okB := b[typ]
		if okA && okB && x != y {
			out = append(out, typ)
		}
	}
	return out
}
