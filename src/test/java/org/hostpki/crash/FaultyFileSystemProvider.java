package org.hostpki.crash;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.hostpki.crash.FileOperation.Kind;

/**
 * Passes each call to the underlying provider through the {@link FaultInjector}: mutating calls as
 * numbered operations, the others as reads (which fail only after a power cut).
 */
final class FaultyFileSystemProvider extends FileSystemProvider {
  private static final Set<OpenOption> WRITING =
      Set.of(
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND,
          StandardOpenOption.CREATE,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.DELETE_ON_CLOSE);

  private final FileSystemProvider delegate;

  FaultyFileSystemProvider(FileSystemProvider delegate) {
    this.delegate = delegate;
  }

  private static FaultyFileSystem fs(Path path) {
    if (path instanceof FaultyPath faulty) {
      return faulty.getFileSystem();
    }
    throw new java.nio.file.ProviderMismatchException("not a path of a FaultyFileSystem: " + path);
  }

  private static FaultInjector injector(Path path) {
    return fs(path).injector();
  }

  private static Path raw(Path path) {
    return FaultyPath.unwrap(path);
  }

  @Override
  public String getScheme() {
    return "faulty";
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("make a FaultyFileSystem with its constructor");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    throw new UnsupportedOperationException("FaultyFileSystems are not looked up by URI");
  }

  @Override
  public Path getPath(URI uri) {
    throw new UnsupportedOperationException("FaultyFileSystems are not looked up by URI");
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    FaultInjector injector = injector(path);
    Path raw = raw(path);
    boolean writing = options.stream().anyMatch(WRITING::contains);
    if (!writing) {
      return injector.read(
          () -> {
            if (Files.isDirectory(raw)) {
              return new DirectoryChannel(injector, raw, injector.cache().keyOf(raw));
            }
            FileChannel channel = delegate.newFileChannel(raw, options, attrs);
            return new FaultyFileChannel(injector, raw, injector.cache().keyOf(raw), channel);
          });
    }
    return injector.mutate(
        Kind.OPEN_FOR_WRITE,
        raw,
        null,
        () -> {
          WriteBackCache cache = injector.cache();
          boolean existed = Files.exists(raw, LinkOption.NOFOLLOW_LINKS);
          if (existed && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            cache.beforeWrite(cache.keyOf(raw), raw);
          }
          FileChannel channel = delegate.newFileChannel(raw, options, attrs);
          if (!existed) {
            cache.created(injector.currentIndex(), raw);
          }
          return new FaultyFileChannel(injector, raw, cache.keyOf(raw), channel);
        });
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    FaultyFileSystem fs = fs(dir);
    DirectoryStream<Path> stream =
        fs.injector()
            .read(
                () ->
                    delegate.newDirectoryStream(
                        raw(dir), p -> filter == null || filter.accept(fs.wrap(p))));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> entries = stream.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return entries.hasNext();
          }

          @Override
          public Path next() {
            return fs.wrap(entries.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    FaultInjector injector = injector(dir);
    Path raw = raw(dir);
    injector.mutate(
        Kind.CREATE_DIRECTORY,
        raw,
        null,
        () -> {
          delegate.createDirectory(raw, attrs);
          injector.cache().created(injector.currentIndex(), raw);
          return null;
        });
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
      throws IOException {
    FaultInjector injector = injector(link);
    Path raw = raw(link);
    Path rawTarget = raw(target);
    injector.mutate(
        Kind.CREATE_SYMBOLIC_LINK,
        raw,
        rawTarget,
        () -> {
          delegate.createSymbolicLink(raw, rawTarget, attrs);
          injector.cache().created(injector.currentIndex(), raw);
          return null;
        });
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    FaultInjector injector = injector(link);
    Path raw = raw(link);
    Path rawExisting = raw(existing);
    injector.mutate(
        Kind.CREATE_LINK,
        raw,
        rawExisting,
        () -> {
          delegate.createLink(raw, rawExisting);
          injector.cache().linked(injector.currentIndex(), raw);
          return null;
        });
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    FaultyFileSystem fs = fs(link);
    return fs.wrap(fs.injector().read(() -> delegate.readSymbolicLink(raw(link))));
  }

  @Override
  public void delete(Path path) throws IOException {
    FaultInjector injector = injector(path);
    Path raw = raw(path);
    injector.mutate(
        Kind.DELETE,
        raw,
        null,
        () -> {
          // An absent file is an error before anything changes, as it would be on a disk.
          if (!Files.exists(raw, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(raw.toString());
          }
          injector.cache().beforeDelete(injector.currentIndex(), raw);
          delegate.delete(raw);
          return null;
        });
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    FaultInjector injector = injector(source);
    Path rawSource = raw(source);
    Path rawTarget = raw(target);
    injector.mutate(
        Kind.COPY,
        rawSource,
        rawTarget,
        () -> {
          boolean existed = Files.exists(rawTarget, LinkOption.NOFOLLOW_LINKS);
          if (existed) {
            injector.cache().beforeDelete(injector.currentIndex(), rawTarget);
          }
          delegate.copy(rawSource, rawTarget, options);
          injector.cache().created(injector.currentIndex(), rawTarget);
          return null;
        });
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    FaultInjector injector = injector(source);
    Path rawSource = raw(source);
    Path rawTarget = raw(target);
    injector.mutate(
        Kind.MOVE,
        rawSource,
        rawTarget,
        () -> {
          if (!Files.exists(rawSource, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(rawSource.toString());
          }
          injector.cache().beforeMove(injector.currentIndex(), rawSource, rawTarget);
          delegate.move(rawSource, rawTarget, options);
          return null;
        });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    if (!(path2 instanceof FaultyPath)) {
      return false;
    }
    return injector(path).read(() -> delegate.isSameFile(raw(path), raw(path2)));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return injector(path).read(() -> delegate.isHidden(raw(path)));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return injector(path).read(() -> delegate.getFileStore(raw(path)));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    injector(path)
        .read(
            () -> {
              delegate.checkAccess(raw(path), modes);
              return null;
            });
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    V view = delegate.getFileAttributeView(raw(path), type, options);
    if (view == null) {
      return null;
    }
    FaultInjector injector = injector(path);
    if (type == PosixFileAttributeView.class) {
      return type.cast(
          new FaultyAttributeViews.Posix(injector, raw(path), (PosixFileAttributeView) view));
    }
    if (type == FileOwnerAttributeView.class) {
      return type.cast(
          new FaultyAttributeViews.Owner(injector, raw(path), (FileOwnerAttributeView) view));
    }
    if (type == BasicFileAttributeView.class) {
      return type.cast(
          new FaultyAttributeViews.Basic(injector, raw(path), (BasicFileAttributeView) view));
    }
    throw new UnsupportedOperationException(
        "FaultyFileSystem does not wrap " + type.getName() + "; add it to count its writes");
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    return injector(path).read(() -> delegate.readAttributes(raw(path), type, options));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return injector(path).read(() -> delegate.readAttributes(raw(path), attributes, options));
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    FaultInjector injector = injector(path);
    Path raw = raw(path);
    injector.mutate(
        Kind.SET_ATTRIBUTE,
        raw,
        null,
        () -> {
          injector.cache().beforeSetAttributes(injector.currentIndex(), raw);
          delegate.setAttribute(raw, attribute, value, options);
          return null;
        });
  }
}
