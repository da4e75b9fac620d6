// prefer_alert.go: a client-side workaround a Go user can apply today, without patching Go. When a
// request over HTTP/2 fails with a transport error (write: broken pipe, connection reset by peer,
// "client conn could not be established") on a connection whose server had already sent a TLS
// alert, report the alert instead: it is the cause.
//
// Two parts, both standard library only:
//   - alertConn wraps the TCP connection under TLS. When a write fails, it reads what the server
//     sent before it closed (bounded by the grace), so that the alert record survives the
//     Transport closing the connection.
//   - PreferAlert, after a failed request, reads each TLS connection dialled for it (bounded by
//     the grace): a pending or already-received alert comes back as crypto/tls's
//     "remote error: tls: ..." error, which PreferAlert returns instead.
//
// A healthy request pays one context value and one wrapper call per read and write; only a request
// that failed waits, and at most the grace (the alert is usually already there).
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// alertConn is a TCP connection that keeps what the peer sent once a write has failed.
type alertConn struct {
	net.Conn
	grace time.Duration

	mu      sync.Mutex
	pending []byte // read after a failed write, served to the next reads
	drained bool   // the read after the failed write happened
}

func (c *alertConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if err != nil {
		c.drainOnce()
	}
	return n, err
}

// drainOnce reads, for at most the grace, what the peer had sent: after a failed write the
// Transport closes the connection, and the kernel's copy of the alert would go with it.
func (c *alertConn) drainOnce() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drained {
		return
	}
	c.drained = true
	c.Conn.SetReadDeadline(time.Now().Add(c.grace))
	buf := make([]byte, 16<<10)
	for len(c.pending) < 64<<10 {
		n, err := c.Conn.Read(buf)
		c.pending = append(c.pending, buf[:n]...)
		if err != nil {
			break
		}
	}
	c.Conn.SetReadDeadline(time.Time{})
}

func (c *alertConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	if len(c.pending) > 0 {
		n := copy(b, c.pending)
		c.pending = c.pending[n:]
		c.mu.Unlock()
		return n, nil
	}
	drained := c.drained
	c.mu.Unlock()
	if drained {
		// What the peer sent is served above; what follows a failed write is not worth a wait.
		return 0, net.ErrClosed
	}
	return c.Conn.Read(b)
}

// dialled collects the TLS connections dialled for one request (a Transport may dial more
// than one: a redial, a spare).
type dialled struct {
	mu    sync.Mutex
	conns []*tls.Conn
}

type dialledKey struct{}

// A dial function, such as (*net.Dialer).DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// PreferAlertDialer returns a DialTLSContext for an http.Transport: it dials TCP with dial, wraps
// the connection in alertConn, performs the TLS handshake with config (plus the server name and
// ALPN protocols: {"h2", "http/1.1"} for HTTP/2), and remembers the connection for PreferAlert.
func PreferAlertDialer(dial dialFunc, config *tls.Config, protos []string,
	grace time.Duration) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := config.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		cfg.NextProtos = protos
		tc := tls.Client(&alertConn{Conn: raw, grace: grace}, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		if d, ok := ctx.Value(dialledKey{}).(*dialled); ok {
			d.mu.Lock()
			d.conns = append(d.conns, tc)
			d.mu.Unlock()
		}
		return tc, nil
	}
}

// PreferAlert runs do (e.g. client.Do) with a context that records the connections dialled for
// req; when do fails with anything but a TLS alert, the alert of any of those connections (the
// last one first) is returned instead, if one arrives within the grace.
func PreferAlert(req *http.Request, grace time.Duration,
	do func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	d := &dialled{}
	resp, err := do(req.WithContext(context.WithValue(req.Context(), dialledKey{}, d)))
	if err == nil || isAlert(err) {
		return resp, err
	}
	d.mu.Lock()
	conns := append([]*tls.Conn(nil), d.conns...)
	d.mu.Unlock()
	for i := len(conns) - 1; i >= 0; i-- {
		// The TLS layer returns an alert it has read before, or reads the one pending; Reads of
		// one tls.Conn are serialised, so the Transport's read loop may still be running.
		conns[i].SetReadDeadline(time.Now().Add(grace))
		if _, rerr := conns[i].Read(make([]byte, 1)); rerr != nil && isAlert(rerr) {
			return nil, rerr
		}
	}
	return resp, err
}

// isAlert: crypto/tls reports an alert the peer sent as "remote error: tls: <description>"
// (tls.AlertError is exported from Go 1.21 only; the text is the same in every version).
func isAlert(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return true
	}
	return strings.Contains(err.Error(), "remote error: tls: ")
}
