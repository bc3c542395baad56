package io.github.regionalrouter.jdkserver.http1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each request it is called with (method, target, headers, body) and answers 200 "ok". */
final class RecordingHandler implements Http1Handler {
  /** What the handler saw of one request. */
  record Seen(String method, String target, List<String> headerNames, byte[] body, IOException bodyError) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.Semaphore recorded = new java.util.concurrent.Semaphore(0);

  /** Waits until {@code n} requests have been recorded (the handler may still be finishing the answer). */
  List<Seen> awaitSeen(int n) throws InterruptedException {
    if (!recorded.tryAcquire(n, 10, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new AssertionError("handler saw " + seen.size() + " requests, expected " + n);
    }
    recorded.release(n);
    return seen;
  }

  @Override
  public void handle(Http1Exchange ex) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    IOException error = null;
    try (InputStream in = ex.requestBody()) {
      in.transferTo(body);
    } catch (IOException e) {
      error = e;
    }
    List<String> names = new java.util.ArrayList<>();
    ex.headerNames().forEach(names::add);
    seen.add(new Seen(ex.method(), ex.target(), names, body.toByteArray(), error));
    recorded.release();
    if (error == null) {
      ex.respond(200, "ok " + body.size());
    }
  }
}
