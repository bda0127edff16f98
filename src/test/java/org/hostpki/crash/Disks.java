package org.hostpki.crash;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;

/** In-memory disks for the crash tests: Unix, with POSIX modes, owned by the user running. */
final class Disks {
  private Disks() {}

  static FileSystem newDisk() {
    return Jimfs.newFileSystem(
        Configuration.unix().toBuilder()
            .setAttributeViews("basic", "owner", "posix", "unix")
            // The store must be owned by the user hostpki runs as (or root).
            .setDefaultAttributeValue("owner:owner", System.getProperty("user.name"))
            .build());
  }
}
