package e2e

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The waits: the first screen comes after the engine's first inventory and a reading; later
// ones after one key and at most a reading or two.
const (
	firstScreen = 20 * time.Second
	nextScreen  = 10 * time.Second
)

// TestScreen drives boxtop at 120x40 through every pane and view with the keys a user
// presses, against containers whose truth the test knows: limits, host networking, a
// joined network namespace, a published port, forked processes, a start event.
func TestScreen(t *testing.T) {
	needDaemon(t)
	base := start(t,
		spec{role: "lim", options: []string{"--cpus", "0.5", "-m", "64m", "--pids-limit", "40"}, workload: []string{"-fork", "2"}},
		spec{role: "hnet", options: []string{"--network", "host"}},
		spec{role: "web", options: []string{"-p", "127.0.0.1::8080"}, workload: []string{"-listen", "8080"}},
	)
	lim, hnet, web := base[0], base[1], base[2]
	join := start(t, spec{role: "join", options: []string{"--network", "container:" + web.Name}})[0]

	tm := openTerm(t, 120, 40, boxtopCommand())
	tm.waitText(t, firstScreen, "[1 Resources]", "every 1s")

	// Only this run's containers from here on: other suites may be running on the daemon.
	tm.keys(t, "/")
	tm.typeText(t, env.names)
	tm.keys(t, "Enter")
	tm.waitFor(t, "the run's four containers under the filter", firstScreen, func(s screen) error {
		if !s.contains("/" + env.names) {
			return fmt.Errorf("the footer does not show the filter /%s", env.names)
		}
		return rowsAre(s, lim.Name, hnet.Name, web.Name, join.Name)
	})

	t.Run("resources shows the limits on the limited row", func(t *testing.T) {
		tm.keys(t, "1")
		tm.waitFor(t, "lim's limits", nextScreen, func(s screen) error {
			header, row, err := tableRow(s, lim.Name, "CPU LIM", "MEM LIM", "PIDS")
			if err != nil {
				return err
			}
			if got := cell(header, row, "CPU LIM", true); got != "0.5" {
				return fmt.Errorf("CPU LIM of %s reads %q, want 0.5", lim.Name, got)
			}
			if got := cell(header, row, "MEM LIM", true); got != "64MiB" {
				return fmt.Errorf("MEM LIM of %s reads %q, want 64MiB", lim.Name, got)
			}
			if got := cell(header, row, "PIDS", true); !strings.HasSuffix(got, "/40") {
				return fmt.Errorf("PIDS of %s reads %q, want n/40", lim.Name, got)
			}
			// And the unlimited container reads "-", not a huge number.
			_, other, err := tableRow(s, web.Name, "CPU LIM")
			if err != nil {
				return err
			}
			if got := cell(header, other, "CPU LIM", true); got != "-" {
				return fmt.Errorf("CPU LIM of the unlimited %s reads %q, want -", web.Name, got)
			}
			return nil
		})
	})

	t.Run("isolation shows host and =NAME from the kernel", func(t *testing.T) {
		tm.keys(t, "2")
		tm.waitFor(t, "the NET namespace verdicts", nextScreen, func(s screen) error {
			if !s.contains("[2 Isolation]") {
				return fmt.Errorf("not on the Isolation tab")
			}
			want := map[string]string{hnet.Name: "host", join.Name: "=" + web.Name, web.Name: "=" + join.Name, lim.Name: "own"}
			for n, verdict := range want {
				header, row, err := tableRow(s, n, "PID", "NET")
				if err != nil {
					return err
				}
				if got := cell(header, row, "NET", false); got != verdict {
					return fmt.Errorf("NET of %s reads %q, want %q", n, got, verdict)
				}
			}
			return nil
		})
	})

	t.Run("network shows the host veth and the published port", func(t *testing.T) {
		peer := hostPeer(t, web.Pid)
		ports := web.Ports["8080/tcp"]
		if len(ports) == 0 {
			t.Fatalf("setup: docker inspect shows no host port for %s 8080/tcp", web.Name)
		}
		tm.keys(t, "3")
		tm.waitFor(t, "web's peer and port", nextScreen, func(s screen) error {
			if !s.contains("[3 Network]") {
				return fmt.Errorf("not on the Network tab")
			}
			header, row, err := tableRow(s, web.Name, "HOST PEER", "PORTS")
			if err != nil {
				return err
			}
			if got := cell(header, row, "HOST PEER", false); got != peer && !strings.HasPrefix(got, peer+"@") {
				return fmt.Errorf("HOST PEER of %s reads %q, want %s (the host link eth0's @if index names)", web.Name, got, peer)
			}
			if got := cell(header, row, "PORTS", false); !strings.HasPrefix(got, "127.0.0.1:"+ports[0]+"→") {
				return fmt.Errorf("PORTS of %s reads %q, want 127.0.0.1:%s→8080/tcp", web.Name, got, ports[0])
			}
			_, row, err = tableRow(s, join.Name, "MODE")
			if err != nil {
				return err
			}
			if got := cell(header, row, "MODE", false); got != "container:"+web.Name {
				return fmt.Errorf("MODE of %s reads %q, want container:%s", join.Name, got, web.Name)
			}
			return nil
		})
	})

	// Select the limited container: the list is sorted by name (hnet, join, lim, web).
	tm.keys(t, "g", "j", "j")

	t.Run("processes shows init with NSpid 1", func(t *testing.T) {
		tm.keys(t, "4")
		tm.waitFor(t, "lim's processes", nextScreen, func(s screen) error {
			if !s.contains("[4 Processes]") || !s.contains(lim.Name+" · ") {
				return fmt.Errorf("not on the Processes tab of %s", lim.Name)
			}
			header, ok := s.headerOf("PID", "NSPID", "COMMAND")
			if !ok {
				return fmt.Errorf("no process table")
			}
			var found []string
			for _, line := range s {
				if cell(header, line, "NSPID", true) == "1" {
					found = append(found, line)
					if got := cell(header, line, "PID", true); got != strconv.Itoa(lim.Pid) {
						return fmt.Errorf("the NSpid 1 row has host PID %q, want %d (docker inspect's): %q", got, lim.Pid, line)
					}
					if !strings.Contains(line, "/workload -fork 2") {
						return fmt.Errorf("the NSpid 1 row does not show the command: %q", line)
					}
				}
			}
			if len(found) != 1 {
				return fmt.Errorf("%d rows with NSpid 1, want 1", len(found))
			}
			if !s.contains("├─ /workload -child sleep") && !s.contains("└─ /workload -child sleep") {
				return fmt.Errorf("the forked children are not under init in the tree")
			}
			return nil
		})
	})

	t.Run("enter opens the detail, esc goes back", func(t *testing.T) {
		tm.keys(t, "Enter")
		tm.waitText(t, nextScreen, "[detail: "+lim.Name+"]", "of 0.5 cores", "of 64MiB")
		tm.keys(t, "Escape")
		tm.waitFor(t, "back on the Processes tab", nextScreen, func(s screen) error {
			if s.contains("[detail:") || !s.contains("[4 Processes]") {
				return fmt.Errorf("still in the detail view")
			}
			return nil
		})
		// esc and a key in one write (quick typing, or one SSH packet) read as alt+key:
		// boxtop must take them as the two keys.
		tm.keys(t, "Enter")
		tm.waitText(t, nextScreen, "[detail: "+lim.Name+"]")
		tm.keysAtOnce(t, "Escape", "3")
		tm.waitFor(t, "esc+3 in one write: the Network tab", nextScreen, func(s screen) error {
			if s.contains("[detail:") || !s.contains("[3 Network]") {
				return fmt.Errorf("not on the Network tab")
			}
			return nil
		})
	})

	t.Run("space marks two, c compares them", func(t *testing.T) {
		tm.keys(t, "1", "Space", "j", "Space")
		tm.waitText(t, nextScreen, "2 marked")
		tm.keys(t, "c")
		tm.waitFor(t, "the compare view", nextScreen, func(s screen) error {
			if !s.contains("[compare: 2 marked]") {
				return fmt.Errorf("not in the compare view")
			}
			header, ok := s.headerOf("PROPERTY", lim.Name, web.Name)
			if !ok {
				return fmt.Errorf("no column heads %s and %s", lim.Name, web.Name)
			}
			if titleAt(header, lim.Name) > titleAt(header, web.Name) {
				return fmt.Errorf("the columns are not in list order: %q", header)
			}
			return nil
		})
		tm.keys(t, "Escape", "Space", "k", "Space") // unmark both again
		tm.waitFor(t, "no marks", nextScreen, func(s screen) error {
			if s.contains("marked") {
				return fmt.Errorf("marks remain")
			}
			return nil
		})
	})

	t.Run("events shows a start naming the container", func(t *testing.T) {
		tm.keys(t, "5")
		late := start(t, spec{role: "late"})[0]
		tm.waitFor(t, "the start event of "+late.Name, nextScreen, func(s screen) error {
			header, ok := s.headerOf("TIME", "EVENT", "NAME")
			if !ok {
				return fmt.Errorf("no events table")
			}
			for _, line := range s {
				if cell(header, line, "EVENT", false) == "start" && cell(header, line, "NAME", false) == late.Name {
					return nil
				}
			}
			return fmt.Errorf("no start event of %s", late.Name)
		})
	})

	t.Run("/ filters the list down to one container", func(t *testing.T) {
		tm.keys(t, "1", "Escape", "/")
		tm.typeText(t, web.Name)
		tm.keys(t, "Enter")
		tm.waitFor(t, "only "+web.Name, nextScreen, func(s screen) error {
			if !s.contains("/" + web.Name) {
				return fmt.Errorf("the footer does not show the filter")
			}
			return rowsAre(s, web.Name)
		})
	})

	t.Run("? lists the keys", func(t *testing.T) {
		tm.keys(t, "?")
		tm.waitText(t, nextScreen, "KEYS", "quit", "filter by name", "mark for compare", "detail view")
		tm.keys(t, "?")
		tm.waitGone(t, "the help closed", "KEYS")
	})

	t.Run("q exits", func(t *testing.T) {
		tm.quit(t, "boxtop")
	})
}

// tableRow finds the title row with titles and the row of a container in it.
func tableRow(s screen, name string, titles ...string) (header, row string, err error) {
	header, ok := s.headerOf(titles...)
	if !ok {
		return "", "", fmt.Errorf("no table titled %s", strings.Join(titles, ", "))
	}
	row, ok = s.row(name)
	if !ok {
		return "", "", fmt.Errorf("no row of %s (a name cut short?)", name)
	}
	return header, row, nil
}

// rowsAre checks that the Resources list holds exactly these containers: the words after
// the gutter marks on the lines between the title row and the footer.
func rowsAre(s screen, names ...string) error {
	header, ok := s.headerOf("NAME", "STATE")
	if !ok {
		return fmt.Errorf("no Resources table")
	}
	var got []string
	in := false
	for _, line := range s {
		if line == header {
			in = true
			continue
		}
		if !in || len(line) < 4 || strings.TrimSpace(line) == "" {
			continue
		}
		if f := strings.Fields(line[4:]); len(f) > 1 && (f[1] == "running" || f[1] == "exited") {
			got = append(got, f[0])
		}
	}
	want := slices.Clone(names)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		return fmt.Errorf("the list shows %v, want %v", got, want)
	}
	return nil
}
