package io.github.regionalrouter.jdkserver.http1;

import java.io.IOException;

/**
 * Every timeout and close of {@link Http1TimeoutAndCloseTest} with connections on an event loop
 * (the handlers here block, so they run on the executor): header, keep-alive, body and write
 * timeouts, drain, and no thread left after close.
 */
class Http1TimeoutAndCloseLoopTest extends Http1TimeoutAndCloseTest {
  @Override
  Http1Server.Builder builder() {
    return Http1Server.builder().eventLoop(true);
  }

  /**
   * On the loop a connection needs no thread until a request comes, so the busy answer is given
   * to a request no thread can take (the blocking mode gives it to the connection at accept).
   */
  @Override
  void whileTheOnlyThreadIsBusy(RawClient second) throws IOException {
    second.send(GET);
  }
}
