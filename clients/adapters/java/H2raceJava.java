// java-httpclient: N GETs with java.net.http.HttpClient (JDK 17), each with a new HttpClient and so
// a fresh connection, one result line per request. Same line protocol as clients/go/main.go:
//
//   <local address> \t ok <status>
//   <local address> \t error <Type: message>[ <- CauseType: message ...]
//
// The error is what HttpClient.send throws (send re-wraps the internal exception in one of its own
// type, so the chain usually starts with a doubled entry), followed along getCause(). Nothing is
// classified.
//
// The local address: HttpClient exposes neither its socket nor a connection hook (a custom
// SSLContext only sees host and port). The one place the JDK 17 implementation states it is its
// internal debug log (PlainHttpConnection: "ConnectEvent: connect finished: true Local addr:
// /127.0.0.1:PORT", jdk.internal.httpclient.debug=true, written to System.err). With
// --local-from-debug-log this program turns that log on and reads the address from it (the log
// is not forwarded); the line is only written when the non-blocking connect did not finish at
// once, and the property is internal, so this is best effort: "-" when nothing was seen.
// Without the flag the address is always "-" (h2race then runs one job and pairs with the sole
// record).
//
// Usage: java H2raceJava.java --url URL --ca FILE [--cert FILE --key FILE] -n N --proto h1|h2
//                             --timeout-ms N [--local-from-debug-log] [--paced]
// --paced: after each line, wait for a line on stdin before the next request (h2race sends it
// once it has paired the answer with the server's record: exact pairing without an address).
// The key is a PEM PKCS#8 "PRIVATE KEY" (Ed25519, EC P-256 or RSA).

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class H2raceJava {
  static void usage(String msg) {
    System.err.println("h2race-java: " + msg);
    System.err.println("usage: java H2raceJava.java --url URL --ca FILE [--cert FILE --key FILE]"
        + " -n N --proto h1|h2 --timeout-ms N [--local-from-debug-log] [--paced]");
    System.exit(2);
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("--cert", "", "--key", "", "-n", "1",
        "--proto", "h2", "--timeout-ms", "5000"));
    boolean debugLog = false;
    boolean paced = false;
    for (int i = 0; i < argv.length; i++) {
      String name = argv[i].equals("--n") ? "-n" : argv[i];
      if (name.equals("--paced")) {
        paced = true;
        continue;
      }
      if (name.equals("--local-from-debug-log")) {
        debugLog = true;
        continue;
      }
      if (!List.of("--url", "--ca", "--cert", "--key", "-n", "--proto", "--timeout-ms")
          .contains(name)) usage("unknown argument " + argv[i]);
      if (i + 1 >= argv.length) usage(argv[i] + " needs a value");
      a.put(name, argv[++i]);
    }
    int n = 0;
    long timeoutMs = 0;
    try {
      n = Integer.parseInt(a.get("-n"));
      timeoutMs = Long.parseLong(a.get("--timeout-ms"));
    } catch (NumberFormatException e) {
      usage("-n and --timeout-ms take numbers");
    }
    String proto = a.get("--proto");
    if (a.get("--url") == null || a.get("--ca") == null || n < 1 || timeoutMs <= 0
        || !(proto.equals("h1") || proto.equals("h2"))
        || a.get("--cert").isEmpty() != a.get("--key").isEmpty()) {
      usage("need --url, --ca, -n >= 1, --proto h1|h2, --timeout-ms > 0, and --cert with --key");
    }
    LocalAddressLog local = null;
    if (debugLog) {
      // Before any java.net.http class is loaded: the debug flag is read once, at class init.
      System.setProperty("jdk.internal.httpclient.debug", "true");
      local = new LocalAddressLog();
      System.setErr(new PrintStream(local, true, StandardCharsets.UTF_8));
    }
    SSLContext ssl = null;
    try {
      ssl = sslContext(a.get("--ca"), a.get("--cert"), a.get("--key"));
    } catch (Exception e) {
      usage(chain(e));
    }
    URI uri = URI.create(a.get("--url"));
    HttpClient.Version version =
        proto.equals("h2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    for (int i = 0; i < n; i++) {
      if (local != null) local.reset();
      String answer = request(uri, ssl, version, Duration.ofMillis(timeoutMs));
      String addr = local == null ? "-" : local.address();
      System.out.print(addr + "\t" + answer.replace('\r', ' ').replace('\n', ' ') + "\n");
      System.out.flush();
      // Until the newline, or the end of stdin (then nobody is pacing).
      for (int c = 0; paced && c != '\n' && c != -1;) c = System.in.read();
    }
    System.exit(0);
  }

  // One GET on a new HttpClient, through the synchronous send() a user would call; send runs on
  // a daemon thread so that the whole request has a hard bound besides HttpRequest.timeout.
  static String request(URI uri, SSLContext ssl, HttpClient.Version version, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(version)
        .connectTimeout(timeout).build();
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        HttpResponse<Void> resp = client.send(req, HttpResponse.BodyHandlers.discarding());
        result.complete("ok " + resp.statusCode());
      } catch (Throwable e) {
        result.complete("error " + chain(e));
      }
    });
    t.setDaemon(true);
    t.start();
    try {
      return result.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      t.interrupt();
      return "error timeout after " + timeout.toMillis() + " ms";
    } catch (InterruptedException | ExecutionException e) {
      return "error " + chain(e);
    } finally {
      release(client);
    }
  }

  // HttpClient has close() from JDK 21 on. On JDK 17 an unreferenced client's selector thread
  // closes its connections once it notices the client is gone (it wakes every 3 s at most): a
  // connection that succeeded stays open until then, which ties up one of the server's threads.
  static void release(HttpClient client) {
    if (client instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // nothing to do
      }
    } else {
      System.gc();
    }
  }

  static String chain(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (int depth = 0; e != null && depth < 8; e = e.getCause(), depth++) {
      parts.add(e.getClass().getSimpleName() + ": " + e.getMessage());
      if (e.getCause() == e) break;
    }
    return String.join(" <- ", parts);
  }

  static SSLContext sslContext(String caFile, String certFile, String keyFile) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (Certificate c : cf.generateCertificates(Files.newInputStream(Path.of(caFile)))) {
      trust.setCertificateEntry("ca" + i++, c);
    }
    if (i == 0) throw new IOException(caFile + ": no PEM certificate");
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (!certFile.isEmpty()) {
      Certificate[] chain = cf.generateCertificates(Files.newInputStream(Path.of(certFile)))
          .toArray(new Certificate[0]);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] pw = "h2race".toCharArray();
      keys.setKeyEntry("client", pkcs8Key(keyFile), pw, chain);
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, pw);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  // A PEM "PRIVATE KEY" (PKCS#8); its algorithm is whichever KeyFactory accepts it.
  static PrivateKey pkcs8Key(String keyFile) throws Exception {
    String pem = Files.readString(Path.of(keyFile));
    Matcher m = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----")
        .matcher(pem);
    if (!m.find()) throw new IOException(keyFile + ": no PKCS#8 PEM PRIVATE KEY");
    PKCS8EncodedKeySpec spec =
        new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
    for (String alg : List.of("Ed25519", "EC", "RSA", "Ed448")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (Exception e) {
        // not this algorithm
      }
    }
    throw new IOException(keyFile + ": key algorithm not Ed25519, EC, RSA or Ed448");
  }

  // Swallows the HttpClient debug log and keeps the last "Local addr: /IP:PORT" in it.
  static final class LocalAddressLog extends OutputStream {
    private static final Pattern LOCAL = Pattern.compile("Local addr: [^/\\s]*/(\\S+):(\\d+)");
    private final StringBuilder line = new StringBuilder();
    private String address = "-";

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        if (line.length() < 4096) line.append((char) b);
        return;
      }
      Matcher m = LOCAL.matcher(line);
      if (m.find()) {
        String host = m.group(1);
        address = (host.contains(":") ? "[" + host + "]" : host) + ":" + m.group(2);
      }
      line.setLength(0);
    }

    synchronized void reset() {
      address = "-";
    }

    synchronized String address() {
      return address;
    }
  }
}
