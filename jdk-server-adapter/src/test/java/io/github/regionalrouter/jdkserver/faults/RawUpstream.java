package io.github.regionalrouter.jdkserver.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a raw {@link ServerSocket} that does to each request what the test says: a
 * canned (malformed) answer, a reset in the middle of the body, or silence. Each connection has
 * its own thread, which ends when the connection does, so a connection the proxy leaks shows as a
 * live thread and an open descriptor here.
 */
final class RawUpstream implements AutoCloseable {
  /** What happens on one connection once the request head has arrived. */
  @FunctionalInterface
  interface Act {
    /** Returns whether to keep reading until the proxy closes the connection. */
    boolean act(Socket socket) throws IOException;
  }

  /** Writes {@code response} as is and closes. */
  static Act canned(String response) {
    return s -> {
      OutputStream out = s.getOutputStream();
      out.write(response.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true; // let the proxy close: our close could hide what it does with the bytes
    };
  }

  /** Promises 100,000 bytes, sends 1,000, and resets the connection. */
  static Act resetMidBody() {
    return s -> {
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[1000]);
      out.flush();
      s.setSoLinger(true, 0); // close with RST
      return false;
    };
  }

  /** Never answers; waits for the proxy to give up and close. */
  static Act silent() {
    return s -> true;
  }

  private final ServerSocket server;
  private final Act act;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  RawUpstream(Act act) throws IOException {
    this.act = act;
    this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "raw-upstream-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String uri() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Connections open now. */
  int openConnections() {
    return open.size();
  }

  int accepted() {
    return accepted.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      open.add(s);
      Thread t = new Thread(() -> serve(s), "raw-upstream-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      if (!readHead(in)) {
        return;
      }
      if (act.act(s)) {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
          // drain until the proxy closes
        }
      }
    } catch (IOException e) {
      // the proxy reset the connection: done
    } finally {
      open.remove(s);
    }
  }

  private static boolean readHead(InputStream in) throws IOException {
    int state = 0;
    for (int c; (c = in.read()) >= 0; ) {
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
          : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
