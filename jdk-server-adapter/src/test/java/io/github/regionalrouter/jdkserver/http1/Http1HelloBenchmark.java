package io.github.regionalrouter.jdkserver.http1;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A hello-world server for load tools, not a test: {@code Http1HelloBenchmark http1 8081}, {@code http1-async} (answered from another
 * thread, as the forwarder does) or
 * {@code Http1HelloBenchmark jdk 8082} (the JDK HttpServer, for comparison; run it with
 * {@code -Dsun.net.httpserver.nodelay=true}). Drive it with {@code wrk -t2 -c64 -d10s URL}.
 */
public final class Http1HelloBenchmark {
  private static final byte[] HELLO = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);
  private static final List<Map.Entry<String, String>> HEADERS = List.of(Map.entry("Content-Type", "text/plain"));

  private Http1HelloBenchmark() {}

  public static void main(String[] args) throws Exception {
    String kind = args.length > 0 ? args[0] : "http1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8081;
    if (kind.equals("jdk")) {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
      s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(64));
      s.createContext("/", ex -> {
        ex.getResponseHeaders().add("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, HELLO.length);
        ex.getResponseBody().write(HELLO);
        ex.close();
      });
      s.start();
    } else {
      // http1-async: the answer comes from another thread, as the forwarder's does
      java.util.concurrent.Executor other = kind.equals("http1-async")
          ? java.util.concurrent.Executors.newFixedThreadPool(4) : Runnable::run;
      Http1Server s = Http1Server.builder().port(port).handler(ex -> other.execute(() -> {
        try {
          ex.sendHead(200, HEADERS, HELLO.length);
          ex.write(ByteBuffer.wrap(HELLO));
          ex.complete();
        } catch (java.io.IOException e) {
          ex.abort();
        }
      })).build().start();
      System.out.println("http1 hello on " + s.address());
    }
    System.out.println("listening on " + port + " (" + kind + ")");
    new CountDownLatch(1).await();
  }
}
