package io.github.regionalrouter.forward;

import java.io.InputStream;

/** The built-in {@link RequestBody}s. */
final class Bodies {
  private Bodies() {}

  static final RequestBody EMPTY = new Of(InputStream.nullInputStream(), 0);

  static final class Of implements RequestBody {
    private final InputStream stream;
    private final long length;

    Of(InputStream stream, long length) {
      this.stream = stream;
      this.length = length;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public InputStream stream() {
      return stream;
    }
  }
}
