// Package testimage makes the container image boxtop's tests and benchmarks run: the project's
// static workload program (integration/workload) as the whole root filesystem, imported into
// an engine with `import`. There is no registry to pull from, and none is needed.
package testimage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// WorkloadPackage is the program every test container runs as its init.
const WorkloadPackage = "github.com/boxtop/boxtop/integration/workload"

// Build compiles the workload into dir/rootfs and imports it into the engine whose CLI is cli
// ("docker" or "podman") as repo:<hash of the binary>, unless that tag is there already, so an
// unchanged workload is imported once. It returns the image and the root filesystem's directory
// (to import into another engine with Import).
func Build(ctx context.Context, repoRoot, dir, cli, repo string) (image, rootfs string, err error) {
	rootfs = filepath.Join(dir, "rootfs")
	// Mount points the runtime would otherwise create: a read-only root cannot get them later.
	for _, d := range []string{"etc", "tmp", "proc", "sys", "dev", "bin"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return "", "", err
		}
	}
	if err := os.Chmod(filepath.Join(rootfs, "tmp"), 0o1777); err != nil {
		return "", "", err
	}
	for _, f := range []string{"etc/hostname", "etc/hosts", "etc/resolv.conf"} {
		if err := os.WriteFile(filepath.Join(rootfs, f), nil, 0o644); err != nil {
			return "", "", err
		}
	}
	bin := filepath.Join(rootfs, "workload")
	if out, err := GoBuild(ctx, repoRoot, bin, WorkloadPackage, true); err != nil {
		return "", "", fmt.Errorf("go build %s: %v\n%s", WorkloadPackage, err, out)
	}
	// The workload is also the image's mount program (integration/workload/mount.go), so a test
	// can add a mount from outside with `nsenter -m /bin/mount`.
	if err := os.Symlink("/workload", filepath.Join(rootfs, "bin", "mount")); err != nil && !os.IsExist(err) {
		return "", "", err
	}
	sum, err := fileHash(bin)
	if err != nil {
		return "", "", err
	}
	image = repo + ":" + sum[:16]
	return image, rootfs, Import(ctx, cli, rootfs, image)
}

// Import imports rootfs into the engine whose CLI is cli as image, unless it is there already.
func Import(ctx context.Context, cli, rootfs, image string) error {
	if exec.CommandContext(ctx, cli, "image", "inspect", image).Run() == nil {
		return nil
	}
	script := `tar -C "$1" -c . | "$2" import --change 'ENTRYPOINT ["/workload"]' - "$3"`
	if out, err := exec.CommandContext(ctx, "sh", "-c", script, "sh", rootfs, cli, image).CombinedOutput(); err != nil {
		return fmt.Errorf("%s import: %v: %s", cli, err, out)
	}
	return nil
}

// GoBuild builds pkg of the module at repoRoot into out; static turns cgo off.
func GoBuild(ctx context.Context, repoRoot, out, pkg string, static bool) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = os.Environ()
	if static {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
	}
	return cmd.CombinedOutput()
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RemoveByLabel force-removes, with their anonymous volumes, every container of the engine
// whose CLI is cli that carries the label filter ("key" or "key=value"): how every test cleans
// up, even after a failure.
func RemoveByLabel(ctx context.Context, cli, filter string) error {
	out, err := exec.CommandContext(ctx, cli, "ps", "-aq", "--filter", "label="+filter).Output()
	if err != nil {
		return fmt.Errorf("%s ps --filter label=%s: %w", cli, filter, err)
	}
	ids := strings.Fields(string(out))
	if len(ids) == 0 {
		return nil
	}
	args := append([]string{"rm", "-f", "-v"}, ids...)
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s rm -f: %v: %s", cli, err, out)
	}
	return nil
}
