package org.hostpki.store;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A file's content written into its file as it is made, for a record too large to hold whole
 * beside everything else: a generation's {@code .generation.json} after an apply of 100,000
 * trusted certificates is 45 MB (bench/NOTES.md, fheap16b). The store calls {@link #writeTo} once,
 * into the new file of a generation not yet committed; a failure there leaves the store as it was.
 */
@FunctionalInterface
public interface StreamedContent {
  /** Writes the whole content into {@code out}, which the store flushes and closes. */
  void writeTo(OutputStream out) throws IOException;

  /** Content made before, written as it is. */
  static StreamedContent of(byte[] content) {
    Objects.requireNonNull(content, "content");
    return out -> out.write(content);
  }
}
