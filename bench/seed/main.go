// seed-program: the seed case as a Go user first wrote it, to measure h2race's rate against it
// on the same machine in the same run (scripts/seed-rate). Per iteration it starts a new
// httptest TLS server (HTTP/2 on, TLS 1.3, a client certificate required and verified, the
// test RSA-2048 certificate httptest ships), GETs it once with the server's own client (which
// has no certificate), and closes the server. The program is a Go client against a Go server in
// one process, as in the seed report; nothing of it is shared with h2race.
//
// Output: the histogram, in h2race's class names, then one summary line:
//
//	<class> \t <count> \t <first message>
//	iterations <n> elapsed <seconds> it/s <rate>
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"time"
)

// classOf names the classes this program meets in h2race's words (a coarser version of
// clients/external/go-net-http.client: the rate is what matters here). Go 1.19's server sends
// bad_certificate for a missing client certificate; Go 1.21 and later send
// certificate_required and wrap it in "could not be established", hence that case first.
func classOf(err error) string {
	if err == nil {
		return "ok"
	}
	text := err.Error()
	const alert = "remote error: tls: "
	switch {
	case strings.Contains(text, "could not be established"):
		return "h2:no_connection"
	case strings.Contains(text, "write: broken pipe"):
		return "write:EPIPE"
	case strings.Contains(text, "write: connection reset by peer"):
		return "write:ECONNRESET"
	case strings.Contains(text, alert):
		name := text[strings.Index(text, alert)+len(alert):]
		return "tls_alert:" + strings.ReplaceAll(name, " ", "_")
	}
	return "other"
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
	examples := map[string]string{}
	start := time.Now()
	for i := 0; i < *n; i++ {
		err := once()
		class := classOf(err)
		counts[class]++
		if _, seen := examples[class]; !seen && err != nil {
			examples[class] = strings.ReplaceAll(err.Error(), "\n", " ")
		}
	}
	elapsed := time.Since(start).Seconds()
	classes := make([]string, 0, len(counts))
	for class := range counts {
		classes = append(classes, class)
	}
	sort.Slice(classes, func(a, b int) bool { return counts[classes[a]] > counts[classes[b]] })
	for _, class := range classes {
		fmt.Printf("%s\t%d\t%s\n", class, counts[class], examples[class])
	}
	fmt.Printf("iterations %d elapsed %.2f it/s %.0f\n", *n, elapsed, float64(*n)/elapsed)
}
