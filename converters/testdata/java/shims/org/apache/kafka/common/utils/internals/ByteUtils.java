package org.apache.kafka.common.utils.internals;

import java.nio.ByteBuffer;

/**
 * Shim: Confluent's MessageIndexes (protobuf-provider) imports ByteUtils from this package,
 * where Confluent's own Kafka build (ce-kafka) has it; Apache Kafka's kafka-clients has the
 * same varint helpers as org.apache.kafka.common.utils.ByteUtils, which this delegates to.
 * MessageIndexes frames the message indexes of the wire format; it plays no part in the
 * schema strings the goldens hold.
 */
public final class ByteUtils {
  private ByteUtils() {
  }

  public static int sizeOfVarint(int value) {
    return org.apache.kafka.common.utils.ByteUtils.sizeOfVarint(value);
  }

  public static void writeVarint(int value, ByteBuffer buffer) {
    org.apache.kafka.common.utils.ByteUtils.writeVarint(value, buffer);
  }

  public static int readVarint(ByteBuffer buffer) {
    return org.apache.kafka.common.utils.ByteUtils.readVarint(buffer);
  }
}
