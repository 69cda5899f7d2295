package engine

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCA signs the certificates of one TLS test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a leaf certificate: for the server (127.0.0.1) or for a client.
func (ca *testCA) issue(t *testing.T, name string, client bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	if client {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

// TestTLSEndpoint runs the fake daemon behind TLS that demands a client certificate signed by
// its CA, and reaches it the way a user would: DOCKER_HOST, DOCKER_TLS_VERIFY or DOCKER_TLS, and
// DOCKER_CERT_PATH holding ca.pem, cert.pem and key.pem.
func TestTLSEndpoint(t *testing.T) {
	checkLeaks(t)
	ca := newTestCA(t, "boxtop test CA")
	otherCA := newTestCA(t, "some other CA")
	serverCert, serverKey := ca.issue(t, "engine", false)
	clientCert, clientKey := ca.issue(t, "boxtop-test-client", true)
	strangerCert, strangerKey := otherCA.issue(t, "stranger", true)

	fake := newFakeDaemon(t, "web.json", "db.json")
	var mu sync.Mutex
	var peers []string // the client certificate of each request, by common name
	pair, err := tls.X509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(ca.cert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			peers = append(peers, r.TLS.PeerCertificates[0].Subject.CommonName)
		}
		mu.Unlock()
		fake.serve(w, r)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.Config.ErrorLog = discardLog()
	srv.StartTLS()
	t.Cleanup(srv.Close) // after the watchers' Close, which ends their event streams
	host := "tcp://" + srv.Listener.Addr().String()

	writeCerts := func(t *testing.T, files map[string][]byte) string {
		dir := t.TempDir()
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name       string
		env        map[string]string
		files      map[string][]byte // in DOCKER_CERT_PATH
		wantPeer   string            // the client certificate the engine saw, when reachable
		wantErr    string            // a part of Inventory.Err, when unreachable
		wantNewErr string            // a part of NewWatcher's error
	}{
		{
			name:     "verified, with a client certificate",
			env:      map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:    map[string][]byte{"ca.pem": ca.pem, "cert.pem": clientCert, "key.pem": clientKey},
			wantPeer: "boxtop-test-client",
		},
		{
			name:     "DOCKER_TLS without verifying: a CA that did not sign the engine is not consulted",
			env:      map[string]string{"DOCKER_TLS": "1"},
			files:    map[string][]byte{"ca.pem": otherCA.pem, "cert.pem": clientCert, "key.pem": clientKey},
			wantPeer: "boxtop-test-client",
		},
		{
			name:    "verified against a CA that did not sign the engine's certificate",
			env:     map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:   map[string][]byte{"ca.pem": otherCA.pem, "cert.pem": clientCert, "key.pem": clientKey},
			wantErr: "certificate signed by unknown authority",
		},
		{
			name:    "no client certificate: the engine refuses",
			env:     map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:   map[string][]byte{"ca.pem": ca.pem},
			wantErr: "tls: ",
		},
		{
			name:    "a client certificate from another CA: the engine refuses",
			env:     map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:   map[string][]byte{"ca.pem": ca.pem, "cert.pem": strangerCert, "key.pem": strangerKey},
			wantErr: "tls: ",
		},
		{
			name:    "no TLS at all",
			files:   map[string][]byte{"ca.pem": ca.pem, "cert.pem": clientCert, "key.pem": clientKey},
			wantErr: "HTTPS",
		},
		{
			name:       "a CA file that is not PEM",
			env:        map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:      map[string][]byte{"ca.pem": []byte("not a certificate"), "cert.pem": clientCert, "key.pem": clientKey},
			wantNewErr: "ca.pem: no PEM certificate in it",
		},
		{
			name:       "a key that does not match the certificate",
			env:        map[string]string{"DOCKER_TLS_VERIFY": "1"},
			files:      map[string][]byte{"ca.pem": ca.pem, "cert.pem": clientCert, "key.pem": strangerKey},
			wantNewErr: "load TLS client certificate",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeCerts(t, tt.files)
			env := map[string]string{"DOCKER_HOST": host, "DOCKER_CERT_PATH": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			eps, err := DiscoverEndpoints("", func(k string) string { return env[k] }, t.TempDir(), nil)
			if err != nil || len(eps) != 1 {
				t.Fatalf("DiscoverEndpoints = %+v, %v", eps, err)
			}
			ep := eps[0]
			if !ep.Remote || ep.TLS.Enabled != (len(tt.env) > 0) {
				t.Fatalf("endpoint %+v", ep)
			}
			mu.Lock()
			peers = nil
			mu.Unlock()
			w, err := NewWatcher(ep, WithBackoff(time.Second, time.Second))
			if tt.wantNewErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantNewErr) || !strings.HasPrefix(err.Error(), "docker at "+host+": ") {
					t.Fatalf("NewWatcher error %v, want one containing %q", err, tt.wantNewErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			w.Start(context.Background())
			inv := w.Inventory()
			if tt.wantErr != "" {
				if inv.Reachable || inv.Err == nil || !strings.Contains(inv.Err.Error(), tt.wantErr) {
					t.Fatalf("reachable=%v err=%v, want an error containing %q", inv.Reachable, inv.Err, tt.wantErr)
				}
				t.Logf("Err: %v", inv.Err)
				return
			}
			if !inv.Reachable {
				t.Fatalf("unreachable: %v", inv.Err)
			}
			if got := names(inv); !slices.Equal(got, []string{"db", "web"}) {
				t.Errorf("containers %q", got)
			}
			mu.Lock()
			seen := slices.Clone(peers)
			mu.Unlock()
			if len(seen) == 0 || slices.ContainsFunc(seen, func(p string) bool { return p != tt.wantPeer }) {
				t.Errorf("the engine saw client certificates %q, want %q on every request", seen, tt.wantPeer)
			}
		})
	}
}

// discardLog keeps the refused handshakes, which are the point of some cases, out of the output.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
