package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOverSSH runs boxtop the way it is mostly used: in a terminal on the far side of an SSH
// session (ssh -tt into a private sshd on 127.0.0.1), inside tmux. The screen must render,
// keys must reach it, a paused screen must write nothing at all to the terminal (nothing
// redraws unless data or input changed), and q must end the session.
func TestOverSSH(t *testing.T) {
	needDaemon(t)
	if os.Geteuid() != 0 {
		t.Skip("the SSH test logs in as root to a private sshd; run it as root")
	}
	c := start(t, spec{role: "ssh"})[0]
	server := startSSHD(t)

	tm := openTerm(t, 120, 40, server.sshCommand(env.boxtop))
	tm.waitText(t, firstScreen, "[1 Resources]", "every 1s", "running")
	tm.keys(t, "/")
	tm.typeText(t, c.Name)
	tm.keys(t, "Enter")
	tm.waitFor(t, "the filtered list", nextScreen, func(s screen) error { return rowsAre(s, c.Name) })
	tm.keys(t, "2")
	tm.waitFor(t, "the Isolation pane", nextScreen, func(s screen) error {
		if !s.contains("[2 Isolation]") {
			return fmt.Errorf("not on the Isolation tab")
		}
		header, row, err := tableRow(s, c.Name, "PID", "NET")
		if err != nil {
			return err
		}
		if got := cell(header, row, "NET", false); got != "own" {
			return fmt.Errorf("NET of %s reads %q, want own", c.Name, got)
		}
		return nil
	})

	t.Run("paused, nothing is written", func(t *testing.T) {
		out := tm.pipe(t, t.TempDir())
		tm.keys(t, "p")
		tm.waitText(t, nextScreen, "PAUSED")
		// The frame that says PAUSED may still be on its way through ssh and tmux; after that
		// the terminal must stay silent: no clock, no animation, no redraw of the same frame.
		time.Sleep(500 * time.Millisecond)
		before := fileSize(t, out)
		time.Sleep(3 * time.Second)
		if after := fileSize(t, out); after != before {
			data, _ := os.ReadFile(out)
			t.Errorf("%d bytes written to the terminal in 3 s while paused: %q", after-before, data[before:])
		}
		tm.unpipe(t)
		tm.keys(t, "p")
		tm.waitGone(t, "resumed", "PAUSED")
	})

	t.Run("q ends the session", func(t *testing.T) {
		// ssh exits with the remote command's status once boxtop has exited.
		tm.quit(t, "the ssh session")
	})
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// sshd is a private OpenSSH server: its own config, host key and authorized key in a temp
// dir, on a free port of 127.0.0.1, never the system's sshd or its files.
type sshd struct {
	port    int
	dir     string
	keyFile string // the client's private key, authorized for root
}

// startSSHD installs openssh-server when sshd is missing, starts a private sshd, and stops it
// when the test ends.
func startSSHD(t *testing.T) sshd {
	t.Helper()
	const binary = "/usr/sbin/sshd"
	if _, err := os.Stat(binary); err != nil {
		installOpenSSH(t)
	}
	s := sshd{dir: t.TempDir()}
	s.keyFile = filepath.Join(s.dir, "client_ed25519")
	hostKey := filepath.Join(s.dir, "host_ed25519")
	for _, k := range []string{hostKey, s.keyFile} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "boxtop-e2e", "-f", k).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen -f %s: %v: %s", k, err, out)
		}
	}
	pub, err := os.ReadFile(s.keyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := filepath.Join(s.dir, "authorized_keys")
	if err := os.WriteFile(authorized, pub, 0o600); err != nil {
		t.Fatal(err)
	}
	// sshd wants its privilege separation directory even when it never uses it.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("mkdir /run/sshd: %v", err)
	}
	s.port = freePort(t)
	config := filepath.Join(s.dir, "sshd_config")
	conf := strings.Join([]string{
		"Port " + strconv.Itoa(s.port),
		"ListenAddress 127.0.0.1",
		"HostKey " + hostKey,
		"PidFile " + filepath.Join(s.dir, "sshd.pid"),
		"AuthorizedKeysFile " + authorized,
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"StrictModes no", // the temp dir's modes are the test's business
		"PrintMotd no",
		"PrintLastLog no",
		"",
	}, "\n")
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "-D", "-e", "-f", config)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", binary, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd's log:\n%s", log.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.port), time.Second)
		if err == nil {
			conn.Close()
			return s
		}
		select {
		case err := <-exited:
			t.Fatalf("sshd exited: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen on 127.0.0.1:%d: %v\n%s", s.port, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// installOpenSSH installs the server with apt-get, the machine's ordinary package client.
func installOpenSSH(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "openssh-server"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sshCommand is the client command line that runs command on the private sshd as root, with
// a terminal (-tt), trusting the throwaway host key.
func (s sshd) sshCommand(command string) string {
	return fmt.Sprintf("ssh -tt -i %s -p %d -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "+
		"-o LogLevel=ERROR -o BatchMode=yes root@127.0.0.1 %s", s.keyFile, s.port, command)
}
