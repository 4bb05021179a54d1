package io.downhill.collective;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A peer written by hand from the wire format documented in {@link Handshake} and {@link Frame},
 * over a raw socket, so that tests can send a mesh member wrong, missing or hostile bytes.
 */
final class RawPeer implements AutoCloseable {
  final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawPeer(String address) throws IOException {
    int colon = address.lastIndexOf(':');
    socket = new Socket();
    socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
        5000);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  byte[] read(int length) throws IOException {
    byte[] b = new byte[length];
    in.readFully(b);
    return b;
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  static byte[] hello(int from, int to, long session, byte[] nonce) {
    return le(Handshake.HELLO).putInt(Handshake.MAGIC).putInt(Handshake.VERSION).putInt(from).putInt(to)
        .putLong(session).put(nonce).array();
  }

  static byte[] proof(byte[] secret, String label, byte[] first, byte[] second, long session, int from, int to) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.US_ASCII));
      mac.update(first);
      mac.update(second);
      mac.update(le(16).putLong(session).putInt(from).putInt(to).array());
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The connector's side of the handshake as rank {@code from} to rank {@code to}, proving with
   * {@code secret}; returns whether the acceptor's proof matched {@code secret}.
   */
  boolean authenticate(byte[] secret, int from, int to, long session) throws IOException {
    byte[] nonceC = new byte[Handshake.NONCE];
    Arrays.fill(nonceC, (byte) 7);
    write(hello(from, to, session, nonceC));
    ByteBuffer reply = ByteBuffer.wrap(read(Handshake.REPLY)).order(ByteOrder.LITTLE_ENDIAN);
    if (reply.getInt(0) != Handshake.MAGIC || reply.getInt(8) != to) {
      throw new AssertionError("unexpected reply header");
    }
    byte[] nonceA = Arrays.copyOfRange(reply.array(), 12, 12 + Handshake.NONCE);
    byte[] theirs = Arrays.copyOfRange(reply.array(), 12 + Handshake.NONCE, Handshake.REPLY);
    boolean matched = Arrays.equals(theirs, proof(secret, "acceptor", nonceC, nonceA, session, from, to));
    write(proof(secret, "connector", nonceA, nonceC, session, from, to));
    return matched;
  }

  /** A frame header as documented in {@link Frame}. */
  static ByteBuffer header(long round, int phase, int flags, int from, int n, int k, int payload) {
    ByteBuffer b = le(Frame.HEADER);
    b.putInt(Frame.MAGIC).putLong(round).put((byte) phase).put((byte) flags).putInt(from).putInt(n).putInt(k)
        .putInt(payload);
    return b;
  }

  /** A reduce-scatter frame of a double slice (or no vector when null). */
  static byte[] scatter(long round, int from, int n, long max, double[] scalars, double[] slice) {
    int payload = 8 + 8 * scalars.length + (slice == null ? 0 : 8 * slice.length);
    ByteBuffer b = le(Frame.HEADER + payload);
    b.put(header(round, Frame.SCATTER, slice == null ? 0 : Frame.VECTOR, from, n, scalars.length, payload).array());
    b.putLong(max);
    for (double s : scalars) {
      b.putDouble(s);
    }
    if (slice != null) {
      for (double v : slice) {
        b.putDouble(v);
      }
    }
    return b.array();
  }

  /** Reads one frame; returns its header and payload. */
  ByteBuffer readFrame() throws IOException {
    ByteBuffer head = ByteBuffer.wrap(read(Frame.HEADER)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] payload = read(head.getInt(26));
    return le(Frame.HEADER + payload.length).put(head.array()).put(payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
