package io.tracebridge.receiver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The request bytes are read whole, whatever length the stream announces. */
class ReadMessageTest {
  private static final byte[] BYTES = bytes(20_000);

  /** A stream that says it has {@code announced} bytes, whatever it really has. */
  private static final class Announcing extends InputStream implements KnownLength {
    private final ByteArrayInputStream in;
    private int announced;

    Announcing(byte[] bytes, int announced) {
      this.in = new ByteArrayInputStream(bytes);
      this.announced = announced;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, len);
    }

    @Override
    public int available() {
      int a = announced;
      announced = in.available();
      return a;
    }
  }

  @Test
  void knownLengthStreamIsReadWhole() throws IOException {
    assertThat(OtlpGrpcReceiver.readMessage(new Announcing(BYTES, BYTES.length))).isEqualTo(BYTES);
  }

  @Test
  void streamLongerOrShorterThanAnnouncedIsReadWhole() throws IOException {
    assertThat(OtlpGrpcReceiver.readMessage(new Announcing(BYTES, 100))).isEqualTo(BYTES);
    assertThat(OtlpGrpcReceiver.readMessage(new Announcing(BYTES, BYTES.length + 500)))
        .isEqualTo(BYTES);
    assertThat(OtlpGrpcReceiver.readMessage(new Announcing(BYTES, 0))).isEqualTo(BYTES);
    assertThat(OtlpGrpcReceiver.readMessage(new Announcing(new byte[0], 0))).isEmpty();
  }

  @Test
  void otherStreamsAreReadWhole() throws IOException {
    assertThat(OtlpGrpcReceiver.readMessage(new ByteArrayInputStream(BYTES))).isEqualTo(BYTES);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }
}
