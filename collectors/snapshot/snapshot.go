// Package snapshot holds the plain data that every other part of boxtop exchanges: one reading of
// the host and its containers. It imports only the standard library so that collectors, the
// sampler, the TUI and the views can all depend on it without depending on each other.
//
// A Snapshot is a value: nothing changes one after it is taken. The sampler builds a new one with
// the rates filled in. The JSON form is the contract of `boxtop snapshot --json` (see
// docs/snapshot-json.md); fields may be added, none may be renamed or dropped without bumping
// Schema. Pointers stand for values that may be absent: nil marshals as null, which the contract
// uses both for "unlimited / does not apply" and for "could not be read" (the reason then goes
// into the container's Errors).
package snapshot

import "time"

// Schema names the version of the JSON document.
const Schema = "boxtop.snapshot/v1"

// NamespaceTypes lists every namespace type boxtop reports, in display order.
var NamespaceTypes = []string{"pid", "net", "ipc", "uts", "mnt", "user", "cgroup", "time"}

// Snapshot is one reading of the host and its containers.
type Snapshot struct {
	Schema string    `json:"schema"`
	Time   time.Time `json:"time"`
	// IntervalSeconds is the wall time between the two readings behind the rates; 0 when the
	// snapshot has no predecessor and so no rates.
	IntervalSeconds float64     `json:"interval_seconds"`
	Host            Host        `json:"host"`
	Runtimes        []Runtime   `json:"runtimes"`
	Containers      []Container `json:"containers"`
	// Events holds the engines' most recent events, oldest first (a bounded window).
	Events []Event `json:"events,omitempty"`
}

// Event is one container engine event: create, start, die, oom, kill, restart, destroy, ...
type Event struct {
	Time        time.Time `json:"time"`
	Runtime     string    `json:"runtime"`
	Type        string    `json:"type"`   // "container", "network", ...
	Action      string    `json:"action"` // "start", "die", "oom", ...
	ContainerID string    `json:"container_id,omitempty"`
	Name        string    `json:"name,omitempty"`
	Image       string    `json:"image,omitempty"`
	// ExitCode is set on "die" events.
	ExitCode *int `json:"exit_code,omitempty"`
}

// Host describes the machine the containers run on.
type Host struct {
	Hostname      string  `json:"hostname"`
	Kernel        string  `json:"kernel"`
	CgroupVersion int     `json:"cgroup_version"`
	CgroupDriver  *string `json:"cgroup_driver"`
	CPUs          int     `json:"cpus"`
	MemoryBytes   uint64  `json:"memory_bytes"`
	// Namespaces maps each namespace type to the host's inode of it.
	Namespaces map[string]uint64 `json:"namespaces"`
	// NamespacesReference says whose links Namespaces were read from: "pid 1", or when PID 1's
	// links cannot be read, another process known to run in the host's namespaces.
	NamespacesReference string `json:"namespaces_reference"`
	// Remote is true when the engine is on another machine: the host is the engine's, and what
	// needs its /proc or cgroup files (namespaces, processes, pressure) is not available.
	Remote bool     `json:"remote"`
	Errors []string `json:"errors"`
}

// Runtime is one container engine boxtop tried to reach.
type Runtime struct {
	Name       string  `json:"name"`
	Endpoint   string  `json:"endpoint"`
	Reachable  bool    `json:"reachable"`
	Version    *string `json:"version"`
	APIVersion *string `json:"api_version"`
	// CgroupDriver is what the engine reports ("systemd" or "cgroupfs"), if it answered.
	CgroupDriver *string `json:"cgroup_driver,omitempty"`
	Error        *string `json:"error"`
}

// Container is everything boxtop knows of one container at one reading.
type Container struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Image   string `json:"image"`
	Runtime string `json:"runtime"`
	State   string `json:"state"`
	// Pid is the host PID of the container's init; nil when it is not running.
	Pid *int `json:"pid"`
	// StartedAt, with ID and Pid, is the container's identity for rates: a restart changes it.
	StartedAt  *time.Time        `json:"started_at"`
	CgroupPath *string           `json:"cgroup_path"`
	Labels     map[string]string `json:"labels,omitempty"`
	// FoundWithoutEngine marks a container that no engine listed: boxtop found it by its
	// cgroup alone (an engine that is down or hung, a runtime without an API boxtop speaks).
	FoundWithoutEngine bool `json:"found_without_engine"`
	// Pod is the Kubernetes pod the container belongs to, read from its cgroup path.
	Pod *Pod `json:"pod,omitempty"`

	CPU        *CPU                 `json:"cpu"`
	Memory     *Memory              `json:"memory"`
	Pids       *Pids                `json:"pids"`
	IO         *IO                  `json:"io"`
	Pressure   *Pressure            `json:"pressure"`
	Network    *Network             `json:"network"`
	Namespaces map[string]Namespace `json:"namespaces"`
	Security   *Security            `json:"security"`
	Storage    *Storage             `json:"storage"`
	Mounts     []Mount              `json:"mounts"`
	Networks   []NetworkMembership  `json:"networks"`
	Processes  []Process            `json:"processes"`
	Errors     []string             `json:"errors"`
}

// Running reports whether the container has an init process to read from.
func (c *Container) Running() bool { return c.State == "running" && c.Pid != nil && *c.Pid > 0 }

// Pod identifies a Kubernetes pod from the cgroup path alone.
type Pod struct {
	UID      string `json:"uid"`
	QoSClass string `json:"qos_class"` // "guaranteed", "burstable" or "besteffort"
}

// CPU is the container's CPU use, limit and throttling.
type CPU struct {
	// UsageNanoseconds is the cumulative CPU time of the cgroup.
	UsageNanoseconds uint64 `json:"usage_ns"`
	// UsagePercent is the rate over the interval; 100 = one full core. Nil without a predecessor.
	UsagePercent *float64 `json:"usage_percent"`
	// LimitCores is quota/period; nil if unlimited.
	LimitCores *float64 `json:"limit_cores"`
	// PercentOfLimit is UsagePercent against LimitCores; nil if unlimited or without a rate.
	PercentOfLimit *float64 `json:"percent_of_limit"`
	Cpuset         *string  `json:"cpuset"`
	// Periods and ThrottledPeriods are cumulative; nil where the kernel does not report them
	// (v2 without the cpu controller enabled).
	Periods          *uint64  `json:"periods"`
	ThrottledPeriods *uint64  `json:"throttled_periods"`
	ThrottledPercent *float64 `json:"throttled_percent"`
	ThrottledSeconds *float64 `json:"throttled_seconds"`
}

// Memory is the container's memory use and limits, in bytes.
type Memory struct {
	UsageBytes uint64 `json:"usage_bytes"`
	// WorkingSetBytes is usage minus inactive file cache, never below 0: what docker stats and
	// the kubelet show.
	WorkingSetBytes uint64   `json:"working_set_bytes"`
	LimitBytes      *uint64  `json:"limit_bytes"`
	HighBytes       *uint64  `json:"high_bytes"`
	SwapBytes       *uint64  `json:"swap_bytes"`
	PercentOfLimit  *float64 `json:"percent_of_limit"`
	// OOMEvents counts the times the cgroup hit its limit and the OOM killer was invoked (v2
	// memory.events "oom"); nil on v1, which has no such counter.
	OOMEvents *uint64 `json:"oom_events"`
	OOMKills  *uint64 `json:"oom_kills"`
}

// Pids is the task count against its limit.
type Pids struct {
	Current uint64  `json:"current"`
	Limit   *uint64 `json:"limit"`
}

// IO is block IO summed over devices.
type IO struct {
	ReadBytes           uint64   `json:"read_bytes"`
	WriteBytes          uint64   `json:"write_bytes"`
	ReadBytesPerSecond  *float64 `json:"read_bytes_per_second"`
	WriteBytesPerSecond *float64 `json:"write_bytes_per_second"`
}

// Pressure holds the PSI avg10 figures (percent of wall time stalled).
type Pressure struct {
	CPUSomeAvg10    *float64 `json:"cpu_some_avg10"`
	MemorySomeAvg10 *float64 `json:"memory_some_avg10"`
	MemoryFullAvg10 *float64 `json:"memory_full_avg10"`
	IOSomeAvg10     *float64 `json:"io_some_avg10"`
	IOFullAvg10     *float64 `json:"io_full_avg10"`
}

// Network is the container's network namespace as seen from inside it.
type Network struct {
	// Mode is "bridge", "host", "none", "container:<name>" or a network name.
	Mode       string      `json:"mode"`
	Interfaces []Interface `json:"interfaces"`
	Ports      []Port      `json:"ports"`
}

// Interface is one link of the container's network namespace.
type Interface struct {
	Name      string   `json:"name"`
	Addresses []string `json:"addresses"`
	MAC       string   `json:"mac"`
	// HostPeer is the host-side end of a veth pair; nil if none.
	HostPeer *string `json:"host_peer"`
	// Bridge is the host bridge HostPeer is enslaved to; nil if none.
	Bridge           *string  `json:"bridge,omitempty"`
	RxBytes          uint64   `json:"rx_bytes"`
	TxBytes          uint64   `json:"tx_bytes"`
	RxBytesPerSecond *float64 `json:"rx_bytes_per_second"`
	TxBytesPerSecond *float64 `json:"tx_bytes_per_second"`
	RxPackets        uint64   `json:"rx_packets"`
	TxPackets        uint64   `json:"tx_packets"`
	RxErrors         uint64   `json:"rx_errors"`
	TxErrors         uint64   `json:"tx_errors"`
	RxDropped        uint64   `json:"rx_dropped"`
	TxDropped        uint64   `json:"tx_dropped"`
}

// Port is one published port.
type Port struct {
	ContainerPort uint16 `json:"container_port"`
	Protocol      string `json:"protocol"`
	HostIP        string `json:"host_ip"`
	HostPort      uint16 `json:"host_port"`
}

// Namespace is one namespace of the container's init.
type Namespace struct {
	Inode          uint64 `json:"inode"`
	Device         uint64 `json:"device"`
	SharedWithHost bool   `json:"shared_with_host"`
	// SharedWith names the other containers whose init is in the same namespace, sorted.
	SharedWith []string `json:"shared_with"`
}

// Security is the container's privilege and confinement, from the engine's config and the
// init process's capabilities.
type Security struct {
	Privileged      bool     `json:"privileged"`
	ReadOnlyRootfs  bool     `json:"read_only_rootfs"`
	NoNewPrivileges bool     `json:"no_new_privileges"`
	CapEffective    []string `json:"cap_effective"`
	CapAdd          []string `json:"cap_add"`
	CapDrop         []string `json:"cap_drop"`
	Seccomp         *string  `json:"seccomp"`
	AppArmor        *string  `json:"apparmor"`
	UsernsMode      *string  `json:"userns_mode"`
	// NamespaceModes is the engine's configured mode per namespace type where it set one
	// ("pid", "ipc", "uts", "cgroup" to "host", "private", "shareable", "container:NAME"), so
	// the views can say where the config and the kernel disagree; the net mode is Network.Mode
	// and the user one UsernsMode.
	NamespaceModes map[string]string `json:"namespace_modes,omitempty"`
}

// Storage is the container's root filesystem.
type Storage struct {
	Driver *string `json:"driver"`
	// WritableLayerBytes is nil until measured: measuring walks the upper directory.
	WritableLayerBytes *int64 `json:"writable_layer_bytes"`
	// UpperDir is the writable layer's directory on the host, from the root mount's options.
	UpperDir *string `json:"upper_dir,omitempty"`
}

// Mount is one mount of the container.
type Mount struct {
	Type        string  `json:"type"`
	Source      string  `json:"source"`
	Destination string  `json:"destination"`
	ReadOnly    bool    `json:"read_only"`
	VolumeName  *string `json:"volume_name"`
	// SharedWith names other containers mounting the same source or volume, sorted.
	SharedWith []string `json:"shared_with"`
	// Sensitive says why the source is a sensitive host path; nil when it is not.
	Sensitive *string `json:"sensitive"`
	// NotInEngine marks a mount the kernel shows in the container's mount table but the engine
	// does not list: added after start (nsenter, a privileged process), so no config shows it.
	NotInEngine bool `json:"not_in_engine"`
}

// NetworkMembership is one engine network the container is attached to.
type NetworkMembership struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	Driver    string `json:"driver"`
	IPAddress string `json:"ip_address"`
	Gateway   string `json:"gateway"`
	// Containers names every container on that network, sorted.
	Containers []string `json:"containers"`
}

// Process is one process of the container.
type Process struct {
	Pid     int    `json:"pid"`
	NsPid   int    `json:"ns_pid"`
	PPid    int    `json:"ppid"`
	UID     int    `json:"uid"`
	HostUID int    `json:"host_uid"`
	Command string `json:"command"`
	// NamespacesDiffer lists the namespace types in which this process differs from init.
	NamespacesDiffer []string `json:"namespaces_differ"`
}
