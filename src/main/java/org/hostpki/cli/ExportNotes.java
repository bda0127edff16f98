package org.hostpki.cli;

import java.util.List;
import java.util.Optional;
import org.hostpki.model.StoreLayout;
import org.hostpki.model.TerminalText;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.InvalidMaterialException;
import org.hostpki.pki.Pem;
import org.hostpki.store.StoreDirectory;

/**
 * What {@code export} notes on standard error when what it writes would not make a client trust
 * the server as served (found by the clients trial: a browser given ca.crt, or a client given the
 * trust bundle, refused an externally signed server without a word from hostpki).
 */
final class ExportNotes {
  private ExportNotes() {}

  /**
   * A note when the server certificate is not issued by ca.crt (an external or ACME issuer): a
   * browser that trusts ca.crt then refuses the server, and the README's "trust your CA's root
   * instead" is easily missed. Unreadable files make no note: export itself reports them.
   */
  static Optional<String> notSigningTheServer(StoreDirectory directory, byte[] caPem) {
    try {
      Optional<byte[]> server = directory.currentFile(StoreLayout.SERVER_CERT);
      if (server.isEmpty()) {
        return Optional.empty();
      }
      Certificate leaf = Pem.readCertificates(server.get()).get(0);
      Certificate ca = Pem.readCertificates(caPem).get(0);
      if (leaf.isSignedBy(ca)) {
        return Optional.empty();
      }
      return Optional.of(
          "note: this store's CA (" + TerminalText.escape(ca.facts().subjectDn()) + ") does not sign"
              + " the server certificate, " + TerminalText.escape(leaf.facts().issuerDn()) + " does: a"
              + " browser that trusts only ca.crt refuses the server; trust the root of that CA's"
              + " chain instead");
    } catch (InvalidMaterialException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * A note when no certificate of the bundle anchors the chain served (an imported chain whose root
   * is not declared under trust.certificates): a client given only the bundle refuses the server.
   */
  static Optional<String> notAnchoringTheServer(StoreDirectory directory, byte[] bundlePem) {
    try {
      Optional<byte[]> served = directory.currentFile(StoreLayout.SERVER_FULLCHAIN);
      if (served.isEmpty()) {
        return Optional.empty();
      }
      List<Certificate> chain = Pem.readCertificates(served.get());
      List<Certificate> bundle = Pem.readCertificates(bundlePem);
      for (Certificate c : chain) {
        for (Certificate b : bundle) {
          if (java.util.Arrays.equals(c.der(), b.der()) || c.isSignedBy(b)) {
            return Optional.empty();
          }
        }
      }
      Certificate top = chain.get(chain.size() - 1);
      return Optional.of(
          "note: no certificate in this bundle anchors the server certificate's chain (it ends in "
              + TerminalText.escape(top.facts().subjectDn()) + ", issued by "
              + TerminalText.escape(top.facts().issuerDn()) + "): a client given only this bundle"
              + " refuses the server; declare that CA's root under trust.certificates, and it joins"
              + " trust-bundle.crt and truststore.p12");
    } catch (InvalidMaterialException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
