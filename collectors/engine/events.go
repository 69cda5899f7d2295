package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/moby/moby/api/types/events"
)

// isLifecycleAction says whether a container event can change what boxtop shows, so that the
// container is inspected again and the event kept for the events pane. Exec, attach, resize,
// top, copy and the like change nothing boxtop reads and are ignored.
func isLifecycleAction(action string) bool {
	switch action {
	case "create", "start", "restart", "die", "died", "stop", "kill", "oom", "rename", "update",
		"pause", "unpause", "health_status":
		return true
	}
	return false
}

// isRemoveAction says whether the container is gone: Docker says destroy, Podman's compatible
// API may say remove.
func isRemoveAction(action string) bool { return action == "destroy" || action == "remove" }

// batchPlan is what a run of events asks of the watcher, worked out before any API call so that
// the order rules live in one pure function.
type batchPlan struct {
	// inspect lists the containers to read again, in the order they first appeared.
	inspect []string
	// drop lists the containers that are gone. A container dropped in the batch is never
	// inspected in it: a late answer must not bring it back.
	drop []string
	// relistNetworks is set when a network was created or removed.
	relistNetworks bool
	// record holds the events to keep, in arrival order.
	record []snapshot.Event
}

// planBatch reads a run of events in arrival order. Because each inspect happens after the whole
// run has been read, one inspect answers for every event of that container in the run.
func planBatch(batch []events.Message, runtime string, knownName func(id string) string) batchPlan {
	var plan batchPlan
	wanted := map[string]bool{}
	dropped := map[string]bool{}
	want := func(id string) {
		if id != "" && !wanted[id] && !dropped[id] {
			wanted[id] = true
			plan.inspect = append(plan.inspect, id)
		}
	}
	for _, m := range batch {
		action := baseAction(string(m.Action))
		switch string(m.Type) {
		case "container":
			id := m.Actor.ID
			if id == "" {
				continue
			}
			switch {
			case isRemoveAction(action):
				if !dropped[id] {
					dropped[id] = true
					plan.drop = append(plan.drop, id)
				}
			case isLifecycleAction(action):
				want(id)
			default:
				continue
			}
			plan.record = append(plan.record, eventRecord(m, runtime, knownName))
		case "network":
			switch action {
			case "connect", "disconnect":
				want(m.Actor.Attributes["container"])
			case "create", "destroy", "remove":
				plan.relistNetworks = true
			}
		}
	}
	// A container that was dropped after it was first wanted is not inspected either.
	kept := plan.inspect[:0]
	for _, id := range plan.inspect {
		if !dropped[id] {
			kept = append(kept, id)
		}
	}
	plan.inspect = kept
	return plan
}

// baseAction strips the detail Docker appends to some actions ("health_status: healthy").
func baseAction(action string) string {
	base, _, _ := strings.Cut(action, ":")
	return strings.TrimSpace(base)
}

func eventRecord(m events.Message, runtime string, knownName func(id string) string) snapshot.Event {
	attrs := m.Actor.Attributes
	e := snapshot.Event{
		Time:        eventTime(m),
		Runtime:     runtime,
		Type:        string(m.Type),
		Action:      string(m.Action),
		ContainerID: m.Actor.ID,
		Name:        strings.TrimPrefix(attrs["name"], "/"),
		Image:       attrs["image"],
	}
	if e.Name == "" && knownName != nil {
		e.Name = knownName(m.Actor.ID)
	}
	if code, err := strconv.Atoi(attrs["exitCode"]); err == nil {
		e.ExitCode = &code
	}
	return e
}

func eventTime(m events.Message) time.Time {
	if m.TimeNano != 0 {
		return time.Unix(0, m.TimeNano)
	}
	return time.Unix(m.Time, 0)
}
