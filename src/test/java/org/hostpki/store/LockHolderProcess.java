package org.hostpki.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.hostpki.model.HostpkiException;

/**
 * A second process for the lock tests, started by {@link ChildJvm}. {@code hold STORE}: takes the
 * lock, prints {@code locked}, keeps it until killed or until its stdin closes. {@code try STORE}:
 * tries once, prints {@code acquired} or {@code refused: MESSAGE}.
 */
public final class LockHolderProcess {
  private LockHolderProcess() {}

  public static void main(String[] args) throws IOException {
    Path store = Path.of(args[1]);
    if (args[0].equals("hold")) {
      StoreLock lock = StoreLock.acquire(store, Duration.ZERO, "test holder");
      try {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // until the test closes our stdin or kills us
        }
      } finally {
        lock.close();
      }
    } else {
      try {
        StoreLock.acquire(store, Duration.ZERO, "test try").close();
        System.out.println("acquired");
      } catch (HostpkiException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }
}
