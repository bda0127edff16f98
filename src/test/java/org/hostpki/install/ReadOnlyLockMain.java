package org.hostpki.install;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.hostpki.model.InstallTarget;

/**
 * Run in a mount namespace by {@link TargetLockNamespaceTest}: locks a target in the folder named
 * by its argument (a read-only bind mount there) with the open failing in another language's
 * words, as the C library says EROFS under a German locale, and prints the error.
 */
final class ReadOnlyLockMain {
  private ReadOnlyLockMain() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]).resolve(".hostpki.lock");
    try {
      TargetLock.hold(InstallTarget.system(), file, TargetLock.WAIT, line -> {}, () -> {
        throw new FileSystemException(file.toString(), null, "Das Dateisystem ist nur lesbar");
      }).close();
      System.out.println("locked");
    } catch (InstallException e) {
      System.out.println(e.getMessage());
    }
  }
}
