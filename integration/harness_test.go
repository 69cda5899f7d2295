package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boxtop/boxtop/internal/testimage"
)

// labelRun marks every container the suite starts; its value is the run id. labelTest names
// the test that started it, so that each test removes its own containers. The key is this
// suite's own: the clean-up of leftovers at start must not remove the containers of other
// packages' tests running at the same time (they use boxtop.test=...).
const (
	labelRun  = "boxtop.integration"
	labelTest = "boxtop.integration.test"
)

// suite is what TestMain prepares once for every test: written before m.Run, only read after.
type suite struct {
	runID    string
	repoRoot string
	image    string
	rootfs   string // the image's root filesystem, to import it into Podman too
	// boxtop is the built binary; buildErr says why it is missing.
	boxtop   string
	buildErr error
	tmp      string
	// cleanups remembers the tests whose containers are already scheduled for removal.
	cleanups sync.Map
}

var env suite

func TestMain(m *testing.M) {
	flag.Parse()
	raiseParallel()
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if testing.Short() {
		fmt.Println("integration: skipped with -short (these tests need the Docker daemon)")
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	if reason := daemonMissing(ctx); reason != "" {
		if os.Getenv("BOXTOP_REQUIRE_DOCKER") == "1" {
			fmt.Fprintf(os.Stderr, "integration: BOXTOP_REQUIRE_DOCKER=1 but no Docker daemon answers: %s\n"+
				"start one with scripts/docker-up.sh (make docker-up)\n", reason)
			return 1
		}
		fmt.Printf("integration: skipping every test, no Docker daemon answers: %s\n"+
			"(set BOXTOP_REQUIRE_DOCKER=1 to fail instead)\n", reason)
		return 0
	}

	var err error
	env.repoRoot, err = filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	env.runID = randomHex(4)
	env.tmp, err = os.MkdirTemp("", "boxtop-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	defer os.RemoveAll(env.tmp)
	// The unprivileged test runs the binary as nobody, who must be able to reach it.
	if err := os.Chmod(env.tmp, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}

	removeByLabel(ctx, labelRun) // leftovers of an earlier run that was killed
	env.image, env.rootfs, err = testimage.Build(ctx, env.repoRoot, env.tmp, "docker", "boxtop-test-workload")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: build the workload image:", err)
		return 1
	}
	env.boxtop = filepath.Join(env.tmp, "boxtop")
	if out, err := testimage.GoBuild(ctx, env.repoRoot, env.boxtop, "./cmd/boxtop", false); err != nil {
		// Only the tests that run the binary need it: they fail with this message.
		env.buildErr = fmt.Errorf("go build ./cmd/boxtop: %v\n%s", err, out)
		env.boxtop = ""
	}

	code := m.Run()

	cleanupCtx, cancelCleanup := context.WithTimeout(context.Background(), time.Minute)
	defer cancelCleanup()
	removeByLabel(cleanupCtx, labelRun+"="+env.runID)
	return code
}

// daemonMissing says why no daemon answers, or "" when one does.
func daemonMissing(ctx context.Context) string {
	if _, err := exec.LookPath("docker"); err != nil {
		return "the docker command is not installed"
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput()
	if err != nil {
		return fmt.Sprintf("docker info: %v: %s", err, strings.TrimSpace(string(out)))
	}
	if strings.TrimSpace(string(out)) == "" {
		return "docker info reports no server version"
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

// removeByLabel force-removes every container carrying the label filter ("key" or "key=value").
func removeByLabel(ctx context.Context, filter string) error {
	return testimage.RemoveByLabel(ctx, "docker", filter)
}
