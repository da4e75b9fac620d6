// The JVM adapters' flags (the adapter protocol's): --url URL --ca FILE [--cert FILE --key FILE]
// -n N --proto P --timeout-ms N, plus --paced and --version. Bad usage: the message and the
// synopsis on stderr, exit 2.
import java.util.List;

final class AdapterArgs {
  String url = "", ca = "", cert = "", key = "", proto = "h2";
  int n = 1;
  long timeoutMs = 5000;
  boolean paced = false;
  boolean version = false;

  private final String prog;
  private final String synopsis;

  // `protos`: what the adapter speaks.
  AdapterArgs(String prog, String synopsis, String[] args, List<String> protos) {
    this.prog = prog;
    this.synopsis = synopsis;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--version")) {
        version = true;
        return;
      }
      if (a.equals("--paced")) {
        paced = true;
        continue;
      }
      if (i + 1 >= args.length) usage(a + " needs a value");
      String v = args[++i];
      switch (a) {
        case "--url" -> url = v;
        case "--ca" -> ca = v;
        case "--cert" -> cert = v;
        case "--key" -> key = v;
        case "-n" -> n = Integer.parseInt(v);
        case "--proto" -> proto = v;
        case "--timeout-ms" -> timeoutMs = Long.parseLong(v);
        default -> usage("unknown argument " + a);
      }
    }
    if (url.isEmpty() || ca.isEmpty() || n < 1 || timeoutMs <= 0 || cert.isEmpty() != key.isEmpty()) {
      usage("need --url, --ca, -n >= 1, --timeout-ms > 0, and --cert with --key");
    }
    if (!protos.contains(proto)) usage("--proto " + proto + ": this adapter speaks " + protos);
  }

  void usage(String why) {
    System.err.println(prog + ": " + why);
    System.err.println("usage: " + synopsis);
    System.exit(2);
  }
}
