package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that drips its head a byte per write, over a real socket: the server parses it once,
 * however many reads it takes, on the event loop and with a thread per connection.
 */
@Timeout(30)
class Http1DrippedHeadTest {
  private final RecordingHandler handler = new RecordingHandler();
  private Http1Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close(Duration.ZERO);
    }
  }

  @ParameterizedTest(name = "event loop: {0}")
  @ValueSource(booleans = {true, false})
  void aHeadDrippedOneBytePerWriteCostsScanningLinearInItsSize(boolean eventLoop) throws Exception {
    server = Http1Server.builder().eventLoop(eventLoop).handler(handler).build().start();
    StringBuilder s = new StringBuilder("GET /dripped HTTP/1.1\r\nHost: a.example\r\n");
    for (int i = 0; i < 60; i++) {
      s.append("X-Header-").append(i).append(": ").append("v".repeat(50)).append("\r\n");
    }
    byte[] head = s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    long before = RequestHeadParser.SCANNED.sum();
    try (RawClient c = new RawClient(server.address())) {
      for (byte b : head) {
        c.send(new byte[] {b});
      }
      assertThat(c.read().status).isEqualTo(200);
    }
    assertThat(handler.awaitSeen(1).get(0).target()).isEqualTo("/dripped");
    long scanned = RequestHeadParser.SCANNED.sum() - before;
    assertThat(scanned).as("bytes scanned for a %d-byte head", head.length).isLessThanOrEqualTo(2L * head.length);
  }

  @Test
  void aDrippedHeadThenAnotherOnTheSameConnectionAreBothServed() throws IOException, InterruptedException {
    server = Http1Server.builder().eventLoop(true).handler(handler).build().start();
    byte[] head = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    try (RawClient c = new RawClient(server.address())) {
      for (byte b : head) {
        c.send(new byte[] {b});
      }
      assertThat(c.read().status).isEqualTo(200);
      c.send("GET /two HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status).isEqualTo(200);
    }
    assertThat(handler.awaitSeen(2)).extracting(RecordingHandler.Seen::target).containsExactly("/one", "/two");
  }
}
