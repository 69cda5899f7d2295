package views

import (
	"strconv"
	"strings"
)

// demoHint points a user with no engine at the bundled recording.
const demoHint = "for a look at every pane, run: boxtop replay testdata/demo.bxr"

// emptyState explains an empty list: a filter that matches nothing, an engine that runs
// nothing, or no engine at all (which endpoints were tried and why each failed).
func emptyState(s *State, width, height int, st Styles) []string {
	snap := s.Snapshot
	if snap == nil {
		return []string{st.Dim.Render("collecting the first reading…")}
	}
	var lines []string
	// Messages wrap rather than cut: here the whole reason matters, and there is room.
	add := func(p Paint, text string) {
		for _, l := range wrap(compactIDs(sanitize(text)), width, 4) {
			lines = append(lines, p.Render(l))
		}
	}
	total, running := len(snap.Containers), 0
	for i := range snap.Containers {
		if snap.Containers[i].Running() {
			running++
		}
	}
	var reachable []string
	for _, r := range snap.Runtimes {
		if r.Reachable {
			name := r.Name
			if r.Version != nil {
				name += " " + *r.Version
			}
			if r.Endpoint != "" {
				name += " (" + r.Endpoint + ")"
			}
			reachable = append(reachable, name)
		}
	}
	switch {
	case s.Filter != "" && total > 0:
		add(Paint{}, "no containers match /"+s.Filter+": esc clears the filter")
		if !s.ShowAll && running < total {
			add(st.Dim, "(stopped containers are hidden: press a to include them)")
		}
	case len(reachable) > 0 && total == 0:
		add(Paint{}, "no containers on "+strings.Join(reachable, ", "))
	case len(reachable) > 0:
		add(Paint{}, "no running containers on "+strings.Join(reachable, ", "))
		add(st.Dim, "press a to show the "+strconv.Itoa(total-running)+" stopped ones")
	case total > 0:
		add(Paint{}, "no running containers (no engine answered; found in cgroups)")
		add(st.Dim, "press a to show the "+strconv.Itoa(total-running)+" stopped ones")
	default:
		add(st.Bad, "no container engine answered and no containers were found")
		if len(snap.Runtimes) == 0 {
			add(Paint{}, "no engine endpoint was found (DOCKER_HOST, docker context, default sockets)")
		} else {
			add(Paint{}, "tried:")
			for _, r := range snap.Runtimes {
				why := "no answer"
				if r.Error != nil {
					why = *r.Error
				}
				add(Paint{}, "  "+r.Name+" at "+orAbsent(r.Endpoint)+": "+why)
			}
		}
		for _, e := range snap.Host.Errors {
			add(st.Warn, "host: "+e)
		}
		add(Paint{}, "")
		add(st.Accent, demoHint)
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	return lines
}
