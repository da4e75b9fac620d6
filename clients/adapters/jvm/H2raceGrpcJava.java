// grpc-java: N unary gRPC calls (/grpc.health.v1.Health/Check, an empty message as raw bytes: no
// protobuf code needed) with grpc-java over Netty (grpc-netty-shaded), each on a new
// ManagedChannel and so a fresh connection, TLS with the CA and a client certificate only if
// given. One result line per call, the line protocol of clients/go/main.go:
//
//   - \t ok <status>
//   - \t error <the status the caller sees: "CODE: description"[ <- CauseType: message ...]>
//
// The rejection comes before any gRPC exchange. A call answered with an HTTP response that is not
// gRPC's (h2race's server answers 200 text/plain to a valid certificate) is printed as "ok 200"
// with the status after it. grpc-java does not expose its socket: "-", and --paced waits for a
// line on stdin after each answer (h2race pairs it with the server's only record).
//
// Usage: java -cp JARS:DIR H2raceGrpcJava --url URL --ca FILE [--cert FILE --key FILE] -n N
//                                          --proto h2 --timeout-ms N [--paced] | --version
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.util.concurrent.TimeUnit;

public final class H2raceGrpcJava {
  // Bytes as they are: the health check's empty request, and whatever comes back.
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }
        @Override public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };
  private static final MethodDescriptor<byte[], byte[]> CHECK =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(RAW)
          .setResponseMarshaller(RAW)
          .build();

  static String errorText(Throwable e) {
    StringBuilder b = new StringBuilder(e.getMessage());
    for (Throwable c = e.getCause(); c != null && b.length() < 4000; c = c.getCause()) {
      b.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return b.toString().replaceAll("[\\r\\n\\t]+", " ");
  }

  public static void main(String[] args) throws Exception {
    AdapterArgs a = new AdapterArgs("h2race-grpc-java", "H2raceGrpcJava --url URL --ca FILE "
        + "[--cert FILE --key FILE] -n N --proto h2 --timeout-ms N [--paced] | --version", args,
        java.util.List.of("h2"));  // gRPC speaks h2 only
    if (a.version) {
      System.out.println("grpc-java " + io.grpc.internal.GrpcUtil.getGrpcBuildVersion()
          .getImplementationVersion() + " (netty-shaded), Java " + System.getProperty("java.version"));
      return;
    }
    JdkTls material = new JdkTls(a.ca, a.cert, a.key);
    SslContextBuilder builder = SslContextBuilder.forClient().trustManager(material.trust);
    if (material.keys != null) builder.keyManager(material.keys);
    SslContext ssl = GrpcSslContexts.configure(builder).build();
    URI target = URI.create(a.url);
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
    for (int i = 0; i < a.n; i++) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(target.getHost(), target.getPort()).sslContext(ssl).build();
      String answer;
      try {
        ClientCalls.blockingUnaryCall(channel, CHECK,
            CallOptions.DEFAULT.withDeadlineAfter(a.timeoutMs, TimeUnit.MILLISECONDS), new byte[0]);
        answer = "ok 200";
      } catch (StatusRuntimeException e) {
        String text = errorText(e);
        java.util.regex.Matcher http =
            java.util.regex.Pattern.compile("HTTP status code (\\d+)").matcher(text);
        answer = http.find() ? "ok " + http.group(1) + " " + text : "error " + text;
      }
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      System.out.println("-\t" + answer);
      System.out.flush();
      if (a.paced && stdin.readLine() == null) return;
    }
  }
}
