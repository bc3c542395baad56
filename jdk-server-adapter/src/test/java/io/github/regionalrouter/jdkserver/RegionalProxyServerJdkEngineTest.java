package io.github.regionalrouter.jdkserver;

/** Every {@link RegionalProxyServerTest} on the {@code com.sun.net.httpserver} engine. */
class RegionalProxyServerJdkEngineTest extends RegionalProxyServerTest {
  @Override
  RegionalProxyServer.Engine engine() {
    return RegionalProxyServer.Engine.JDK_HTTPSERVER;
  }
}
