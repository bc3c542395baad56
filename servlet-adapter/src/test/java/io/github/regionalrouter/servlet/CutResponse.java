package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a raw client read of an answer until the connection closed, was reset, or stayed silent
 * for 5 s: to tell a cut-off body from a whole one by its framing, which an HTTP client library
 * would hide behind an exception or not check at all.
 */
final class CutResponse {
  final String head; // status line and headers, each line ending CRLF
  final byte[] body; // the raw bytes after the head, chunk framing included

  private CutResponse(String head, byte[] body) {
    this.head = head;
    this.body = body;
  }

  /** Sends {@code GET path} for east.example.com with {@code Connection: <connection>} to 127.0.0.1:{@code port}. */
  static CutResponse get(int port, String path, String connection) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: east.example.com\r\nConnection: "
          + connection + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          all.write(buf, 0, n);
        }
      } catch (SocketException reset) {
        // an abortive close: what arrived before it is the answer
      } catch (SocketTimeoutException open) {
        // the connection stayed open: the answer is what came, complete or not
      }
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as("a response head in: %s", text).isPositive();
      return new CutResponse(text.substring(0, end + 2), Arrays.copyOfRange(bytes, end + 4, bytes.length));
    }
  }

  /** Whether the body is visibly incomplete: shorter than its Content-Length, or without the last chunk. */
  boolean isIncomplete() {
    String h = head.toLowerCase(Locale.ROOT);
    int cl = h.indexOf("\r\ncontent-length:");
    if (cl >= 0) {
      int end = h.indexOf("\r\n", cl + 2);
      long declared = Long.parseLong(h.substring(cl + "\r\ncontent-length:".length(), end).trim());
      return body.length < declared;
    }
    if (h.contains("\r\ntransfer-encoding: chunked\r\n")) {
      String text = new String(body, StandardCharsets.ISO_8859_1);
      return !(text.endsWith("\r\n0\r\n\r\n") || text.equals("0\r\n\r\n"));
    }
    return false; // delimited by the close: looks complete
  }

  @Override
  public String toString() {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    return head.replace("\r\n", " | ") + " + " + body.length + " body bytes ending "
        + text.substring(Math.max(0, text.length() - 12)).replace("\r\n", "\\r\\n");
  }
}
