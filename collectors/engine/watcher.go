package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// daemonAPI is the part of the engine client boxtop uses: the one seam where another client,
// or a fake, could stand in.
type daemonAPI interface {
	Ping(ctx context.Context, options client.PingOptions) (client.PingResult, error)
	ServerVersion(ctx context.Context, options client.ServerVersionOptions) (client.ServerVersionResult, error)
	Info(ctx context.Context, options client.InfoOptions) (client.SystemInfoResult, error)
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerInspect(ctx context.Context, id string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	NetworkList(ctx context.Context, options client.NetworkListOptions) (client.NetworkListResult, error)
	Events(ctx context.Context, options client.EventsListOptions) client.EventsResult
	ContainerStats(ctx context.Context, id string, options client.ContainerStatsOptions) (client.ContainerStatsResult, error)
	Close() error
}

// Option tunes a Watcher; the defaults suit a local daemon.
type Option func(*options)

type options struct {
	minBackoff, maxBackoff time.Duration
	startTimeout           time.Duration
	requestTimeout         time.Duration
	batchWindow            time.Duration
	inspectWorkers         int
	maxEvents              int
	sshFlags               []string
}

func defaultOptions() options {
	return options{
		minBackoff:     250 * time.Millisecond,
		maxBackoff:     5 * time.Second,
		startTimeout:   5 * time.Second,
		requestTimeout: 10 * time.Second,
		batchWindow:    10 * time.Millisecond,
		inspectWorkers: 8,
		maxEvents:      500,
	}
}

// WithBackoff sets the wait before reconnecting after a failure: it starts at min and doubles up
// to max while the engine keeps failing.
func WithBackoff(min, max time.Duration) Option {
	return func(o *options) {
		if min > 0 {
			o.minBackoff = min
		}
		if max >= o.minBackoff {
			o.maxBackoff = max
		}
	}
}

// WithStartTimeout bounds how long Start waits for the first sync, so that a hung daemon never
// holds up the caller's screen.
func WithStartTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.startTimeout = d
		}
	}
}

// WithRequestTimeout bounds each API call (the events stream excepted once it has answered).
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.requestTimeout = d
		}
	}
}

// WithMaxEvents sets how many recent events the inventory keeps.
func WithMaxEvents(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxEvents = n
		}
	}
}

// WithSSHOptions adds arguments to the ssh command that carries an ssh:// endpoint (for example
// "-i", KEY or "-o", "StrictHostKeyChecking=no"); the user's ~/.ssh/config applies as well.
func WithSSHOptions(args ...string) Option {
	return func(o *options) {
		o.sshFlags = append(o.sshFlags, args...)
	}
}

// Watcher keeps an inventory of one engine's containers and networks: a full sync at start and
// after every reconnect, then one inspect per changed container as its events arrive. Reading the
// inventory never calls the engine.
type Watcher struct {
	ep      Endpoint
	opts    options
	api     daemonAPI
	changed chan struct{}

	// life ends at Close, and with it any Stats call still waiting on the engine.
	life    context.Context
	endLife context.CancelFunc
	// stats counts the Stats calls in flight, which Close waits for before closing the client:
	// a connection opened after that would outlive the watcher (over ssh, a process).
	stats sync.WaitGroup

	mu        sync.Mutex
	st        state
	closed    bool
	cancel    context.CancelFunc
	done      chan struct{} // closed when run returns; nil until Start
	startOnce sync.Once
	closeOnce sync.Once
	closeErr  error
}

// NewWatcher prepares a watcher for ep without contacting the engine: Start does that. An
// ssh:// endpoint is carried by `ssh HOST docker system dial-stdio`, one ssh process per
// connection, as the docker CLI does; a tcp:// one is secured by ep.TLS.
func NewWatcher(ep Endpoint, opts ...Option) (*Watcher, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if ep.Runtime == "" {
		ep.Runtime = guessRuntime(ep.Host)
	}
	api, err := newClient(ep, o)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", ep.Runtime, redactHost(ep.Host), err)
	}
	return newWatcher(ep, api, o), nil
}

func newWatcher(ep Endpoint, api daemonAPI, o options) *Watcher {
	life, endLife := context.WithCancel(context.Background())
	return &Watcher{
		ep:      ep,
		opts:    o,
		api:     api,
		life:    life,
		endLife: endLife,
		changed: make(chan struct{}, 1),
		st: state{
			engine:     EngineInfo{Name: ep.Runtime, Endpoint: ep.Host},
			containers: map[string]ContainerInfo{},
		},
	}
}

// Start connects and keeps the inventory current until ctx is done or Close is called. It
// returns once the first full sync has succeeded or failed, or after the start timeout, whichever
// comes first; a failed or slow engine is then retried in the background. Calls after the first
// do nothing.
func (w *Watcher) Start(ctx context.Context) {
	w.startOnce.Do(func() {
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return
		}
		runCtx, cancel := context.WithCancel(ctx)
		w.cancel = cancel
		w.done = make(chan struct{})
		w.mu.Unlock()

		firstSync := make(chan struct{})
		go w.run(runCtx, firstSync)
		timer := time.NewTimer(w.opts.startTimeout)
		defer timer.Stop()
		select {
		case <-firstSync:
		case <-runCtx.Done():
		case <-timer.C:
			w.update(func(st *state) bool {
				if st.synced || st.err != nil {
					return false
				}
				st.err = w.failure(st, fmt.Errorf("no answer within %s", w.opts.startTimeout))
				return true
			})
		}
	})
}

// Inventory returns a copy of what the watcher knows; it makes no API call.
func (w *Watcher) Inventory() Inventory {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.st.inventory()
}

// Changed delivers one value after any number of changes since it was last read, so that a
// screen can redraw at once instead of at its next tick. It is closed by Close.
func (w *Watcher) Changed() <-chan struct{} { return w.changed }

// Close stops every goroutine the watcher started and closes the client's connections.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		cancel, done := w.cancel, w.done
		w.mu.Unlock()
		w.endLife()
		if cancel != nil {
			cancel()
			<-done
		}
		w.stats.Wait()
		w.closeErr = w.api.Close()
		w.mu.Lock()
		close(w.changed)
		w.mu.Unlock()
	})
	return w.closeErr
}

// update changes the state under the lock; when change reports a difference the generation moves
// and Changed fires.
func (w *Watcher) update(change func(st *state) bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !change(&w.st) {
		return
	}
	w.st.generation++
	if w.closed {
		return
	}
	select {
	case w.changed <- struct{}{}:
	default:
	}
}
