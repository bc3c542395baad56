package io.github.regionalrouter.jdkserver.http1;

/**
 * Every hostile request of {@link Http1HostileRequestTest} against a server whose connections run
 * on an event loop (the handlers read bodies blocking, so they run on the executor): the loop parses heads from whatever has
 * arrived, so each case must get the same stated answer as with a thread per connection.
 */
class Http1HostileRequestLoopTest extends Http1HostileRequestTest {
  @Override
  Http1Server.Builder builder() {
    return Http1Server.builder().eventLoop(true);
  }
}
