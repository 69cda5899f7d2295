package engine

import (
	"reflect"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/moby/moby/api/types/events"
)

func containerEvent(action, id, name string, attrs ...string) events.Message {
	a := map[string]string{"name": name, "image": "boxtop-sample:probe"}
	for i := 0; i+1 < len(attrs); i += 2 {
		a[attrs[i]] = attrs[i+1]
	}
	return events.Message{Type: "container", Action: events.Action(action), Actor: events.Actor{ID: id, Attributes: a},
		Time: 1795766864, TimeNano: 1795766864306224978}
}

func networkEvent(action, container string) events.Message {
	a := map[string]string{"name": "bridge", "type": "bridge"}
	if container != "" {
		a["container"] = container
	}
	return events.Message{Type: "network", Action: events.Action(action), Actor: events.Actor{ID: bridgeNetID, Attributes: a}}
}

func TestPlanBatch(t *testing.T) {
	tests := []struct {
		name           string
		batch          []events.Message
		wantInspect    []string
		wantDrop       []string
		wantNetworks   bool
		wantRecordActs []string
	}{
		{
			name:           "one start: one inspect",
			batch:          []events.Message{containerEvent("start", webID, "web")},
			wantInspect:    []string{webID},
			wantRecordActs: []string{"start"},
		},
		{
			name: "docker run sends create, connect and start: one inspect answers for all",
			batch: []events.Message{
				containerEvent("create", webID, "web"), networkEvent("connect", webID), containerEvent("start", webID, "web"),
			},
			wantInspect:    []string{webID},
			wantRecordActs: []string{"create", "start"},
		},
		{
			name: "start then destroy in one run: dropped, never inspected",
			batch: []events.Message{
				containerEvent("start", webID, "web"), containerEvent("die", webID, "web", "exitCode", "0"),
				containerEvent("destroy", webID, "web"),
			},
			wantDrop:       []string{webID},
			wantRecordActs: []string{"start", "die", "destroy"},
		},
		{
			name: "an event after the destroy does not bring it back",
			batch: []events.Message{
				containerEvent("destroy", webID, "web"), networkEvent("disconnect", webID), containerEvent("die", webID, "web"),
			},
			wantDrop:       []string{webID},
			wantRecordActs: []string{"destroy", "die"},
		},
		{
			name: "two containers keep their order; Podman's remove drops",
			batch: []events.Message{
				containerEvent("stop", dbID, "db"), containerEvent("health_status: healthy", webID, "web"),
				containerEvent("remove", sideID, "side"),
			},
			wantInspect:    []string{dbID, webID},
			wantDrop:       []string{sideID},
			wantRecordActs: []string{"stop", "health_status: healthy", "remove"},
		},
		{
			name: "exec, attach and resize change nothing boxtop reads",
			batch: []events.Message{
				containerEvent("exec_create: sh -c true", webID, "web"), containerEvent("exec_start: sh -c true", webID, "web"),
				containerEvent("exec_die", webID, "web"), containerEvent("attach", webID, "web"), containerEvent("resize", webID, "web"),
			},
		},
		{
			name:         "network created and removed: the network list is read again, no container",
			batch:        []events.Message{networkEvent("create", ""), networkEvent("destroy", "")},
			wantNetworks: true,
		},
		{
			name:        "a disconnect alone inspects the container but is not kept as a container event",
			batch:       []events.Message{networkEvent("disconnect", dbID)},
			wantInspect: []string{dbID},
		},
		{
			name:  "events with no actor are skipped",
			batch: []events.Message{{Type: "container", Action: "start"}, networkEvent("connect", "")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planBatch(tt.batch, "docker", func(string) string { return "" })
			if !equalOrEmpty(plan.inspect, tt.wantInspect) {
				t.Errorf("inspect %q, want %q", plan.inspect, tt.wantInspect)
			}
			if !equalOrEmpty(plan.drop, tt.wantDrop) {
				t.Errorf("drop %q, want %q", plan.drop, tt.wantDrop)
			}
			if plan.relistNetworks != tt.wantNetworks {
				t.Errorf("relistNetworks %v, want %v", plan.relistNetworks, tt.wantNetworks)
			}
			var acts []string
			for _, e := range plan.record {
				acts = append(acts, e.Action)
			}
			if !equalOrEmpty(acts, tt.wantRecordActs) {
				t.Errorf("recorded %q, want %q", acts, tt.wantRecordActs)
			}
		})
	}
}

func equalOrEmpty(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestEventRecord(t *testing.T) {
	code := 137
	tests := []struct {
		name  string
		msg   events.Message
		known string
		want  snapshot.Event
	}{
		{
			name: "die carries the exit code and the time to the nanosecond",
			msg:  containerEvent("die", webID, "web", "exitCode", "137"),
			want: snapshot.Event{Time: time.Unix(0, 1795766864306224978), Runtime: "docker", Type: "container", Action: "die",
				ContainerID: webID, Name: "web", Image: "boxtop-sample:probe", ExitCode: &code},
		},
		{
			name:  "no name attribute: the name the watcher knows; seconds only",
			msg:   events.Message{Type: "container", Action: "oom", Actor: events.Actor{ID: webID}, Time: 1795766864},
			known: "web",
			want:  snapshot.Event{Time: time.Unix(1795766864, 0), Runtime: "docker", Type: "container", Action: "oom", ContainerID: webID, Name: "web"},
		},
		{
			name: "an unreadable exit code is left out",
			msg:  containerEvent("die", webID, "/web", "exitCode", "x"),
			want: snapshot.Event{Time: time.Unix(0, 1795766864306224978), Runtime: "docker", Type: "container", Action: "die",
				ContainerID: webID, Name: "web", Image: "boxtop-sample:probe"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := eventRecord(tt.msg, "docker", func(string) string { return tt.known })
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("Time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
