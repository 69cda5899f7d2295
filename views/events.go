package views

import (
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// eventAction words an event so that it reads without colour: OOM kills carry a symbol and
// capitals, a die its exit status.
func eventAction(e *snapshot.Event) (action string, tone Tone) {
	switch e.Action {
	case "oom":
		return "✖ OOM KILL", ToneBad
	case "die":
		if e.ExitCode != nil && *e.ExitCode != 0 {
			return "die", ToneWarn
		}
		return "die", ToneNone
	case "start":
		return "start", ToneGood
	case "kill", "restart":
		return e.Action, ToneWarn
	case "destroy":
		return "destroy", ToneDim
	}
	if e.Type != "" && e.Type != "container" {
		return e.Type + " " + e.Action, ToneNone // "network connect"
	}
	return orAbsent(e.Action), ToneNone
}

// eventDetail is what else there is to say: the exit status of a die.
func eventDetail(e *snapshot.Event) (string, Tone) {
	if e.ExitCode != nil {
		tone := ToneNone
		if *e.ExitCode != 0 {
			tone = ToneWarn
		}
		return FormatExitCode(*e.ExitCode), tone
	}
	if e.Action == "oom" {
		return "the kernel killed a process at the memory limit", ToneBad
	}
	return "", ToneNone
}

// eventName names an event's container: its name, else its short id.
func eventName(e *snapshot.Event) string {
	if e.Name != "" {
		return e.Name
	}
	return shortID(e.ContainerID)
}

// EventRows is how many events the Events pane shows at a terminal height.
func EventRows(height int) int { return ListRows(height) }

// NameMatches is the name filter's rule, for the container list and the events alike: the
// name contains the filter (ignoring case), or the id starts with it, as engines accept ids.
func NameMatches(filter, name, id string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	return strings.Contains(strings.ToLower(name), f) || (id != "" && strings.HasPrefix(id, f))
}

// FilterEvents returns the events whose container passes the name filter (all of them when
// there is none), oldest first as they came. On a busy host the filter is how one finds what
// happened to one container.
func FilterEvents(events []snapshot.Event, filter string) []snapshot.Event {
	if filter == "" {
		return events
	}
	var out []snapshot.Event
	for _, e := range events {
		if NameMatches(filter, e.Name, e.ContainerID) {
			out = append(out, e)
		}
	}
	return out
}

// eventsPane draws pane 5: the engines' recent events, newest first.
func eventsPane(s *State, width, height int, st Styles) []string {
	events := FilterEvents(s.Snapshot.Events, s.Filter)
	if len(events) == 0 && s.Filter != "" && len(s.Snapshot.Events) > 0 {
		msg := "no events of containers matching /" + sanitize(s.Filter) + " (esc clears the filter)"
		return []string{st.Dim.Render(Truncate(msg, width))}
	}
	if len(events) == 0 {
		msg := "no engine events yet (they appear as containers start, stop, die or hit OOM)"
		reachable := false
		for _, r := range s.Snapshot.Runtimes {
			reachable = reachable || r.Reachable
		}
		if !reachable {
			msg = "no engine events: no container engine answered"
		}
		return []string{st.Dim.Render(Truncate(msg, width))}
	}
	n := len(events)
	newest := func(r int) *snapshot.Event { return &events[n-1-r] }
	loc := s.location()
	// The growing columns want what the events in the window need (not only those on screen,
	// so that the columns stay put while the list scrolls): a short name leaves the room to
	// the image, and a window without OOM kills does not reserve room for their long detail.
	var nameWant, imageWant, detailWant int
	for i := range events {
		nameWant = max(nameWant, Width(eventName(&events[i])))
		imageWant = max(imageWant, Width(events[i].Image))
		detail, _ := eventDetail(&events[i])
		detailWant = max(detailWant, Width(detail))
	}
	t := Table{
		Columns: []Column{
			{ID: "TIME", Title: "TIME", Width: 8},
			{ID: "DATE", Title: "DATE", Width: 10, Priority: 4},
			{ID: "RUNTIME", Title: "RUNTIME", Width: 7, Priority: 3},
			{ID: "EVENT", Title: "EVENT", Width: 10},
			{ID: "NAME", Title: "NAME", Width: 12, Grow: true, MaxWidth: 32, Want: nameWant},
			{ID: "IMAGE", Title: "IMAGE", Width: 12, Priority: 2, Grow: true, MaxWidth: 40, Want: imageWant},
			{ID: "DETAIL", Title: "DETAIL", Width: 16, Priority: 1, Grow: true, Want: detailWant},
		},
		Rows:   n,
		Offset: min(max(s.EventsOffset, 0), max(n-(height-1), 0)),
		Cell: func(r, col, _ int) Cell {
			e := newest(r)
			switch col {
			case 0:
				return Cell{Text: e.Time.In(loc).Format("15:04:05")}
			case 1:
				return Cell{Text: e.Time.In(loc).Format("2006-01-02"), Tone: ToneDim}
			case 2:
				return Cell{Text: orAbsent(e.Runtime), Tone: ToneDim}
			case 3:
				text, tone := eventAction(e)
				return Cell{Text: text, Tone: tone}
			case 4:
				name := eventName(e)
				if e.Action == "oom" {
					return Cell{Text: orAbsent(name), Tone: ToneBad}
				}
				return Cell{Text: orAbsent(name)}
			case 5:
				return Cell{Text: orAbsent(e.Image), Tone: ToneDim}
			}
			text, tone := eventDetail(e)
			return Cell{Text: text, Tone: tone}
		},
	}
	return t.Render(width, height, st)
}
