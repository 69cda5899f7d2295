package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/internal/testimage"
)

// Labels on every container the suite starts: labelRun's value is "e2e-<run id>", labelPid
// the test process, so that a later run can tell a killed run's leftovers (whose process is
// gone) from the containers of a run still going.
const (
	labelRun    = "boxtop.test"
	labelPid    = "boxtop.test.pid"
	runIDPrefix = "e2e-"
)

// suite is what TestMain prepares once: written before m.Run, only read after.
type suite struct {
	runID string // four hex digits
	// names is the prefix of every container name of the run ("e2e1a2b"): short, so that the
	// names fit their columns at 120 cells, and a filter that finds only this run's containers.
	names  string
	repo   string
	tmp    string
	boxtop string // the built binary
	image  string
	// skip says why the tests cannot run; fail says they must fail for it instead.
	skip string
	fail bool
	// tmuxSocket and tmuxConf make a tmux server private to the run.
	tmuxSocket, tmuxConf string
}

var env suite

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if testing.Short() {
		// make test-unit: nothing here runs without the daemon.
		env.skip = "skipped with -short (the end-to-end tests need the Docker daemon and tmux)"
		return m.Run()
	}
	env.fail = os.Getenv("BOXTOP_REQUIRE_DOCKER") == "1"
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if reason := missing(ctx); reason != "" {
		env.skip = reason
		return m.Run() // every test skips (or fails) with the reason
	}

	var err error
	if env.repo, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	env.runID = randomHex(2)
	env.names = "e2e" + env.runID
	if env.tmp, err = os.MkdirTemp("", "boxtop-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(env.tmp)

	removeLeftovers(ctx)
	env.boxtop = filepath.Join(env.tmp, "boxtop")
	if out, err := testimage.GoBuild(ctx, env.repo, env.boxtop, "./cmd/boxtop", false); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/boxtop: %v\n%s", err, out)
		return 1
	}
	if env.image, _, err = testimage.Build(ctx, env.repo, env.tmp, "docker", "boxtop-e2e-workload"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build the workload image:", err)
		return 1
	}
	env.tmuxSocket = filepath.Join(env.tmp, "tmux.sock")
	env.tmuxConf = filepath.Join(env.tmp, "tmux.conf")
	// No status line (the pane is then the whole terminal size); a pane stays after its
	// program exits so that the tests can see it did, and with what status. The server stays
	// up between sessions: otherwise the last kill-session of one test ends it while the next
	// test's new-session connects ("server exited unexpectedly"); the run kills it at the end.
	conf := "set -g status off\nset -g remain-on-exit on\nset -g history-limit 200\nset -s exit-empty off\n"
	if err := os.WriteFile(env.tmuxConf, []byte(conf), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	code := m.Run()

	_ = exec.Command("tmux", "-S", env.tmuxSocket, "kill-server").Run()
	cleanup, cancelCleanup := context.WithTimeout(context.Background(), time.Minute)
	defer cancelCleanup()
	if err := removeByLabel(cleanup, labelRun+"="+runIDPrefix+env.runID); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: remove the run's containers:", err)
	}
	return code
}

// needDaemon skips the test (or fails it under BOXTOP_REQUIRE_DOCKER=1) when the suite cannot run.
func needDaemon(t testing.TB) {
	t.Helper()
	if env.skip == "" {
		return
	}
	if env.fail {
		t.Fatalf("BOXTOP_REQUIRE_DOCKER=1 but %s", env.skip)
	}
	t.Skipf("%s (set BOXTOP_REQUIRE_DOCKER=1 to fail instead)", env.skip)
}

// missing says why the suite cannot run here, or "" when the daemon answers and tmux exists.
func missing(ctx context.Context) string {
	if _, err := exec.LookPath("docker"); err != nil {
		return "the docker command is not installed"
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return fmt.Sprintf("no Docker daemon answers: docker info: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		return "tmux is not installed (apt-get install tmux)"
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// removeLeftovers removes the containers of earlier e2e runs whose test process is gone: a
// run killed before its cleanup. The containers of a run still going are left alone, and so
// are those of other suites that use the same label key with other values.
func removeLeftovers(ctx context.Context) {
	out, err := exec.CommandContext(ctx, "docker", "ps", "-a", "--filter", "label="+labelRun,
		"--format", `{{.ID}} {{.Label "`+labelRun+`"}} {{.Label "`+labelPid+`"}}`).Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: list leftovers:", err)
		return
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[1], runIDPrefix) {
			continue
		}
		if len(f) == 3 && processAlive(f[2]) {
			continue
		}
		ids = append(ids, f[0])
	}
	if len(ids) == 0 {
		return
	}
	args := append([]string{"rm", "-f", "-v"}, ids...)
	if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: remove leftovers: %v: %s\n", err, out)
	}
}

// processAlive reports whether a process with this pid exists. A reused pid keeps leftovers
// one run longer, which is harmless; a live run's containers are never taken.
func processAlive(pid string) bool {
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return false
	}
	_, err = os.Stat("/proc/" + strconv.Itoa(n))
	return err == nil
}

// removeByLabel force-removes every container carrying the label filter ("key" or "key=value").
func removeByLabel(ctx context.Context, filter string) error {
	return testimage.RemoveByLabel(ctx, "docker", filter)
}
