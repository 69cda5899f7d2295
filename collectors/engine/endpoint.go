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
	"strings"
)

// Endpoint is the address of one container engine and the setting it came from, so that the
// header and every error can say which of --host, DOCKER_HOST or a docker context won.
type Endpoint struct {
	// Host is a Docker-style address: unix:///path, tcp://host:port, ...
	Host string
	// Source is "--host", "DOCKER_HOST", "context NAME" or "default".
	Source string
	// Runtime is "docker" or "podman": a guess from the address until the engine's version
	// answer names it.
	Runtime string
}

const (
	defaultDockerSocket = "/var/run/docker.sock"
	defaultPodmanSocket = "/run/podman/podman.sock"
)

// ResolveEndpoint picks the engine address the way the docker CLI does, so that boxtop talks to
// the same daemon as `docker ps` in the same shell: the --host flag, then DOCKER_HOST, then the
// context named by DOCKER_CONTEXT or by currentContext in the docker config (DOCKER_CONFIG, else
// <home>/.docker), then the default socket, or Podman's rootful socket when only that exists.
// getenv and home are parameters so that tests need no real environment.
func ResolveEndpoint(flagHost string, getenv func(string) string, home string) (Endpoint, error) {
	return resolveEndpoint(flagHost, getenv, home, pathExists)
}

func resolveEndpoint(flagHost string, getenv func(string) string, home string, exists func(string) bool) (Endpoint, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if flagHost != "" {
		return newEndpoint(flagHost, "--host")
	}
	if host := getenv("DOCKER_HOST"); host != "" {
		return newEndpoint(host, "DOCKER_HOST")
	}
	configDir := getenv("DOCKER_CONFIG")
	if configDir == "" && home != "" {
		configDir = filepath.Join(home, ".docker")
	}
	name := getenv("DOCKER_CONTEXT")
	if name == "" && configDir != "" {
		var err error
		if name, err = currentContext(configDir); err != nil {
			return Endpoint{}, err
		}
	}
	if name != "" && name != "default" {
		host, err := contextHost(configDir, name)
		if err != nil {
			return Endpoint{}, err
		}
		return newEndpoint(host, "context "+name)
	}
	host := "unix://" + defaultDockerSocket
	if !exists(defaultDockerSocket) && exists(defaultPodmanSocket) {
		host = "unix://" + defaultPodmanSocket
	}
	return Endpoint{Host: host, Source: "default", Runtime: guessRuntime(host)}, nil
}

// newEndpoint checks the shape of an address given by the user so that a typo is reported with
// the setting it came from instead of as a dial error later.
func newEndpoint(host, source string) (Endpoint, error) {
	scheme, addr, ok := strings.Cut(host, "://")
	if !ok || scheme == "" || addr == "" {
		return Endpoint{}, fmt.Errorf("%s %q: want an address such as unix:///var/run/docker.sock or tcp://host:2375", source, host)
	}
	return Endpoint{Host: host, Source: source, Runtime: guessRuntime(host)}, nil
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

// contextHost reads the docker endpoint of a named context from its meta.json, which the
// docker CLI stores under the SHA-256 of the context's name.
func contextHost(configDir, name string) (string, error) {
	if configDir == "" {
		return "", fmt.Errorf("docker context %q: no home directory to find it in", name)
	}
	sum := sha256.Sum256([]byte(name))
	path := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("docker context %q: read %s: %w", name, path, unwrapPathError(err))
	}
	host, err := parseContextHost(data)
	if err != nil {
		return "", fmt.Errorf("docker context %q: parse %s: %w", name, path, err)
	}
	if host == "" {
		return "", fmt.Errorf("docker context %q: %s has no Endpoints.docker.Host", name, path)
	}
	return host, nil
}

// parseContextHost reads Endpoints.docker.Host from a context's meta.json; "" when it has none.
func parseContextHost(data []byte) (string, error) {
	var meta struct {
		Endpoints map[string]*struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return "", err
	}
	if ep := meta.Endpoints["docker"]; ep != nil {
		return ep.Host, nil
	}
	return "", nil
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
