// go-step-cost: how long Go's own code takes for the steps the go models stand for, on this
// machine, without the kernel: the steps from a finished TLS 1.3 handshake to the HTTP/2 preface
// and from there to HEADERS, run by net/http's bundled HTTP/2 client over an in-memory connection
// (net.Pipe) to a goroutine that only completes the handshake and drains what it reads, in one
// process on one P (GOMAXPROCS 1), so no other thread, core or socket takes part. net.Pipe has
// no buffer: a write returns once the other side has read it, so each span also holds the draining
// goroutine's read and decryption of what the client wrote and two goroutine switches (Go's
// code too, the same on every machine). Built with each Go the project runs
// (build/go-step-cost-go1.19, -go1.26).
//
// Why: on the wire, Go's steps after its last flight grew about twice from one VM host to the
// next while the model's yardstick grew 1.5 times (docs/go-model.md, "A new VM host"); which of
// Go's costs grew was not measured. Read beside scripts/wire-gaps on a new host, this says
// whether Go's own CPU path grew with them.
//
// Per connection it times (time.Now, wall clock, one P): the handshake's return in the dialer
// -> httptrace's GotConn (Go writes its preface in between) and GotConn -> WroteHeaders. Output,
// one line per span, microseconds:
//
//	<go version> <span> n <connections> min <us> p10 <us> p50 <us> p90 <us>
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"runtime"
	"sort"
	"time"
)

// A self-signed P-256 certificate for localhost: the client does not verify it (only Go's
// steps after the handshake are timed).
func certificate() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Waits (yielding the one P) until no more goroutines run than before a connection began; fails
// after a second, since a goroutine left running would take part in every later span.
func waitForGoroutines(baseline int) {
	deadline := time.Now().Add(time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			log.Fatalf("%d goroutines left after a connection (%d before it)", runtime.NumGoroutine(),
				baseline)
		}
		runtime.Gosched()
	}
}

// The spans of one connection: the handshake's end -> GotConn -> WroteHeaders.
func oneConnection(server, client *tls.Config, baseline int) (toConn, toHeaders time.Duration, ok bool) {
	var handshaken, gotConn, wroteHeaders time.Time
	var conns []net.Conn        // every dial's (the transport may dial again)
	var drained []chan struct{} // closed when that dial's server goroutine has ended
	transport := &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: client,
		DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			near, far := net.Pipe()
			done := make(chan struct{})
			drained = append(drained, done)
			go func() {
				defer close(done)
				s := tls.Server(far, server)
				if s.Handshake() == nil {
					io.Copy(io.Discard, s)
				}
				s.Close()
			}()
			c := tls.Client(near, client)
			conns = append(conns, c)
			err := c.HandshakeContext(ctx)
			handshaken = time.Now()
			return c, err
		}}
	ctx, cancel := context.WithCancel(context.Background())
	// Every connection ends before the next starts, all its goroutines gone (the server's, the
	// client's read loop, the transport's), so that the thousandth connection's steps run in the
	// process the first one's did and nothing of the last one runs inside them.
	defer func() {
		cancel()
		transport.CloseIdleConnections()
		for _, c := range conns {
			c.Close()
		}
		for _, d := range drained {
			<-d
		}
		waitForGoroutines(baseline)
	}()
	// The request is cancelled once HEADERS are written: the server never answers.
	trace := &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { gotConn = time.Now() },
		WroteHeaders: func() { wroteHeaders = time.Now(); cancel() },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET",
		"https://localhost/", nil)
	if err != nil {
		log.Fatal(err)
	}
	if resp, err := transport.RoundTrip(req); err == nil {
		resp.Body.Close()
	}
	if handshaken.IsZero() || gotConn.IsZero() || wroteHeaders.IsZero() {
		return 0, 0, false
	}
	return gotConn.Sub(handshaken), wroteHeaders.Sub(gotConn), true
}

func quantile(sorted []time.Duration, q float64) float64 {
	return float64(sorted[int(q*float64(len(sorted)-1))].Nanoseconds()) / 1e3
}

func main() {
	n := flag.Int("n", 2000, "connections (>= 10)")
	flag.Parse()
	if *n < 10 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go-step-cost [-n connections, >= 10]")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	server := &tls.Config{Certificates: []tls.Certificate{certificate()}, NextProtos: []string{"h2"}}
	client := &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}}
	var toConn, toHeaders []time.Duration
	baseline := runtime.NumGoroutine()
	for i := 0; i < *n; i++ {
		if c, h, ok := oneConnection(server, client, baseline); ok {
			toConn, toHeaders = append(toConn, c), append(toHeaders, h)
		}
	}
	if len(toConn) < *n/2 {
		log.Fatalf("only %d of %d connections reached HEADERS", len(toConn), *n)
	}
	for _, span := range []struct {
		name string
		d    []time.Duration
	}{{"handshake->GotConn", toConn}, {"GotConn->WroteHeaders", toHeaders}} {
		sort.Slice(span.d, func(i, j int) bool { return span.d[i] < span.d[j] })
		fmt.Printf("%s %s n %d min %.1f p10 %.1f p50 %.1f p90 %.1f\n", runtime.Version(), span.name,
			len(span.d), quantile(span.d, 0), quantile(span.d, .1), quantile(span.d, .5),
			quantile(span.d, .9))
	}
}
