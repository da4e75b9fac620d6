// seed-program: the seed case as a Go user first wrote it, to measure h2race's rate against it
// on the same machine in the same run (scripts/seed-rate). Per iteration it starts a new
// httptest TLS server (HTTP/2 on, TLS 1.3, a client certificate required and verified, the
// test RSA-2048 certificate httptest ships), GETs it once with the server's own client (which
// has no certificate), and closes the server. The program is a Go client against a Go server in
// one process, as in the seed report; nothing of it is shared with h2race.
//
// Output: how often each error text was seen, then one summary line:
//
//	<count> \t <error text, or ok>
//	iterations <n> elapsed <seconds> it/s <rate>
package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// What the user saw, with the parts that differ per connection left out: the URL (url.Error's
// wrapper) and the addresses ("write tcp 127.0.0.1:40000->127.0.0.1:443: ..."). The classes
// themselves are h2race's business (clients/external/go1.19-net-http.client); here only the rate
// matters, and the texts show the mix.
var addresses = regexp.MustCompile(`tcp \S+->\S+: `)

func errorText(err error) string {
	if err == nil {
		return "ok"
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return addresses.ReplaceAllString(strings.ReplaceAll(err.Error(), "\n", " "), "tcp: ")
}

func once() error {
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "hello")
	}))
	server.EnableHTTP2 = true
	server.TLS = &tls.Config{MinVersion: tls.VersionTLS13, ClientAuth: tls.RequireAndVerifyClientCert}
	server.Config.ErrorLog = log.New(io.Discard, "", 0) // each rejected handshake is logged
	server.StartTLS()
	defer server.Close()
	client := server.Client()
	defer client.CloseIdleConnections()
	resp, err := client.Get(server.URL)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return err
}

func main() {
	n := flag.Int("n", 1000, "iterations, each with a new server and a new client")
	flag.Parse()
	if *n < 1 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "seed-program: -n must be >= 1 and there are no arguments")
		flag.Usage()
		os.Exit(2)
	}
	counts := map[string]int{}
	start := time.Now()
	for i := 0; i < *n; i++ {
		counts[errorText(once())]++
	}
	elapsed := time.Since(start).Seconds()
	texts := make([]string, 0, len(counts))
	for text := range counts {
		texts = append(texts, text)
	}
	sort.Slice(texts, func(a, b int) bool { return counts[texts[a]] > counts[texts[b]] })
	for _, text := range texts {
		fmt.Printf("%d\t%s\n", counts[text], text)
	}
	fmt.Printf("iterations %d elapsed %.2f it/s %.0f\n", *n, elapsed, float64(*n)/elapsed)
}
