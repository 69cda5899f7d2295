package proc

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Status
		wantErr string
	}{
		{
			name: "host process, one pid level",
			in:   "Name:\tbash\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t4179\nCapEff:\t000001ffffffffff\n",
			want: Status{Name: "bash", PPid: 1, NSpids: []int{4179}, CapEff: 0x1ffffffffff},
		},
		{
			name: "three pid levels, remapped uids, docker default caps",
			in:   "Name:\tinner\nUmask:\t0022\nPPid:\t4101\nUid:\t100000\t100001\t100002\t100003\nNSpid:\t4102\t12\t1\nCapEff:\t00000000a80425fb\n",
			want: Status{Name: "inner", PPid: 4101, UIDs: [4]int{100000, 100001, 100002, 100003}, NSpids: []int{4102, 12, 1}, CapEff: 0xa80425fb},
		},
		{
			name: "comm with spaces and a colon",
			in:   "Name:\tmy proc: x\nPPid:\t0\nUid:\t0\t0\t0\t0\n",
			want: Status{Name: "my proc: x"},
		},
		{
			name: "kernel before 4.1 has no NSpid",
			in:   "Name:\told\nPPid:\t2\nUid:\t5\t5\t5\t5\nCapEff:\t0000000000000000\n",
			want: Status{Name: "old", PPid: 2, UIDs: [4]int{5, 5, 5, 5}},
		},
		{name: "bad PPid", in: "Name:\tx\nPPid:\tx\nUid:\t0\t0\t0\t0\n", wantErr: "bad PPid"},
		{name: "short Uid", in: "Name:\tx\nPPid:\t1\nUid:\t0\t0\n", wantErr: "Uid has 2 fields"},
		{name: "negative uid", in: "Name:\tx\nPPid:\t1\nUid:\t-1\t0\t0\t0\n", wantErr: "bad Uid"},
		{name: "bad NSpid", in: "Name:\tx\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t1\tz\n", wantErr: "bad NSpid"},
		{name: "bad CapEff", in: "Name:\tx\nPPid:\t1\nUid:\t0\t0\t0\t0\nCapEff:\tzz\n", wantErr: "bad CapEff"},
		{name: "no Uid line", in: "Name:\tx\nPPid:\t1\n", wantErr: "no Uid line"},
		{name: "no Name line", in: "PPid:\t1\nUid:\t0\t0\t0\t0\n", wantErr: "no Name line"},
		{name: "empty", in: "", wantErr: "no Name line"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStatus([]byte(tc.in))
			if !checkParse(t, got, err, tc.want, tc.wantErr) {
				return
			}
		})
	}
}

func TestParseIDMapAndMapToInside(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []IDMapRange
		wantErr string
		// lookups maps a host id to the id inside, -1 for unmapped.
		lookups map[int]int
	}{
		{
			name:    "initial namespace",
			in:      "         0          0 4294967295\n",
			want:    []IDMapRange{{0, 0, 4294967295}},
			lookups: map[int]int{0: 0, 1000: 1000, 4294967294: 4294967294, -1: -1},
		},
		{
			name:    "remapped container",
			in:      "         0     100000      65536\n",
			want:    []IDMapRange{{0, 100000, 65536}},
			lookups: map[int]int{100000: 0, 100033: 33, 165535: 65535, 165536: -1, 99999: -1, 0: -1},
		},
		{
			name:    "several ranges",
			in:      "0 1000 1\n1 100000 65535\n",
			want:    []IDMapRange{{0, 1000, 1}, {1, 100000, 65535}},
			lookups: map[int]int{1000: 0, 100000: 1, 100001: 2, 1001: -1},
		},
		{name: "empty map (no mapping written yet)", in: "", want: nil, lookups: map[int]int{0: -1}},
		{name: "two fields", in: "0 0\n", wantErr: "2 fields"},
		{name: "not a number", in: "0 x 1\n", wantErr: "bad number"},
		{name: "beyond 32 bits", in: "0 0 4294967296\n", wantErr: "bad number"},
		{name: "zero length", in: "0 0 0\n", wantErr: "out of bounds"},
		{name: "range past 2^32", in: "1 0 4294967295\n", wantErr: "out of bounds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIDMap([]byte(tc.in))
			if !checkParse(t, got, err, tc.want, tc.wantErr) {
				return
			}
			for host, want := range tc.lookups {
				inside, ok := MapToInside(got, host)
				if want < 0 {
					if ok {
						t.Errorf("MapToInside(%d) = %d, want unmapped", host, inside)
					}
					continue
				}
				if !ok || inside != want {
					t.Errorf("MapToInside(%d) = %d, %v; want %d", host, inside, ok, want)
				}
			}
		})
	}
}

func TestParseNetDev(t *testing.T) {
	const header = "Inter-|   Receive                                                |  Transmit\n" +
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
	tests := []struct {
		name    string
		in      string
		want    map[string]NetDevCounters
		wantErr string
	}{
		{
			name: "counters in the right columns",
			in:   header + "  eth0:       1       2    3    4    5     6          7         8        9      10   11   12   13    14      15         16\n",
			want: map[string]NetDevCounters{"eth0": {RxBytes: 1, RxPackets: 2, RxErrors: 3, RxDropped: 4, TxBytes: 9, TxPackets: 10, TxErrors: 11, TxDropped: 12}},
		},
		{
			name: "number touching the colon and a long name",
			in: header + "  eth0:12345678901 5 0 0 0 0 0 0 18446744073709551615 6 0 0 0 0 0 0\n" +
				"br-818fdb91deb1:       0       0    0    0    0     0          0         0      470       5    0    4    0     0       0          0\n",
			want: map[string]NetDevCounters{
				"eth0":            {RxBytes: 12345678901, RxPackets: 5, TxBytes: 18446744073709551615, TxPackets: 6},
				"br-818fdb91deb1": {TxBytes: 470, TxPackets: 5, TxDropped: 4},
			},
		},
		{name: "headers only", in: header, want: map[string]NetDevCounters{}},
		{name: "no header", in: "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", wantErr: "not a header"},
		{name: "too few counters", in: header + "  eth0: 1 2 3\n", wantErr: "3 counters"},
		{name: "negative counter", in: header + "  eth0: -1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", wantErr: "bad counter"},
		{name: "no name", in: header + "   : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", wantErr: "no interface name"},
		{name: "no colon", in: header + "eth0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", wantErr: "no interface name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNetDev([]byte(tc.in))
			if !checkParse(t, got, err, tc.want, tc.wantErr) {
				return
			}
		})
	}
}

func TestParseMountInfo(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []MountInfo
		wantErr string
	}{
		{
			name: "no optional fields",
			in:   "22 27 0:21 / /proc rw,relatime - proc proc rw\n",
			want: []MountInfo{{ID: 22, Parent: 27, Major: 0, Minor: 21, Root: "/", MountPoint: "/proc",
				Options: []string{"rw", "relatime"}, Optional: []string{}, FSType: "proc", Source: "proc", SuperOptions: []string{"rw"}}},
		},
		{
			name: "several optional fields and escapes",
			in:   `821 812 8:1 /vol/my\040data /srv/my\040data\011x\134 rw shared:1 master:2 propagate_from:3 - ext4 /dev/sda\0401 rw,errors=remount-ro` + "\n",
			want: []MountInfo{{ID: 821, Parent: 812, Major: 8, Minor: 1, Root: "/vol/my data", MountPoint: "/srv/my data\tx\\",
				Options: []string{"rw"}, Optional: []string{"shared:1", "master:2", "propagate_from:3"}, FSType: "ext4", Source: "/dev/sda 1",
				SuperOptions: []string{"rw", "errors=remount-ro"}}},
		},
		{
			name: "one optional field, no super options, lone backslash kept",
			in:   `5 1 259:3 / /a\b\4 ro unbindable - tmpfs none` + "\n",
			want: []MountInfo{{ID: 5, Parent: 1, Major: 259, Minor: 3, Root: "/", MountPoint: `/a\b\4`,
				Options: []string{"ro"}, Optional: []string{"unbindable"}, FSType: "tmpfs", Source: "none", SuperOptions: []string{}}},
		},
		{name: "empty", in: "", want: nil},
		{name: "no separator", in: "1 2 0:1 / / rw shared:1 ext4 /dev/sda rw\n", wantErr: "separator"},
		{name: "separator without fstype and source", in: "1 2 0:1 / / rw - ext4\n", wantErr: "fstype and source"},
		{name: "bad device", in: "1 2 01 / / rw - ext4 /dev/sda rw\n", wantErr: "bad device"},
		{name: "bad id", in: "x 2 0:1 / / rw - ext4 /dev/sda rw\n", wantErr: "bad mount id"},
		{name: "too short", in: "1 2 0:1 / /\n", wantErr: "want at least 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMountInfo([]byte(tc.in))
			if !checkParse(t, got, err, tc.want, tc.wantErr) {
				return
			}
		})
	}
}

func TestCapabilityNames(t *testing.T) {
	tests := []struct {
		name string
		mask uint64
		want []string
	}{
		{name: "none", mask: 0, want: []string{}},
		{name: "docker default set", mask: 0xa80425fb, want: []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
			"CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
			"CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"}},
		{name: "bits past the table are named by number", mask: 1<<40 | 1<<41 | 1<<63, want: []string{"CAP_CHECKPOINT_RESTORE", "CAP_41", "CAP_63"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CapabilityNames(tc.mask); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCapabilityNumbers checks the table against the kernel's numbering as x/sys/unix carries it.
func TestCapabilityNumbers(t *testing.T) {
	kernel := map[string]int{
		"CAP_CHOWN": unix.CAP_CHOWN, "CAP_DAC_OVERRIDE": unix.CAP_DAC_OVERRIDE, "CAP_DAC_READ_SEARCH": unix.CAP_DAC_READ_SEARCH,
		"CAP_FOWNER": unix.CAP_FOWNER, "CAP_FSETID": unix.CAP_FSETID, "CAP_KILL": unix.CAP_KILL, "CAP_SETGID": unix.CAP_SETGID,
		"CAP_SETUID": unix.CAP_SETUID, "CAP_SETPCAP": unix.CAP_SETPCAP, "CAP_LINUX_IMMUTABLE": unix.CAP_LINUX_IMMUTABLE,
		"CAP_NET_BIND_SERVICE": unix.CAP_NET_BIND_SERVICE, "CAP_NET_BROADCAST": unix.CAP_NET_BROADCAST,
		"CAP_NET_ADMIN": unix.CAP_NET_ADMIN, "CAP_NET_RAW": unix.CAP_NET_RAW, "CAP_IPC_LOCK": unix.CAP_IPC_LOCK,
		"CAP_IPC_OWNER": unix.CAP_IPC_OWNER, "CAP_SYS_MODULE": unix.CAP_SYS_MODULE, "CAP_SYS_RAWIO": unix.CAP_SYS_RAWIO,
		"CAP_SYS_CHROOT": unix.CAP_SYS_CHROOT, "CAP_SYS_PTRACE": unix.CAP_SYS_PTRACE, "CAP_SYS_PACCT": unix.CAP_SYS_PACCT,
		"CAP_SYS_ADMIN": unix.CAP_SYS_ADMIN, "CAP_SYS_BOOT": unix.CAP_SYS_BOOT, "CAP_SYS_NICE": unix.CAP_SYS_NICE,
		"CAP_SYS_RESOURCE": unix.CAP_SYS_RESOURCE, "CAP_SYS_TIME": unix.CAP_SYS_TIME, "CAP_SYS_TTY_CONFIG": unix.CAP_SYS_TTY_CONFIG,
		"CAP_MKNOD": unix.CAP_MKNOD, "CAP_LEASE": unix.CAP_LEASE, "CAP_AUDIT_WRITE": unix.CAP_AUDIT_WRITE,
		"CAP_AUDIT_CONTROL": unix.CAP_AUDIT_CONTROL, "CAP_SETFCAP": unix.CAP_SETFCAP, "CAP_MAC_OVERRIDE": unix.CAP_MAC_OVERRIDE,
		"CAP_MAC_ADMIN": unix.CAP_MAC_ADMIN, "CAP_SYSLOG": unix.CAP_SYSLOG, "CAP_WAKE_ALARM": unix.CAP_WAKE_ALARM,
		"CAP_BLOCK_SUSPEND": unix.CAP_BLOCK_SUSPEND, "CAP_AUDIT_READ": unix.CAP_AUDIT_READ, "CAP_PERFMON": unix.CAP_PERFMON,
		"CAP_BPF": unix.CAP_BPF, "CAP_CHECKPOINT_RESTORE": unix.CAP_CHECKPOINT_RESTORE,
	}
	if len(kernel) != unix.CAP_LAST_CAP+1 {
		t.Fatalf("x/sys/unix knows %d capabilities, this test %d: extend the table", unix.CAP_LAST_CAP+1, len(kernel))
	}
	for name, bit := range kernel {
		got := CapabilityNames(1 << uint(bit))
		if len(got) != 1 || got[0] != name {
			t.Errorf("bit %d: got %v, want %s", bit, got, name)
		}
	}
}

// TestParseMountInfoUnicodeSpace: the kernel does not escape a UTF-8 no-break space, so it must
// stay inside its field.
func TestParseMountInfoUnicodeSpace(t *testing.T) {
	got, err := ParseMountInfo([]byte("1 2 0:1 / /mnt/a\u00a0b rw - ext4 /dev/sda rw\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].MountPoint != "/mnt/a\u00a0b" || got[0].FSType != "ext4" {
		t.Fatalf("got %+v", got[0])
	}
}

// checkParse checks one parser case: the error when one is wanted (its text containing
// wantErr), else the result. It reports whether the case went on to a result worth checking
// further.
func checkParse[T any](t *testing.T, got T, err error, want T, wantErr string) bool {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want one containing %q", err, wantErr)
		}
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	return true
}
