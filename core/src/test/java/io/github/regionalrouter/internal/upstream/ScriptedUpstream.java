package io.github.regionalrouter.internal.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A raw loopback upstream: each accepted connection runs the script on its own thread. */
public final class ScriptedUpstream implements AutoCloseable {
  public interface Script {
    void run(Socket s, InputStream in) throws Exception;
  }

  public final ServerSocket server;
  public final AtomicInteger accepted = new AtomicInteger();
  public final LinkedBlockingQueue<String> heads = new LinkedBlockingQueue<>();
  public final LinkedBlockingQueue<Socket> closed = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public ScriptedUpstream(Script script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return;
        }
        accepted.incrementAndGet();
        sockets.add(s);
        Thread t = new Thread(() -> {
          try (Socket sock = s) {
            script.run(sock, sock.getInputStream());
          } catch (Exception ignored) {
            // the script ended the connection
          } finally {
            closed.add(s);
          }
        }, "scripted-upstream-conn");
        t.setDaemon(true);
        t.start();
      }
    }, "scripted-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers every request on a connection with {@code response} (kept alive). */
  public static ScriptedUpstream answering(String response) throws IOException {
    ScriptedUpstream[] self = new ScriptedUpstream[1];
    self[0] = new ScriptedUpstream((s, in) -> {
      String head;
      while ((head = readHead(in)) != null) {
        self[0].heads.add(head);
        s.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
      }
    });
    return self[0];
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Reads one request head (through the blank line); null at EOF. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    for (int c; (c = in.read()) >= 0; ) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
