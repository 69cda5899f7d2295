// Package archtest holds the tests that keep boxtop's layers apart: data flows from collectors
// to the TUI and views, never back, and views stay pure functions without Bubble Tea or I/O.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/boxtop/boxtop"

// imports maps every package of the module to its direct imports.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkgs[fields[0]] = fields[1:]
	}
	return pkgs
}

func TestLayers(t *testing.T) {
	rules := []struct {
		name      string
		from      string // package prefix
		forbidden []string
	}{
		{"collectors do not know how data is shown", module + "/collectors", []string{module + "/tui", module + "/views"}},
		{"views are pure: no Bubble Tea, no engine, no collectors but the data types", module + "/views", []string{
			"charm.land/bubbletea", "github.com/moby", module + "/collectors/cgroups", module + "/collectors/engine",
			module + "/collectors/proc", module + "/collectors/netns", "os", "os/exec", "net", "net/http",
		}},
		{"the TUI reads data through its Source, not the collectors", module + "/tui", []string{
			module + "/collectors/cgroups", module + "/collectors/engine", module + "/collectors/proc", module + "/collectors/netns", "github.com/moby",
		}},
		{"the snapshot types depend on nothing", module + "/collectors/snapshot", []string{module + "/", "github.com/", "charm.land/"}},
	}
	all := imports(t)
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			for pkg, deps := range all {
				if pkg != r.from && !strings.HasPrefix(pkg, r.from+"/") {
					continue
				}
				if strings.HasSuffix(pkg, "/snapshot") && r.from != module+"/collectors/snapshot" && strings.HasPrefix(r.from, module+"/collectors") {
					continue
				}
				for _, d := range deps {
					for _, f := range r.forbidden {
						if d == f || strings.HasPrefix(d, f+"/") || (strings.HasSuffix(f, "/") && strings.HasPrefix(d, f)) {
							t.Errorf("%s imports %s", pkg, d)
						}
					}
				}
			}
		})
	}
}

// TestOnlyEnginePackageTalksToDocker keeps every Docker API call in one package.
func TestOnlyEnginePackageTalksToDocker(t *testing.T) {
	for pkg, deps := range imports(t) {
		if pkg == module+"/collectors/engine" {
			continue
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "github.com/moby/") || strings.HasPrefix(d, "github.com/docker/") {
				t.Errorf("%s imports %s; only collectors/engine may", pkg, d)
			}
		}
	}
}
