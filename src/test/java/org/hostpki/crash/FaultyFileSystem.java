package org.hostpki.crash;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A file system that passes every call to another one (Jimfs in these tests) through a {@link
 * FaultInjector}, which numbers the mutating operations and fails the chosen one. Code under test
 * gets its paths from {@link #getPath}; the test inspects the outcome on the underlying file
 * system, where nothing can fail.
 *
 * <p>Unlike Jimfs, and like Linux, a directory can be opened read-only as a {@link
 * java.nio.channels.FileChannel} and forced: that is how the store syncs directories, and those
 * syncs are operations the tests must see.
 */
final class FaultyFileSystem extends FileSystem {
  private final FileSystem delegate;
  private final FaultInjector injector;
  private final FaultyFileSystemProvider provider;

  FaultyFileSystem(FileSystem delegate, FaultInjector injector) {
    this.delegate = delegate;
    this.injector = injector;
    this.provider = new FaultyFileSystemProvider(delegate.provider());
    injector.attach(delegate);
  }

  FaultInjector injector() {
    return injector;
  }

  FileSystem delegate() {
    return delegate;
  }

  /** The path on this file system for one on the underlying file system. */
  Path wrap(Path underlying) {
    return new FaultyPath(this, underlying);
  }

  @Override
  public FaultyFileSystemProvider provider() {
    return provider;
  }

  /** Closing is the test's business, on the underlying file system. */
  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public boolean isReadOnly() {
    return delegate.isReadOnly();
  }

  @Override
  public String getSeparator() {
    return delegate.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    delegate.getRootDirectories().forEach(r -> roots.add(wrap(r)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return delegate.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return delegate.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(delegate.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = delegate.getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(FaultyPath.unwrap(path));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return delegate.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("no watch service on a FaultyFileSystem");
  }
}
