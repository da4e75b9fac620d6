// go-net-http: N GET requests with Go's net/http, each on a fresh connection, one result line per
// request. h2race builds it with two Gos and runs it as the clients go1.19-net-http and
// go1.26-net-http (clients/external/*-net-http.client), with -prefer-alert as
// go1.19-net-http-prefer-alert and go1.26-net-http-prefer-alert: the lines are what a Go user
// would see, classified by those definitions' rules. -version prints the Go it was built with;
// -trace FILE writes Go's execution trace of the whole run (runtime/trace), with a log event
// (category h2race) where each request begins, which scripts/go-read-loop reads to tell where
// Go's time went on each connection. -slow-request DUR busy-waits that long in httptrace's GotConn
// hook, when the request holds its connection and before its stream's ID, as h2race's go models do
// with --slow-request-us: a diagnostic of how the shares answer to a slower request
// (docs/go-model.md, "Go's answer to a slower request").
//
// Output, one line per request, tab-separated:
//
//	<local address> \t [redials=N \t] ok <status>
//	<local address> \t [redials=N \t] error <err.Error() with newlines replaced by spaces>
//
// redials=N: the request dialled N connections besides the last one (the Transport redials an
// HTTP/2 connection that died before the request took it); left out when N is 0.
//
// The local address is that of the connection the error names ("write tcp LOCAL->REMOTE: ...":
// a request whose connection died before it took it fails in the next one's dial, e.g. its
// preface write), else of the connection the request went out on (httptrace's GotConn), else of
// the last connection dialed for it (its handshake failed), else "-" (nothing dialed). Not simply
// the last one dialed: the Transport may dial a spare that the request's end cancels in its
// handshake, and the user's error is not that spare's.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"regexp"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
	"time"
)

// Go's net.OpError text for a connection: "write tcp 127.0.0.1:40000->127.0.0.1:443: ...".
var errorConn = regexp.MustCompile(`\btcp (\S+)->\S+: `)

func main() {
	url := flag.String("url", "", "URL to GET (required)")
	caFile := flag.String("ca", "", "PEM file of the CA that signed the server's certificate (required)")
	certFile := flag.String("cert", "", "client certificate PEM (optional)")
	keyFile := flag.String("key", "", "client key PEM (with -cert)")
	n := flag.Int("n", 1, "number of requests, each on a fresh connection")
	proto := flag.String("proto", "h2", "h2 (the standard transport's HTTP/2) or h1")
	timeout := flag.Duration("timeout", 5*time.Second, "bound on each request")
	preferAlert := flag.Bool("prefer-alert", false,
		"report a TLS alert the server sent instead of a transport error (prefer_alert.go)")
	grace := flag.Duration("alert-grace", 100*time.Millisecond,
		"-prefer-alert: how long a failed request waits for an alert")
	version := flag.Bool("version", false, "print the Go version this program was built with")
	traceFile := flag.String("trace", "", "write Go's execution trace of the run to this file")
	slow := flag.Duration("slow-request", 0,
		"busy-wait this long in httptrace's GotConn hook (a diagnostic: a slower request)")
	flag.Parse()
	if *version {
		fmt.Println(runtime.Version())
		return
	}
	if *url == "" || *caFile == "" || *n < 1 || (*proto != "h1" && *proto != "h2") ||
		(*certFile == "") != (*keyFile == "") || *slow < 0 {
		fmt.Fprintln(os.Stderr, "go-net-http: need -url, -ca, -n >= 1, -proto h1|h2, -cert with -key, and -slow-request >= 0")
		flag.Usage()
		os.Exit(2)
	}
	tlsConfig, err := clientTLS(*caFile, *certFile, *keyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-net-http:", err)
		os.Exit(2)
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-net-http: -trace:", err)
			os.Exit(2)
		}
		defer func() {
			trace.Stop()
			f.Close()
		}()
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < *n; i++ {
		alertGrace := time.Duration(0) // 0: Go's own behaviour
		if *preferAlert {
			alertGrace = *grace
		}
		if *traceFile != "" {
			// Marks where each request begins in the trace: bench/go-trace gives each answer
			// line the last connection that finished its handshake after its mark.
			trace.Log(context.Background(), "h2race", "request")
		}
		fmt.Fprintln(out, request(*url, tlsConfig, *proto, *timeout, alertGrace, *slow))
		out.Flush()
	}
}

func clientTLS(caFile, certFile, keyFile string) (*tls.Config, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", caFile)
	}
	config := &tls.Config{RootCAs: pool}
	// SSLKEYLOGFILE, as curl and Python honour it: h2race sets it when it reads the truth from
	// the wire (--server NAME), so that tshark can decrypt the server's records.
	if path := os.Getenv("SSLKEYLOGFILE"); path != "" {
		keylog, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0600)
		if err != nil {
			return nil, err
		}
		config.KeyLogWriter = keylog
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return config, nil
}

// request runs one GET on a new Transport, so nothing is shared with the previous request, the
// way a program that makes one client per call behaves. The local address lets h2race pair the
// answer with the server's truth for that connection. Go may dial more than one connection for
// a request (it redials when a new HTTP/2 connection dies before the request is sent, and a
// spare dial may finish late), hence GotConn first. alertGrace > 0: with the -prefer-alert
// workaround (prefer_alert.go), waiting at most that long for an alert after a failure.
func request(url string, tlsConfig *tls.Config, proto string, timeout, alertGrace, slow time.Duration) string {
	var mu sync.Mutex
	var lastDialed, used string
	dials := 0 // dial attempts
	dialer := &net.Dialer{Timeout: timeout}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		mu.Lock()
		dials++
		if err == nil {
			lastDialed = c.LocalAddr().String()
		}
		mu.Unlock()
		return c, err
	}
	transport := &http.Transport{TLSClientConfig: tlsConfig.Clone(), DialContext: dial}
	do := (&http.Client{Transport: transport, Timeout: timeout}).Do
	if alertGrace > 0 {
		protos := []string{"h2", "http/1.1"}
		if proto == "h1" {
			protos = []string{"http/1.1"}
		}
		transport.DialTLSContext = PreferAlertDialer(dial, tlsConfig, protos, alertGrace)
		plain := do
		do = func(req *http.Request) (*http.Response, error) {
			return PreferAlert(req, alertGrace, plain)
		}
	}
	if proto == "h2" {
		// A custom TLS config turns HTTP/2 off unless asked for; the seed program asks.
		transport.ForceAttemptHTTP2 = true
	} else {
		transport.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	defer transport.CloseIdleConnections()
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		used = info.Conn.LocalAddr().String()
		mu.Unlock()
		if slow > 0 {
			// Busy, not asleep: a slower request keeps its processor, as slower CPU work does.
			for end := time.Now().Add(slow); time.Now().Before(end); {
			}
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
		http.MethodGet, url, nil)
	if err != nil {
		return "-\terror " + err.Error()
	}
	resp, err := do(req)
	result := ""
	if err != nil {
		result = "error " + strings.ReplaceAll(err.Error(), "\n", " ")
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		result = fmt.Sprintf("ok %d", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	local := "-"
	if named := errorConn.FindStringSubmatch(result); named != nil {
		local = named[1]
	} else if used != "" {
		local = used
	} else if lastDialed != "" {
		local = lastDialed
	}
	if dials > 1 {
		local += fmt.Sprintf("\tredials=%d", dials-1)
	}
	return local + "\t" + result
}
