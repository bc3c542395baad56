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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RegionalProxyServlet} streams bodies both ways instead of holding them: 100 MiB up and
 * 100 MiB down go through a container and proxy running in a JVM whose whole heap is 64 MiB
 * ({@link ForkedProxy}; it exits on the first OutOfMemoryError), and arrive byte for byte (count
 * and SHA-256 taken at both ends). One subclass per container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one proxy JVM for both directions
abstract class ProxyServletStreamingContract {
  private static final long SIZE = 100L * 1024 * 1024;
  private static final int HEAP_MIB = 64;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String containerName;
  private final Upstreams upstreams = new Upstreams();
  private final AtomicReference<String> downloadSent = new AtomicReference<>(); // the upstream's SHA-256
  private ForkedProxy proxy;

  ProxyServletStreamingContract(String containerName) {
    this.containerName = containerName;
  }

  @BeforeAll
  @Timeout(30)
  void startProxy(@TempDir Path dir) throws Exception {
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
        DigestInputStream generated = new DigestInputStream(new Generated(SIZE), sha256());
        try (OutputStream out = exchange.getResponseBody()) {
          generated.transferTo(out);
        }
        downloadSent.set(hex(generated.getMessageDigest()));
      }
      exchange.close();
    });
    proxy = ForkedProxy.start(containerName, upstream, HEAP_MIB, dir.resolve("proxy.log"));
  }

  @AfterAll
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    upstreams.close();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/app/proxy" + path))
        .header("Host", "east.example.com")
        .timeout(Duration.ofSeconds(80));
  }

  @Test
  @Timeout(90)
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
  @Timeout(90)
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
    assertThat(hex(digest)).isEqualTo(downloadSent.get());
    assertThat(proxy.isAlive()).as("the proxy JVM is alive (no OutOfMemoryError)").isTrue();
  }

  /** The transfer broke: say whether the proxy JVM died (of OutOfMemoryError: it holds bodies) and where its log is. */
  private AssertionError proxyFailed(IOException e) throws InterruptedException {
    boolean died = proxy.waitForExit(Duration.ofSeconds(2));
    return new AssertionError("the transfer broke (" + e + "); the proxy JVM "
        + (died ? "exited (OutOfMemoryError with -Xmx" + HEAP_MIB + "m?)" : "still runs") + "; see " + proxy.log(), e);
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

  /**
   * {@code size} generated bytes, the same every time: a pseudo-random block of a prime length
   * (8191 bytes) repeated, so that a lost, doubled or moved chunk of any usual buffer size changes
   * the digest. Nothing beyond that block is stored.
   */
  static final class Generated extends InputStream {
    private static final byte[] BLOCK = new byte[8191];

    static {
      new java.util.Random(42).nextBytes(BLOCK);
    }

    private final long size;
    private long position;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      return position >= size ? -1 : BLOCK[(int) (position++ % BLOCK.length)] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int at = (int) (position % BLOCK.length);
      int n = (int) Math.min(Math.min(len, size - position), BLOCK.length - at);
      System.arraycopy(BLOCK, at, b, off, n);
      position += n;
      return n;
    }
  }
}
