package integration

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// Each security option as the engine reports it, and the init's effective capabilities as the
// kernel reports them in /proc/<pid>/status.
func testSecurity(t *testing.T) {
	cases := []struct {
		name    string
		options []string
		caps    []string // exact effective set; nil: whatever CapEff says
		seccomp string
	}{
		{"restricted", []string{"--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", "--read-only",
			"--security-opt", "no-new-privileges"}, []string{"CAP_NET_BIND_SERVICE"}, "default"},
		{"default", nil, nil, "default"},
		{"privileged", []string{"--privileged"}, nil, "unconfined"},
		{"seccomp-unconfined", []string{"--security-opt", "seccomp=unconfined"}, nil, "unconfined"},
	}
	specs := make([]spec, len(cases))
	for i, tc := range cases {
		specs[i] = spec{name: "sec-" + tc.name, options: tc.options}
	}
	removeWhenDone(t)
	cs := make([]container, len(cases))
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs[i], errs[i] = startErr(testLabel(t), specs[i])
		}()
	}
	wg.Wait()
	var ids []string
	for i, err := range errs {
		switch {
		case err == nil:
			ids = append(ids, cs[i].ID)
		case cases[i].name == "privileged" && strings.Contains(err.Error(), "unable to apply caps"):
			// A sandboxed daemon whose bounding set lacks some capability cannot grant all:
			// the subtest says so and skips.
		default:
			t.Fatal(err)
		}
	}
	col := newCollector(t)
	s := sampleUntil(t, col, 20*time.Second, nil, running(ids...))

	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if errs[i] != nil {
				t.Skipf("not started: %v", errs[i])
			}
			c := cs[i]
			in := c.Inspect
			got := mustFind(t, s, c)
			sec := got.Security
			if sec == nil {
				t.Fatalf("security is null; errors %q", got.Errors)
			}
			status := procStatus(t, c.Pid)

			if sec.Privileged != in.HostConfig.Privileged {
				t.Errorf("privileged = %v, want inspect's %v", sec.Privileged, in.HostConfig.Privileged)
			}
			if sec.ReadOnlyRootfs != in.HostConfig.ReadonlyRootfs {
				t.Errorf("read_only_rootfs = %v, want inspect's %v", sec.ReadOnlyRootfs, in.HostConfig.ReadonlyRootfs)
			}
			nnp := false
			for _, o := range in.HostConfig.SecurityOpt {
				nnp = nnp || o == "no-new-privileges" || o == "no-new-privileges:true" || o == "no-new-privileges=true"
			}
			if sec.NoNewPrivileges != nnp || nnp != (status["NoNewPrivs"] == "1") {
				t.Errorf("no_new_privileges = %v, want inspect's %v (SecurityOpt %q) and status NoNewPrivs %q",
					sec.NoNewPrivileges, nnp, in.HostConfig.SecurityOpt, status["NoNewPrivs"])
			}

			wantCaps := decodeCaps(t, status["CapEff"])
			if tc.caps != nil && !equalStrings(wantCaps, tc.caps) {
				t.Fatalf("setup: CapEff %s decodes to %v, want %v", status["CapEff"], wantCaps, tc.caps)
			}
			if gotCaps := sortedCopy(sec.CapEffective); !equalStrings(gotCaps, wantCaps) {
				t.Errorf("cap_effective = %v, want CapEff %s = %v", sec.CapEffective, status["CapEff"], wantCaps)
			}
			// Docker 20.10 spells the options CAP_X in inspect, older engines as typed: the same set.
			if !equalStrings(capOptions(sec.CapAdd), capOptions(in.HostConfig.CapAdd)) {
				t.Errorf("cap_add = %q, want inspect's %q", sec.CapAdd, in.HostConfig.CapAdd)
			}
			if !equalStrings(capOptions(sec.CapDrop), capOptions(in.HostConfig.CapDrop)) {
				t.Errorf("cap_drop = %q, want inspect's %q", sec.CapDrop, in.HostConfig.CapDrop)
			}

			// The kernel's view: Seccomp 2 is a filter (docker's default profile here), 0 none.
			kernelMode := map[string]string{"0": "unconfined", "2": "default"}[status["Seccomp"]]
			if kernelMode != tc.seccomp {
				t.Fatalf("setup: status Seccomp %q, want the mode of %q", status["Seccomp"], tc.seccomp)
			}
			if sec.Seccomp == nil || *sec.Seccomp != tc.seccomp {
				t.Errorf("seccomp = %v, want %q (SecurityOpt %q, status Seccomp %s)", deref(sec.Seccomp), tc.seccomp,
					in.HostConfig.SecurityOpt, status["Seccomp"])
			}
			if in.AppArmorProfile == "" && sec.AppArmor != nil {
				t.Errorf("apparmor = %q, want null: inspect has no profile", *sec.AppArmor)
			}
			if in.AppArmorProfile != "" && (sec.AppArmor == nil || *sec.AppArmor != in.AppArmorProfile) {
				t.Errorf("apparmor = %v, want inspect's %q", deref(sec.AppArmor), in.AppArmorProfile)
			}
			if in.HostConfig.UsernsMode == "" && sec.UsernsMode != nil {
				t.Errorf("userns_mode = %q, want null", *sec.UsernsMode)
			}
			if tc.name == "restricted" && !strings.Contains(strings.Join(sec.CapDrop, ","), "ALL") {
				t.Errorf("cap_drop = %q, want ALL", sec.CapDrop)
			}
		})
	}
}

// capOptions normalises --cap-add/--cap-drop values for comparison: upper case, no CAP_ prefix,
// sorted.
func capOptions(caps []string) []string {
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
	}
	return sortedCopy(out)
}
