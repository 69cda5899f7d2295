package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Endpoint is the address of one container engine and the setting it came from, so that the
// header and every error can say which of --host, DOCKER_HOST or a docker context won.
type Endpoint struct {
	// Host is a Docker-style address: unix:///path, tcp://host:port, ssh://user@host[:port].
	Host string
	// Source is "--host", "DOCKER_HOST", "context NAME" or "default".
	Source string
	// Runtime is "docker" or "podman": a guess from the address until the engine's version
	// answer names it.
	Runtime string
	// Remote is true for every address but a unix socket: the containers may then run on
	// another machine, whose cgroup files and /proc boxtop cannot read, so their figures come
	// from the engine's stats API instead.
	Remote bool
	// TLS secures a tcp:// address; the zero value is plain HTTP.
	TLS TLSFiles
}

// TLSFiles is how to secure a tcp:// address, taken from the same settings the docker CLI reads:
// DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH, or the TLS material a context stores.
type TLSFiles struct {
	// Enabled turns TLS on.
	Enabled bool
	// Verify checks the engine's certificate against CAFile (and the system's roots). Without
	// it any certificate is taken, as `docker --tls` does.
	Verify bool
	// CAFile, CertFile and KeyFile are PEM files; "" when there is none. The client
	// certificate is sent only when both CertFile and KeyFile are set.
	CAFile, CertFile, KeyFile string
}

const (
	defaultDockerSocket = "/var/run/docker.sock"
	defaultPodmanSocket = "/run/podman/podman.sock"
)

// ResolveEndpoint picks the one engine address the docker CLI would, so that boxtop talks to the
// same daemon as `docker ps` in the same shell: the first of DiscoverEndpoints.
func ResolveEndpoint(flagHost string, getenv func(string) string, home string) (Endpoint, error) {
	return resolveEndpoint(flagHost, getenv, home, pathExists)
}

func resolveEndpoint(flagHost string, getenv func(string) string, home string, exists func(string) bool) (Endpoint, error) {
	eps, err := discoverEndpoints(flagHost, getenv, home, exists, sameFile)
	if err != nil {
		return Endpoint{}, err
	}
	return eps[0], nil
}

// DiscoverEndpoints lists the engines boxtop should watch. A setting that names an engine wins
// and is the only one, in the docker CLI's order: the --host flag, then DOCKER_HOST, then the
// context named by DOCKER_CONTEXT or by currentContext in the docker config (DOCKER_CONFIG, else
// <home>/.docker). Without one, a host that runs Docker and Podman side by side shows both: every
// local socket that exists, the Docker socket first, then Podman's rootful socket, then the
// rootless one under $XDG_RUNTIME_DIR; a socket that is a link to one already listed is left out.
// When none exists the list holds the Docker socket alone, so that the error names it.
// getenv, home and exists are parameters so that tests need no real environment; exists nil
// looks at the filesystem.
func DiscoverEndpoints(flagHost string, getenv func(string) string, home string, exists func(string) bool) ([]Endpoint, error) {
	if exists == nil {
		exists = pathExists
	}
	return discoverEndpoints(flagHost, getenv, home, exists, sameFile)
}

func discoverEndpoints(flagHost string, getenv func(string) string, home string, exists func(string) bool, same func(a, b string) bool) ([]Endpoint, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	configDir := getenv("DOCKER_CONFIG")
	if configDir == "" && home != "" {
		configDir = filepath.Join(home, ".docker")
	}
	one := func(ep Endpoint, err error) ([]Endpoint, error) {
		if err != nil {
			return nil, err
		}
		return []Endpoint{ep}, nil
	}
	if flagHost != "" {
		return one(cliEndpoint(flagHost, "--host", getenv, configDir, exists))
	}
	if host := getenv("DOCKER_HOST"); host != "" {
		return one(cliEndpoint(host, "DOCKER_HOST", getenv, configDir, exists))
	}
	name := getenv("DOCKER_CONTEXT")
	if name == "" && configDir != "" {
		var err error
		if name, err = currentContext(configDir); err != nil {
			return nil, err
		}
	}
	if name != "" && name != "default" {
		return one(contextEndpoint(configDir, name, exists))
	}

	candidates := []string{defaultDockerSocket, defaultPodmanSocket}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "podman", "podman.sock"))
	}
	var found []string
	for _, path := range candidates {
		if !exists(path) || slices.ContainsFunc(found, func(f string) bool { return same(f, path) }) {
			continue
		}
		found = append(found, path)
	}
	if len(found) == 0 {
		found = []string{defaultDockerSocket}
	}
	eps := make([]Endpoint, len(found))
	for i, path := range found {
		host := "unix://" + path
		eps[i] = Endpoint{Host: host, Source: "default", Runtime: guessRuntime(host)}
	}
	return eps, nil
}

// cliEndpoint is an address given by --host or DOCKER_HOST, secured as the docker CLI secures
// it: TLS when DOCKER_TLS_VERIFY or DOCKER_TLS is set, with the files of DOCKER_CERT_PATH (else
// the docker config directory). As in the CLI, the CA is required when verifying, and a client
// certificate or key that does not exist is left out rather than failing.
func cliEndpoint(host, source string, getenv func(string) string, configDir string, exists func(string) bool) (Endpoint, error) {
	ep, err := newEndpoint(host, source)
	if err != nil || !takesTLS(host) {
		return ep, err
	}
	verify := getenv("DOCKER_TLS_VERIFY") != ""
	if !verify && getenv("DOCKER_TLS") == "" {
		return ep, nil
	}
	certDir := getenv("DOCKER_CERT_PATH")
	if certDir == "" {
		certDir = configDir
	}
	ep.TLS = TLSFiles{Enabled: true, Verify: verify}
	if verify {
		ep.TLS.CAFile = filepath.Join(certDir, "ca.pem")
	}
	cert, key := filepath.Join(certDir, "cert.pem"), filepath.Join(certDir, "key.pem")
	if exists(cert) && exists(key) {
		ep.TLS.CertFile, ep.TLS.KeyFile = cert, key
	}
	return ep, nil
}

// contextEndpoint is a named context's docker endpoint, with the TLS material the CLI stores for
// it under contexts/tls/<sha256 of the name>/docker and its SkipTLSVerify setting.
func contextEndpoint(configDir, name string, exists func(string) bool) (Endpoint, error) {
	host, skipVerify, err := contextHost(configDir, name)
	if err != nil {
		return Endpoint{}, err
	}
	ep, err := newEndpoint(host, "context "+name)
	if err != nil || !takesTLS(host) {
		return ep, err
	}
	dir := filepath.Join(configDir, "contexts", "tls", contextDir(name), "docker")
	files := TLSFiles{Verify: !skipVerify}
	if ca := filepath.Join(dir, "ca.pem"); exists(ca) {
		files.CAFile = ca
	}
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if exists(cert) && exists(key) {
		files.CertFile, files.KeyFile = cert, key
	}
	if skipVerify || files.CAFile != "" || files.CertFile != "" {
		files.Enabled = true
		ep.TLS = files
	}
	return ep, nil
}

// takesTLS says whether TLS settings apply to an address: the docker CLI leaves sockets and ssh
// alone.
func takesTLS(host string) bool {
	scheme, _, _ := strings.Cut(host, "://")
	return scheme != "unix" && scheme != "npipe" && scheme != "ssh"
}

// newEndpoint checks the shape of an address given by the user so that a typo is reported with
// the setting it came from instead of as a dial error later.
func newEndpoint(host, source string) (Endpoint, error) {
	scheme, addr, ok := strings.Cut(host, "://")
	if !ok || scheme == "" || addr == "" {
		return Endpoint{}, fmt.Errorf("%s %q: want an address such as unix:///var/run/docker.sock or tcp://host:2375", source, host)
	}
	return Endpoint{Host: host, Source: source, Runtime: guessRuntime(host), Remote: scheme != "unix"}, nil
}

func guessRuntime(host string) string {
	if strings.Contains(strings.ToLower(host), "podman") {
		return "podman"
	}
	return "docker"
}

// currentContext reads currentContext from config.json. A missing file means no context, and
// so does one boxtop may not read (an unprivileged user with HOME=/root, as after sudo -u): the
// docker CLI carries on with the default endpoint there too.
func currentContext(configDir string) (string, error) {
	path := filepath.Join(configDir, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	name, err := parseCurrentContext(data)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", path, err)
	}
	return name, nil
}

func parseCurrentContext(data []byte) (string, error) {
	var config struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &config); err != nil {
		return "", err
	}
	return config.CurrentContext, nil
}

// contextDir is the directory name the docker CLI stores a context's files under.
func contextDir(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

// contextHost reads the docker endpoint of a named context from its meta.json, which the
// docker CLI stores under the SHA-256 of the context's name, with its SkipTLSVerify setting.
func contextHost(configDir, name string) (host string, skipTLSVerify bool, err error) {
	if configDir == "" {
		return "", false, fmt.Errorf("docker context %q: no home directory to find it in", name)
	}
	path := filepath.Join(configDir, "contexts", "meta", contextDir(name), "meta.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("docker context %q: read %s: %w", name, path, unwrapPathError(err))
	}
	ep, err := parseContextEndpoint(data)
	if err != nil {
		return "", false, fmt.Errorf("docker context %q: parse %s: %w", name, path, err)
	}
	if ep.Host == "" {
		return "", false, fmt.Errorf("docker context %q: %s has no Endpoints.docker.Host", name, path)
	}
	return ep.Host, ep.SkipTLSVerify, nil
}

// contextDockerEndpoint is the part of a context's docker endpoint that boxtop reads.
type contextDockerEndpoint struct {
	Host          string `json:"Host"`
	SkipTLSVerify bool   `json:"SkipTLSVerify"`
}

// parseContextHost reads Endpoints.docker.Host from a context's meta.json; "" when it has none.
func parseContextHost(data []byte) (string, error) {
	ep, err := parseContextEndpoint(data)
	return ep.Host, err
}

func parseContextEndpoint(data []byte) (contextDockerEndpoint, error) {
	var meta struct {
		Endpoints map[string]*contextDockerEndpoint `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return contextDockerEndpoint{}, err
	}
	if ep := meta.Endpoints["docker"]; ep != nil {
		return *ep, nil
	}
	return contextDockerEndpoint{}, nil
}

// unwrapPathError drops the path that os.ReadFile repeats, since the message names it already.
func unwrapPathError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

func pathExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sameFile says whether two paths lead to one file, as when podman-docker links the Docker
// socket to Podman's: one engine must not be watched twice.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
