package io.github.regionalrouter.jdkserver.http1;

/**
 * Every test of {@link Http1ServerTest} with connections on an event loop: keep-alive, pipelining,
 * framing and answers must not change with the mode. The handlers here read bodies blocking, so
 * they run on the executor and the loop reads each body for them ({@link Http1EventLoopTest} calls
 * a handler on the loop thread).
 */
class Http1ServerLoopTest extends Http1ServerTest {
  @Override
  Http1Server.Builder builder() {
    return Http1Server.builder().eventLoop(true);
  }
}
