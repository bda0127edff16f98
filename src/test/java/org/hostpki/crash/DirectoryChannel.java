package org.hostpki.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import org.hostpki.crash.FileOperation.Kind;

/**
 * A directory opened read-only, as Linux allows and Jimfs does not: it can only be forced (the
 * fsync that makes names created, renamed or removed in it durable) and closed.
 */
final class DirectoryChannel extends FileChannel {
  private final FaultInjector injector;
  private final Path raw;
  private final Object key;

  DirectoryChannel(FaultInjector injector, Path raw, Object key) {
    this.injector = injector;
    this.raw = raw;
    this.key = key;
  }

  private IOException isADirectory() {
    return new IOException(raw + ": Is a directory");
  }

  @Override
  public void force(boolean metaData) throws IOException {
    injector.mutate(
        Kind.FORCE,
        raw,
        null,
        () -> {
          injector.cache().forced(injector.currentIndex(), key, null);
          return null;
        });
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    throw isADirectory();
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    throw isADirectory();
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    throw isADirectory();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    throw isADirectory();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    throw isADirectory();
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    throw isADirectory();
  }

  @Override
  public long position() {
    return 0;
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    throw isADirectory();
  }

  @Override
  public long size() {
    return 0;
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    throw isADirectory();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    throw isADirectory();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count)
      throws IOException {
    throw isADirectory();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    throw isADirectory();
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    throw isADirectory();
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    throw isADirectory();
  }

  @Override
  protected void implCloseChannel() {}
}
