package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The resumable head parser, fed bytes directly: no socket. */
class RequestHeadParserTest {
  private static final Limits LIMITS = new Limits(8192, 64 * 1024, 100, 1, 1, 1, 1);

  private static byte[] head(int headers) {
    StringBuilder s = new StringBuilder("GET /a/b?c=d HTTP/1.1\r\nHost: a.example\r\n");
    for (int i = 0; i < headers; i++) {
      s.append("X-Header-").append(i).append(": ").append("v".repeat(40)).append("\r\n");
    }
    return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Feeds {@code b} one more byte at a time, as a connection reading one byte per read would. */
  private static ParsedRequestHead drip(RequestHeadParser p, byte[] b) throws RejectedRequestException {
    int pos = 0;
    for (int lim = 1; lim <= b.length; lim++) {
      ParsedRequestHead h = p.feed(b, pos, lim);
      pos = p.position();
      if (h != null) {
        assertThat(lim).as("head complete only at its last byte").isEqualTo(b.length);
        assertThat(pos).isEqualTo(b.length);
        return h;
      }
    }
    throw new AssertionError("head never completed");
  }

  @Test
  void aHeadDrippedOneBytePerFeedIsScannedOnceNotOncePerFeed() throws RejectedRequestException {
    for (int headers : new int[] {1, 10, 90}) {
      byte[] b = head(headers);
      RequestHeadParser p = new RequestHeadParser(LIMITS);
      long before = RequestHeadParser.SCANNED.sum();
      ParsedRequestHead h = drip(p, b);
      long scanned = RequestHeadParser.SCANNED.sum() - before;
      assertThat(h.count).isEqualTo(headers + 1);
      assertThat(scanned).as("bytes scanned for a %d-byte head", b.length).isLessThanOrEqualTo(2L * b.length);
    }
  }

  @Test
  void aDrippedHeadParsesToTheSameHeadAsOneFedWhole() throws RejectedRequestException {
    byte[] b = ("\r\nPOST /up HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 12\r\n"
        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    ParsedRequestHead dripped = drip(new RequestHeadParser(LIMITS), b);
    ParsedRequestHead whole = new RequestHeadParser(LIMITS).feed(b, 0, b.length);
    for (ParsedRequestHead h : new ParsedRequestHead[] {dripped, whole}) {
      assertThat(h.method).isEqualTo("POST");
      assertThat(h.target).isEqualTo("/up");
      assertThat(h.framing).isEqualTo(ParsedRequestHead.FIXED);
      assertThat(h.contentLength).isEqualTo(12);
      assertThat(h.closeRequested).isTrue();
      assertThat(h.expectContinue).isTrue();
      assertThat(h.count).isEqualTo(4);
    }
  }

  @Test
  void theParserResumesInTheHeaderSectionAndIsReadyForTheNextHeadAfterOne() throws RejectedRequestException {
    byte[] b = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: b\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    RequestHeadParser p = new RequestHeadParser(LIMITS);
    assertThat(p.feed(b, 0, 20)).isNull();
    assertThat(p.state()).isEqualTo(RequestHeadParser.State.HEADER_LINE);
    assertThat(p.position()).as("the request line is consumed").isEqualTo(16);
    ParsedRequestHead first = p.feed(b, p.position(), b.length);
    assertThat(first.target).isEqualTo("/");
    ParsedRequestHead second = p.feed(b, p.position(), b.length);
    assertThat(second.target).isEqualTo("/two");
    assertThat(p.position()).isEqualTo(b.length);
  }

  @Test
  void aDrippedHeadOverTheLimitIsRefusedAsWhenFedWhole() {
    byte[] b = ("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(70 * 1024) + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> drip(new RequestHeadParser(LIMITS), b))
        .isInstanceOfSatisfying(RejectedRequestException.class, e -> assertThat(e.status).isEqualTo(431));
  }
}
