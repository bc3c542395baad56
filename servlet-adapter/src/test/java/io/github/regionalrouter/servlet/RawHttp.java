package io.github.regionalrouter.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a request as raw bytes and reads the whole answer, for what {@link java.net.http.HttpClient}
 * will not send (HTTP/1.0 without Host, odd Host headers). The request should close the connection.
 */
final class RawHttp {
  final int status;
  final Map<String, String> headers; // lower-case names, last value wins
  final String body;

  private RawHttp(int status, Map<String, String> headers, String body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  static RawHttp exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new IOException("no complete response head: " + text);
      }
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new RawHttp(status, headers, text.substring(end + 4));
    }
  }
}
