package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeContext lays out a docker context the way the docker CLI stores it.
func writeContext(t *testing.T, configDir, name, meta string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
}

func metaJSON(name, host string) string {
	return `{"Name":"` + name + `","Metadata":{"Description":"test"},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
}

func TestResolveEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		config   string            // <home>/.docker/config.json, if set
		contexts map[string]string // context name -> meta.json
		sockets  []string          // default sockets that exist
		want     Endpoint
		wantErr  string // a part of the error, when one is expected
	}{
		{
			name: "the flag beats everything",
			flag: "tcp://10.1.2.3:2375", env: map[string]string{"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "remote"},
			config: `{"currentContext":"remote"}`,
			want:   Endpoint{Host: "tcp://10.1.2.3:2375", Source: "--host", Runtime: "docker"},
		},
		{
			name: "DOCKER_HOST beats contexts",
			env:  map[string]string{"DOCKER_HOST": "unix:///run/user/1000/podman/podman.sock", "DOCKER_CONTEXT": "remote"},
			want: Endpoint{Host: "unix:///run/user/1000/podman/podman.sock", Source: "DOCKER_HOST", Runtime: "podman"},
		},
		{
			name:     "DOCKER_CONTEXT beats currentContext",
			env:      map[string]string{"DOCKER_CONTEXT": "remote"},
			config:   `{"auths":{},"currentContext":"other"}`,
			contexts: map[string]string{"remote": metaJSON("remote", "tcp://build.example:2376"), "other": metaJSON("other", "unix:///other.sock")},
			want:     Endpoint{Host: "tcp://build.example:2376", Source: "context remote", Runtime: "docker"},
		},
		{
			name:     "currentContext from config.json",
			config:   `{"auths":{},"currentContext":"rootless"}`,
			contexts: map[string]string{"rootless": metaJSON("rootless", "unix:///run/user/1000/docker.sock")},
			want:     Endpoint{Host: "unix:///run/user/1000/docker.sock", Source: "context rootless", Runtime: "docker"},
		},
		{
			name:     "DOCKER_CONFIG moves the config directory",
			env:      map[string]string{"DOCKER_CONFIG": "{tmp}/elsewhere"},
			config:   `{"currentContext":"ignored"}`, // in <home>/.docker, which DOCKER_CONFIG replaces
			contexts: map[string]string{"elsewhere:podman": metaJSON("podman", "unix:///run/podman/podman.sock")},
			want:     Endpoint{Host: "unix:///run/podman/podman.sock", Source: "context podman", Runtime: "podman"},
		},
		{
			name:    "the default context means the default socket",
			config:  `{"currentContext":"default"}`,
			sockets: []string{defaultDockerSocket},
			want:    Endpoint{Host: "unix:///var/run/docker.sock", Source: "default", Runtime: "docker"},
		},
		{
			name:    "no config at all: the docker socket even when it is missing",
			want:    Endpoint{Host: "unix:///var/run/docker.sock", Source: "default", Runtime: "docker"},
			sockets: nil,
		},
		{
			name:    "only Podman's socket exists",
			sockets: []string{defaultPodmanSocket},
			want:    Endpoint{Host: "unix:///run/podman/podman.sock", Source: "default", Runtime: "podman"},
		},
		{
			name:    "both sockets exist: docker's",
			sockets: []string{defaultDockerSocket, defaultPodmanSocket},
			want:    Endpoint{Host: "unix:///var/run/docker.sock", Source: "default", Runtime: "docker"},
		},
		{
			name:    "a context whose meta.json is missing",
			config:  `{"currentContext":"gone"}`,
			wantErr: `docker context "gone": read {tmp}/home/.docker/contexts/meta/`,
		},
		{
			name:     "a context without a docker endpoint",
			env:      map[string]string{"DOCKER_CONTEXT": "k8s"},
			contexts: map[string]string{"k8s": `{"Name":"k8s","Endpoints":{"kubernetes":{"Host":"https://k8s:6443"}}}`},
			wantErr:  "has no Endpoints.docker.Host",
		},
		{
			name:     "a malformed meta.json",
			env:      map[string]string{"DOCKER_CONTEXT": "broken"},
			contexts: map[string]string{"broken": `{"Endpoints":`},
			wantErr:  `docker context "broken": parse {tmp}/home/.docker/contexts/meta/`,
		},
		{
			name:    "a malformed config.json names the file",
			config:  `{"currentContext":`,
			wantErr: "parse {tmp}/home/.docker/config.json",
		},
		{
			name:    "a flag that is not an address",
			flag:    "/var/run/docker.sock",
			wantErr: `--host "/var/run/docker.sock": want an address`,
		},
		{
			name:    "an empty address in DOCKER_HOST",
			env:     map[string]string{"DOCKER_HOST": "unix://"},
			wantErr: `DOCKER_HOST "unix://": want an address`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			home := filepath.Join(tmp, "home")
			expand := func(s string) string { return strings.ReplaceAll(s, "{tmp}", tmp) }
			if tt.config != "" {
				if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(home, ".docker", "config.json"), []byte(tt.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for name, meta := range tt.contexts {
				dir := filepath.Join(home, ".docker")
				if where, ctxName, ok := strings.Cut(name, ":"); ok { // "dir:name" puts it under {tmp}/dir
					dir, name = filepath.Join(tmp, where), ctxName
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"`+name+`"}`), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				writeContext(t, dir, name, meta)
			}
			getenv := func(key string) string { return expand(tt.env[key]) }
			exists := func(path string) bool {
				for _, s := range tt.sockets {
					if s == path {
						return true
					}
				}
				return false
			}
			got, err := resolveEndpoint(tt.flag, getenv, home, exists)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), expand(tt.wantErr)) {
					t.Fatalf("error %v, want one containing %q", err, expand(tt.wantErr))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestResolveEndpointNoHome covers a service account without a home: environment and default only.
func TestResolveEndpointNoHome(t *testing.T) {
	got, err := ResolveEndpoint("", func(string) string { return "" }, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "default" || !strings.HasPrefix(got.Host, "unix://") {
		t.Errorf("got %+v, want a default unix socket", got)
	}
	if _, err := ResolveEndpoint("", func(k string) string { return map[string]string{"DOCKER_CONTEXT": "x"}[k] }, ""); err == nil {
		t.Error("a named context with nowhere to look for it resolved")
	}
}

// FuzzContextFiles feeds the two docker CLI files boxtop reads, which it does not control, to
// their parsers and then to the whole resolution: errors are fine, panics are not, and a
// resolved endpoint is always an address with a scheme.
func FuzzContextFiles(f *testing.F) {
	f.Add([]byte(`{"auths":{},"currentContext":"remote"}`), []byte(metaJSON("remote", "tcp://build.example:2376")))
	f.Add([]byte(`{"currentContext":"remote"}`), []byte(`{"Endpoints":{"docker":{"Host":"unix://"}}}`))
	f.Add([]byte(`{"currentContext":"default"}`), []byte(`null`))
	f.Add([]byte(`{"currentContext":`), []byte(`{}`))
	f.Add([]byte(`{"currentContext":"remote"}`), []byte(`{"Endpoints":{"docker":null}}`))
	home := f.TempDir()
	dir := filepath.Join(home, ".docker")
	f.Fuzz(func(t *testing.T, config, meta []byte) {
		name, cfgErr := parseCurrentContext(config)
		host, metaErr := parseContextHost(meta)
		if cfgErr == nil && metaErr == nil && name == "remote" && host != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "config.json"), config, 0o644); err != nil {
				t.Fatal(err)
			}
			writeContext(t, dir, "remote", string(meta))
			ep, err := resolveEndpoint("", func(string) string { return "" }, home, func(string) bool { return false })
			if err != nil {
				return
			}
			if scheme, addr, ok := strings.Cut(ep.Host, "://"); !ok || scheme == "" || addr == "" || ep.Source != "context remote" {
				t.Fatalf("resolved to %+v", ep)
			}
		}
	})
}
