package io.downhill.collective;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link Rendezvous} messages that follow the handshake, all numbers little-endian:
 *
 * <pre>
 * member → driver  join     int attempt, int size, int length, address (length bytes, printable ASCII)
 * driver → member  roll     int size, then per rank 0..size-1: int length, address
 *              or  refusal  int -1, int length, reason (length bytes, UTF-8)
 * </pre>
 *
 * Every length is checked against its bound before room is made for what follows it.
 */
final class Roll {
  /**
   * The longest address: a host name's 253 characters, brackets, a colon and a port, and the
   * process token of a member that links through memory ("/" and 16 hex digits, {@link Mesh#address}).
   */
  static final int MAX_ADDRESS = 280;
  private static final int MAX_REASON = 1 << 12;
  private static final int REFUSED = -1;

  /** A member's join message: its stage attempt, its group's size and its mesh address. */
  record Join(int attempt, int size, String address) {}

  private Roll() {}

  static byte[] join(int attempt, int size, String address) {
    byte[] a = address.getBytes(StandardCharsets.US_ASCII);
    return buffer(12 + a.length).putInt(attempt).putInt(size).putInt(a.length).put(a).array();
  }

  /** Reads a member's join message ({@code who}: the member in messages). */
  static Join readJoin(InputStream in, Watch watch, String who) throws IOException {
    ByteBuffer head = read(in, watch, 12, who, "its join message");
    return new Join(head.getInt(0), head.getInt(4), readAddress(in, watch, head.getInt(8), who, "its address"));
  }

  /** The members' addresses in rank order. */
  static byte[] roll(String[] addresses) {
    List<byte[]> bytes = new ArrayList<>();
    int length = 4;
    for (String a : addresses) {
      bytes.add(a.getBytes(StandardCharsets.US_ASCII));
      length += 4 + bytes.get(bytes.size() - 1).length;
    }
    ByteBuffer b = buffer(length).putInt(addresses.length);
    for (byte[] a : bytes) {
      b.putInt(a.length).put(a);
    }
    return b.array();
  }

  /** Why the driver refuses a member, for the member's error message (never anything secret). */
  static byte[] refusal(String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    if (r.length > MAX_REASON) {
      r = Arrays.copyOf(r, MAX_REASON);
    }
    return buffer(8 + r.length).putInt(REFUSED).putInt(r.length).put(r).array();
  }

  /**
   * Reads the driver's answer to a join: the roll of {@code size} addresses, or its refusal as an
   * IOException that says why ({@code who}: the driver in messages).
   */
  static List<String> readRoll(InputStream in, Watch watch, String who, int size) throws IOException {
    int count = read(in, watch, 4, who, "the addresses of all " + size
        + " members, which it sends once every member has joined").getInt(0);
    if (count == REFUSED) {
      int length = read(in, watch, 4, who, "the length of its refusal").getInt(0);
      if (length < 0 || length > MAX_REASON) {
        throw new IOException(who + " refused this member with a reason of " + length + " bytes, expected 0.."
            + MAX_REASON);
      }
      byte[] reason = new byte[length];
      watch.readFully(in, reason, 0, length, who, "its refusal");
      throw new IOException(who + " refused this member: " + new String(reason, StandardCharsets.UTF_8));
    }
    if (count != size) {
      throw new IOException(who + " sent the addresses of " + count + " members, expected " + size);
    }
    List<String> addresses = new ArrayList<>(size);
    for (int r = 0; r < size; r++) {
      int length = read(in, watch, 4, who, "the length of rank " + r + "'s address").getInt(0);
      addresses.add(readAddress(in, watch, length, who, "rank " + r + "'s address"));
    }
    return addresses;
  }

  private static String readAddress(InputStream in, Watch watch, int length, String who, String what)
      throws IOException {
    if (length < 1 || length > MAX_ADDRESS) {
      throw new IOException(who + " announced " + length + " bytes for " + what + ", expected 1.." + MAX_ADDRESS);
    }
    byte[] a = new byte[length];
    watch.readFully(in, a, 0, length, who, what);
    for (byte c : a) {
      if (c < 0x21 || c > 0x7e) {
        throw new IOException(who + " sent a byte " + String.format("0x%02x", c & 0xff) + " in " + what
            + ", expected printable ASCII (host:port)");
      }
    }
    return new String(a, StandardCharsets.US_ASCII);
  }

  private static ByteBuffer read(InputStream in, Watch watch, int length, String who, String what)
      throws IOException {
    ByteBuffer b = buffer(length);
    watch.readFully(in, b.array(), 0, length, who, what);
    return b;
  }

  private static ByteBuffer buffer(int length) {
    return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
  }
}
