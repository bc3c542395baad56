package io.github.regionalrouter.jdkserver.http1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A raw-socket HTTP/1.1 client for tests: sends exact bytes, parses responses strictly. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  final InputStream in;
  final OutputStream out;

  RawClient(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 5000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  RawClient send(String s) throws IOException {
    return send(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawClient send(byte[] b) throws IOException {
    out.write(b);
    out.flush();
    return this;
  }

  /** A response as received. */
  static final class Response {
    int status;
    final List<String[]> headers = new ArrayList<>();
    byte[] body = new byte[0];

    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }

  /** Reads one response (1xx interim ones included); IOException if it is cut off. */
  Response read() throws IOException {
    return read(false);
  }

  Response read(boolean headRequest) throws IOException {
    Response r = new Response();
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("bad status line: " + statusLine);
    }
    r.status = Integer.parseInt(statusLine.substring(9, 12));
    for (String l = line(); !l.isEmpty(); l = line()) {
      int c = l.indexOf(':');
      r.headers.add(new String[] {l.substring(0, c), l.substring(c + 1).trim()});
    }
    if (headRequest || r.status < 200 || r.status == 204 || r.status == 304) {
      return r;
    }
    String te = r.header("Transfer-Encoding");
    String cl = r.header("Content-Length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (te != null) {
      if (!te.toLowerCase(Locale.ROOT).equals("chunked")) {
        throw new IOException("TE " + te);
      }
      while (true) {
        int size = Integer.parseInt(line(), 16);
        if (size == 0) {
          for (String l = line(); !l.isEmpty(); l = line()) {
            // trailers
          }
          break;
        }
        body.write(exactly(size));
        if (!line().isEmpty()) {
          throw new IOException("no CRLF after chunk");
        }
      }
    } else if (cl != null) {
      body.write(exactly(Integer.parseInt(cl)));
    } else {
      body.write(in.readAllBytes());
    }
    r.body = body.toByteArray();
    return r;
  }

  /** True if the server closed the connection (end of stream or reset) with nothing more sent. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  byte[] exactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("got " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("end of stream in a line: " + sb);
      }
      if (c == '\r') {
        if (in.read() != '\n') {
          throw new IOException("CR without LF");
        }
        return sb.toString();
      }
      if (c == '\n') {
        throw new IOException("bare LF from server");
      }
      sb.append((char) c);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
