package org.hostpki.docs;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.hostpki.host.LiveHostIdentityProbe;

/**
 * One JVM inside a {@link DocsIT} sandbox that runs every {@code hostpki} command of a document
 * in-process, so that a document of fifty commands costs one JVM start instead of fifty. The
 * shim {@link #CLIENT} (the {@code hostpki} the session finds) sends the command line, working
 * directory and environment over a Unix socket; this runs {@link Main#run} with them and sends
 * back standard output, standard error and the exit code as frames. One command at a time: the
 * process's {@code System.out} is the command's for its run ({@code export --der} writes bytes
 * there).
 *
 * <p>Protocol, client to server: {@code int} count, then that many UTF-8 strings (each an {@code
 * int} length and its bytes): the working directory, the number of arguments, the arguments, then
 * {@code NAME=VALUE} entries of the environment. Server to client: frames of a byte ({@code 1}
 * standard output, {@code 2} standard error), an {@code int} length and the bytes; then {@code 0}
 * and the exit code.
 */
public final class DocHostpkiServer {
  private DocHostpkiServer() {}

  public static void main(String[] args) throws IOException {
    Path socket = Path.of(args[0]);
    Files.deleteIfExists(socket);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      PrintStream systemOut = System.out;
      while (true) {
        try (SocketChannel client = server.accept()) {
          serve(client);
        } catch (IOException | RuntimeException e) {
          System.err.println("doc-hostpki-server: " + e);
        } finally {
          System.setOut(systemOut);
        }
      }
    }
  }

  private static void serve(SocketChannel channel) throws IOException {
    DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
    DataOutputStream reply = new DataOutputStream(Channels.newOutputStream(channel));
    int count = in.readInt();
    String[] fields = new String[count];
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      fields[i] = new String(b, StandardCharsets.UTF_8);
    }
    Path workingDirectory = Path.of(fields[0]);
    int argc = Integer.parseInt(fields[1]);
    String[] argv = new String[argc];
    System.arraycopy(fields, 2, argv, 0, argc);
    Map<String, String> variables = new HashMap<>();
    for (int i = 2 + argc; i < count; i++) {
      int eq = fields[i].indexOf('=');
      if (eq > 0) {
        variables.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
      }
    }
    Environment environment =
        new Environment(
            FileSystems.getDefault(),
            workingDirectory,
            variables,
            Clock.systemUTC(),
            LiveHostIdentityProbe.system(),
            false,
            false);
    PrintStream stdout = new PrintStream(new Frames(reply, 1), true, StandardCharsets.UTF_8);
    System.setOut(stdout);
    PrintWriter out = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(new PrintStream(new Frames(reply, 2), true, StandardCharsets.UTF_8), true);
    int code;
    try {
      code = Main.run(out, err, environment, argv);
    } catch (RuntimeException e) {
      err.println("doc-hostpki-server: " + e);
      code = 70;
    }
    out.flush();
    err.flush();
    stdout.flush();
    synchronized (reply) {
      reply.writeByte(0);
      reply.writeInt(code);
      reply.flush();
    }
  }

  /** An output stream that sends what is written as frames of one stream number. */
  private static final class Frames extends OutputStream {
    private final DataOutputStream reply;
    private final int stream;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    Frames(DataOutputStream reply, int stream) {
      this.reply = reply;
      this.stream = stream;
    }

    @Override
    public void write(int b) {
      buffer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (buffer.size() == 0) {
        return;
      }
      synchronized (reply) {
        reply.writeByte(stream);
        reply.writeInt(buffer.size());
        buffer.writeTo(reply);
        reply.flush();
      }
      buffer.reset();
    }
  }

  /**
   * The {@code hostpki} a session finds first on PATH. It runs the command in the server when the
   * hostpki it stands for exists — the checkout's or an installed launcher, found as a reader's
   * shell would find it — and the command is not {@code version} (which shows the installation:
   * the launcher runs for real then), not {@code watch} (which would hold the server) and not under
   * {@code faketime} (whose clock is the process's); else it runs that launcher. Without one it fails as a shell does: {@code command not found}.
   */
  static final String CLIENT =
      """
      #!/usr/bin/python3
      import os, socket, struct, sys
      here = os.path.dirname(os.path.realpath(__file__))
      real = None
      for d in os.environ.get('PATH', '').split(':'):
          p = os.path.join(d or '.', 'hostpki')
          if os.path.realpath(d or '.') == here or not os.access(p, os.X_OK) or os.path.isdir(p):
              continue
          real = p
          break
      if os.path.basename(sys.argv[0]) != 'hostpki' or real is None:
          sys.stderr.write('bash: hostpki: command not found\\n')
          sys.exit(127)
      args = sys.argv[1:]
      try:
          with open(real, 'rb') as f:
              launcher = b'# hostpki launcher' in f.read(4096)
      except OSError:
          launcher = False
      sock = os.environ.get('DOC_HOSTPKI_SOCKET')
      words = [a for a in args if not a.startswith('-')]
      if (not launcher or not sock or 'FAKETIME' in os.environ or '--version' in args
              or words[:1] in (['version'], ['watch'])):
          os.execv(real, [real] + args)
      fields = [os.getcwd(), str(len(args))] + args + ['%s=%s' % kv for kv in os.environ.items()
                                                      if kv[0] != 'DOC_HOSTPKI_SOCKET']
      s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      s.connect(sock)
      msg = [struct.pack('>i', len(fields))]
      for f in fields:
          b = f.encode('utf-8', 'surrogateescape')
          msg.append(struct.pack('>i', len(b)) + b)
      s.sendall(b''.join(msg))
      r = s.makefile('rb')
      def read(n):
          b = r.read(n)
          if len(b) != n:
              sys.stderr.write('hostpki: the doc-test server went away\\n')
              sys.exit(70)
          return b
      while True:
          kind = read(1)[0]
          value = struct.unpack('>i', read(4))[0]
          if kind == 0:
              sys.exit(value)
          data = memoryview(read(value))
          try:
              while data:
                  data = data[os.write(kind, data):]
          except BrokenPipeError:
              pass
      """;
}
