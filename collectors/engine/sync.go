package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// run connects, syncs and follows events until ctx ends, reconnecting with a growing wait after
// every failure. firstSync is closed when the first attempt has succeeded or failed.
func (w *Watcher) run(ctx context.Context, firstSync chan struct{}) {
	defer close(w.done)
	var once sync.Once
	synced := func() { once.Do(func() { close(firstSync) }) }
	defer synced()
	// Once stopped, the inventory is no longer kept current: say so.
	defer w.update(func(st *state) bool {
		st.reachable, st.err = false, w.failure(st, errStopped)
		return true
	})

	wait := w.opts.minBackoff
	for {
		streamed, err := w.session(ctx, synced)
		if ctx.Err() != nil {
			return
		}
		w.update(func(st *state) bool {
			msg := w.failure(st, err)
			if !st.reachable && st.err != nil && st.err.Error() == msg.Error() {
				return false
			}
			st.reachable, st.err = false, msg
			return true
		})
		synced()
		// A session that streamed for a good while was healthy: start over from the shortest
		// wait. One that failed at once keeps doubling, so a flapping engine is not hammered.
		if streamed > w.opts.maxBackoff {
			wait = w.opts.minBackoff
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		wait = min(2*wait, w.opts.maxBackoff)
	}
}

// session is one connection: handshake, subscribe, full relist, then events until an error. It
// subscribes before listing so that an event during the listing waits in the stream and is
// applied after it, never lost. It returns how long it followed the stream.
func (w *Watcher) session(parent context.Context, synced func()) (time.Duration, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	eng, seccomp, daemonNow, err := w.handshake(ctx)
	if err != nil {
		return 0, err
	}
	stream, err := w.subscribe(ctx, cancel, daemonNow)
	if err != nil {
		return 0, err
	}
	containers, networks, err := w.relist(ctx, seccomp)
	if err != nil {
		return 0, err
	}
	// An engine that refused the subscription (a status code) has said so by now. Its
	// containers are still worth showing, but the inventory is not kept current.
	var refused error
	select {
	case err := <-stream.Err:
		refused = streamError(err)
	default:
	}
	w.update(func(st *state) bool {
		st.engine = eng
		st.containers = containers
		st.networks = networks
		st.reachable, st.err, st.synced = true, nil, true
		if refused != nil {
			st.reachable, st.err = false, w.failure(st, refused)
		}
		st.lastSyncDaemonTime = daemonNow
		return true
	})
	synced()
	if refused != nil {
		return 0, refused
	}
	started := time.Now()
	err = w.follow(ctx, stream, seccomp)
	return time.Since(started), err
}

// handshake pings (negotiating the API version again, in case the engine was upgraded), then
// reads the version and info.
func (w *Watcher) handshake(ctx context.Context) (EngineInfo, bool, time.Time, error) {
	rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	defer cancel()
	if _, err := w.api.Ping(rctx, client.PingOptions{NegotiateAPIVersion: true, ForceNegotiate: true}); err != nil {
		return EngineInfo{}, false, time.Time{}, stepError{"ping", err}
	}
	version, err := w.api.ServerVersion(rctx, client.ServerVersionOptions{})
	if err != nil {
		return EngineInfo{}, false, time.Time{}, stepError{"version", err}
	}
	info, err := w.api.Info(rctx, client.InfoOptions{})
	if err != nil {
		return EngineInfo{}, false, time.Time{}, stepError{"info", err}
	}
	return engineInfo(w.ep, version, info.Info), engineAppliesSeccomp(info.Info), parseEngineTime(info.Info.SystemTime), nil
}

// subscribe opens the events stream. After a reconnect it asks for the events since the last
// one it saw (else since the previous sync), so the events pane keeps what happened while the
// stream was down; the relist that follows fixes the state either way. The client's Events
// waits for the response headers with no deadline of its own, so a timer cancels the session if
// they do not come.
func (w *Watcher) subscribe(ctx context.Context, cancel context.CancelFunc, daemonNow time.Time) (client.EventsResult, error) {
	opts := client.EventsListOptions{Filters: make(client.Filters).Add("type", "container", "network")}
	w.mu.Lock()
	since := w.st.lastSyncDaemonTime
	if n := len(w.st.events); n > 0 {
		since = w.st.events[n-1].Time.Add(time.Nanosecond)
	}
	w.mu.Unlock()
	if !since.IsZero() && (daemonNow.IsZero() || since.Before(daemonNow)) {
		opts.Since = since.UTC().Format(time.RFC3339Nano)
	}
	timer := time.AfterFunc(w.opts.requestTimeout, cancel)
	stream := w.api.Events(ctx, opts)
	if !timer.Stop() {
		return client.EventsResult{}, stepError{"events", context.DeadlineExceeded}
	}
	return stream, nil
}

// relist reads every container and network afresh, inspecting containers a few at a time.
func (w *Watcher) relist(ctx context.Context, seccomp bool) (map[string]ContainerInfo, []NetworkInfo, error) {
	rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	list, err := w.api.ContainerList(rctx, client.ContainerListOptions{All: true})
	cancel()
	if err != nil {
		return nil, nil, stepError{"list containers", err}
	}
	ids := make([]string, len(list.Items))
	for i, s := range list.Items {
		ids[i] = s.ID
	}
	results := w.inspectAll(ctx, ids, seccomp)
	containers := make(map[string]ContainerInfo, len(ids))
	for i, r := range results {
		switch {
		case r.err == nil:
			containers[r.info.ID] = r.info
		case r.gone:
			// removed between the list and the inspect
		case isTransportError(r.err):
			return nil, nil, stepError{"inspect " + ids[i], r.err}
		default:
			containers[ids[i]] = containerFromSummary(list.Items[i])
		}
	}
	networks, err := w.listNetworks(ctx)
	if err != nil {
		return nil, nil, err
	}
	return containers, networks, nil
}

func (w *Watcher) listNetworks(ctx context.Context) ([]NetworkInfo, error) {
	rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	defer cancel()
	list, err := w.api.NetworkList(rctx, client.NetworkListOptions{})
	if err != nil {
		return nil, stepError{"list networks", err}
	}
	return networksFromList(list.Items), nil
}

type inspectResult struct {
	info ContainerInfo
	gone bool // the engine no longer knows the container
	err  error
}

// inspectAll inspects ids with bounded concurrency; results are in the order of ids.
func (w *Watcher) inspectAll(ctx context.Context, ids []string, seccomp bool) []inspectResult {
	results := make([]inspectResult, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(w.opts.inspectWorkers, len(ids)) {
		wg.Go(func() {
			for i := range next {
				results[i] = w.inspect(ctx, ids[i], seccomp)
			}
		})
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

func (w *Watcher) inspect(ctx context.Context, id string, seccomp bool) inspectResult {
	rctx, cancel := context.WithTimeout(ctx, w.opts.requestTimeout)
	defer cancel()
	res, err := w.api.ContainerInspect(rctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return inspectResult{gone: cerrdefs.IsNotFound(err), err: err}
	}
	info := containerFromInspect(res.Container, seccomp)
	if info.ID == "" {
		info.ID = id
	}
	return inspectResult{info: info}
}

// follow applies events until the stream fails. Events are read in short runs: a `docker run`
// sends create, connect and start within a millisecond, and one inspect answers for all three.
func (w *Watcher) follow(ctx context.Context, stream client.EventsResult, seccomp bool) error {
	for {
		var batch []events.Message
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-stream.Err:
			return streamError(err)
		case m := <-stream.Messages:
			batch = append(batch, m)
		}
		var streamErr error
		window := time.NewTimer(w.opts.batchWindow)
	gather:
		for len(batch) < 256 {
			select {
			case m := <-stream.Messages:
				batch = append(batch, m)
			case err := <-stream.Err:
				streamErr = streamError(err)
				break gather
			case <-window.C:
				break gather
			case <-ctx.Done():
				window.Stop()
				return ctx.Err()
			}
		}
		window.Stop()
		if err := w.applyBatch(ctx, batch, seccomp); err != nil {
			return err
		}
		if streamErr != nil {
			return streamErr
		}
	}
}

// applyBatch inspects what the events ask for and applies the answers and the events in one
// change. An inspect that finds the container gone drops it; any transport failure ends the
// session, whose relist on reconnect repairs whatever was missed.
func (w *Watcher) applyBatch(ctx context.Context, batch []events.Message, seccomp bool) error {
	w.mu.Lock()
	runtime := w.st.engine.Name
	names := make(map[string]string, len(w.st.containers))
	for id, c := range w.st.containers {
		names[id] = c.Name
	}
	w.mu.Unlock()
	plan := planBatch(batch, runtime, func(id string) string { return names[id] })

	var networks []NetworkInfo
	if plan.relistNetworks {
		var err error
		if networks, err = w.listNetworks(ctx); err != nil {
			return err
		}
	}
	results := w.inspectAll(ctx, plan.inspect, seccomp)
	for i, r := range results {
		if r.err != nil && !r.gone && isTransportError(r.err) {
			return stepError{"inspect " + plan.inspect[i], r.err}
		}
	}
	if len(plan.drop) == 0 && len(results) == 0 && !plan.relistNetworks && len(plan.record) == 0 {
		return nil // only events boxtop ignores
	}
	w.update(func(st *state) bool {
		for _, id := range plan.drop {
			delete(st.containers, id)
		}
		for i, r := range results {
			switch {
			case r.err == nil:
				st.containers[r.info.ID] = r.info
			case r.gone:
				delete(st.containers, plan.inspect[i])
			}
			// Any other engine error keeps what was known of the container.
		}
		if plan.relistNetworks {
			st.networks = networks
		}
		st.events = append(st.events, plan.record...)
		if over := len(st.events) - w.opts.maxEvents; over > 0 {
			st.events = append(st.events[:0:0], st.events[over:]...)
		}
		return true
	})
	return nil
}

// stepError says which call failed, for the messages that are about the engine's answer rather
// than about reaching it.
type stepError struct {
	step string
	err  error
}

func (e stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e stepError) Unwrap() error { return e.err }

// errStopped is how a watcher whose context ended shows in Inventory.Err.
var errStopped = errors.New("watcher stopped")

// errStreamClosed is how a stream the engine ended shows in Inventory.Err.
var errStreamClosed = errors.New("events stream closed by the engine")

func streamError(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errStreamClosed
	}
	return stepError{"events", err}
}

// isTransportError tells a failure to reach the engine (which ends the session) from the
// engine's own refusal (a status code), which is about one request.
func isTransportError(err error) bool {
	var netErr net.Error
	return client.IsErrConnectionFailed(err) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// failure words err for Inventory.Err: the engine, its address, then the plainest cause, so
// "docker at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: no such file
// or directory" rather than the client's advice.
// It is called under the lock, with the state it reads the engine's name from.
func (w *Watcher) failure(st *state, err error) error {
	return fmt.Errorf("%s at %s: %w", st.engine.Name, w.ep.Host, plainCause(err, w.opts.requestTimeout))
}

func plainCause(err error, timeout time.Duration) error {
	var opErr *net.OpError
	switch {
	case err == nil:
		return errors.New("unknown failure")
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer within %s", timeout)
	case errors.As(err, &opErr):
		return opErr
	}
	return err
}
