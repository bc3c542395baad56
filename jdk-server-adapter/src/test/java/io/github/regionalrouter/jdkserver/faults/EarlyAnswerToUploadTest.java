package io.github.regionalrouter.jdkserver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.regionalrouter.resolve.RegionResolvers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Found by the soak run: when a fault makes the proxy answer an upload with an error before it has
 * read the body, the connection must either stay usable or the answer must say
 * {@code Connection: close}. On com.sun.net.httpserver the answer said nothing, the server then
 * closed the connection (more unread body than it drains), and the client's next request on it
 * failed with "header parser received no bytes".
 */
@Timeout(30)
class EarlyAnswerToUploadTest {
  ProxyUnderTest proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void anUploadAnsweredWithAnErrorBeforeItWasReadLeavesTheConnectionUsableOrSaysConnectionClose()
      throws Exception {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.fixed(Map.of("a.example", "us_east1", "lost.example", "nowhere")))
        .noCache());
    int size = 1024 * 1024;
    try (Socket s = FaultRig.open(proxy.address())) {
      OutputStream out = s.getOutputStream();
      Thread upload = new Thread(() -> {
        try {
          out.write(("POST / HTTP/1.1\r\nHost: lost.example\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(new byte[size]);
          out.flush();
        } catch (IOException e) {
          // the proxy closed the connection while the body was still being sent
        }
      }, "upload");
      upload.setDaemon(true);
      upload.start();

      FaultRig.Reply first = FaultRig.read(s.getInputStream());
      assertThat(first.status).as(first.toString()).isEqualTo(503);
      if ("close".equalsIgnoreCase(first.header("Connection"))) {
        return; // a client will not send another request on this connection
      }
      upload.join(10_000);
      FaultRig.Reply second;
      try {
        FaultRig.send(s, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n");
        second = FaultRig.read(s.getInputStream());
      } catch (IOException e) {
        throw new AssertionError("the answer kept the connection open (no Connection: close), but a second"
            + " request on it failed: " + e, e);
      }
      assertThat(second.status).as("a second request on a connection kept open: %s", second).isEqualTo(200);
    }
  }

  /**
   * Found by the soak run too: a client that writes its whole upload before it reads (most do) got
   * a reset instead of the early answer, because the proxy closed the connection with the body
   * unread. Now the proxy lingers: it sends the answer and a FIN, discards the rest of the body
   * (up to 8 MiB, 2 s), then closes; the client finishes writing and reads the answer.
   */
  @Test
  void aClientThatWritesItsWholeUploadBeforeReadingStillGetsTheEarlyAnswer() throws Exception {
    proxy = new ProxyUnderTest(r -> r
        .resolver(RegionResolvers.fixed(Map.of("lost.example", "nowhere")))
        .noCache());
    int size = 4 * 1024 * 1024;
    for (int round = 0; round < 3; round++) {
      try (Socket s = FaultRig.open(proxy.address())) {
        OutputStream out = s.getOutputStream();
        out.write(("POST / HTTP/1.1\r\nHost: lost.example\r\nContent-Length: " + size + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = new byte[64 * 1024];
        for (int sent = 0; sent < size; sent += chunk.length) {
          out.write(chunk); // a reset here would throw: the proxy must not close with the body unread
        }
        out.flush();
        FaultRig.Reply reply = FaultRig.read(s.getInputStream());
        assertThat(reply.status).as(reply.toString()).isEqualTo(503);
        assertThat(reply.header("Connection")).isEqualToIgnoringCase("close");
      }
    }
  }
}
