// okhttp: N GETs with OkHttp (HTTP/2 for --proto h2 through ALPN, HTTP/1.1 for h1), each on a new
// OkHttpClient with its own connection pool and so a fresh connection, one result line per
// request, the line protocol of clients/go/main.go:
//
//   <local ip:port or -> \t ok <status>
//   <local ip:port or -> \t error <Type: message>[ <- CauseType: message ...]
//
// The local address comes from the client's socket factory (the socket it connects); "-" when
// none was connected. Nothing is classified.
//
// Usage: java -cp JARS:DIR H2raceOkHttp --url URL --ca FILE [--cert FILE --key FILE] -n N
//                                        --proto h1|h2 --timeout-ms N      (bad usage: exit 2)
//        java -cp JARS:DIR H2raceOkHttp --version
// --cert/--key: PEM files; the key in PKCS#8 ("PRIVATE KEY"), as h2race writes them.
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

public final class H2raceOkHttp {
  // Records the local address of the socket it hands out, once connected.
  private static final class RecordingSocketFactory extends SocketFactory {
    volatile String local = "-";

    private Socket recording() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          super.connect(endpoint, timeout);
          local = getLocalAddress().getHostAddress() + ":" + getLocalPort();
        }
      };
    }

    @Override public Socket createSocket() { return recording(); }
    @Override public Socket createSocket(String host, int port) throws IOException {
      Socket s = recording();
      s.connect(new java.net.InetSocketAddress(host, port));
      return s;
    }
    @Override public Socket createSocket(String h, int p, InetAddress la, int lp) throws IOException {
      throw new IOException("not used");
    }
    @Override public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket s = recording();
      s.connect(new java.net.InetSocketAddress(host, port));
      return s;
    }
    @Override public Socket createSocket(InetAddress a, int p, InetAddress la, int lp)
        throws IOException {
      throw new IOException("not used");
    }
  }

  static String errorText(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (int depth = 0; e != null && depth < 8; e = e.getCause(), depth++) {
      if (b.length() > 0) b.append(" <- ");
      b.append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    }
    return b.toString().replaceAll("[\\r\\n\\t]+", " ");
  }

  public static void main(String[] args) throws Exception {
    AdapterArgs a = new AdapterArgs("h2race-okhttp", "H2raceOkHttp --url URL --ca FILE [--cert FILE "
        + "--key FILE] -n N --proto h1|h2 --timeout-ms N | --version", args, List.of("h1", "h2"));
    if (a.version) {
      System.out.println("okhttp " + okhttp3.OkHttp.VERSION + ", Java "
          + System.getProperty("java.version"));
      return;
    }
    JdkTls material = new JdkTls(a.ca, a.cert, a.key);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(material.keys == null ? null : material.keys.getKeyManagers(),
        material.trust.getTrustManagers(), null);
    X509TrustManager trustManager = (X509TrustManager) material.trust.getTrustManagers()[0];
    List<Protocol> protocols =
        a.proto.equals("h2") ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1);
    for (int i = 0; i < a.n; i++) {
      RecordingSocketFactory sockets = new RecordingSocketFactory();
      OkHttpClient client = new OkHttpClient.Builder()
          .sslSocketFactory(context.getSocketFactory(), trustManager)
          .socketFactory(sockets)
          .protocols(protocols)
          .connectionPool(new ConnectionPool())
          .retryOnConnectionFailure(true)  // OkHttp's default
          .callTimeout(a.timeoutMs, TimeUnit.MILLISECONDS)
          .build();
      String answer;
      try (Response r = client.newCall(new Request.Builder().url(a.url).build()).execute()) {
        answer = "ok " + r.code();
      } catch (java.io.InterruptedIOException e) {
        answer = "error timeout after " + a.timeoutMs + " ms <- " + errorText(e);
      } catch (IOException e) {
        answer = "error " + errorText(e);
      }
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      System.out.println(sockets.local + "\t" + answer);
      System.out.flush();
    }
  }
}
