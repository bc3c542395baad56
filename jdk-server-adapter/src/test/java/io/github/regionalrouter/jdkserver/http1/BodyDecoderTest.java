package io.github.regionalrouter.jdkserver.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request-body codec without a socket: whole, and fed one byte at a time as a dripping client would. */
class BodyDecoderTest {

  /** Feeds {@code wire} {@code step} bytes at a time; returns the decoded body, or throws. */
  private static String decode(String wire, boolean chunked, long length, int step) throws RejectedRequestException {
    byte[] in = wire.getBytes(StandardCharsets.ISO_8859_1);
    Http1Input buf = new Http1Input(null, 16);
    BodyDecoder d = new BodyDecoder(1024, 10, chunked, length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = new byte[7];
    int fed = 0;
    while (true) {
      int n = d.decode(buf, b, 0, b.length);
      if (n > 0) {
        out.write(b, 0, n);
      } else if (n < 0) {
        assertThat(d.atEnd()).isTrue();
        assertThat(d.total()).isEqualTo(out.size());
        // what follows the body stays buffered for the next request
        return out.toString(StandardCharsets.ISO_8859_1) + "|" + new String(buf.buf, buf.pos, buf.lim - buf.pos,
            StandardCharsets.ISO_8859_1) + new String(in, fed, in.length - fed, StandardCharsets.ISO_8859_1);
      } else {
        if (fed == in.length) {
          return "NEED MORE: " + out.toString(StandardCharsets.ISO_8859_1);
        }
        int k = Math.min(step, in.length - fed);
        if (buf.pos == buf.lim) {
          buf.pos = 0;
          buf.lim = 0;
        }
        if (buf.lim + k > buf.buf.length) {
          byte[] bigger = new byte[(buf.lim + k) * 2];
          System.arraycopy(buf.buf, 0, bigger, 0, buf.lim);
          buf.buf = bigger;
        }
        System.arraycopy(in, fed, buf.buf, buf.lim, k);
        buf.lim += k;
        fed += k;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 1000})
  void aFixedLengthBodyEndsAtItsLength(int step) throws Exception {
    assertThat(decode("hello world|GET / ...", false, 11, step)).isEqualTo("hello world||GET / ...");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 1000})
  void aChunkedBodyWithExtensionsAndTrailersDecodesTheSameHowEverItIsCut(int step) throws Exception {
    String wire = "5;a=b;c=\"d e\"\r\nhello\r\nB\r\n world, bye\r\n0\r\nX-T: 1\r\nY: z\r\n\r\nNEXT";
    assertThat(decode(wire, true, -1, step)).isEqualTo("hello world, bye|NEXT");
  }

  @Test
  void anUnfinishedBodyAsksForMore() throws Exception {
    assertThat(decode("hel", false, 5, 1)).isEqualTo("NEED MORE: hel");
    assertThat(decode("5\r\nhello\r\n0\r\n", true, -1, 1)).isEqualTo("NEED MORE: hello");
  }

  @Test
  void anEmptyFixedBodyIsAtItsEndAtOnce() throws Exception {
    assertThat(new BodyDecoder(1024, 10, false, 0).atEnd()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "5\nhello\r\n0\r\n\r\n", // size line without CR
      "x\r\n", // not a size
      "5\r\nhelloXY0\r\n\r\n", // data not followed by CRLF
      "5;\r\nhello\r\n0\r\n\r\n", // empty extension
      "5;bad[=x\r\nhello\r\n0\r\n\r\n", // not a token
      "11111111111111111\r\n", // size too large
      "0\r\nX-T: a\u0001b\r\n\r\n", // control byte in a trailer
      "0\r\nX: 1\nY: 2\r\n\r\n", // trailer line without CR
  })
  void malformedFramingIsRejectedWith400(String wire) {
    for (int step : new int[] {1, 1000}) {
      assertThatThrownBy(() -> decode(wire, true, -1, step)).isInstanceOf(RejectedRequestException.class)
          .satisfies(e -> assertThat(((RejectedRequestException) e).status).isEqualTo(400));
    }
  }

  @Test
  void longLinesAreRejectedWhileStillComing() {
    String longSize = "1" + ";a=b".repeat(Limits.MAX_CHUNK_LINE_BYTES / 4 + 1);
    assertThatThrownBy(() -> decode(longSize, true, -1, 64)).isInstanceOf(RejectedRequestException.class)
        .hasMessageContaining("chunk-size line longer than");
    String bigTrailers = "0\r\n" + "X-T: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(40) + "\r\n";
    assertThatThrownBy(() -> decode(bigTrailers, true, -1, 64)).isInstanceOf(RejectedRequestException.class)
        .hasMessageContaining("trailer section too large");
  }
}
