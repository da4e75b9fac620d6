// The JVM adapters' TLS material, with the JDK alone: the CA as the only trust anchor, and the
// client certificate with its PKCS#8 key (Ed25519, EC or RSA, as h2race writes them) when given.
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

final class JdkTls {
  final TrustManagerFactory trust;
  final KeyManagerFactory keys;  // null without a client certificate

  JdkTls(String ca, String cert, String key) throws Exception {
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    try (var in = Files.newInputStream(Path.of(ca))) {
      anchors.setCertificateEntry("ca", x509.generateCertificate(in));
    }
    trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    if (cert.isEmpty()) {
      keys = null;
      return;
    }
    Certificate chain;
    try (var in = Files.newInputStream(Path.of(cert))) {
      chain = x509.generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] none = new char[0];
    store.setKeyEntry("client", privateKey(Files.readString(Path.of(key))), none,
        new Certificate[] {chain});
    keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, none);
  }

  private static PrivateKey privateKey(String pem) throws Exception {
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[^-]+-----", ""));
    for (String algorithm : new String[] {"Ed25519", "EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.spec.InvalidKeySpecException wrongType) {
        // the next type
      }
    }
    throw new IllegalArgumentException("no Ed25519, EC or RSA PKCS#8 key");
  }
}
