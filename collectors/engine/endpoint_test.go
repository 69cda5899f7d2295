package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
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
			want:   Endpoint{Host: "tcp://10.1.2.3:2375", Source: "--host", Runtime: "docker", Remote: true},
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
			want:     Endpoint{Host: "tcp://build.example:2376", Source: "context remote", Runtime: "docker", Remote: true},
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

func TestDiscoverEndpoints(t *testing.T) {
	const rootless = "/run/user/1000/podman/podman.sock"
	docker := Endpoint{Host: "unix://" + defaultDockerSocket, Source: "default", Runtime: "docker"}
	podman := Endpoint{Host: "unix://" + defaultPodmanSocket, Source: "default", Runtime: "podman"}
	podmanRootless := Endpoint{Host: "unix://" + rootless, Source: "default", Runtime: "podman"}
	allSockets := []string{defaultDockerSocket, defaultPodmanSocket, rootless}
	tests := []struct {
		name     string
		flag     string
		env      map[string]string
		config   string            // {home}/.docker/config.json, if set
		contexts map[string]string // context name -> meta.json
		files    []string          // paths that exist ({home} and {tmp} expand)
		same     [][2]string       // pairs of paths that are one file
		want     []Endpoint
		wantErr  string
	}{
		{
			name: "the flag names the only engine, whatever sockets exist",
			flag: "unix:///srv/docker.sock", env: map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			files: allSockets,
			want:  []Endpoint{{Host: "unix:///srv/docker.sock", Source: "--host", Runtime: "docker"}},
		},
		{
			name:  "DOCKER_HOST over ssh is remote and carries no TLS",
			env:   map[string]string{"DOCKER_HOST": "ssh://ops@build.example:2222", "DOCKER_TLS_VERIFY": "1"},
			files: allSockets,
			want:  []Endpoint{{Host: "ssh://ops@build.example:2222", Source: "DOCKER_HOST", Runtime: "docker", Remote: true}},
		},
		{
			name:  "DOCKER_HOST tcp with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH",
			env:   map[string]string{"DOCKER_HOST": "tcp://build.example:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"},
			files: []string{"/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem"},
			want: []Endpoint{{Host: "tcp://build.example:2376", Source: "DOCKER_HOST", Runtime: "docker", Remote: true,
				TLS: TLSFiles{Enabled: true, Verify: true, CAFile: "/certs/ca.pem", CertFile: "/certs/cert.pem", KeyFile: "/certs/key.pem"}}},
		},
		{
			name:  "DOCKER_TLS_VERIFY without DOCKER_CERT_PATH reads the config directory; a missing client cert is left out",
			env:   map[string]string{"DOCKER_HOST": "tcp://build.example:2376", "DOCKER_TLS_VERIFY": "1"},
			files: []string{"{home}/.docker/ca.pem", "{home}/.docker/key.pem"},
			want: []Endpoint{{Host: "tcp://build.example:2376", Source: "DOCKER_HOST", Runtime: "docker", Remote: true,
				TLS: TLSFiles{Enabled: true, Verify: true, CAFile: "{home}/.docker/ca.pem"}}},
		},
		{
			name: "DOCKER_TLS alone: TLS without verifying the engine, client cert still sent",
			flag: "tcp://10.1.2.3:2376", env: map[string]string{"DOCKER_TLS": "1", "DOCKER_CERT_PATH": "/certs"},
			files: []string{"/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem"},
			want: []Endpoint{{Host: "tcp://10.1.2.3:2376", Source: "--host", Runtime: "docker", Remote: true,
				TLS: TLSFiles{Enabled: true, CertFile: "/certs/cert.pem", KeyFile: "/certs/key.pem"}}},
		},
		{
			name:  "DOCKER_CERT_PATH alone does not turn TLS on",
			env:   map[string]string{"DOCKER_HOST": "tcp://10.1.2.3:2375", "DOCKER_CERT_PATH": "/certs"},
			files: []string{"/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem"},
			want:  []Endpoint{{Host: "tcp://10.1.2.3:2375", Source: "DOCKER_HOST", Runtime: "docker", Remote: true}},
		},
		{
			name: "a unix DOCKER_HOST ignores the TLS settings and is local",
			env:  map[string]string{"DOCKER_HOST": "unix:///run/podman/podman.sock", "DOCKER_TLS_VERIFY": "1"},
			want: []Endpoint{{Host: "unix:///run/podman/podman.sock", Source: "DOCKER_HOST", Runtime: "podman"}},
		},
		{
			name:     "DOCKER_CONTEXT with the TLS material the CLI stored for it",
			env:      map[string]string{"DOCKER_CONTEXT": "prod", "XDG_RUNTIME_DIR": "/run/user/1000"},
			contexts: map[string]string{"prod": metaJSON("prod", "tcp://prod.example:2376")},
			files:    append([]string{"{ctxtls:prod}/ca.pem", "{ctxtls:prod}/cert.pem", "{ctxtls:prod}/key.pem"}, allSockets...),
			want: []Endpoint{{Host: "tcp://prod.example:2376", Source: "context prod", Runtime: "docker", Remote: true,
				TLS: TLSFiles{Enabled: true, Verify: true, CAFile: "{ctxtls:prod}/ca.pem", CertFile: "{ctxtls:prod}/cert.pem", KeyFile: "{ctxtls:prod}/key.pem"}}},
		},
		{
			name:     "a context set to skip verification",
			config:   `{"currentContext":"lab"}`,
			contexts: map[string]string{"lab": `{"Name":"lab","Endpoints":{"docker":{"Host":"tcp://lab:2376","SkipTLSVerify":true}}}`},
			want: []Endpoint{{Host: "tcp://lab:2376", Source: "context lab", Runtime: "docker", Remote: true,
				TLS: TLSFiles{Enabled: true}}},
		},
		{
			name:     "a tcp context without TLS material is plain",
			env:      map[string]string{"DOCKER_CONTEXT": "plain"},
			contexts: map[string]string{"plain": metaJSON("plain", "tcp://plain:2375")},
			want:     []Endpoint{{Host: "tcp://plain:2375", Source: "context plain", Runtime: "docker", Remote: true}},
		},
		{
			name:     "an ssh context",
			config:   `{"currentContext":"build"}`,
			contexts: map[string]string{"build": metaJSON("build", "ssh://root@build.example")},
			files:    allSockets,
			want:     []Endpoint{{Host: "ssh://root@build.example", Source: "context build", Runtime: "docker", Remote: true}},
		},
		{
			name:   "the default context: every socket that exists, Docker first, rootless from XDG_RUNTIME_DIR",
			env:    map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			config: `{"currentContext":"default"}`,
			files:  allSockets,
			want:   []Endpoint{docker, podman, podmanRootless},
		},
		{
			name:  "only the rootless socket",
			env:   map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			files: []string{rootless},
			want:  []Endpoint{podmanRootless},
		},
		{
			name:  "no XDG_RUNTIME_DIR: no rootless socket is looked for",
			files: []string{defaultPodmanSocket, "/podman/podman.sock", "podman/podman.sock"},
			want:  []Endpoint{podman},
		},
		{
			name:  "Docker and rootful Podman",
			env:   map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			files: []string{defaultDockerSocket, defaultPodmanSocket},
			want:  []Endpoint{docker, podman},
		},
		{
			name:  "the Docker socket is a link to Podman's: one engine, listed once",
			env:   map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			files: allSockets,
			same:  [][2]string{{defaultDockerSocket, defaultPodmanSocket}},
			want:  []Endpoint{docker, podmanRootless},
		},
		{
			name: "no socket at all: the Docker socket, so that the error names it",
			env:  map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"},
			want: []Endpoint{docker},
		},
		{
			name:    "a broken current context is an error, not a fallback to sockets",
			config:  `{"currentContext":"gone"}`,
			files:   allSockets,
			wantErr: `docker context "gone": read {home}/.docker/contexts/meta/`,
		},
		{
			name:    "a DOCKER_HOST that is not an address",
			env:     map[string]string{"DOCKER_HOST": "build.example"},
			wantErr: `DOCKER_HOST "build.example": want an address`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			home := filepath.Join(tmp, "home")
			configDir := filepath.Join(home, ".docker")
			expand := func(s string) string {
				s = strings.ReplaceAll(s, "{home}", home)
				for name := range tt.contexts {
					s = strings.ReplaceAll(s, "{ctxtls:"+name+"}", filepath.Join(configDir, "contexts", "tls", contextDir(name), "docker"))
				}
				return s
			}
			if tt.config != "" {
				if err := os.MkdirAll(configDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(configDir, "config.json"), []byte(tt.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for name, meta := range tt.contexts {
				writeContext(t, configDir, name, meta)
			}
			exists := func(path string) bool {
				for _, f := range tt.files {
					if expand(f) == path {
						return true
					}
				}
				return false
			}
			same := func(a, b string) bool {
				for _, p := range tt.same {
					if (p[0] == a && p[1] == b) || (p[0] == b && p[1] == a) {
						return true
					}
				}
				return false
			}
			got, err := discoverEndpoints(tt.flag, func(k string) string { return tt.env[k] }, home, exists, same)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), expand(tt.wantErr)) {
					t.Fatalf("error %v, want one containing %q", err, expand(tt.wantErr))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := make([]Endpoint, len(tt.want))
			for i, ep := range tt.want {
				ep.TLS.CAFile, ep.TLS.CertFile, ep.TLS.KeyFile = expand(ep.TLS.CAFile), expand(ep.TLS.CertFile), expand(ep.TLS.KeyFile)
				want[i] = ep
			}
			if !slices.Equal(got, want) {
				t.Errorf("got\n %+v\nwant\n %+v", got, want)
			}
			// ResolveEndpoint is the first of them (a link is only ever dropped after its target).
			first, err := resolveEndpoint(tt.flag, func(k string) string { return tt.env[k] }, home, exists)
			if err != nil || first != want[0] {
				t.Errorf("resolveEndpoint = %+v, %v; want %+v", first, err, want[0])
			}
		})
	}
}

// TestSameFile checks the test that keeps a linked socket from being watched twice, on real
// files.
func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a, b, link := filepath.Join(dir, "a.sock"), filepath.Join(dir, "b.sock"), filepath.Join(dir, "link.sock")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		x, y string
		want bool
	}{
		{"a link and its target", link, a, true},
		{"two files", a, b, false},
		{"a missing path", filepath.Join(dir, "missing"), a, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameFile(tt.x, tt.y); got != tt.want {
				t.Errorf("sameFile(%s, %s) = %v, want %v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}
