package org.hostpki.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.crash.FileOperation.Kind;

/** A channel on a file of a {@link FaultyFileSystem}: writes, truncations, syncs are operations. */
final class FaultyFileChannel extends FileChannel {
  private final FaultInjector injector;
  private final Path raw;
  private final Object key;
  private final FileChannel delegate;

  FaultyFileChannel(FaultInjector injector, Path raw, Object key, FileChannel delegate) {
    this.injector = injector;
    this.raw = raw;
    this.key = key;
    this.delegate = delegate;
  }

  private <T> T write(Kind kind, FaultInjector.IoCall<T> call) throws IOException {
    return injector.mutate(
        kind,
        raw,
        null,
        () -> {
          injector.cache().beforeWrite(key, raw);
          return call.call();
        });
  }

  /** The whole content, through this channel when it can read, else by the path. */
  private byte[] content() throws IOException {
    try {
      ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(delegate.size()));
      while (all.hasRemaining() && delegate.read(all, all.position()) >= 0) {
        // until full
      }
      return all.array();
    } catch (NonReadableChannelException e) {
      return Files.readAllBytes(raw);
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return injector.read(() -> delegate.read(dst));
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return injector.read(() -> delegate.read(dsts, offset, length));
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return injector.read(() -> delegate.read(dst, position));
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return write(Kind.WRITE, () -> delegate.write(src));
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return write(Kind.WRITE, () -> delegate.write(srcs, offset, length));
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    return write(Kind.WRITE, () -> delegate.write(src, position));
  }

  @Override
  public long position() throws IOException {
    return injector.read(delegate::position);
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    injector.read(() -> delegate.position(newPosition));
    return this;
  }

  @Override
  public long size() throws IOException {
    return injector.read(delegate::size);
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    write(Kind.TRUNCATE, () -> delegate.truncate(size));
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    injector.mutate(
        Kind.FORCE,
        raw,
        null,
        () -> {
          delegate.force(metaData);
          injector.cache().forced(injector.currentIndex(), key, this::content);
          return null;
        });
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    return injector.read(() -> delegate.transferTo(position, count, target));
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count)
      throws IOException {
    return write(Kind.WRITE, () -> delegate.transferFrom(src, position, count));
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    if (mode != MapMode.READ_ONLY) {
      throw new UnsupportedOperationException("writable mappings bypass the fault injector");
    }
    return injector.read(() -> delegate.map(mode, position, size));
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return injector.read(() -> delegate.lock(position, size, shared));
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return injector.read(() -> delegate.tryLock(position, size, shared));
  }

  /** Closing releases resources and changes no content; it works even after a power cut. */
  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
