package io.github.regionalrouter.jdkserver.http1;

/**
 * Every test of {@link Http1ServerTest} with connections on an event loop and the handler called
 * on the loop thread (as the proxy runs it): keep-alive, pipelining, framing and answers must not
 * change with the mode.
 */
class Http1ServerLoopTest extends Http1ServerTest {
  @Override
  Http1Server.Builder builder() {
    return Http1Server.builder().eventLoop(true).nonBlockingHandler(true);
  }
}
