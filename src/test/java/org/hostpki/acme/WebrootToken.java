package org.hostpki.acme;

import java.nio.file.Path;
import java.util.List;

/**
 * Presents one http-01 token in a webroot, as an order does, in a process of its own (for a test
 * that runs it with fewer capabilities); prints the token file's path, or the failure and exits 1.
 */
public final class WebrootToken {
  private WebrootToken() {}

  public static void main(String[] args) {
    Http01Webroot responder = new Http01Webroot(Path.of(args[0]));
    try {
      responder.present(List.of(new PendingChallenge("dns", "portal.example.test", false, "tok-1", "tok-1.thumb", "")));
      System.out.println("PRESENTED " + Path.of(args[0], ".well-known/acme-challenge/tok-1"));
    } catch (AcmeFailure e) {
      System.out.println("FAILED " + e.getMessage());
      System.exit(1);
    }
  }
}
