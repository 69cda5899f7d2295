package engine

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/docker/cli/cli/connhelper"
	"github.com/moby/moby/client"
)

// newClient builds the engine client for an address: a unix socket or plain tcp as the client
// does by itself, tcp with the endpoint's TLS files, or ssh through `ssh HOST docker system
// dial-stdio`, which the client cannot dial alone.
func newClient(ep Endpoint, o options) (*client.Client, error) {
	scheme, _, _ := strings.Cut(ep.Host, "://")
	switch {
	case scheme == "ssh":
		return newSSHClient(ep, o)
	case ep.TLS.Enabled && takesTLS(ep.Host):
		cfg, err := tlsConfig(ep.TLS)
		if err != nil {
			return nil, err
		}
		transport := &http.Transport{TLSClientConfig: cfg}
		return client.New(
			client.WithHTTPClient(&http.Client{Transport: transport, CheckRedirect: client.CheckRedirect}),
			client.WithHost(ep.Host),
		)
	}
	return client.New(client.WithHost(ep.Host))
}

// redactHost hides a password written into an address, which an error must not repeat.
func redactHost(host string) string {
	u, err := url.Parse(host)
	if err != nil {
		return host
	}
	if _, ok := u.User.Password(); !ok {
		return host
	}
	return u.Redacted()
}

// sshIdleConns is how many idle connections an ssh endpoint keeps. Each connection is an ssh
// process, and a handshake costs more than a request: enough are kept for a relist's inspects
// and a tick's stats to reuse them.
const sshIdleConns = 8

func newSSHClient(ep Endpoint, o options) (*client.Client, error) {
	helper, err := connhelper.GetConnectionHelperWithSSHOpts(ep.Host, o.sshFlags)
	if err != nil {
		return nil, err
	}
	if helper == nil {
		return nil, errors.New("no ssh connection helper for this address")
	}
	// HTTP/1 only, said outright: a transport with no dialer of its own yet would otherwise
	// set itself up for HTTP/2 with a TLS config, and the client takes any TLS config for a
	// reason to speak https down the ssh pipe.
	var http1 http.Protocols
	http1.SetHTTP1(true)
	transport := &http.Transport{
		Protocols:           &http1,
		MaxIdleConns:        sshIdleConns,
		MaxIdleConnsPerHost: sshIdleConns,
		IdleConnTimeout:     30 * time.Second,
	}
	// The dialer must come after the host: setting the host installs a plain tcp dialer.
	return client.New(
		client.WithHTTPClient(&http.Client{Transport: transport, CheckRedirect: client.CheckRedirect}),
		client.WithHost(helper.Host),
		client.WithDialContext(helper.Dialer),
	)
}

// tlsConfig loads the files the way the docker CLI does: the CA adds to the system's roots,
// and without Verify the engine's certificate is not checked at all.
func tlsConfig(files TLSFiles) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: !files.Verify}
	if files.Verify && files.CAFile != "" {
		pem, err := os.ReadFile(files.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read TLS CA %s: %w", files.CAFile, unwrapPathError(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("read TLS CA %s: no PEM certificate in it", files.CAFile)
		}
		cfg.RootCAs = pool
	}
	if files.CertFile != "" && files.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(files.CertFile, files.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load TLS client certificate %s and key %s: %w", files.CertFile, files.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
