// go-net-http-server: the server side of the seed report, as a Go user writes it: net/http's
// Server over crypto/tls, HTTP/2 on (the default with TLS), TLS 1.2 or 1.3, a client certificate
// required and verified against the run's CA. h2race starts it from
// servers/external/go1.19-net-http-server.server and go1.26-...: one program, built with each Go.
//
// It listens on the address it is given (h2race gives 127.0.0.1 and a free port) until SIGTERM.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "host:port to listen on")
	cert := flag.String("cert", "", "the server's certificate (PEM)")
	key := flag.String("key", "", "its private key (PEM)")
	ca := flag.String("ca", "", "the CA that client certificates must chain to (PEM)")
	clientAuth := flag.String("client-auth", "require",
		"require (RequireAndVerifyClientCert), optional (VerifyClientCertIfGiven, then 403 without one) or none")
	version := flag.Bool("version", false, "print the Go version and exit")
	flag.Parse()
	if *version {
		fmt.Println(runtime.Version())
		return
	}
	pool := x509.NewCertPool()
	pem, err := os.ReadFile(*ca)
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		log.Fatalf("-ca %s: no certificate read (%v)", *ca, err)
	}
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatalf("-cert/-key: %v", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool}
	switch *clientAuth {
	case "require":
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	case "optional":
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	case "none":
		cfg.ClientAuth = tls.NoClientCert
	default:
		log.Fatalf("-client-auth %q: require, optional or none", *clientAuth)
	}
	optional := *clientAuth == "optional"
	srv := &http.Server{
		Addr:      *addr,
		TLSConfig: cfg,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// optional: the rejection moves from the handshake to the response, which every
			// client reads (no alert to race).
			if optional && len(r.TLS.PeerCertificates) == 0 {
				http.Error(w, "a client certificate is required", http.StatusForbidden)
				return
			}
			io.WriteString(w, "h2race: served\n")
		}),
		// The handshake errors (one per rejected client) are the point of the run, not news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		srv.Shutdown(context.Background())
	}()
	if err := srv.ListenAndServeTLS("", ""); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
