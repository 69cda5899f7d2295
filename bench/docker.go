package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"sync"
)

// benchLabel marks every container the benchmark makes; -clean removes what carries it.
const benchLabel = "boxtop.bench"

// Names: short and distinct so that both tools show them whole at 160 columns, and sorted by
// name they come in index order.
const (
	burnName   = "bx-burn"
	memName    = "bx-mem"
	churnStem  = "bx-churn-"
	startBatch = 8 // containers started at once: the daemon serializes much of it anyway
)

func idleName(i int) string { return fmt.Sprintf("bx-%03d", i) }

// docker runs the docker CLI, returning its output or an error that holds it.
func docker(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return strings.TrimSpace(string(out)), nil
}

// benchContainers lists the benchmark's containers: name to state ("running", "exited", ...).
func benchContainers(ctx context.Context) (map[string]string, error) {
	out, err := docker(ctx, "ps", "-a", "--filter", "label="+benchLabel, "--format", "{{.Names}}\t{{.State}}")
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		name, state, ok := strings.Cut(line, "\t")
		if ok {
			states[name] = state
		}
	}
	return states, nil
}

// runArgs is how each of the scene's containers is made.
func runArgs(name, image string) []string {
	args := []string{"run", "-d", "--name", name, "--label", benchLabel + "=1", "--log-driver", "none"}
	switch name {
	case burnName:
		args = append(args, "--cpus", "0.5", image, "-burn", "1")
	case memName:
		args = append(args, "--memory", "256m", image, "-alloc", "128")
	default:
		args = append(args, image)
	}
	return args
}

// setScene makes exactly the wanted set of the benchmark's containers run: bx-000 up to n-1 and the
// two busy ones. It starts stopped ones, creates missing ones, stops the idle ones beyond n and
// removes churn leftovers. It works in parallel batches, since a hundred starts one by one take
// minutes.
func setScene(ctx context.Context, image string, n int) error {
	states, err := benchContainers(ctx)
	if err != nil {
		return err
	}
	want := map[string]bool{burnName: true, memName: true}
	for i := 0; i < n; i++ {
		want[idleName(i)] = true
	}
	var jobs []func(context.Context) error
	for name := range want {
		state, exists := states[name]
		switch {
		case !exists:
			jobs = append(jobs, func(ctx context.Context) error { _, err := docker(ctx, runArgs(name, image)...); return err })
		case state != "running":
			jobs = append(jobs, func(ctx context.Context) error {
				if _, err := docker(ctx, "start", name); err == nil {
					return nil
				}
				// A container that will not start again (its image gone, say) is made anew.
				if _, err := docker(ctx, "rm", "-f", name); err != nil {
					return err
				}
				_, err := docker(ctx, runArgs(name, image)...)
				return err
			})
		}
	}
	var stop, remove []string
	for name, state := range states {
		switch {
		case strings.HasPrefix(name, churnStem):
			remove = append(remove, name)
		case !want[name] && state == "running":
			stop = append(stop, name)
		}
	}
	sort.Strings(stop)
	if len(stop) > 0 {
		// docker stop works through its arguments in parallel.
		if _, err := docker(ctx, append([]string{"stop", "-t", "2"}, stop...)...); err != nil {
			return err
		}
	}
	if len(remove) > 0 {
		if _, err := docker(ctx, append([]string{"rm", "-f", "-v"}, remove...)...); err != nil {
			return err
		}
	}
	return inParallel(ctx, jobs, startBatch)
}

// inParallel runs jobs, at most width at once, and joins their errors.
func inParallel(ctx context.Context, jobs []func(context.Context) error, width int) error {
	sem := make(chan struct{}, width)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := job(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// stopScene stops every running container of the benchmark (they stay, for the next run) and
// removes churn leftovers.
func stopScene(ctx context.Context) error {
	states, err := benchContainers(ctx)
	if err != nil {
		return err
	}
	var stop, remove []string
	for name, state := range states {
		if strings.HasPrefix(name, churnStem) {
			remove = append(remove, name)
		} else if state == "running" {
			stop = append(stop, name)
		}
	}
	var errs []error
	if len(stop) > 0 {
		_, err := docker(ctx, append([]string{"stop", "-t", "2"}, stop...)...)
		errs = append(errs, err)
	}
	if len(remove) > 0 {
		_, err := docker(ctx, append([]string{"rm", "-f", "-v"}, remove...)...)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// cleanAll removes every container of the benchmark and its images.
func cleanAll(ctx context.Context, out io.Writer) error {
	states, err := benchContainers(ctx)
	if err != nil {
		return err
	}
	if len(states) > 0 {
		names := make([]string, 0, len(states))
		for name := range states {
			names = append(names, name)
		}
		sort.Strings(names)
		if _, err := docker(ctx, append([]string{"rm", "-f", "-v"}, names...)...); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "bench: removed %d containers labelled %s\n", len(states), benchLabel)
	images, err := docker(ctx, "images", "-q", "boxtop-bench-workload")
	if err != nil {
		return err
	}
	if ids := strings.Fields(images); len(ids) > 0 {
		if _, err := docker(ctx, append([]string{"rmi", "-f"}, ids...)...); err != nil {
			return err
		}
		fmt.Fprintf(out, "bench: removed %d boxtop-bench-workload images\n", len(ids))
	}
	return nil
}

// othersRunning counts the running containers that are not the benchmark's.
func othersRunning(ctx context.Context) (int, error) {
	all, err := docker(ctx, "ps", "-q")
	if err != nil {
		return 0, err
	}
	mine, err := docker(ctx, "ps", "-q", "--filter", "label="+benchLabel)
	if err != nil {
		return 0, err
	}
	return len(strings.Fields(all)) - len(strings.Fields(mine)), nil
}
