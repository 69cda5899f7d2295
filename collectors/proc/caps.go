package proc

import "strconv"

// capabilityNames returns the names of capability bits 0 to 40 as the kernel's
// include/uapi/linux/capability.h numbers them. It is a function, not a package variable, so that
// nothing can change the table.
func capabilityNames() [41]string {
	return [41]string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
		"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
		"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
		"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
		"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
		"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
		"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
		"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	}
}

// CapabilityNames decodes a capability mask (CapEff and friends) into names, lowest bit first.
// Bits newer than this table are named by number ("CAP_41") rather than dropped, so a privileged
// process never looks less privileged than it is.
func CapabilityNames(mask uint64) []string {
	names := capabilityNames()
	out := []string{}
	for bit := 0; bit < 64; bit++ {
		if mask&(1<<uint(bit)) == 0 {
			continue
		}
		if bit < len(names) {
			out = append(out, names[bit])
		} else {
			out = append(out, "CAP_"+strconv.Itoa(bit))
		}
	}
	return out
}
