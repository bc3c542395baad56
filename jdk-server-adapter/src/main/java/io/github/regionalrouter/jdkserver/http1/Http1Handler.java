package io.github.regionalrouter.jdkserver.http1;

/**
 * Handles the requests of an {@link Http1Server}.
 *
 * <p>Called on the connection's thread once a request head has been read and validated; it should
 * return quickly and may complete the exchange later, from any thread (the connection holds no
 * thread meanwhile). The exchange must end with {@link Http1Exchange#complete()} or
 * {@link Http1Exchange#abort()}; a connection whose exchange never ends stays open until the
 * server closes. If the handler throws before starting a response, the client gets a 500 and the
 * connection is closed; after, the exchange is aborted.
 */
@FunctionalInterface
public interface Http1Handler {

  /**
   * Handles one request.
   *
   * @param exchange the request and its response
   * @throws Exception any failure; answered 500 or aborted as described above
   */
  void handle(Http1Exchange exchange) throws Exception;
}
