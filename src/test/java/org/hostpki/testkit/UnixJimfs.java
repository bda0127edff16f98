package org.hostpki.testkit;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;

/** An in-memory Unix file system with POSIX modes and owners, whose files this JVM's user owns. */
public final class UnixJimfs {
  private UnixJimfs() {}

  /** A new one; close it after the test. */
  public static FileSystem create() {
    Configuration unix = Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix")
        .setDefaultAttributeValue("owner:owner", System.getProperty("user.name")).build();
    return Jimfs.newFileSystem(unix);
  }
}
