// grpc-go: N unary gRPC calls (grpc.health.v1.Health/Check), each on a new grpc.ClientConn and
// so a fresh connection, with mTLS configured (the CA; a client certificate only if given), one
// result line per call, the line protocol of clients/go/main.go:
//
//	<local ip:port or -> \t ok <status>
//	<local ip:port or -> \t error <the status as the caller sees it: err.Error()>
//
// The server's rejection comes before any gRPC exchange, so any HTTP/2 server serves. A call that
// got an HTTP response that is not gRPC's (h2race's server answers 200 text/plain to a valid
// certificate) is printed as "ok <HTTP status>" with the status after it: the server answered.
// The local address comes from the dialer (grpc.WithContextDialer). Nothing is classified.
//
// Usage: h2race-grpc-go -url URL -ca FILE [-cert FILE -key FILE] -n N -proto h2 -timeout D
// (-version: grpc-go's and Go's versions). Bad usage exits 2.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func usage(why string) {
	fmt.Fprintf(os.Stderr, "h2race-grpc-go: %s\n", why)
	flag.Usage()
	os.Exit(2)
}

func tlsConfig(ca, cert, key string) (*tls.Config, error) {
	pem, err := os.ReadFile(ca)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no certificate", ca)
	}
	config := &tls.Config{RootCAs: roots}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, err
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return config, nil
}

var httpStatus = regexp.MustCompile(`unexpected HTTP status code received from server: (\d+)`)

// One call on a new ClientConn; the local address once connected.
func call(target string, config *tls.Config, timeout time.Duration) (local, answer string) {
	var mu sync.Mutex
	local = "-"
	dial := func(ctx context.Context, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err == nil {
			mu.Lock()
			local = c.LocalAddr().String()
			mu.Unlock()
		}
		return c, err
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(credentials.NewTLS(config)),
		grpc.WithContextDialer(dial))
	if err != nil {
		return local, "error " + err.Error()
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	mu.Lock()
	defer mu.Unlock()
	if err == nil {
		return local, "ok 200 OK"
	}
	if m := httpStatus.FindStringSubmatch(status.Convert(err).Message()); m != nil {
		return local, "ok " + m[1] + " " + err.Error()
	}
	return local, "error " + err.Error()
}

func version() string {
	grpcVersion := "?"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "google.golang.org/grpc" {
				grpcVersion = d.Version
			}
		}
	}
	return fmt.Sprintf("grpc-go %s, %s", grpcVersion, runtime.Version())
}

func main() {
	rawURL := flag.String("url", "", "https://HOST:PORT/ of the server")
	ca := flag.String("ca", "", "CA certificate (PEM)")
	cert := flag.String("cert", "", "client certificate (PEM)")
	key := flag.String("key", "", "client key (PEM)")
	n := flag.Int("n", 1, "number of calls")
	proto := flag.String("proto", "h2", "h2 (gRPC is HTTP/2 only)")
	timeout := flag.Duration("timeout", 5*time.Second, "bound on each call")
	showVersion := flag.Bool("version", false, "print grpc-go's and Go's versions")
	flag.Parse()
	if *showVersion {
		fmt.Println(version())
		return
	}
	if *rawURL == "" || *ca == "" || *n < 1 || *timeout <= 0 || (*cert == "") != (*key == "") ||
		flag.NArg() > 0 {
		usage("need -url, -ca, -n >= 1, -timeout > 0, and -cert with -key")
	}
	if *proto != "h2" {
		usage("-proto " + *proto + ": gRPC speaks h2 only")
	}
	u, err := url.Parse(*rawURL)
	if err != nil || u.Host == "" {
		usage("-url " + *rawURL + ": not https://HOST:PORT/")
	}
	config, err := tlsConfig(*ca, *cert, *key)
	if err != nil {
		fmt.Fprintf(os.Stderr, "h2race-grpc-go: %v\n", err)
		os.Exit(2)
	}
	for i := 0; i < *n; i++ {
		local, answer := call("passthrough:///"+u.Host, config, *timeout)
		fmt.Printf("%s\t%s\n", local, strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(answer))
	}
}
