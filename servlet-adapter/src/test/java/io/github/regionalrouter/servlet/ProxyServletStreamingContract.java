package io.github.regionalrouter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RegionalProxyServlet} streams bodies both ways instead of holding them: 100 MiB up and
 * 100 MiB down go through a container and proxy running in a JVM whose whole heap is 64 MiB
 * ({@link ForkedProxy}; it exits on the first OutOfMemoryError), and arrive byte for byte (count
 * and SHA-256 taken at both ends). One subclass per container.
 */
abstract class ProxyServletStreamingContract {
  private static final long SIZE = 100L * 1024 * 1024;
  private static final int HEAP_MIB = 64;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String containerName;
  private final Upstreams upstreams = new Upstreams();
  private ForkedProxy proxy;

  @TempDir Path dir;

  ProxyServletStreamingContract(String containerName) {
    this.containerName = containerName;
  }

  @BeforeEach
  void startProxy() throws Exception {
    String upstream = upstreams.http(exchange -> {
      if (exchange.getRequestURI().getPath().equals("/upload")) {
        // count and digest what arrives, answer "<count> <sha-256>"
        DigestInputStream in = new DigestInputStream(exchange.getRequestBody(), sha256());
        long n = in.transferTo(OutputStream.nullOutputStream());
        byte[] answer = (n + " " + hex(in.getMessageDigest())).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      } else {
        exchange.sendResponseHeaders(200, SIZE);
        try (OutputStream out = exchange.getResponseBody()) {
          new Generated(SIZE).transferTo(out);
        }
      }
      exchange.close();
    });
    proxy = ForkedProxy.start(containerName, upstream, HEAP_MIB, dir.resolve("proxy.log"));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    upstreams.close();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/app/proxy" + path))
        .header("Host", "east.example.com")
        .timeout(Duration.ofSeconds(60));
  }

  @Test
  @Timeout(60)
  void a100MiBUploadStreamsThroughAProxyWithA64MiBHeap() throws Exception {
    DigestInputStream sent = new DigestInputStream(new Generated(SIZE), sha256());

    HttpResponse<String> answer;
    try {
      answer = CLIENT.send(
          request("/upload").POST(HttpRequest.BodyPublishers.fromPublisher(
              HttpRequest.BodyPublishers.ofInputStream(() -> sent), SIZE)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw proxyFailed(e);
    }

    assertThat(answer.statusCode()).as("see %s", proxy.log()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(SIZE + " " + hex(sent.getMessageDigest()));
    assertThat(proxy.isAlive()).as("the proxy JVM is alive (no OutOfMemoryError)").isTrue();
  }

  @Test
  @Timeout(60)
  void a100MiBDownloadStreamsThroughAProxyWithA64MiBHeap() throws Exception {
    HttpResponse<InputStream> answer =
        CLIENT.send(request("/download").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    long received;
    MessageDigest digest;
    try (DigestInputStream in = new DigestInputStream(answer.body(), sha256())) {
      received = in.transferTo(OutputStream.nullOutputStream());
      digest = in.getMessageDigest();
    } catch (IOException e) {
      throw proxyFailed(e);
    }

    assertThat(answer.statusCode()).as("see %s", proxy.log()).isEqualTo(200);
    assertThat(answer.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
    assertThat(received).isEqualTo(SIZE);
    assertThat(hex(digest)).isEqualTo(expectedDigest());
    assertThat(proxy.isAlive()).as("the proxy JVM is alive (no OutOfMemoryError)").isTrue();
  }

  /** The transfer broke: say whether the proxy JVM died (of OutOfMemoryError: it holds bodies) and where its log is. */
  private AssertionError proxyFailed(IOException e) throws InterruptedException {
    boolean died = proxy.waitForExit(Duration.ofSeconds(2));
    return new AssertionError("the transfer broke (" + e + "); the proxy JVM "
        + (died ? "exited (OutOfMemoryError with -Xmx" + HEAP_MIB + "m?)" : "still runs") + "; see " + proxy.log(), e);
  }

  private static String expectedDigest() throws IOException {
    DigestInputStream in = new DigestInputStream(new Generated(SIZE), sha256());
    in.transferTo(OutputStream.nullOutputStream());
    return hex(in.getMessageDigest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** {@code size} generated bytes, the same every time, none of them stored beyond an 8 KiB block. */
  static final class Generated extends InputStream {
    private final long size;
    private long position;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (position >= size) {
        return -1;
      }
      return byteAt(position++);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) byteAt(position + i);
      }
      position += n;
      return n;
    }

    private static int byteAt(long i) {
      // varies with the position within and across blocks, so a lost, doubled or moved chunk shows
      return (int) ((i * 31 + (i >>> 13) * 7 + (i >>> 23)) & 0xff);
    }
  }
}
